"""Warm latency of each lazos.api call a web page or REST endpoint makes, against issue 10's targets.

    .venv/bin/python benchmarks/bench_api.py [--runs 200] [--db PATH] [--only NAME] [--max-seconds 15]

In ONE warm process, for each database (by default the embedded one and the one with 64
vintages of history, made or reused by benchmarks/history64.py), on one ``lazos.open`` handle:

* every call is made 3 times untimed (warm-up), then --runs times, each timed on its own
  (time.perf_counter around the call; the result is not converted or serialised). A call that
  would take more than --max-seconds stops earlier, after at least 10 timed runs; the table
  says how many ran;
* the raw-read baseline is DuckDB itself on the same handle's cursor: ``SELECT count(*) FROM
  observation`` (the view every observation read goes through), and ``x raw`` is a call's
  median over the baseline's;
* the "varying arguments" pass asks country() for each of the 33 CELAC states in turn, so that
  a cache keyed by arguments cannot answer every call: first each state once on a fresh handle
  (each call the first with its argument on that handle; the handle is warmed first with
  Lazos.warm(), as `lazos serve` does at start, which computes no country's profile; caches kept
  outside the handle are not cleared), then --runs calls in turn.

Targets (issue 10): every call under 20 ms median and under 50 ms p99, warm, on both databases.
The exit status is 1 when a call fails a target or raises.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import history64

import lazos

ROOT = Path(__file__).resolve().parents[1]
MEDIAN_MS = 20.0
P99_MS = 50.0
WARMUP = 3
MIN_RUNS = 10
AS_OF = "2020-01-01"
CELAC = [
    "ATG",
    "ARG",
    "BHS",
    "BRB",
    "BLZ",
    "BOL",
    "BRA",
    "CHL",
    "COL",
    "CRI",
    "CUB",
    "DMA",
    "DOM",
    "ECU",
    "SLV",
    "GRD",
    "GTM",
    "GUY",
    "HTI",
    "HND",
    "JAM",
    "MEX",
    "NIC",
    "PAN",
    "PRY",
    "PER",
    "KNA",
    "LCA",
    "VCT",
    "SUR",
    "TTO",
    "URY",
    "VEN",
]
RAW = "raw: SELECT count(*) FROM observation"


@dataclass
class Setup:
    """Arguments chosen from the database before timing (not part of any figure)."""

    project_id: str
    as_of_year: int


Call = Callable[[Any, Setup], Any]

CALLS: list[tuple[str, Call]] = [
    ("overview()", lambda db, s: db.overview()),
    ('country("ARG")', lambda db, s: db.country("ARG")),
    ('country("BRA")', lambda db, s: db.country("BRA")),
    ("countries()", lambda db, s: db.countries()),
    ('events(country="ARG")', lambda db, s: db.events(country="ARG")),
    ('projects(country="BRA")', lambda db, s: db.projects(country="BRA")),
    ("project(<BRA project>)", lambda db, s: db.project(s.project_id)),
    (
        'observations(entity="ARG", indicator="NY.GDP.MKTP.CD")',
        lambda db, s: db.observations(entity="ARG", indicator="NY.GDP.MKTP.CD"),
    ),
    ("connectivity_index(year=2022)", lambda db, s: db.connectivity_index(year=2022)),
    ("risk(year=2022)", lambda db, s: db.risk(year=2022)),
    ("alerts()", lambda db, s: db.alerts()),
    ("claims()", lambda db, s: db.claims()),
    ("sources()", lambda db, s: db.sources()),
    (f'overview(as_of="{AS_OF}")', lambda db, s: db.overview(as_of=AS_OF)),
    (f'country("ARG", as_of="{AS_OF}")', lambda db, s: db.country("ARG", as_of=AS_OF)),
    (
        f'connectivity_index(year=<latest>, as_of="{AS_OF}")',
        lambda db, s: db.connectivity_index(year=s.as_of_year, as_of=AS_OF),
    ),
]


@dataclass
class Row:
    database: str
    call: str
    times_ms: list[float]
    error: str | None = None
    baseline: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p99(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR"
        if self.baseline:
            return "-"
        return "PASS" if self.median < MEDIAN_MS and self.p99 < P99_MS else "FAIL"


def cursor(db: Any) -> Any:
    """The handle's DuckDB cursor (lazos.api.Lazos.con)."""
    return db.con


def choose_setup(db: Any) -> Setup:
    """A Brazilian project with the most milestones, and the latest year the analyses score as of AS_OF."""
    con = cursor(db)
    found = con.execute(
        """
        SELECT p.project_id FROM project p
        JOIN project_country pc ON pc.project_id = p.project_id AND pc.retired_at IS NULL
        LEFT JOIN project_milestone m ON m.project_id = p.project_id AND m.retired_at IS NULL
        WHERE p.retired_at IS NULL AND pc.country = 'BRA'
        GROUP BY p.project_id ORDER BY count(m.project_id) DESC, p.project_id LIMIT 1
        """
    ).fetchall()
    if not found:
        raise SystemExit(f"{db.path}: no Brazilian project to ask project() for")
    try:
        year = int(db.latest_analysis_year(as_of=AS_OF))
    except Exception:
        year = 2018
    return Setup(project_id=found[0][0], as_of_year=year)


def measure(fn: Callable[[], Any], runs: int, max_seconds: float) -> list[float]:
    for _ in range(WARMUP):
        fn()
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        if len(times) >= MIN_RUNS and time.perf_counter() - started > max_seconds:
            break
    return times


