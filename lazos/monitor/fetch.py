"""Fetch: which GDELT 2.0 files there are, and getting the new ones.

GDELT publishes every 15 minutes three files (events ``.export.CSV.zip``, mentions
``.mentions.CSV.zip``, GKG ``.gkg.csv.zip``) and lists them in ``lastupdate.txt`` (the newest
three) and ``masterfilelist.txt`` (all of them since February 2015), one per line as
``size md5 url``. Online, the monitor reads a list, keeps the files from ``since`` on that it
has not loaded, downloads each into a raw folder (checked against the list's size and MD5,
written under a temporary name and renamed, so a half-downloaded file is never read) and
passes the folder on. Offline, it takes the files of a folder (``--from-dir``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lazos.errors import LazosError
from lazos.monitor.load import file_stamp

LAST_UPDATE = "http://data.gdeltproject.org/gdeltv2/lastupdate.txt"
MASTER_LIST = "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt"
KIND_SUFFIXES = {
    "events": (".export.csv", ".export.csv.zip"),
    "mentions": (".mentions.csv", ".mentions.csv.zip"),
    "gkg": (".gkg.csv", ".gkg.csv.zip"),
}
DOWNLOAD_SECONDS = 120.0


@dataclass(frozen=True)
class Listed:
    """One line of a GDELT file list."""

    size: int
    md5: str
    url: str

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    @property
    def kind(self) -> str | None:
        return kind_by_name(self.name)

    @property
    def stamp(self) -> datetime | None:
        return file_stamp(self.name)


def kind_by_name(name: str) -> str | None:
    low = name.lower()
    return next((kind for kind, ends in KIND_SUFFIXES.items() if low.endswith(ends)), None)


def parse_file_list(text: str, where: str = "file list") -> list[Listed]:
    """The lines of lastupdate.txt or masterfilelist.txt; a malformed line is an error naming it.

    (masterfilelist.txt has a few lines without a file, from GDELT's own outages: a line with
    fewer than three fields is skipped only when it is blank.)
    """
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit() or len(parts[1]) != 32:
            raise LazosError(f"{where}, line {i}: expected 'size md5 url', found {line[:120]!r}")
        out.append(Listed(int(parts[0]), parts[1].lower(), parts[2]))
    return out


def wanted(listed: list[Listed], kinds: tuple[str, ...], since: datetime | None, known: set[str]) -> list[Listed]:
    """The listed files of ``kinds`` from ``since`` on whose names are not ``known``, oldest first."""
    keep = [
        f
        for f in listed
        if f.kind in kinds and f.name not in known and (since is None or (f.stamp is not None and f.stamp >= since))
    ]
    return sorted(keep, key=lambda f: (f.stamp or datetime.min, f.name))


def download(files: list[Listed], raw_dir: Path, progress: Callable[[str], None] = lambda message: None) -> list[Path]:
    """Download files into ``raw_dir`` (skipping those already there with the right MD5)."""
    import httpx

    raw_dir.mkdir(parents=True, exist_ok=True)
    out = []
    with httpx.Client(follow_redirects=True, timeout=30.0, headers={"User-Agent": "lazos"}) as client:
        for f in files:
            target = raw_dir / f.name
            if target.exists() and _md5(target.read_bytes()) == f.md5:
                out.append(target)
                continue
            progress(f"downloading {f.name}")
            try:
                response = client.get(f.url)
            except httpx.HTTPError as exc:
                raise LazosError(f"cannot download {f.url}: {exc}") from exc
            if response.status_code >= 400:
                raise LazosError(f"cannot download {f.url}: HTTP {response.status_code}")
            body = response.content
            if len(body) != f.size or _md5(body) != f.md5:
                raise LazosError(
                    f"{f.url}: the download does not match GDELT's list ({len(body)} bytes, expected {f.size},"
                    " or a different MD5): try again later"
                )
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(body)
            partial.replace(target)
            out.append(target)
    return out


def fetch_list(url: str = LAST_UPDATE) -> list[Listed]:
    import httpx

    try:
        response = httpx.get(url, timeout=30.0, follow_redirects=True, headers={"User-Agent": "lazos"})
    except httpx.HTTPError as exc:
        raise LazosError(f"cannot read GDELT's file list {url}: {exc}") from exc
    if response.status_code >= 400:
        raise LazosError(f"cannot read GDELT's file list {url}: HTTP {response.status_code}")
    return parse_file_list(response.text, url)


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def local_files(folder: Path, since: datetime | None = None) -> tuple[list[Path], list[Path]]:
    """The GDELT files of a folder, oldest first, and the other files it holds (left aside).

    A file is a GDELT file by its published name or, failing that, by its first line having
    the events (61), mentions (16) or GKG (27) number of tab-separated fields. Files named
    with a slot before ``since`` are left out; files without a slot in their name are kept.
    """
    from lazos.monitor.parse import kind_of

    if not folder.is_dir():
        raise LazosError(f"no such folder: {folder}")
    found, other = [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if kind_by_name(path.name) is None:
            try:
                kind_of(path)
            except Exception:
                other.append(path)
                continue
        stamp = file_stamp(path.name)
        if since is not None and stamp is not None and stamp < since:
            continue
        found.append(path)
    found.sort(key=lambda p: (file_stamp(p.name) or datetime.min, p.name))
    return found, other
