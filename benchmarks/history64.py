"""The two databases the API benchmarks read: the embedded one and one with 64 vintages of history.

    .venv/bin/python benchmarks/history64.py [--dir /tmp/lazos-bench] [--vintages 64] [--rebuild]

Imported by benchmarks/bench_api.py and benchmarks/bench_http.py (``ensure()``), runnable on its
own. Both databases are made once in a scratch folder (default /tmp/lazos-bench, or
$LAZOS_BENCH_DIR) and reused while valid: the recipe, the schema version, the embedded data
package and the vintage count they were made with are recorded beside each file and checked,
together with the rows the recipe leaves (vintage sources, saved analyses, claims).

* **embedded.duckdb**: ``lazos build`` from the embedded data package (data/).
* **history64.duckdb**: the same, then 64 WDI bulk-layout files imported as 64 vintages
  (``lazos import wdi FILE --vintage DATE``, through lazos.api.import_file), quarterly from
  2011-01-01 to 2026-10-01, so that every WDI series (each entity and indicator of the embedded
  WDI observations: 673 series, 20 indicators, 1960-2025) has 64 more vintages, about 2 million
  observation rows in all. The real WDI file in ../shared/data (WDIData_lac.csv) holds only 3
  indicators, so the files are written from the embedded WDI observations (themselves World
  Bank values) in the bulk layout (BOM, quoted cells, trailing comma, CRLF), each vintage's
  values scaled by its own factor (1 + 0.0004 * (k - 32); a zero becomes 0.001 * k), so that
  every vintage is a real new version of every value. Every vintage holds every year, also
  the years after its publication date: the as-of reads see 37 of them on 2020-01-01 and 64
  today, and each must pick the newest among them.

Both then get the same two steps, so that the calls a web page makes have something to do:
the documents of tests/devset/heldout*/ (20 texts, English, Spanish, Portuguese and Chinese;
about 460 claims) are ingested (``lazos ingest``), and ``lazos analyses save`` records the
saved analyses (the index, risk, alerts and opportunities tables the REST API and Datasette
read).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = Path(os.environ.get("LAZOS_BENCH_DIR", "/tmp/lazos-bench"))
RECIPE = 1  # bump when what the databases hold changes
VINTAGES = 64
FIRST_VINTAGE = date(2011, 1, 1)
YEARS = [str(y) for y in range(1960, 2026)]
DOCUMENTS = sorted(ROOT.glob("tests/devset/heldout*/*.txt"))


def vintage_dates(n: int = VINTAGES) -> list[str]:
    """Quarterly publication dates, the first on FIRST_VINTAGE (64: 2011-01-01 to 2026-10-01)."""
    out = []
    for k in range(n):
        month = FIRST_VINTAGE.month - 1 + 3 * k
        out.append(date(FIRST_VINTAGE.year + month // 12, month % 12 + 1, 1).isoformat())
    return out


def lazos_cli() -> list[str]:
    """The `lazos` command of the interpreter running this script (the project's .venv)."""
    script = Path(sys.executable).with_name("lazos")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from lazos.cli.main import run; run()"]


def python() -> str:
    """The interpreter running this script, relative to the repository when it is inside it."""
    exe = Path(sys.executable)
    return str(exe.relative_to(ROOT)) if exe.is_relative_to(ROOT) else str(exe)


def run_cli(*args: str) -> None:
    done = subprocess.run([*lazos_cli(), *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"lazos {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def _fingerprint(kind: str, vintages: int) -> dict[str, object]:
    from lazos.store.migrations import latest_version

    package = hashlib.sha256((ROOT / "data" / "datapackage.json").read_bytes()).hexdigest()[:16]
    docs = hashlib.sha256(b"".join(p.read_bytes() for p in DOCUMENTS)).hexdigest()[:16]
    return {
        "recipe": RECIPE,
        "kind": kind,
        "vintages": vintages if kind == "history" else 0,
        "schema": latest_version(),
        "package": package,
        "documents": docs,
    }


def _marker(db: Path) -> Path:
    return db.with_name(db.name + ".json")


def _rows_hold(db: Path, vintages: int) -> bool:
    """The database holds what the recipe leaves: its vintages, saved analyses and claims."""
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return False
    try:
        dates = vintage_dates(vintages)
        found = con.execute(
            "SELECT count(DISTINCT published) FROM source WHERE source_id LIKE 'wb-wdi-bulk-%' "
            "AND retired_at IS NULL AND published IN (SELECT unnest(?))",
            [dates],
        ).fetchall()[0][0]
        runs = con.execute("SELECT count(*) FROM analysis_run").fetchall()[0][0]
        claims = con.execute("SELECT count(*) FROM claim WHERE retired_at IS NULL").fetchall()[0][0]
    except duckdb.Error:
        return False
    finally:
        con.close()
    return found == len(dates) and runs > 0 and (claims > 0 or not DOCUMENTS)


def is_valid(db: Path, kind: str, vintages: int) -> bool:
    marker = _marker(db)
    if not db.exists() or not marker.exists() or db.with_name(db.name + ".wal").exists():
        return False
    try:
        recorded = json.loads(marker.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    if recorded.get("fingerprint") != _fingerprint(kind, vintages):
        return False
    return _rows_hold(db, vintages if kind == "history" else 0)


@contextlib.contextmanager
def locked(scratch: Path) -> Iterator[None]:
    """One process at a time makes the databases (two benchmarks started together wait)."""
    scratch.mkdir(parents=True, exist_ok=True)
    with (scratch / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def wdi_series(db: Path) -> dict[tuple[str, str, str, str], dict[str, float]]:
    """Every WDI series of the database (entity, its name, indicator, its name) -> {year: value}:
    the current values of the wb-wdi sources, one per year (the largest when vintages differ)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT o.entity, coalesce(c.name_en, o.entity), o.indicator, coalesce(i.name, o.indicator),
                   o.period, max(o.value)
            FROM observation o
            LEFT JOIN country c ON c.iso3 = o.entity AND c.retired_at IS NULL
            LEFT JOIN indicator i ON i.indicator = o.indicator AND i.retired_at IS NULL
            WHERE o.source_id LIKE 'wb-wdi%' AND o.retired_at IS NULL
              AND coalesce(o.partner, '') = '' AND regexp_full_match(o.period, '[0-9]{4}')
            GROUP BY ALL
            """
        ).fetchall()
    finally:
        con.close()
    series: dict[tuple[str, str, str, str], dict[str, float]] = {}
    for entity, entity_name, indicator, indicator_name, period, value in rows:
        series.setdefault((entity, entity_name, indicator, indicator_name), {})[period] = value
    return series


def _cell(text: object) -> str:
    return '"' + str(text).replace('"', '""') + '"'


def write_vintage(path: Path, series: dict[tuple[str, str, str, str], dict[str, float]], k: int) -> int:
    """Vintage ``k`` (0-based) in the WDIData.csv bulk layout; returns how many values it holds."""
    factor = 1 + 0.0004 * (k - 32)
    values = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *YEARS]
        fh.write("\ufeff" + ",".join(_cell(h) for h in header) + ",\r\n")
        for (entity, entity_name, indicator, indicator_name), by_year in sorted(series.items()):
            cells = [entity_name, entity, indicator_name, indicator]
            for year in YEARS:
                value = by_year.get(year)
                if value is None:
                    cells.append("")
                    continue
                values += 1
                cells.append(repr(value * factor if value else 0.001 * k))
            fh.write(",".join(_cell(c) for c in cells) + ",\r\n")
    return values


def observation_rows(db: Path) -> tuple[int, int]:
    """(every stored observation row version, the current ones)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        every = con.execute("SELECT count(*) FROM observation_value").fetchall()[0][0]
        current = con.execute("SELECT count(*) FROM observation WHERE retired_at IS NULL").fetchall()[0][0]
    finally:
        con.close()
    return every, current


def _make(db: Path, kind: str, vintages: int, say) -> None:
    import lazos

    work = db.with_name(db.name + ".partial")
    for stale in (work, work.with_name(work.name + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    lazos.build(work)
    say(f"  built the embedded database in {time.perf_counter() - started:.1f} s")
    if kind == "history":
        step = time.perf_counter()
        series = wdi_series(work)
        with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
            for k, published in enumerate(vintage_dates(vintages)):
                path = Path(tmp) / f"WDIData_bench_v{k + 1:02d}.csv"
                write_vintage(path, series, k)
                lazos.import_file("wdi", path, db=work, vintage=published)
                path.unlink()
        say(
            f"  imported {vintages} vintages of {len(series)} WDI series "
            f"({vintage_dates(vintages)[0]} to {vintage_dates(vintages)[-1]}) in {time.perf_counter() - step:.1f} s"
        )
    if DOCUMENTS:
        step = time.perf_counter()
        lazos.ingest([str(p) for p in DOCUMENTS], db=work)
        say(f"  ingested {len(DOCUMENTS)} documents (tests/devset/heldout*) in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    run_cli("analyses", "save", "--db", str(work))
    say(f"  lazos analyses save in {time.perf_counter() - step:.1f} s")
    if work.with_name(work.name + ".wal").exists():
        raise SystemExit(f"{work}: a write-ahead log is left after the last write; not using it")
    os.replace(work, db)
    marker = {"fingerprint": _fingerprint(kind, vintages), "seconds": round(time.perf_counter() - started, 1)}
    _marker(db).write_text(json.dumps(marker, indent=1) + "\n", "utf-8")


def ensure(
    scratch: Path = SCRATCH, *, vintages: int = VINTAGES, rebuild: bool = False, quiet: bool = False
) -> dict[str, Path]:
    """Paths of the benchmark databases {"embedded": ..., "history64": ...}, made when missing,
    stale or ``rebuild``."""

    def say(line: str) -> None:
        if not quiet:
            print(line, flush=True)

    out = {"embedded": scratch / "embedded.duckdb", f"history{vintages}": scratch / f"history{vintages}.duckdb"}
    with locked(scratch):
        for (name, db), kind in zip(out.items(), ("embedded", "history"), strict=True):
            if not rebuild and is_valid(db, kind, vintages):
                say(f"{name}: reusing {db}")
                continue
            say(f"{name}: making {db}")
            started = time.perf_counter()
            _make(db, kind, vintages, say)
            every, current = observation_rows(db)
            say(
                f"{name}: made in {time.perf_counter() - started:.1f} s; {every:,} observation rows "
                f"({current:,} current), {db.stat().st_size / 1e6:.0f} MB"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=SCRATCH, help="scratch folder (default %(default)s)")
    parser.add_argument("--vintages", type=int, default=VINTAGES, help="vintages to import (default 64)")
    parser.add_argument("--rebuild", action="store_true", help="make both databases again even when valid")
    args = parser.parse_args(argv)
    if args.vintages < 1:
        parser.error("--vintages must be at least 1")
    print(
        f"reproduce: cd {ROOT} && {python()} benchmarks/history64.py --dir {args.dir} --vintages {args.vintages}"
        + (" --rebuild" if args.rebuild else "")
    )
    started = time.perf_counter()
    paths = ensure(args.dir, vintages=args.vintages, rebuild=args.rebuild)
    for name, db in paths.items():
        every, current = observation_rows(db)
        print(f"{name}: {db}  observation rows: {every:,} stored, {current:,} current")
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
