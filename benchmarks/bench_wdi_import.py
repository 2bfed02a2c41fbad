"""Import speed and memory on a 200 MB WDI bulk-layout file, against two baselines, in one run.

    .venv/bin/python benchmarks/bench_wdi_import.py [--size-mb 200] [--runs 3]

1. Generates a WDI bulk-layout CSV of about --size-mb by repeating the real rows of
   ../shared/data/wdi/WDIData_lac.csv (or the embedded WDI series when that file is absent)
   under synthetic country codes (BOM, CRLF, quoting and trailing comma as published).
2. Measures, each in a fresh process (wall time and peak resident memory):
   * **lazos**: ``lazos.store.importer.import_files`` into a database file built from the
     embedded dataset, with the synthetic economies registered beforehand (not timed);
   * **pandas**: the plain baseline: read_csv, melt to long format, insert into DuckDB, into
     an in-memory database and into a database file;
   * **floor**: DuckDB's own read_csv plus UNPIVOT into a table, with no validation or
     history, into an in-memory database and into a database file (Lazos writes to a file).
3. Prints medians and the ratios the targets are stated in (Lazos < 20 s, at least 3x faster
   than pandas, within 1.5x of the floor, peak memory < 1 GB).
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
    return "Z" + "".join(letters[n // 26**p % 26] for p in (3, 2, 1, 0))


def real_rows() -> tuple[list[str], list[list[str]]]:
    if RAW.exists():
        rows = list(csv.reader(io.StringIO(RAW.read_text("utf-8-sig"))))
        return rows[0], rows[1:]
    # Without the shared folder: rebuild bulk rows from the embedded WDI series.
    import lazos

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "x.duckdb"
        lazos.build(db)
        with lazos.open(db) as handle:
            df = handle.observations(indicator=["NY.GDP.MKTP.CD", "NY.GDP.PCAP.CD", "NY.GDP.MKTP.KD.ZG"])
    years = [str(y) for y in range(1960, 2024)]
    header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *years, ""]
    out = []
    for (entity, ind), g in df.groupby(["entity", "indicator"]):
        values = dict(zip(g["period"], g["value"], strict=True))
        out.append([entity, entity, ind, ind, *[repr(values[y]) if y in values else "" for y in years], ""])
    return header, out


def generate(path: Path, size_mb: int) -> int:
    """Write the synthetic file; returns the number of synthetic economies."""
    header, rows = real_rows()
    codes = sorted({r[1] for r in rows})
    target = size_mb * 1_000_000
    economies = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\ufeff" + ",".join(f'"{h}"' for h in header[:-1]) + ",\r\n")
        copy = 0
        while fh.tell() < target:
            mapping = {c: synthetic_code(economies + i) for i, c in enumerate(codes)}
            for r in rows:
                cells = [f"{r[0]} {copy}", mapping[r[1]], *r[2:]]
                fh.write(",".join(f'"{c}"' for c in cells[:-1]) + ",\r\n")
            economies += len(codes)
            copy += 1
    return economies


LAZOS = r"""
import json, resource, sys, time
import duckdb
sys.path.insert(0, sys.argv[4])
from bench_wdi_import import synthetic_code
from lazos.store.importer import import_files
db, path, economies = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = duckdb.connect(db)
con.executemany(
    "INSERT INTO country VALUES (?, NULL, 'aggregate', false, NULL, ?, ?, ?, ?, NULL, 'lazos-codelists', "
    "'synthetic economy for the benchmark', NULL, 1)",
    [(synthetic_code(i), f"Synthetic {i}", f"Sintetico {i}", f"Sintetico {i}", f"S{i}") for i in range(economies)],
)
con.close()
start = time.perf_counter()
report = import_files(db, "wdi", [path], vintage="2024-06-28")
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": report.changes["observations"].inserted,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PANDAS = r"""
import json, resource, sys, time
import duckdb, pandas as pd
path, target = sys.argv[1], sys.argv[2]
start = time.perf_counter()
wide = pd.read_csv(path, encoding="utf-8-sig")
wide = wide.loc[:, ~wide.columns.str.startswith("Unnamed")]
long = wide.melt(id_vars=["Country Name", "Country Code", "Indicator Name", "Indicator Code"],
                 var_name="year", value_name="value").dropna(subset=["value"])
