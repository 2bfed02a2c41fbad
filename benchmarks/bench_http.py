"""HTTP load test of the REST API (`lazos serve`) against Datasette serving the same data from SQLite.

    .venv/bin/python benchmarks/bench_http.py [--duration 10] [--connections 50] [--db PATH]

For each database (by default the embedded one and the one with 64 vintages of history, made
or reused by benchmarks/history64.py; --db names one):

1. **Lazos**: starts ``.venv/bin/lazos serve --db DB --host 127.0.0.1 --port P``, waits until
   /api/v1/countries answers 200, and loads four pages, each with ``wrk`` (installed with
   apt-get when missing), --connections concurrent connections for --duration seconds, after 3
   sequential warm-up requests that must answer 200: the country profile
   /api/v1/countries/ARG, the filtered project list /api/v1/projects?country=BRA&limit=50, the
   index for a year /api/v1/index?year=2022 and the claims list /api/v1/claims.
2. **Datasette** (the baseline): exports the same data to a SQLite file lazos.db in the scratch
   folder (the current rows, ``retired_at IS NULL``, of country, project, project_country,
   claim, document, event and observation, and the saved scores of the latest index run; with
   primary keys and the indexes the pages need, views for the two pages a plain table cannot
   answer), installs Datasette into a virtualenv of its own (/tmp/lazos-bench/datasette-venv,
   not .venv), serves the file immutable (``datasette serve -i``) and loads the equivalent
   pages the same way: the row page /lazos/country/ARG.json, the view of projects by country
   /lazos/project_by_country.json?country=BRA&_size=50, the view of index scores (one row per
   country: composite and dimensions) /lazos/index_score.json?year=2022&_size=50 and the table
   page /lazos/claim.json?_size=50. Datasette's pages list stored rows; Lazos's compute (its
   claims are checked against the data on every request), which is the point of the
   comparison.

wrk reports latency percentiles over the requests that completed (its timeout is set past
the run, so slow answers count rather than vanish) and requests per second; answers that are
not 2xx/3xx and socket errors are shown and fail the row. Targets (issue 10): p99 < 50 ms, and
Lazos's throughput at least Datasette's. Both servers are stopped on exit, also on Ctrl-C.
The exit status is 1 when a row fails.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
import history64

ROOT = Path(__file__).resolve().parents[1]
P99_MS = 50.0
TABLES = ("country", "project", "project_country", "claim", "document", "event", "observation")
PRIMARY_KEYS = {
    "country": "iso3",
    "project": "project_id",
    "claim": "doc_id, n",
    "document": "doc_id",
    "event": "event_id",
}
INDEXES = {
    "project_country": ["country", "project_id"],
    "event": ["country"],
    "observation": ["entity, indicator"],
    "claim": ["doc_id"],
}
# (what the page shows, Lazos path, Datasette path)
PAGES = [
    ("country profile ARG", "/api/v1/countries/ARG", "/lazos/country/ARG.json"),
    (
        "projects country=BRA, 50",
        "/api/v1/projects?country=BRA&limit=50",
        "/lazos/project_by_country.json?country=BRA&_size=50",
    ),
    ("index year=2022", "/api/v1/index?year=2022", "/lazos/index_score.json?year=2022&_size=50"),
    ("claims", "/api/v1/claims", "/lazos/claim.json?_size=50"),
]


@dataclass
class Load:
    p50_ms: float | None = None
    p99_ms: float | None = None
    rps: float | None = None
    requests: int = 0
    body_bytes: int = 0  # the size of one answer (the last warm-up request's)
    problems: str = ""  # non-2xx answers, socket errors, a page that did not answer

    def summary(self) -> str:
        if self.p50_ms is None:
            return self.problems or "no figures"
        extra = f"; {self.problems}" if self.problems else ""
        return (
            f"p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, {self.rps:.1f} req/s, "
            f"{self.requests} requests of {self.body_bytes:,} bytes{extra}"
        )

    def cells(self) -> str:
        if self.p50_ms is None:
            return f"{'-':>8} {'-':>8} {'-':>8}"
        return f"{self.p50_ms:>8.1f} {self.p99_ms:>8.1f} {self.rps:>8.1f}"


# ---------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(command: list[str], log: Path) -> Iterator[subprocess.Popen]:
    """A server in a process group of its own, stopped (group and all) when the block ends."""
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    try:
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, 5), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def get(url: str, timeout: float = 60) -> tuple[int, int]:
    """(status, body bytes) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, len(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read())


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"the server stopped ({proc.returncode}) before {url} answered:\n{log.read_text()[-3000:]}"
            )
        with contextlib.suppress(OSError):
            if get(url, timeout=10)[0] == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer 200 within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


