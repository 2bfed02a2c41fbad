"""Time and peak memory of ``overview`` and ``sources`` on the embedded database and on a large one.

    .venv/bin/python benchmarks/bench_overview.py [--values 4000000] [--runs 3]

1. Builds the embedded database (the baseline) and a copy into which a generated WDI
   bulk-layout file of about --values values is imported (Lazos's own countries, 64 years per
   series, values stated for every year), so that observations hold millions of rows.
2. Runs each measurement in a fresh process, which reports its wall time and its peak
   resident memory: ``overview()``, ``overview(as_of=2025-01-01)`` and ``sources()``.
3. Prints the median of --runs runs and the largest peak memory, per database.

Run it under a memory cap to see whether a step would survive a small machine, e.g.
``prlimit --as=6000000000 .venv/bin/python benchmarks/bench_overview.py``; a step that dies
is reported as failed with its last line of error.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import lazos
from lazos.store.importer import import_files

COUNTRIES = ["ARG", "BRA", "CHL", "MEX", "PER", "COL", "ECU", "URY", "BOL", "PRY", "VEN", "CUB"]
YEARS = [str(y) for y in range(1960, 2024)]
STEPS = {
    "overview()": "db.overview()",
    "overview(as_of=2025-01-01)": "db.overview(as_of='2025-01-01')",
    "sources()": "db.sources()",
}
MEASURE = """
import json, resource, sys, time
import lazos
db = lazos.open(sys.argv[1])
start = time.perf_counter()
{call}
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def wdi_file(path: Path, values: int) -> None:
    """A WDI bulk-layout file (quoted, trailing comma, CRLF) of about ``values`` values."""
    series = max(1, values // (len(YEARS) * len(COUNTRIES)))
    with path.open("w", encoding="utf-8", newline="") as fh:
        header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *YEARS]
        fh.write(",".join(f'"{h}"' for h in header) + ",\r\n")
        for iso in COUNTRIES:
            for n in range(series):
                cells = [iso, iso, f"Bench series {n} (current US$)", f"BENCH.{n}", *(str(1000.5 + n) for _ in YEARS)]
                fh.write(",".join(f'"{c}"' for c in cells) + ",\r\n")


def measure(db: Path, call: str, runs: int) -> str:
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", MEASURE.format(call=call), str(db)], capture_output=True, text=True
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
            return f"failed: {last[:70]}"
        results.append(json.loads(re.findall(r"\{[^{}]*\}", done.stdout)[-1]))  # DuckDB may draw a progress bar
    seconds = statistics.median(r["seconds"] for r in results)
    peak = max(r["peak_mb"] for r in results)
    return f"{seconds:8.2f} s {peak:8.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--values", type=int, default=4_000_000, help="values in the generated WDI file")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        embedded = Path(tmp) / "embedded.duckdb"
        lazos.build(embedded)
        large = Path(tmp) / "large.duckdb"
        shutil.copyfile(embedded, large)
        source = Path(tmp) / "WDIData.csv"
        wdi_file(source, args.values)
        report = import_files(large, "wdi", [source], vintage="2024-06-28")
        with lazos.open(embedded) as db:
            base = db.query("SELECT count(*) AS n FROM observation WHERE retired_at IS NULL")["n"][0]
        print(f"embedded database: {base:,} observations; large: + {report.inserted:,} rows imported")
        print(f"{'step':30} {'embedded (median, peak)':>24} {'large (median, peak)':>24}   ({args.runs} runs)")
        for name, call in STEPS.items():
            print(f"{name:30} {measure(embedded, call, args.runs):>24} {measure(large, call, args.runs):>24}")


if __name__ == "__main__":
    main()
