"""Import speed and memory on a 200 MB WDI bulk-layout file, against two baselines, in one run.

    .venv/bin/python benchmarks/bench_wdi_import.py [--size-mb 200] [--runs 3]

1. Generates a WDI bulk-layout CSV of about --size-mb by repeating the real rows of
   ../shared/data/wdi/WDIData_lac.csv (or the embedded WDI series when that file is absent)
   under synthetic country codes (BOM, CRLF, quoting and trailing comma as published).
2. Measures, each in a fresh process (wall time and peak resident memory):
   * **lazos**: `lazos.store.importer.import_files` into a database built from the embedded
     dataset, with the synthetic economies registered beforehand (outside the timing);
   * **pandas**: the plain baseline, read_csv, melt to long format, insert into DuckDB;
   * **floor**: DuckDB's own read_csv plus UNPIVOT into a table, no validation or history.
3. Prints medians and the ratios the targets are stated in (Lazos < 20 s, >= 3x faster than
   pandas, within 1.5x of the floor, peak memory < 1 GB).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "data" / "wdi" / "WDIData_lac.csv"


def synthetic_code(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    a, b, c, d = n // (26**3) % 26, n // (26**2) % 26, n // 26 % 26, n % 26
    return "Z" + letters[a] + letters[b] + letters[c] + letters[d]


def real_rows() -> tuple[list[str], list[list[str]]]:
    if RAW.exists():
        text = RAW.read_text("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        return rows[0], rows[1:]
    # Without the shared folder: rebuild bulk rows from the embedded series.
    import lazos

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "x.duckdb"
        lazos.build(db)
        df = lazos.open(db).observations(
            indicator=["NY.GDP.MKTP.CD", "NY.GDP.PCAP.CD", "NY.GDP.MKTP.KD.ZG"]
        )
    years = [str(y) for y in range(1960, 2024)]
    header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *years, ""]
    out = []
    for (entity, ind), g in df.groupby(["entity", "indicator"]):
        values = dict(zip(g["period"], g["value"], strict=True))
        out.append(
            [entity, entity, ind, ind, *[repr(values[y]) if y in values else "" for y in years], ""]
        )
    return header, out


def generate(path: Path, size_mb: int) -> int:
    """Write the synthetic file; returns the number of synthetic economies."""
    header, rows = real_rows()
    codes = sorted({r[1] for r in rows})
    target = size_mb * 1_000_000
    economies = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\ufeff")
        fh.write(",".join(f'"{h}"' for h in header[:-1]) + ",\r\n")
        copy = 0
        while fh.tell() < target:
            mapping = {c: synthetic_code(economies + i) for i, c in enumerate(codes)}
            for r in rows:
                cells = list(r)
                cells[0] = f"{cells[0]} {copy}"
                cells[1] = mapping[cells[1]]
                fh.write(",".join(f'"{c}"' for c in cells[:-1]) + ",\r\n")
            economies += len(codes)
            copy += 1
    return economies


LAZOS = """
import json, resource, sys, time
import duckdb
from lazos.store.importer import import_files
db, path, economies = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, sys.argv[4])
from bench_wdi_import import synthetic_code
con = duckdb.connect(db)
con.executemany(
    "INSERT INTO country VALUES (?, NULL, 'aggregate', false, NULL, ?, ?, ?, ?, NULL, 'lazos-codelists', "
    "'synthetic economy for the benchmark', NULL, 1)",
    [(synthetic_code(i), f"Synthetic {i}", f"Sintético {i}", f"Sintético {i}", f"合成{i}") for i in range(economies)],
)
con.close()
start = time.perf_counter()
report = import_files(db, "wdi", [path], vintage="2024-06-28")
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": report.changes["observations"].inserted,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PANDAS = """
import json, resource, sys, time
import duckdb, pandas as pd
path = sys.argv[1]
start = time.perf_counter()
wide = pd.read_csv(path, encoding="utf-8-sig")
wide = wide.loc[:, ~wide.columns.str.startswith("Unnamed")]
long = wide.melt(id_vars=["Country Name", "Country Code", "Indicator Name", "Indicator Code"],
                 var_name="year", value_name="value").dropna(subset=["value"])
con = duckdb.connect()
con.register("long_df", long)
con.execute("CREATE TABLE observation AS SELECT * FROM long_df")
rows = con.execute("SELECT count(*) FROM observation").fetchall()[0][0]
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

FLOOR = """
import json, resource, sys, time
import duckdb
path = sys.argv[1]
start = time.perf_counter()
con = duckdb.connect()
con.execute(
    "CREATE TABLE observation AS SELECT * FROM (UNPIVOT (SELECT \"Country Name\", \"Country Code\", "
    "\"Indicator Name\", \"Indicator Code\", COLUMNS('^[0-9]{4}$') FROM read_csv(?, header = true)) "
    "ON COLUMNS('^[0-9]{4}$') INTO NAME year VALUE value)",
    [path],
)
rows = con.execute("SELECT count(*) FROM observation").fetchall()[0][0]
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["lazos", "pandas", "floor"], action="append")
    args = parser.parse_args()
    import lazos

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "WDIData_synthetic.csv"
        started = time.perf_counter()
        economies = generate(data, args.size_mb)
        size = data.stat().st_size / 1e6
        print(
            f"generated {size:.0f} MB, {economies} synthetic economies in {time.perf_counter() - started:.1f} s"
        )
        floor = FLOOR
        results: dict[str, list[dict]] = {"lazos": [], "pandas": [], "floor": []}
        for _ in range(args.runs):
            for name in args.only or ["floor", "lazos", "pandas"]:
                if name == "lazos":
                    db = Path(tmp) / "bench.duckdb"
                    db.unlink(missing_ok=True)
                    lazos.build(db)
                    results[name].append(
                        run(LAZOS, str(db), str(data), str(economies), str(Path(__file__).parent))
                    )
                elif name == "pandas":
                    results[name].append(run(PANDAS, str(data)))
                else:
                    results[name].append(run(floor, str(data)))
                print(name, results[name][-1], flush=True)
    medians = {
        name: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "peak_mb", "rows")}
        for name, rs in results.items()
        if rs
    }
    print()
    print(
        f"{'method':8} {'median s':>9} {'peak MB':>9} {'rows':>12}   ({args.runs} runs, {size:.0f} MB file)"
    )
    for name, m in medians.items():
        print(f"{name:8} {m['seconds']:9.2f} {m['peak_mb']:9.0f} {m['rows']:12.0f}")
    if {"lazos", "pandas", "floor"} <= medians.keys():
        lz, pdm, fl = (
            medians["lazos"]["seconds"],
            medians["pandas"]["seconds"],
            medians["floor"]["seconds"],
        )
        print(
            f"\npandas / lazos = {pdm / lz:.2f}x (target >= 3)   lazos / floor = {lz / fl:.2f}x (target <= 1.5)"
            f"   lazos peak = {medians['lazos']['peak_mb']:.0f} MB (target < 1024)"
        )


if __name__ == "__main__":
    main()
