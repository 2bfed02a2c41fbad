"""``lazos monitor``: the stages run over GDELT files, chunk by chunk, on Ray Data.

For each chunk of new files (oldest first):

1. parse and select run on Ray workers, one file per task (Ray fuses the two stages); the
   driver streams the typed rows into the lake (lake.py), batch by batch, so its memory is
   that of a batch, not of the input;
2. the selected events' (and GKG records') articles whose text is at hand are read on Ray
   workers, each process loading the extractor once (read.read_stage);
3. the chunk is loaded into the store in one transaction, with history, and its files are
   written to the ledger in that same transaction.

Re-running over the same files changes nothing (the ledger knows them by name and checksum;
were they loaded again, the store's import would find every row identical). A run killed at
any point leaves every chunk either loaded or not: the next run reads the unloaded ones from
the start, and the lake's rows for them are replaced, not added to. A Ray worker that dies
mid-task has its task retried by Ray.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from lazos.errors import LazosError
from lazos.monitor import lake
from lazos.monitor.load import FileRecord, file_source, loaded_files, news_event_rows, record_files
from lazos.results import Result
from lazos.sources.common import file_sha256

KIND_ORDER = ("events", "mentions", "gkg")
CHUNK_FILES = 96  # a day of 15-minute files per transaction
MAX_REPORTED = 50
MAX_FILES_PER_TASK = {"events": 8, "mentions": 8, "gkg": 1}
ARTICLES_PER_TASK = 16
# Test hook: a file path; while that file exists, the next parse task renames it (to
# <path>.done) and kills its own worker process, to show that Ray retries the task and that
# nothing is lost or doubled. Unset, it costs one environment lookup per file.
KILL_ONCE_ENV = "LAZOS_MONITOR_KILL_WORKER_ONCE"


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int | None
    message: str


@dataclass
class MonitorReport(Result):
    """What a monitor run did."""

    files_found: int = 0
    files_loaded: int = 0
    files_already_loaded: int = 0
    files_failed: list[str] = field(default_factory=list)  # files that could not be read at all
    not_gdelt: list[str] = field(default_factory=list)
    rows_read: int = 0
    bad_rows: int = 0
    bad_row_examples: list[BadRow] = field(default_factory=list)
    duplicates: int = 0
    events_selected: int = 0
    events_inserted: int = 0
    events_retired: int = 0
    articles: int = 0
    articles_read: int = 0
    claims: int = 0
    load_ids: list[int] = field(default_factory=list)
    workers: int = 0
    lake: str = ""


# ---------------------------------------------------------------------------- stages on Ray


def parse_stage(batch: pa.Table) -> pa.Table:
    """Parse (the Ray task): the files named in ``batch["path"]``, typed (parse.parse_file),
    each row with ``file_duplicates``, the rows of its file left out as duplicates. A file
    that cannot be read at all becomes one error row whose ``line`` is null."""
    from lazos.errors import ValidationError
    from lazos.monitor.parse import parse_batch, parse_file_with_stats

    request = os.environ.get(KILL_ONCE_ENV)
    if request:
        try:
            os.rename(request, request + ".done")  # atomic: exactly one task takes the request
        except FileNotFoundError:
            pass
        else:
            os._exit(1)  # the worker dies mid-task, as a crashed or preempted node would
    tables = []
    for path in batch["path"].to_pylist():
        try:
            table, stats = parse_file_with_stats(Path(path))
            duplicates = stats.duplicates
        except ValidationError:
            table, duplicates = parse_batch(pa.table({"path": [path]})), 0  # the file's error row
        tables.append(table.append_column("file_duplicates", pa.array([duplicates] * table.num_rows, pa.int32())))
    return pa.concat_tables(tables)


def select_stage(batch: pa.Table, kind: str, entities: tuple[str, ...], event_ids: pa.Array | None) -> pa.Table:
    """Select (the Ray task): every parsed row, with ``country`` and ``match`` set on the rows
    that involve China and a LAC state (null elsewhere; select.mark), and ``file_date`` for
    partitioning."""
    from lazos.monitor import select

    duplicates = (
        batch["file_duplicates"]
        if "file_duplicates" in batch.column_names
        else pa.array([0] * batch.num_rows, pa.int32())
    )
    batch = batch.drop_columns([c for c in ("file_duplicates",) if c in batch.column_names])
    out = select.mark(batch, kind, entities, event_ids).append_column("file_duplicates", duplicates)
    names = batch["source_file"]
    dates = {n: _file_date(n) for n in pc.unique(names).to_pylist()}
    index = pc.index_in(names, value_set=pa.array(list(dates), pa.string()))
    return out.append_column("file_date", pc.take(pa.array(list(dates.values()), pa.string()), index))


def _file_date(name: str) -> str:
    from lazos.monitor.load import file_stamp

    stamp = file_stamp(name)
    return stamp.date().isoformat() if stamp else "unknown"


# ---------------------------------------------------------------------------- the run


def start_ray(workers: int | None, address: str | None) -> int:
    """Start (or join) Ray: a local cluster of ``workers`` CPUs, or the cluster at ``address``;
    returns the CPUs Ray has. Ray's own logging and progress bars are kept quiet."""
    import logging
    import warnings

    import ray
    from ray.data import DataContext

    # Ray's own logging and warnings (execution summaries, deprecations, "fewer inputs than
    # workers") are for Ray's developers: the monitor reports what it did itself.
    for name in ("ray", "ray.data", "ray.data._internal"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"ray(\.|$)")
    if not ray.is_initialized():
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": "ERROR",
            "configure_logging": True,
        }
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=workers or os.cpu_count() or 1, **options)
    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    return int(ray.cluster_resources().get("CPU", 0))


