"""Every brief at once: the 33 CELAC states and the region, in parallel across processes.

Each worker process opens the database once (read-only, so any number can) and makes the briefs
it is given; the parent only collects what was written. A brief that fails is reported with its
error and the others are still made.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from lazos.api import Lazos
from lazos.web.pages.analyses import celac_states

from .render import file_stem, make_brief


@dataclass(frozen=True)
class Job:
    target: str | None  # an ISO3 code, or None for the region
    lang: str
    fmt: str
    as_of: str | None
    path: Path


@dataclass(frozen=True)
class Done:
    job: Job
    files: tuple[Path, ...] = ()
    seconds: float = 0.0
    error: str | None = None


def jobs(db: Lazos, outdir: Path, langs: Iterable[str], fmts: Iterable[str], as_of: str | None) -> list[Job]:
    """A job per CELAC state and the region, in every language and format asked for."""
    targets: list[str | None] = [None, *sorted(celac_states(db)["iso3"])]
    return [
        Job(target, lang, fmt, as_of, outdir / f"{file_stem(target, lang, as_of)}.{fmt}")
        for lang in langs
        for fmt in fmts
        for target in targets
    ]


_db: Lazos | None = None


def _open(path: str) -> None:
    global _db
    _db = Lazos(path)


def run_job(job: Job) -> Done:
    """Make and write one brief in this worker (its database opened by ``_open``)."""
    assert _db is not None
    start = time.perf_counter()
    try:
        brief = make_brief(_db, job.target, lang=job.lang, fmt=job.fmt, as_of=job.as_of, stem=job.path.stem)
        files = tuple(brief.write(job.path))
    except Exception as exc:  # reported with the brief it stopped; the other briefs go on
        return Done(job, error=f"{type(exc).__name__}: {exc}")
    return Done(job, files, time.perf_counter() - start)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def make_all(
    db_path: Path, todo: list[Job], workers: int | None = None, progress: Callable[[Done], None] | None = None
) -> list[Done]:
    """Make ``todo`` in ``workers`` processes (default: the cores, at most 8); ``progress`` is
    called with each brief as it is done. One worker makes them in this process."""
    workers = workers or default_workers()
    results: list[Done] = []
    if workers == 1:
        global _db
        _open(str(db_path))
        try:
            for job in todo:
                results.append(run_job(job))
                if progress:
                    progress(results[-1])
        finally:
            if _db is not None:
                _db.close()
            _db = None
        return results
    # spawn: a fresh interpreter per worker (DuckDB's and Pango's threads do not survive fork)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_open, initargs=(str(db_path),)) as pool:
        pending: set[Future[Done]] = {pool.submit(run_job, job) for job in todo}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                results.append(future.result())
                if progress:
                    progress(results[-1])
    return results
