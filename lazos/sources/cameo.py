"""Connector: GDELT's CAMEO event codes (``CAMEO.eventcodes.txt``).

A tab-separated list, ``CAMEOEVENTCODE<TAB>EVENTDESCRIPTION``, CRLF line endings. Codes are
hierarchical: a two-digit root ("04"), three-digit codes under it ("042") and four-digit
codes under those ("0421"). Lazos keeps them as the code list ``cameo`` with each code's
parent, so that GDELT events can later be mapped to Lazos's event kinds.
"""

from __future__ import annotations

import re
from pathlib import Path

from lazos.errors import DataError, ValidationError
from lazos.sources.base import Connector, Context, origin_of, raw_file_source
from lazos.sources.common import file_sha256
from lazos.sources.rawfiles import fail, head_lines, read_csv_text, read_text
from lazos.store.staging import Staging

NAME = "cameo"
TITLE = "GDELT CAMEO event codes"
HEADER = ["CAMEOEVENTCODE", "EVENTDESCRIPTION"]
_CODE = re.compile(r"^\d{2,4}$")


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    if not path.is_file():
        fail("missing-file", "file not found", path)
    # The header is checked on the first line, so that another dataset's file is refused unread.
    if head_lines(path, 1, ctx.encoding)[0].split("\t") != HEADER:
        fail(
            "unknown-layout",
            f"not a CAMEO event-code list: expected the header {'<TAB>'.join(HEADER)} (tab-separated)",
            path,
            1,
        )
    _, records = read_csv_text(read_text(path, ctx.encoding), path, delimiter="\t", quoted=False)
    origin = origin_of(ctx, path)
    digest = file_sha256(path)
    source = raw_file_source(
        ctx,
        origin,
        source_id=f"gdelt-cameo-eventcodes-{digest[:8]}",
        kind="reference",
        title=f"GDELT CAMEO event codes ({path.name})",
        publisher="The GDELT Project",
        url="http://gdeltproject.org/data/lookups/CAMEO.eventcodes.txt",
        licence=None,
        published=origin.get("published"),
        content_hash=digest,
        note="GDELT's lookup tables are published for unrestricted use.",
    )
    staging.add_rows("sources", [source], str(path))
    rows, errors, seen = [], [], set()
    for i, cells in records:
        code, label = cells[0].strip(), cells[1].strip()
        if not _CODE.match(code):
            errors.append(
                DataError(
                    "invalid-value",
                    f"{code!r} is not a CAMEO code (2 to 4 digits)",
                    str(path),
                    i,
                    "CAMEOEVENTCODE",
                )
            )
            continue
        if code in seen:
            errors.append(DataError("duplicate-key", f"code {code} appears twice", str(path), i, "CAMEOEVENTCODE"))
            continue
        seen.add(code)
        rows.append(
            {
                "scheme": "cameo",
                "code": code,
                "label": label,
                "parent": code[:-1] if len(code) > 2 else None,
                "source_id": source["source_id"],
                "_row": i,
            }
        )
    missing_parents = sorted({r["parent"] for r in rows if r["parent"] and r["parent"] not in seen})
    for r in rows:  # a four-digit code whose three-digit parent is absent hangs on the root
        if r["parent"] in missing_parents:
            r["parent"] = r["parent"][:2] if r["parent"][:2] in seen else None
    if errors:
        raise ValidationError(errors)
    staging.add_rows("codes", rows, str(path))
    return f"{path.name}: {len(rows)} CAMEO codes"


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    return [stage(raw_dir / "gdelt" / "LOOKUP-CAMEO.eventcodes.txt", staging, ctx)]


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="GDELT's CAMEO event codes, as a code list",
    layouts=("CAMEO.eventcodes.txt, tab-separated",),
    stage=stage,
    snapshot=snapshot,
)
