"""Lazos: an open, sourced observatory of China–Latin America & Caribbean cooperation.

import lazos
db = lazos.open()            # the default database (see lazos.paths)
db.overview().counts
"""

__version__ = "0.1.0"

from lazos.api import Lazos, build, fetch, import_file, ingest, open, save_analyses

__all__ = ["Lazos", "__version__", "build", "fetch", "import_file", "ingest", "open", "save_analyses"]
