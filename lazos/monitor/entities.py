"""The Chinese companies and projects Lazos knows, as names the selection can look for.

Projects name their Chinese entities in free text ("China Harbour Engineering Co (CHEC);
China Eximbank", "Sinohydro; ICBC financing"). Each part between separators is a name, an
abbreviation in brackets is another; words that describe rather than name ("loan",
"financing", "government") and names too short or too generic to find safely in the news
("China", two-letter abbreviations) are left out.
"""

from __future__ import annotations

import re

import duckdb

_SPLIT = re.compile(r"[;/,:()]|\bbuilt by\b|\bJV with\b", re.IGNORECASE)
_DESCRIBING = re.compile(
    r"\b(loan|loans|financing|finance|government|aid|donation|subsidiar(?:y|ies)|consortium|others?)\b", re.IGNORECASE
)
_PERCENT = re.compile(r"\d")
GENERIC = {"china", "prc", "people's republic of china", "state", "group", "co", "corp", "international"}
MIN_LENGTH = 3


def names_in(text: str) -> list[str]:
    """The entity names in one free-text field."""
    out = []
    for part in _SPLIT.split(text):
        name = " ".join(part.split()).strip(" .-")
        if (
            len(name) < MIN_LENGTH
            or name.lower() in GENERIC
            or _DESCRIBING.search(name)
            or _PERCENT.search(name)
            or not name[0].isupper()
        ):
            continue
        out.append(name)
    return out


def entity_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every name of a Chinese entity of a current project, each once, sorted."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'project'").fetchall()
    if not exists[0][0]:
        return []
    texts = con.execute(
        "SELECT DISTINCT chinese_entities FROM project WHERE retired_at IS NULL AND chinese_entities IS NOT NULL"
    ).fetchall()
    return sorted({n for (t,) in texts for n in names_in(t)})