def files_per_task(kind: str, files: int, workers: int) -> int:
    """Files one parse task reads: enough to pay for a task's overhead (a few tens of ms), few
    enough that every worker gets several tasks and a task's memory stays that of a few files
    (an events or mentions file is about 1 MB unzipped; a GKG file can be 50 MB)."""
    most = MAX_FILES_PER_TASK[kind]
    return max(1, min(most, files // max(1, workers * 2)))


def run_parse_select(
    paths: list[Path],
    kind: str,
    entities: tuple[str, ...],
    event_ids: pa.Array | None,
    workers: int,
) -> Iterator[pa.Table]:
    """Parse and select ``paths`` (all of one kind) on Ray; the rows come back batch by batch."""
    import ray.data

    per_task = files_per_task(kind, len(paths), workers)
    ds = ray.data.from_items([{"path": str(p)} for p in paths], override_num_blocks=-(-len(paths) // per_task))
    ds = ds.map_batches(
        parse_stage,
        batch_size=per_task,
        batch_format="pyarrow",
        compute=ray.data.TaskPoolStrategy(size=max(1, workers)),
    )
    ds = ds.map_batches(
        select_stage,
        batch_size=None,
        batch_format="pyarrow",
        fn_kwargs={"kind": kind, "entities": entities, "event_ids": event_ids},
    )
    yield from ds.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=1)


def run_read(urls: pa.Table, archive: Path | None, online: bool, workers: int, retrieved: str) -> pa.Table:
    """The read stage on Ray: one extractor per worker process."""
    import ray.data

    from lazos.monitor.read import ARTICLE_SCHEMA, read_stage

    if urls.num_rows == 0:
        return ARTICLE_SCHEMA.empty_table()
    # Blocks made here, not by a repartition task: a few articles per task, several tasks per worker.
    size = max(1, min(ARTICLES_PER_TASK, -(-urls.num_rows // max(1, workers * 4))))
    ds = ray.data.from_arrow([urls.slice(i, size) for i in range(0, urls.num_rows, size)])
    ds = ds.map_batches(
        read_stage,
        batch_size=None,
        batch_format="pyarrow",
        compute=ray.data.TaskPoolStrategy(size=max(1, workers)),
        fn_kwargs={"archive": str(archive) if archive else None, "online": online, "retrieved": retrieved},
    )
    tables = [t for t in (ray.get(ref) for ref in ds.to_arrow_refs()) if t.num_rows]
    return pa.concat_tables(tables).cast(ARTICLE_SCHEMA) if tables else ARTICLE_SCHEMA.empty_table()


def chunks(paths: list[Path], size: int) -> Iterator[list[Path]]:
    for i in range(0, len(paths), size):
        yield paths[i : i + size]


def monitor(
    db_path: str | Path,
    *,
    from_dir: str | Path | None = None,
    since: datetime | None = None,
    workers: int | None = None,
    address: str | None = None,
    lake_dir: str | Path | None = None,
    articles: str | Path | None = None,
    online: bool = False,
    chunk_files: int = CHUNK_FILES,
    progress: Callable[[str, int, int], None] | None = None,
) -> MonitorReport:
    """Run the pipeline over new GDELT files into the database at ``db_path``.

    ``from_dir``: a folder of GDELT files (offline); without it, GDELT's latest files are
    downloaded (``online`` must then be True). ``articles``: an article archive (read.py).
    ``progress(message, done, total)`` is called as files are parsed and chunks loaded.
    """
    from lazos.monitor import fetch
    from lazos.monitor.read import as_table, read_manifest, urls_of
    from lazos.store.importer import connect_for_writing

    db = Path(db_path)
    if not db.exists():
        raise LazosError(f"no Lazos database at {db}: run `lazos build` first")
    lake_path = Path(lake_dir) if lake_dir else db.parent / "lake"
    archive = Path(articles) if articles else None
    if archive is not None:
        read_manifest(archive)  # a missing or malformed manifest is refused before any work
    report = MonitorReport(lake=str(lake_path))
    tell = progress or (lambda message, done, total: None)

    if from_dir is not None:
        found, other = fetch.local_files(Path(from_dir), since)
        report.not_gdelt = [p.name for p in other]
    else:
        if not online:
            raise LazosError("give --from-dir DIR (offline), or --online to download GDELT's latest files")
        raw = db.parent / "gdelt-raw"
        listed = fetch.fetch_list(fetch.MASTER_LIST if since else fetch.LAST_UPDATE)
        con = connect_for_writing(db)
        try:
            known = set(loaded_files(con))
        finally:
            con.close()
        found = fetch.download(fetch.wanted(listed, KIND_ORDER, since, known), raw, lambda m: tell(m, 0, 0))
    report.files_found = len(found)

    con = connect_for_writing(db)
    try:
        from lazos.monitor.entities import entity_names
        from lazos.store.migrations import migrate

        migrate(con)
        known = loaded_files(con)
        entities = tuple(entity_names(con))
        stored_ids = [
            int(r[0]) for r in con.execute("SELECT event_id FROM news_event WHERE retired_at IS NULL").fetchall()
        ]
    finally:
        con.close()
    sums = {p: file_sha256(p) for p in found}
    pending = [p for p in found if known.get(p.name) != sums[p]]
    report.files_already_loaded = len(found) - len(pending)
    if not pending:
        return report

    report.workers = start_ray(workers, address)
    retrieved = datetime.now(UTC).date().isoformat()
    done = 0
    for chunk in chunks(pending, max(1, chunk_files)):
        records, selected, events = _parse_chunk(chunk, sums, entities, stored_ids, report, lake_path, tell, done)
        done += len(chunk)
        urls = as_table(urls_of(selected.get("events"), selected.get("gkg"), selected.get("mentions")))
        outcomes = _read_chunk(urls, archive, online, report, lake_path, records, retrieved)
        if records:
            _load_chunk(db, records, events, outcomes, report, online and from_dir is None)
            stored_ids += [int(i) for i in events["GLOBALEVENTID"].to_pylist()] if events.num_rows else []
        tell(f"loaded {done} of {len(pending)} files", done, len(pending))
    return report


def _parse_chunk(
    chunk: list[Path],
    sums: dict[Path, str],
    entities: tuple[str, ...],
    stored_ids: list[int],
    report: MonitorReport,
    lake_path: Path,
    tell: Callable[[str, int, int], None],
    done: int,
) -> tuple[list[FileRecord], dict[str, pa.Table], pa.Table]:
    """Parse and select a chunk on Ray, writing the lake; returns the ledger records, the
    selected rows per kind and the selected events."""
    from lazos.monitor.parse import kind_of

    by_kind: dict[str, list[Path]] = {}
    for p in chunk:
        try:
            by_kind.setdefault(kind_of(p), []).append(p)
        except LazosError as exc:
            report.files_failed.append(f"{p.name}: {exc}")
    records: list[FileRecord] = []
    selected: dict[str, pa.Table] = {}
    bad_tables: list[pa.Table] = []
    for kind in KIND_ORDER:
        paths = by_kind.get(kind, [])
        if not paths:
            continue
        event_ids = None
        if kind == "mentions":
            ids = stored_ids + (selected["events"]["GLOBALEVENTID"].to_pylist() if "events" in selected else [])
            event_ids = pa.array(ids, pa.int64())
        run = _KindRun(kind, paths, report.workers, lambda name, n: tell(f"parsed {name}", done + n, done + len(chunk)))
        schema = _lake_schema(kind)
        batches = run.batches(entities, event_ids)
        lake.replace_files(lake_path, kind, [p.name for p in paths], pa.RecordBatchReader.from_batches(schema, batches))
        selected[kind] = pa.concat_tables(run.picked).cast(schema) if run.picked else schema.empty_table()
        bad_tables += run.bad
        for p in paths:
            if p.name in run.failed:
                report.files_failed.append(f"{p.name}: {run.failed[p.name]}")
                continue
            n, bad, chosen, duplicates = run.stats[p.name]
            records.append(FileRecord(p.name, kind, sums[p], n + bad + duplicates, bad, duplicates, chosen))
            report.rows_read += n + bad
            report.duplicates += duplicates
    bad = pa.concat_tables(bad_tables) if bad_tables else BAD_SCHEMA.empty_table()
    _bad_rows(report, bad, lake_path, [p.name for p in chunk])
    events = selected.get("events", _lake_schema("events").empty_table())
    return records, selected, events


class _KindRun:
    """The files of one kind in a chunk, through parse and select on Ray: the good rows are
    streamed on (to the lake), and what the load needs is kept: per-file counts, the selected
    rows, the bad rows and the files that could not be read at all."""

    def __init__(self, kind: str, paths: list[Path], workers: int, parsed: Callable[[str, int], None]):
        self.kind, self.paths, self.workers, self.parsed = kind, paths, workers, parsed
        self.stats: dict[str, list[int]] = {p.name: [0, 0, 0, 0] for p in paths}  # rows, bad, selected, duplicates
        self.failed: dict[str, str] = {}
        self.picked: list[pa.Table] = []
        self.bad: list[pa.Table] = []

    def batches(self, entities: tuple[str, ...], event_ids: pa.Array | None) -> Iterator[pa.RecordBatch]:
        schema = _lake_schema(self.kind)
        seen: set[str] = set()
        for table in run_parse_select(self.paths, self.kind, entities, event_ids, self.workers):
            for name in set(table["source_file"].to_pylist()) - seen:
                seen.add(name)
                self.parsed(name, len(seen))
            whole = table.filter(pc.and_(pc.is_valid(table["error"]), pc.is_null(table["line"])))
            for r in whole.select(["source_file", "error"]).to_pylist():
                self.failed[r["source_file"]] = r["error"]
            table = table.filter(pc.or_(pc.is_null(table["error"]), pc.is_valid(table["line"])))
            good = table.filter(pc.is_null(table["error"]))
            bad = table.filter(pc.is_valid(table["error"]))
            chosen = good.filter(pc.is_valid(good["match"]))
            for slot, part in enumerate((good, bad, chosen)):
                _count(self.stats, part, slot)
            for name, duplicates in _first_per_file(table, "file_duplicates").items():
                self.stats[name][3] = duplicates
            if chosen.num_rows:
                self.picked.append(chosen.drop_columns(["file_duplicates"]))
            if bad.num_rows:
                self.bad.append(bad.select(["source_file", "line", "error", "file_date"]).cast(BAD_SCHEMA))
            for batch in good.drop_columns(["file_duplicates"]).to_batches():
                yield batch.cast(schema)


def _first_per_file(table: pa.Table, column: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, value in zip(table["source_file"].to_pylist(), table[column].to_pylist(), strict=True):
        out.setdefault(name, value)
    return out


def _count(stats: dict[str, list[int]], table: pa.Table, slot: int) -> None:
    if table.num_rows == 0:
        return
    counts = pc.value_counts(table["source_file"])
    for item in counts.to_pylist():
        stats[item["values"]][slot] += item["counts"]


def _lake_schema(kind: str) -> pa.Schema:
    from lazos.monitor.layouts import LAYOUTS, schema

    base = schema(LAYOUTS[kind])
    return (
        base.append(pa.field("country", pa.string()))
        .append(pa.field("match", pa.string()))
        .append(pa.field("file_date", pa.string()))
    )


BAD_SCHEMA = pa.schema(
    [("source_file", pa.string()), ("line", pa.int32()), ("error", pa.string()), ("file_date", pa.string())]
)


def _bad_rows(report: MonitorReport, bad: pa.Table, lake_path: Path, files: list[str]) -> None:
    """Report the chunk's bad rows and write them to the lake (replacing those of its files)."""
    report.bad_rows += bad.num_rows
    for r in bad.select(["source_file", "line", "error"]).to_pylist():
        if len(report.bad_row_examples) < MAX_REPORTED:
            report.bad_row_examples.append(BadRow(r["source_file"], r["line"], r["error"]))
    if bad.num_rows or lake.exists(lake_path, "bad_rows"):
        lake.replace_files(lake_path, "bad_rows", files, bad)


def _read_chunk(
    urls: pa.Table,
    archive: Path | None,
    online: bool,
    report: MonitorReport,
    lake_path: Path,
    records: list[FileRecord],
    retrieved: str,
) -> pa.Table:
    from lazos.monitor.read import ARTICLE_SCHEMA, claims_table

    report.articles += urls.num_rows
    if urls.num_rows == 0:
        return ARTICLE_SCHEMA.empty_table()
    if archive is None and not online:
        outcomes = pa.Table.from_pylist(
            [
                r | {"doc_id": None, "bytes": None, "claims": None, "rows": None, "error": "text not at hand"}
                for r in urls.to_pylist()
            ],
            schema=ARTICLE_SCHEMA,
        )
    else:
        outcomes = run_read(urls, archive, online, report.workers, retrieved)
    files = [r.name for r in records]
    lake.replace_files(lake_path, "articles", files, outcomes.drop_columns(["rows"]))
    claims = claims_table(outcomes)
    lake.replace_files(lake_path, "claims", files, claims)
    read = outcomes.filter(pc.is_valid(outcomes["doc_id"]))
    report.articles_read += read.num_rows
    report.claims += claims.num_rows
    return outcomes


def _load_chunk(
    db: Path,
    records: list[FileRecord],
    events: pa.Table,
    outcomes: pa.Table,
    report: MonitorReport,
    fetched: bool,
) -> None:
    """One transaction: the chunk's sources, events, documents and claims, and its ledger rows."""
    from lazos.monitor.read import article_rows
    from lazos.store.importer import run_import

    retrieved = datetime.now(UTC).date().isoformat()
    chosen_files = set(events["source_file"].to_pylist()) if events.num_rows else set()
    sources = {r.name: file_source(r.name, r.kind, r.sha256, retrieved) for r in records if r.name in chosen_files}
    rows = news_event_rows(events, {name: s["source_id"] for name, s in sources.items()})
    documents = article_rows(outcomes)
    report.events_selected += len(rows)

    def stage(staging: Any, ctx: Any) -> str:
        staging.add_rows("sources", list(sources.values()), "GDELT files")
        staging.add_rows("news_events", rows, "GDELT events")
        for resource, records_ in documents.items():
            staging.add_rows(resource, records_, "articles")
        record_files(ctx.con, records, ctx.now)
        return (
            f"{len(records)} GDELT files: {len(rows)} China–LAC events, {len(documents.get('documents', []))} articles"
        )

    label = f"{len(records)} files, {records[0].name} … {records[-1].name}"
    result = run_import(db, "gdelt", [(label, stage)], kind="fetch" if fetched else "import")
    change = result.changes.get("news_events")
    if change:
        report.events_inserted += change.inserted
        report.events_retired += change.retired
    report.files_loaded += len(records)
    report.load_ids.append(result.load_id)