# ---------------------------------------------------------------------- wrk


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get update && apt-get install -y wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        done = subprocess.run(step, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(step)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get installed wrk but it is not on PATH")
    return found


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Load:
    load = Load()
    for pct, value in re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.M):
        if pct == "50":
            load.p50_ms = _ms(value)
        else:
            load.p99_ms = _ms(value)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    load.rps = float(rps.group(1)) if rps else None
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    load.requests = int(total.group(1)) if total else 0
    problems = []
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if bad:
        problems.append(f"{bad.group(1)} non-2xx")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if errors and any(int(n) for n in errors.groups()):
        problems.append("socket errors " + "/".join(errors.groups()) + " (connect/read/write/timeout)")
    if load.requests == 0 and load.rps is not None:
        problems.append("no request completed within the run")
    if load.p50_ms is None or load.rps is None:
        problems.append("wrk printed no figures: " + output.strip().splitlines()[-1][:100] if output.strip() else "")
    load.problems = "; ".join(p for p in problems if p)
    return load


def load_page(wrk: str, url: str, duration: int, connections: int) -> Load:
    for _ in range(3):  # warm-up, and the page must answer 200
        status, size = get(url)
        if status != 200:
            return Load(problems=f"GET answered {status}", body_bytes=size)
    threads = max(1, min(connections, os.cpu_count() or 1))
    command = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{duration}s"]
    command += ["--timeout", f"{duration + 30}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    load = parse_wrk(done.stdout + done.stderr)
    load.body_bytes = size
    return load


# ---------------------------------------------------------------------- Datasette


def datasette_bin(scratch: Path) -> Path:
    """Datasette in a virtualenv of its own under the scratch folder (made once)."""
    venv = scratch / "datasette-venv"
    exe = venv / "bin" / "datasette"
    if exe.exists():
        return exe
    print(f"installing Datasette into {venv}", flush=True)
    python = shutil.which("python3") or sys.executable
    for step in (
        [python, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "datasette"],
    ):
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(step)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return exe


SQLITE_TYPES = {"BOOLEAN": "INTEGER", "INTEGER": "INTEGER", "BIGINT": "INTEGER", "DOUBLE": "REAL", "FLOAT": "REAL"}


def export_sqlite(db: Path, out: Path) -> dict[str, int]:
    """The current rows of TABLES and the latest index run's scores, as SQLite (``out``)."""
    work = out.with_name(out.name + ".partial")
    work.unlink(missing_ok=True)
    src = duckdb.connect(str(db), read_only=True)
    dst = sqlite3.connect(work)
    counts = {}
    try:
        for table in TABLES:
            columns = src.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            ).fetchall()
            names = [c for c, _ in columns if c != "retired_at"]
            where = "WHERE retired_at IS NULL" if any(c == "retired_at" for c, _ in columns) else ""
            decl = [f'"{c}" {SQLITE_TYPES.get(t, "TEXT")}' for c, t in columns if c != "retired_at"]
            if table in PRIMARY_KEYS:
                decl.append(f"PRIMARY KEY ({PRIMARY_KEYS[table]})")
            dst.execute(f'CREATE TABLE "{table}" ({", ".join(decl)})')
            select = ", ".join(
                f'CAST("{c}" AS VARCHAR)' if SQLITE_TYPES.get(t, "TEXT") == "TEXT" else f'"{c}"'
                for c, t in columns
                if c != "retired_at"
            )
            cur = src.execute(f'SELECT {select} FROM "{table}" {where}')
            insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(names))})'
            n = 0
            while batch := cur.fetchmany(50_000):
                dst.executemany(insert, batch)
                n += len(batch)
            counts[table] = n
            for i, cols in enumerate(INDEXES.get(table, [])):
                dst.execute(f'CREATE INDEX "{table}_{i}" ON "{table}" ({cols})')
        # The index page: the latest saved index run, one row per country and year.
        run = src.execute("SELECT max(run_id) FROM analysis_run WHERE analysis = 'index'").fetchall()[0][0]
        if run is None:
            raise SystemExit(f"{db}: no saved index run (run `lazos analyses save --db {db}`)")
        scores = src.execute(
            "SELECT country, year, component, score, coverage, grade, rank FROM analysis_score WHERE run_id = ?", [run]
        ).fetchall()
        dst.execute(
            "CREATE TABLE analysis_score (country TEXT, year INTEGER, component TEXT, score REAL, coverage REAL, "
            "grade TEXT, rank INTEGER, PRIMARY KEY (country, year, component))"
        )
        dst.executemany("INSERT INTO analysis_score VALUES (?, ?, ?, ?, ?, ?, ?)", scores)
        dst.execute("CREATE INDEX analysis_score_year ON analysis_score (year)")
        counts["analysis_score"] = len(scores)
        components = sorted({row[2] for row in scores} - {"composite"})
        pivot = ", ".join(f"max(CASE WHEN component = '{c}' THEN score END) AS \"{c}\"" for c in components)
        dst.execute(
            "CREATE VIEW index_score AS SELECT country, year, "
            "max(CASE WHEN component = 'composite' THEN score END) AS composite, "
            f"max(CASE WHEN component = 'composite' THEN rank END) AS rank, {pivot} "
            "FROM analysis_score GROUP BY country, year ORDER BY year, rank"
        )
        dst.execute(
            "CREATE VIEW project_by_country AS SELECT pc.country, pc.role, p.* FROM project p "
            "JOIN project_country pc ON pc.project_id = p.project_id"
        )
        dst.commit()
    finally:
        src.close()
        dst.close()
    os.replace(work, out)
    return counts