def timed(database: str, name: str, fn: Callable[[], Any], runs: int, max_seconds: float, **kw: Any) -> Row:
    gc.collect()
    try:
        return Row(database, name, measure(fn, runs, max_seconds), **kw)
    except Exception as exc:
        return Row(database, name, [], error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}", **kw)


def varying(database: str, path: Path, runs: int, max_seconds: float) -> list[Row]:
    """country() over the 33 CELAC states: each once on a fresh handle, then --runs calls in turn."""
    name = "country(<each of 33 CELAC>)"
    try:
        with lazos.open(path) as db:
            if hasattr(db, "warm"):  # what lazos serve does at start
                db.warm()
            else:  # code from before Lazos.warm: a first page
                db.overview()
            first = []
            for iso in CELAC:
                t = time.perf_counter()
                db.country(iso)
                first.append((time.perf_counter() - t) * 1000)
            turn = iter(range(10**9))
            steady = timed(
                database, f"{name} in turn", lambda: db.country(CELAC[next(turn) % len(CELAC)]), runs, max_seconds
            )
    except Exception as exc:
        return [Row(database, f"{name} first call", [], error=f"{type(exc).__name__}: {exc}")]
    return [Row(database, f"{name} first call, fresh handle", first), steady]


def bench_database(database: str, path: Path, runs: int, max_seconds: float, only: str | None) -> list[Row]:
    rows = []
    with lazos.open(path) as db:
        setup = choose_setup(db)
        print(f"{database:<10} (project() asks for {setup.project_id}; the index as of {AS_OF} for {setup.as_of_year})")
        raw = timed(
            database,
            RAW,
            lambda: cursor(db).execute("SELECT count(*) FROM observation").fetchall(),
            runs,
            max_seconds,
            baseline=True,
        )
        rows.append(raw)
        show(raw, raw)
        for name, call in CALLS:
            if only and only.lower() not in name.lower():
                continue
            row = timed(database, name, lambda call=call: call(db, setup), runs, max_seconds)
            rows.append(row)
            show(row, raw)
    if not only or only.lower() in "country(<each of 33 celac>)":
        for row in varying(database, path, runs, max_seconds):
            rows.append(row)
            show(row, raw)
    return rows


HEADER = f"{'database':<10} {'call':<58} {'runs':>5} {'median ms':>10} {'p99 ms':>9} {'x raw':>8}  result"


def show(row: Row, raw: Row) -> None:
    if row.error:
        print(f"{row.database:<10} {row.call:<58} {'':>5} {'':>10} {'':>9} {'':>8}  ERROR {row.error}", flush=True)
        return
    ratio = row.median / raw.median if raw.times_ms and raw.median > 0 else float("nan")
    print(
        f"{row.database:<10} {row.call:<58} {len(row.times_ms):>5} {row.median:>10.2f} {row.p99:>9.2f} "
        f"{ratio:>8.1f}  {row.verdict}",
        flush=True,
    )


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def describe_code() -> str:
    source = Path(lazos.__file__).resolve().parents[1]
    if source != ROOT:  # PYTHONPATH names another copy of the package
        revision = source / "REVISION"
        return f"lazos imported from {source}" + (f" ({revision.read_text().strip()})" if revision.exists() else "")
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "lazos"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        changed = len(dirty.stdout.splitlines())
        return head.stdout.strip() + (f" + {changed} uncommitted file(s) under lazos/" if changed else "")
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs per call, after 3 warm-ups (default 200)")
    parser.add_argument("--db", type=Path, help="benchmark this database only (default: embedded and history64)")
    parser.add_argument("--only", help="only the calls whose name holds this text (the baseline always runs)")
    parser.add_argument(
        "--max-seconds", type=float, default=15.0, help="stop a call's runs after this long, at 10 runs at least"
    )
    parser.add_argument("--dir", type=Path, default=history64.SCRATCH, help="scratch folder of history64.py")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    command = f"cd {ROOT} && " + (f"PYTHONPATH={os.environ['PYTHONPATH']} " if os.environ.get("PYTHONPATH") else "")
    command += f"{history64.python()} benchmarks/bench_api.py --runs {args.runs}"
    command += f" --max-seconds {args.max_seconds:g}"
    command += f" --db {args.db}" if args.db else (f" --dir {args.dir}" if args.dir != history64.SCRATCH else "")
    command += f" --only '{args.only}'" if args.only else ""
    print(f"reproduce: {command}")
    if args.db:
        if not args.db.exists():
            parser.error(f"--db {args.db}: no such file")
        databases = {args.db.stem[:10]: args.db}
    else:
        databases = history64.ensure(args.dir, quiet=False)
    print(
        f"code: {describe_code()}; lazos {lazos.__version__}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {datetime.now():%Y-%m-%d %H:%M}; load average {load()}"
    )
    print(f"targets: median < {MEDIAN_MS:g} ms and p99 < {P99_MS:g} ms per call, warm; {WARMUP} warm-ups\n")
    print(HEADER, flush=True)
    rows: list[Row] = []
    for database, path in databases.items():
        rows += bench_database(database, path, args.runs, args.max_seconds, args.only)
    calls = [r for r in rows if not r.baseline]
    failed = [r for r in calls if r.verdict != "PASS"]
    print(f"\n{len(calls) - len(failed)} of {len(calls)} calls PASS", end="")
    print(f"; FAIL or ERROR: {', '.join(sorted({r.call for r in failed}))}" if failed else "")
    print(f"load average at the end: {load()} (other processes on these CPUs widen the p99)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
