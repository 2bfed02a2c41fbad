"""Throughput and memory of the news monitor (issue 14), against the loop a user would write.

Input: the real GDELT events file of ../shared/data/gdelt (2,111 rows) and copies DERIVED from
it (lazos.monitor.derived: fresh event ids, dates shifted a day per copy; not real data),
``--files`` of them for "1x" and ten times as many for "10x". Measured, each ``--runs`` times
(median, min, max), in one session so that the figures compare:

* parse+select in rows/s: a plain single-process pandas loop and a DuckDB query (the
  baselines: the whole file read as text, the China–LAC rows filtered), Lazos's stages in one
  process without Ray, and on Ray Data with 1 and 2 workers (``--workers``);
* read (claim extraction) in MB/s: the real article excerpts of tests/realset repeated
  ``--article-copies`` times, a single-process loop over lazos.documents.extract against the
  read stage on Ray with 1 and 2 workers;
* memory: peak RSS of the driver and of all its Ray processes together (and their private
  heaps), for a whole ``monitor()`` run over ``--memory-files`` files (96: a day) and ten
  times as many.

    .venv/bin/python benchmarks/bench_monitor.py [--files 24] [--runs 3] [--workers 1 2] [--memory-files 96]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lazos.monitor.pipeline import start_ray

REAL = "20191024143000.export.CSV"
LAC_FIPS = "AC AR BF BB BH BL BR CI CO CS CU DO DR EC ES GJ GT GY HA HO JM MX NU PM PA PE SC ST VC NS TD UY VE VI CJ"


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float, object]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times), out


def pandas_loop(files: list[Path]) -> int:
    """The baseline a user would write: each file read as text with pandas, China–LAC rows kept."""
    import pandas as pd

    from lazos.monitor.select import LAC_ISO3

    lac_fips = set(LAC_FIPS.split())
    lac_iso = set(LAC_ISO3)
    kept = 0
    for f in files:
        df = pd.read_csv(f, sep="\t", header=None, dtype=str, quoting=3, keep_default_na=False)
        actors = df[[7, 17]]
        geos = df[[37, 45, 53]]
        china = (actors == "CHN").any(axis=1) | (geos == "CH").any(axis=1)
        lac = actors.isin(lac_iso).any(axis=1) | geos.isin(lac_fips).any(axis=1)
        kept += int((china & lac).sum())
    return kept


def duckdb_query(folder: Path) -> int:
    """The other baseline: one DuckDB query over the folder (read as text, filtered in SQL)."""
    import duckdb

    from lazos.monitor.select import LAC_ISO3

    lac_fips = ", ".join(f"'{c}'" for c in LAC_FIPS.split())
    lac_iso = ", ".join(f"'{c}'" for c in LAC_ISO3)
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(61)) + "}"
    sql = f"""
        SELECT count(*) FROM read_csv('{folder}/*.export.CSV', delim='\t', header=false, quote='',
            escape='', columns={cols})
        WHERE (c7 = 'CHN' OR c17 = 'CHN' OR 'CH' IN (c37, c45, c53))
          AND (c7 IN ({lac_iso}) OR c17 IN ({lac_iso}) OR c37 IN ({lac_fips}) OR c45 IN ({lac_fips})
               OR c53 IN ({lac_fips}))
    """
    con = duckdb.connect()
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def stages_in_process(files: list[Path]) -> int:
    import pyarrow as pa

    from lazos.monitor.parse import parse_batch
    from lazos.monitor.pipeline import select_stage

    kept = 0
    for f in files:
        table = select_stage(parse_batch(pa.table({"path": [str(f)]})), "events", (), None)
        kept += table.filter(table["country"].is_valid()).num_rows
    return kept


def on_ray(files: list[Path], workers: int) -> int:
    from lazos.monitor.pipeline import run_parse_select

    kept = 0
    for table in run_parse_select(files, "events", (), None, workers):
        kept += table.filter(table["country"].is_valid()).num_rows
    return kept


class PeakRSS:
    """Peak resident memory of this process, and of it with every descendant (Ray's processes)."""

    def __init__(self) -> None:
        self.own = self.total = self.own_anon = self.total_anon = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid: int) -> tuple[int, int]:
        """Resident memory (bytes) and its private anonymous part (RssAnon: the process's own
        heap; the rest is shared: libraries, and Ray's object store mapped into each process)."""
        try:
            with open(f"/proc/{pid}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
            return int(fields["VmRSS"].split()[0]) * 1024, int(fields["RssAnon"].split()[0]) * 1024
        except (OSError, KeyError, ValueError):
            return 0, 0

    @staticmethod
    def _tree(root: int) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        out, todo = [], [root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo += children.get(pid, [])
        return out

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            rss, anon = self._rss(me)
            self.own, self.own_anon = max(self.own, rss), max(self.own_anon, anon)
            tree = [self._rss(p) for p in self._tree(me)]
            self.total = max(self.total, sum(r for r, _ in tree))
            self.total_anon = max(self.total_anon, sum(a for _, a in tree))
            time.sleep(0.1)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data" / "gdelt")
    parser.add_argument("--files", type=int, default=24, help="derived events files in the 1x input")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--article-copies", type=int, default=4)
    parser.add_argument("--memory-files", type=int, default=96, help="files in the 1x input of the memory test")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--memory-run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_run:
        memory_run(args.memory_run)
        return

    import ray

    from lazos.monitor.derived import derive_events

    work = Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    try:
        one = work / "1x"
        files = derive_events(args.raw / REAL, one, args.files)
        rows = 2111 * len(files)
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"input: {len(files)} events files ({rows:,} rows, {mb:.0f} MB), derived from the real {REAL}")
        print(f"machine: {os.cpu_count()} cores\n")
        print("parse+select (rows/s, median of runs; higher is better)")
        results: dict[str, float] = {}

        def report(name: str, fn: Callable[[], object]) -> None:
            med, lo, hi, kept = timed(fn, args.runs)
            results[name] = rows / med
            print(f"  {name:<34} {rows / med:>12,.0f} rows/s  ({med:.2f} s; min {lo:.2f}, max {hi:.2f}; kept {kept})")

        report("pandas loop, 1 process (baseline)", lambda: pandas_loop(files))
        report("DuckDB query (baseline)", lambda: duckdb_query(one))
        report("Lazos stages, 1 process, no Ray", lambda: stages_in_process(files))
        for w in args.workers:
            start_ray(w, None)
            on_ray(files[:2], w)  # warm the workers
            report(f"Lazos on Ray Data, {w} worker(s)", lambda w=w: on_ray(files, w))
            ray.shutdown()
        base = results["pandas loop, 1 process (baseline)"]
        print("  ratio to the pandas loop: " + ", ".join(f"{k}: {v / base:.2f}x" for k, v in results.items()))

        read_articles(args)
        if not args.skip_memory:
            memory(args, files, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def read_articles(args: argparse.Namespace) -> None:
    """Claim extraction in MB/s: a single-process loop against the read stage on Ray."""
    import csv

    import ray

    from lazos.documents.extract import extract
    from lazos.documents.ingest import read_bytes
    from lazos.monitor.pipeline import run_read
    from lazos.monitor.read import as_table

    realset = Path(__file__).resolve().parents[1] / "tests" / "realset"
    with (realset / "manifest.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    folder = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    archive, urls = {}, []
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["url", "file"])
        for copy in range(args.article_copies):
            for r in rows:
                url = f"{r['url']}#copy{copy}"  # the same real excerpt under one address per copy
                shutil.copy(realset / "articles" / r["file"], folder / f"{copy}-{r['file']}")
                out.writerow([url, f"{copy}-{r['file']}"])
                archive[url] = folder / f"{copy}-{r['file']}"
                urls.append({"url": url, "source_file": "bench", "file_date": "2019-10-24"})
    mb = sum(p.stat().st_size for p in archive.values()) / 1e6
    print(
        f"\nread: {len(urls)} articles ({mb:.1f} MB): "
        f"the {len(rows)} real excerpts of tests/realset x {args.article_copies}"
    )

    def loop() -> int:
        n = 0
        for url, path in archive.items():
            n += len(extract(read_bytes(path.read_bytes(), path.name, url=url).text).claims)
        return n

    med, lo, hi, n = timed(loop, args.runs)
    base = mb / med
    print(
        f"  {'extract loop, 1 process (baseline)':<34} {base:>8.2f} MB/s  "
        f"({med:.2f} s; min {lo:.2f}, max {hi:.2f}; {n} claims)"
    )
    table = as_table(urls)
    for w in args.workers:
        start_ray(w, None)
        run_read(table.slice(0, 4), folder, False, w, "2026-12-06")  # start the actors once
        med, lo, hi, out = timed(lambda w=w: run_read(table, folder, False, w, "2026-12-06"), args.runs)
        claims = sum(c or 0 for c in out["claims"].to_pylist())
        print(
            f"  {f'read stage on Ray, {w} worker(s)':<34} {mb / med:>8.2f} MB/s  ({med:.2f} s; min {lo:.2f}, "
            f"max {hi:.2f}; {claims} claims; {mb / med / base:.2f}x the loop)"
        )
        ray.shutdown()
    shutil.rmtree(folder, ignore_errors=True)


def memory(args: argparse.Namespace, files: list[Path], work: Path) -> None:
    """Peak memory of whole monitor() runs over the 1x and the 10x input, each in a fresh process
    (so that nothing measured before counts) on a fresh database."""
    import subprocess
    import sys

    from lazos.monitor.derived import derive_events

    one, ten = work / "mem-1x", work / "mem-10x"
    derive_events(args.raw / REAL, one, args.memory_files)
    derive_events(args.raw / REAL, ten, args.memory_files * 10)
    print("\nmemory: a whole monitor() run (parse, select, lake, load), 2 workers, chunks of 96 files, fresh process")
    for label, folder in (("1x", one), ("10x", ten)):
        out = subprocess.run(
            [sys.executable, __file__, "--memory-run", str(folder)], capture_output=True, text=True, check=True
        )
        print(f"  {label:>4}: {out.stdout.strip().splitlines()[-1]}")


def memory_run(folder: Path) -> None:
    """One monitor() run over ``folder`` into a fresh database, with its peak memory (one line)."""
    import lazos
    from lazos.monitor.pipeline import monitor

    work = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        db = work / "lazos.duckdb"
        lazos.build(db)
        start_ray(2, None)
        before = PeakRSS._rss(os.getpid())[1]
        with PeakRSS() as peak:
            start = time.perf_counter()
            report = monitor(db, from_dir=folder, lake_dir=work / "lake", workers=2)
            took = time.perf_counter() - start
        files = report.files_loaded
        print(
            f"{files} files, {report.rows_read:,} rows in {took:.1f} s ({report.rows_read / took:,.0f} rows/s end to "
            f"end); driver: peak RSS {peak.own / 1e6:.0f} MB, own heap {peak.own_anon / 1e6:.0f} MB "
            f"({before / 1e6:.0f} MB before the run); driver + Ray processes: {peak.total / 1e6:.0f} MB "
            f"(heaps {peak.total_anon / 1e6:.0f} MB)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
