"""Where Lazos keeps its database and finds its embedded dataset."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DB_ENV = "LAZOS_DB"
DATA_ENV = "LAZOS_DATA"


def default_db_path() -> Path:
    """``$LAZOS_DB`` if set, else ``lazos.duckdb`` in the user's data directory."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    return Path(platformdirs.user_data_dir("lazos", appauthor=False)) / "lazos.duckdb"


def embedded_data_dir() -> Path:
    """The embedded dataset: ``$LAZOS_DATA``, the copy inside an installed wheel, or data/."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser()
    here = Path(__file__).resolve().parent
    packaged = here / "_embedded"
    if (packaged / "datapackage.json").exists():
        return packaged
    return here.parent / "data"
