"""Traditional Chinese read as simplified, character for character, so offsets stay the same.

Hong Kong, Taiwan and overseas outlets (and many reposts) write 萬, 億, 兩, 萬千瓦, 億美元; the
extractor's vocabularies are simplified. ``to_simplified`` replaces each traditional character
by its simplified form (traditional.tsv, from OpenCC) and nothing else, so a claim found in the
converted text has the same start and end in the original.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_TABLE = Path(__file__).with_name("traditional.tsv")


@cache
def _mapping() -> dict[int, str]:
    out: dict[int, str] = {}
    for line in _TABLE.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            out[ord(traditional)] = simplified
    return out


@cache
def _traditional_only() -> frozenset[str]:
    return frozenset(chr(c) for c in _mapping())


def has_traditional(text: str) -> bool:
    """Whether any character of ``text`` has a different simplified form."""
    return not _traditional_only().isdisjoint(text)


def to_simplified(text: str) -> str:
    """``text`` with each traditional character replaced by its simplified form (same length);
    ``text`` itself when it has none (looking is cheaper than translating)."""
    return text.translate(_mapping()) if has_traditional(text) else text
