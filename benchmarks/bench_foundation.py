"""Timings of the foundation: building the embedded database and answering common questions.

    .venv/bin/python benchmarks/bench_foundation.py [--runs 7]

Reports the median and the spread of several runs of each step, on this machine, now. The
machines are shared and noisy: compare figures from the same run, not across runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lazos


def timed(fn, runs: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        rows = []
        rows.append(("lazos.build (embedded dataset)", *timed(lambda: lazos.build(path), args.runs)))
        db = lazos.open(path)
        rows.append(
            (
                "overview(as_of=2020-01-01)",
                *timed(lambda: db.overview(as_of="2020-01-01"), args.runs),
            )
        )
        rows.append(
            (
                "country('阿根廷', as_of=2022-03-01)",
                *timed(lambda: db.country("阿根廷", as_of="2022-03-01"), args.runs),
            )
        )
        rows.append(("events()", *timed(db.events, args.runs)))
        rows.append(("projects(as_of=2020)", *timed(lambda: db.projects(as_of="2020"), args.runs)))
        rows.append(
            (
                "observations(include_alternatives=True)",
                *timed(lambda: db.observations(include_alternatives=True), args.runs),
            )
        )
        db.close()

        def fresh(call):
            """An analysis on a new handle, so that gathering its facts is timed too."""

            def run():
                with lazos.open(path) as handle:
                    call(handle)

            return run

        rows.append(("connectivity_index(), 2000-2025", *timed(fresh(lambda h: h.connectivity_index()), args.runs)))
        rows.append(("risk(), 2000-2025", *timed(fresh(lambda h: h.risk()), args.runs)))
        rows.append(("alerts()", *timed(fresh(lambda h: h.alerts()), args.runs)))
        rows.append(("opportunities()", *timed(fresh(lambda h: h.opportunities()), args.runs)))
        rows.append(
            (
                "index_sensitivity(2022, 1000 draws)",
                *timed(fresh(lambda h: h.index_sensitivity(year=2022)), args.runs),
            )
        )
        exe = Path(sys.executable).with_name("lazos")
        rows.append(
            (
                "`lazos country ARG` (whole process)",
                *timed(
                    lambda: subprocess.run(
                        [str(exe), "country", "ARG", "--db", str(path)],
                        check=True,
                        capture_output=True,
                    ),
                    args.runs,
                ),
            )
        )
        rows.append(
            (
                "`lazos index --year 2022 --explain` (process)",
                *timed(
                    lambda: subprocess.run(
                        [str(exe), "index", "--year", "2022", "--explain", "--db", str(path)],
                        check=True,
                        capture_output=True,
                    ),
                    args.runs,
                ),
            )
        )
    print(f"{'step':47} {'median':>9} {'min':>9} {'max':>9}   ({args.runs} runs)")
    for name, med, lo, hi in rows:
        print(f"{name:47} {med * 1000:8.1f}ms {lo * 1000:8.1f}ms {hi * 1000:8.1f}ms")


if __name__ == "__main__":
    main()
