"""The labels Lazos's data and methods define, for the catalogs: event kinds
(lazos/sources/reference/event_kinds.csv), the index's and risk rating's dimensions and
indicators (lazos/analytics/method.yaml) and the alert rules (lazos/analytics/alerts.yaml).

:func:`extract` is a Babel extraction method (babel.cfg names it), so ``make translations``
puts every ``label`` of those files in messages.pot; the pages and briefs then show a label
with ``_(label)`` and it reads in the page's language (a label not translated yet reads as written).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

LABEL = re.compile(r"^\s*-?\s*label:\s*(?P<text>.+?)\s*$")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Iterator[tuple]:
    """Babel's extraction protocol: (line, function, message, comments) for each label."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    if text.lstrip().startswith("kind,label"):
        for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            if row.get("label"):
                yield number, "_", row["label"], [f"event kind {row['kind']}"]
        return
    for number, line in enumerate(text.splitlines(), start=1):
        match = LABEL.match(line.split(" #")[0])
        if match:
            yield number, "_", _unquote(match["text"]), []
