"""Median time of the index and the risk rating (every country, 2000 to the latest year) on a
fresh handle each run, so gathering the facts is included.

Compare two versions of the method in the same session: run it with one checkout's code on a
database built by that checkout, then the other, alternating (the machines are shared):

    git worktree add /tmp/lazos-old <commit>
    (cd /tmp/lazos-old && PYTHONPATH=. ../main/.venv/bin/lazos --db /tmp/old.duckdb build)
    (cd /tmp/lazos-old && PYTHONPATH=. ../main/.venv/bin/python ../main/benchmarks/bench_analyses.py /tmp/old.duckdb)
    .venv/bin/python benchmarks/bench_analyses.py /tmp/new.duckdb
"""

from __future__ import annotations

import argparse
import statistics
import time

from lazos.api import Lazos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for name, run in (("connectivity_index()", lambda h: h.connectivity_index()), ("risk()", lambda h: h.risk())):
        times = []
        for _ in range(args.runs):
            handle = Lazos(args.db)
            start = time.perf_counter()
            run(handle)
            times.append(time.perf_counter() - start)
        print(f"{name}: median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})")


if __name__ == "__main__":
    main()
