"""Briefs: how long one country's PDF brief takes, and how `lazos brief --all` scales with workers.

Run:  .venv/bin/python benchmarks/bench_briefs.py [--db PATH] [--runs 3] [--workers 1 2] [--all-format pdf]

1. One brief, cold: `lazos brief argentina --lang zh -o ar.pdf` as a user runs it (a new process:
   imports, the index and risk rating computed for every country and year, charts, PDF).
2. One brief, warm: in a process that has made one brief already (the web app's downloads and
   each `--all` worker after its first brief), split into content, charts + HTML, and PDF;
   baseline from the same run: the country's web page values (the same API calls) and the same
   brief as HTML.
3. `--all` (33 states and the region) with each worker count: wall time, briefs per minute, and
   the speed-up over one worker.

Medians of ``--runs`` runs; the machine is shared, so the ratios matter more than the seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lazos
from lazos.briefs.batch import jobs, make_all
from lazos.briefs.content import content
from lazos.briefs.render import Images, make_brief, pdf_from_html, render_html
from lazos.web.pages.country import profile_values
from lazos.web.pages.render import formatter_for

LAZOS = Path(sys.executable).parent / "lazos"


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", type=Path, help="a built database (default: the embedded data built in a temporary folder)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--all-format", default="pdf", choices=["pdf", "html", "md"])
    parser.add_argument("--country", default="argentina")
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="lazos-bench-briefs-"))
    try:
        db_path = args.db
        if db_path is None:
            db_path = tmp / "lazos.duckdb"
            lazos.build(db_path)
        print(f"database {db_path}; {os.cpu_count()} cores; runs {args.runs}")

        # 1. cold: the command a user runs
        env = {**os.environ, "LAZOS_DB": str(db_path)}
        out = tmp / "ar.pdf"

        def cold() -> None:
            subprocess.run(
                [str(LAZOS), "brief", args.country, "--lang", args.lang, "-o", str(out)],
                env=env,
                check=True,
                capture_output=True,
            )

        cold_s, _ = timed(cold, args.runs)
        print(f"\n1. cold: lazos brief {args.country} --lang {args.lang} -o ar.pdf: {cold_s:.2f} s (median)")

        # 2. warm, in one process
        db = lazos.open(db_path)
        make_brief(db, args.country, lang=args.lang, fmt="pdf")  # the first brief computes the analyses
        fmt = formatter_for(db, args.lang)
        iso = db.resolve_country(args.country)
        page_s, _ = timed(lambda: profile_values(db, iso, None, args.lang, fmt), args.runs)
        content_s, _ = timed(lambda: content(db, args.country, args.lang), args.runs)

        def charts_html() -> str:
            return render_html(content(db, args.country, args.lang), Images())

        html_all_s, html = timed(charts_html, args.runs)
        pdf_s, _ = timed(lambda: pdf_from_html(html), args.runs)  # type: ignore[arg-type]
        whole_s, brief = timed(lambda: make_brief(db, args.country, lang=args.lang, fmt="pdf"), args.runs)
        html_brief_s, _ = timed(lambda: make_brief(db, args.country, lang=args.lang, fmt="html"), args.runs)
        print(f"\n2. warm, one process (the web app; an --all worker after its first brief), {iso} in {args.lang}:")
        print(f"   web page values (baseline)   {page_s:6.2f} s  1.00x")
        print(f"   brief content                {content_s:6.2f} s  {content_s / page_s:.2f}x")
        print(f"   content + charts + HTML      {html_all_s:6.2f} s  {html_all_s / page_s:.2f}x")
        print(f"   HTML to PDF (WeasyPrint)     {pdf_s:6.2f} s  {pdf_s / page_s:.2f}x")
        print(f"   whole HTML brief             {html_brief_s:6.2f} s  {html_brief_s / page_s:.2f}x")
        size = len(brief.data) / 1024  # type: ignore[attr-defined]
        print(f"   whole PDF brief              {whole_s:6.2f} s  {whole_s / page_s:.2f}x  ({size:,.0f} KB)")
        db.close()

        # 3. --all, by workers
        print(f"\n3. --all as {args.all_format} (33 states and the region), by workers:")
        base = None
        handle = lazos.open(db_path)
        for n in args.workers:
            outdir = tmp / f"all-{n}"
            todo = jobs(handle, outdir, [args.lang], [args.all_format], None)
            outdir.mkdir()
            start = time.perf_counter()
            done = make_all(db_path, todo, n)
            wall = time.perf_counter() - start
            failed = [d for d in done if d.error]
            base = base or wall
            per = statistics.median(d.seconds for d in done if not d.error)
            print(
                f"   {n} worker{'s' if n > 1 else ' '}: {wall:6.1f} s, {len(done) / wall * 60:5.1f} briefs/min, "
                f"median {per:.2f} s a brief, speed-up {base / wall:.2f}x"
                + (f", {len(failed)} FAILED: {failed[0].error}" if failed else "")
            )
        handle.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