con = duckdb.connect(target)
con.register("long_df", long)
con.execute("CREATE TABLE observation AS SELECT * FROM long_df")
rows = con.execute("SELECT count(*) FROM observation").fetchall()[0][0]
con.close()
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

FLOOR = r"""
import json, resource, sys, time
import duckdb
path, target = sys.argv[1], sys.argv[2]
start = time.perf_counter()
con = duckdb.connect(target)
con.execute(
    "CREATE TABLE observation AS SELECT * FROM (UNPIVOT (SELECT \"Country Name\", \"Country Code\", "
    "\"Indicator Name\", \"Indicator Code\", COLUMNS('^[0-9]{4}$') FROM read_csv(?, header = true)) "
    "ON COLUMNS('^[0-9]{4}$') INTO NAME year VALUE value)",
    [path],
)
rows = con.execute("SELECT count(*) FROM observation").fetchall()[0][0]
con.close()
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["lazos", "pandas", "pandas-file", "floor", "floor-file"], action="append")
    args = parser.parse_args()
    import lazos

    methods = args.only or ["floor", "floor-file", "lazos", "pandas", "pandas-file"]
    results: dict[str, list[dict]] = {name: [] for name in methods}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "WDIData_synthetic.csv"
        started = time.perf_counter()
        economies = generate(data, args.size_mb)
        size = data.stat().st_size / 1e6
        print(f"generated {size:.0f} MB, {economies} synthetic economies in {time.perf_counter() - started:.1f} s")
        for _ in range(args.runs):
            for name in methods:
                if name == "lazos":
                    db = Path(tmp) / "bench.duckdb"
                    db.unlink(missing_ok=True)
                    lazos.build(db)
                    result = run(LAZOS, str(db), str(data), str(economies), str(Path(__file__).parent))
                elif name in ("pandas", "pandas-file"):
                    target = Path(tmp) / "pandas.duckdb"
                    target.unlink(missing_ok=True)
                    result = run(PANDAS, str(data), ":memory:" if name == "pandas" else str(target))
                elif name == "floor":
                    result = run(FLOOR, str(data), ":memory:")
                else:
                    target = Path(tmp) / "floor.duckdb"
                    target.unlink(missing_ok=True)
                    result = run(FLOOR, str(data), str(target))
                results[name].append(result)
                print(name, result, flush=True)
    medians = {
        name: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "peak_mb", "rows")}
        for name, rs in results.items()
    }
    print(f"\n{'method':10} {'median s':>9} {'peak MB':>9} {'rows':>12}   ({args.runs} runs, {size:.0f} MB file)")
    for name, m in medians.items():
        print(f"{name:10} {m['seconds']:9.2f} {m['peak_mb']:9.0f} {m['rows']:12.0f}")
    if set(medians) >= {"lazos", "pandas", "pandas-file", "floor", "floor-file"}:
        lz = medians["lazos"]["seconds"]
        print(
            f"\npandas / lazos = {medians['pandas']['seconds'] / lz:.2f}x (in-memory table), "
            f"{medians['pandas-file']['seconds'] / lz:.2f}x (table in a file) (target >= 3)"
        )
        print(
            f"lazos / floor = {lz / medians['floor']['seconds']:.2f}x (in-memory table), "
            f"{lz / medians['floor-file']['seconds']:.2f}x (table in a file) (target <= 1.5)"
        )
        print(f"lazos peak memory = {medians['lazos']['peak_mb']:.0f} MB (target < 1024)")


if __name__ == "__main__":
    main()
