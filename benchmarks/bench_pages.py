"""Load test of the web app's pages (`lazos serve`), with the REST API's answer for the same
country as the baseline from the same run.

    .venv/bin/python benchmarks/bench_pages.py [--duration 10] [--connections 50] [--db PATH]

Starts ``.venv/bin/lazos serve --db DB`` (default: the embedded database, built in a scratch
folder) on a free port, waits until it answers, then loads each page with ``wrk``
(--connections concurrent connections for --duration seconds, after three warm-up requests
that must answer 200):

* "replayed": the same URL again and again. After the first answer the server replays it from
  its answer cache (lazos.web.response_cache) — what a popular page costs.
* "rendered": every request carries another ``_r=N`` query parameter (a wrk Lua script), so no
  answer is replayed: each one runs the page's Python API calls (cached per database version, as
  in production) and renders its template — what a page nobody asked for yet costs.

Pages: the country profile /en/countries/ARG and /zh/countries/BRA, the overview /en/ and the
filtered projects explorer /en/projects?country=BRA; baseline: /api/v1/countries/ARG (the same
profile as JSON), rendered the same way. Prints p50/p99 latency and requests per second, and
each page's p50 as a multiple of the baseline's. The exit status is 1 when a page does not
answer 200 or wrk reports errors. The issue (11) asks for the country page's p50/p99 under 50
concurrent clients; docs/performance.md records them.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import ROOT, Load, ensure_wrk, free_port, load_page, parse_wrk, server, wait_until_up

import lazos

PAGES = [
    ("country page (en)", "/en/countries/ARG"),
    ("country page (zh)", "/zh/countries/BRA"),
    ("overview (en)", "/en/"),
    ("projects explorer (en)", "/en/projects?country=BRA"),
]
BASELINE = ("REST API country (JSON)", "/api/v1/countries/ARG")

UNIQUE_QUERY = """
counter = 0
request = function()
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "_r=" .. counter .. "-" .. math.random(1, 1e9))
end
"""


def load_rendered(wrk: str, url: str, duration: int, connections: int, script: Path) -> Load:
    import subprocess

    from bench_http import get

    for _ in range(3):
        status, size = get(url)
        if status != 200:
            return Load(problems=f"GET answered {status}", body_bytes=size)
    threads = max(1, min(connections, os.cpu_count() or 1))
    command = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "-s", str(script)]
    command += ["--timeout", f"{duration + 30}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    load = parse_wrk(done.stdout + done.stderr)
    load.body_bytes = size
    return load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    wrk = ensure_wrk()
    scratch = Path(tempfile.mkdtemp(prefix="lazos-bench-pages-"))
    db = args.db
    if db is None:
        db = scratch / "lazos.duckdb"
        lazos.build(db)
        lazos.save_analyses(db)
    script = scratch / "unique.lua"
    script.write_text(UNIQUE_QUERY)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = scratch / "serve.log"
    rows: list[tuple[str, str, Load]] = []
    command = [str(ROOT / ".venv/bin/lazos"), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    with server(command, log) as proc:
        wait_until_up(base + "/en/", proc, log)
        name, path = BASELINE
        rows.append((name, "rendered", load_rendered(wrk, base + path, args.duration, args.connections, script)))
        for name, path in PAGES:
            rows.append((name, "rendered", load_rendered(wrk, base + path, args.duration, args.connections, script)))
            rows.append((name, "replayed", load_page(wrk, base + path, args.duration, args.connections)))
    baseline = rows[0][2].p50_ms
    print(f"\n{args.connections} connections, {args.duration} s per row, {os.cpu_count()} CPUs; db {db}\n")
    print(f"{'page':<28} {'mode':<9} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'bytes':>8} {'p50 / API':>9}")
    failed = False
    for name, mode, load in rows:
        ratio = f"{load.p50_ms / baseline:>9.2f}" if load.p50_ms and baseline else f"{'-':>9}"
        print(f"{name:<28} {mode:<9} {load.cells()} {load.body_bytes:>8,} {ratio}")
        if load.problems:
            failed = True
            print(f"    problem: {load.problems}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