# ---------------------------------------------------------------------- the run


def bench_database(
    name: str, db: Path, scratch: Path, wrk: str, duration: int, connections: int
) -> list[tuple[str, Load, Load]]:
    logs = scratch / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    lazos_cmd = history64.lazos_cli()
    results: dict[str, list[Load]] = {page: [] for page, _, _ in PAGES}

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = logs / f"lazos-serve-{name}.log"
    print(f"[{name}] lazos serve --db {db} --port {port}", flush=True)
    started = time.perf_counter()
    with server([*lazos_cmd, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)], log) as proc:
        wait_until_up(base + "/api/v1/countries", proc, log)
        print(f"[{name}]   up in {time.perf_counter() - started:.1f} s", flush=True)
        for page, path, _ in PAGES:
            results[page].append(load_page(wrk, base + path, duration, connections))
            print(f"[{name}]   lazos {page}: {results[page][-1].summary()}", flush=True)

    sqlite_dir = scratch / "datasette" / name
    sqlite_dir.mkdir(parents=True, exist_ok=True)
    sqlite_db = sqlite_dir / "lazos.db"
    started = time.perf_counter()
    counts = export_sqlite(db, sqlite_db)
    print(
        f"[{name}] exported to {sqlite_db} in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{t} {n:,}" for t, n in counts.items()),
        flush=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = logs / f"datasette-{name}.log"
    command = [str(datasette_bin(scratch)), "serve", "-i", str(sqlite_db), "--host", "127.0.0.1", "--port", str(port)]
    with server(command, log) as proc:
        wait_until_up(base + "/lazos.json", proc, log)
        for page, _, path in PAGES:
            results[page].append(load_page(wrk, base + path, duration, connections))
            print(f"[{name}]   datasette {page}: {results[page][-1].summary()}", flush=True)
    return [(page, *results[page]) for page, _, _ in PAGES]


def verdict(lazos_load: Load, datasette_load: Load) -> str:
    if lazos_load.problems or lazos_load.p99_ms is None:
        return "FAIL (" + (lazos_load.problems or "no figures") + ")"
    reasons = []
    if lazos_load.p99_ms >= P99_MS:
        reasons.append(f"p99 >= {P99_MS:g} ms")
    if datasette_load.rps is not None and lazos_load.rps < datasette_load.rps:
        reasons.append("fewer req/s than Datasette")
    return "PASS" if not reasons else "FAIL (" + "; ".join(reasons) + ")"


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--connections", type=int, default=50, help="concurrent connections (default 50)")
    parser.add_argument("--db", type=Path, help="this database only (default: embedded and history64)")
    parser.add_argument("--dir", type=Path, default=history64.SCRATCH, help="scratch folder (default %(default)s)")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1:
        parser.error("--duration and --connections must be at least 1")
    command = f"cd {ROOT} && {history64.python()} benchmarks/bench_http.py --duration {args.duration}"
    command += f" --connections {args.connections}"
    command += f" --db {args.db}" if args.db else (f" --dir {args.dir}" if args.dir != history64.SCRATCH else "")
    print(f"reproduce: {command}", flush=True)

    # Ctrl-C or a TERM: unwind (the servers' blocks stop them), then exit.
    signal.signal(signal.SIGTERM, interrupt)
    wrk = ensure_wrk()
    if args.db:
        if not args.db.exists():
            parser.error(f"--db {args.db}: no such file")
        databases = {args.db.stem: args.db.resolve()}
    else:
        databases = history64.ensure(args.dir)
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for name, db in databases.items():
            rows += [(name, *r) for r in bench_database(name, db, args.dir, wrk, args.duration, args.connections)]
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped", file=sys.stderr)
        return 130

    print(
        f"\n{args.connections} connections, {args.duration} s per page, wrk -t {min(args.connections, os.cpu_count())}"
        f" on {os.cpu_count()} CPUs shared with the server; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"targets: p99 < {P99_MS:g} ms, and Lazos req/s >= Datasette's\n")
    head = f"{'database':<10} {'endpoint':<27} {'Lazos p50':>9} {'p99':>8} {'req/s':>8}  "
    head += f"{'Datasette p50':>13} {'p99':>8} {'req/s':>8}  result"
    print(head)
    failed = 0
    for name, page, ours, theirs in rows:
        result = verdict(ours, theirs)
        failed += not result.startswith("PASS")
        note = f"  [Datasette: {theirs.problems}]" if theirs.problems else ""
        print(f"{name:<10} {page:<27} {ours.cells():>26}      {theirs.cells()}  {result}{note}")
    print("(latencies in ms)")
    print(f"\n{len(rows) - failed} of {len(rows)} rows PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
