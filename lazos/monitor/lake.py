"""The tables between the monitor's stages: Delta Lake tables, written with ``deltalake``.

The lake sits beside the database (``<database folder>/lake`` unless ``--lake`` says
otherwise), one Delta table per stage output, each partitioned by ``file_date`` (the UTC
day of the GDELT file a row came from):

* ``events``, ``mentions``, ``gkg``: every row parsed, typed per the codebook, with the
  selection's ``country`` and ``match`` (null where China and a LAC state are not both in it);
* ``bad_rows``: the rows that could not be read, with file, line and reason;
* ``articles``: the articles the read stage looked for, whether their text was at hand, and
  how many claims the extractor found; ``claims``: those claims.

A chunk of files is written with ``mode="overwrite"`` and a predicate naming its files, so
writing the same files again replaces their rows instead of adding to them: a chunk redone
after a crash leaves each table as one clean run would. Spark, DuckDB (through Arrow, or its
delta extension) and pandas read the tables as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

PARTITION = "file_date"
TABLES = ("events", "mentions", "gkg", "bad_rows", "articles", "claims")


def table_path(lake: Path, name: str) -> Path:
    if name not in TABLES:
        raise ValueError(f"unknown lake table {name!r} (choose from {', '.join(TABLES)})")
    return lake / name


def _predicate(files: Iterable[str]) -> str:
    names = sorted(set(files))
    quoted = ", ".join("'" + n.replace("'", "''") + "'" for n in names)
    return f"source_file IN ({quoted})"


def replace_files(lake: Path, name: str, files: Iterable[str], batches: pa.RecordBatchReader | pa.Table) -> None:
    """Write the rows of ``files`` to a lake table, replacing any rows those files had there.

    ``batches`` (a table, or a stream read batch by batch: memory stays that of a batch) must
    hold a ``source_file`` among ``files`` and a ``file_date`` on every row. One Delta commit:
    readers see the files' old rows or their new ones, never a mix.
    """
    files = list(files)
    if not files:
        return
    path = table_path(lake, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_deltalake(
        str(path),
        batches,
        mode="overwrite",
        predicate=_predicate(files),
        partition_by=[PARTITION],
        schema_mode="merge",
    )


def exists(lake: Path, name: str) -> bool:
    return (table_path(lake, name) / "_delta_log").is_dir()


def read(lake: Path, name: str, files: Iterable[str] | None = None) -> pa.Table:
    """A lake table (the rows of ``files`` only, when given) as Arrow; empty if never written."""
    if not exists(lake, name):
        return pa.table({})
    dataset = DeltaTable(str(table_path(lake, name))).to_pyarrow_dataset()
    if files is None:
        return dataset.to_table()
    import pyarrow.compute as pc

    return dataset.to_table(filter=pc.field("source_file").isin(sorted(set(files))))


def version(lake: Path, name: str) -> int | None:
    """The table's Delta version (commits so far, from 0), None if never written."""
    return DeltaTable(str(table_path(lake, name))).version() if exists(lake, name) else None
