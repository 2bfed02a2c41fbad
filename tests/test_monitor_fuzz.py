"""The parse stage on hostile input: real GDELT event rows, broken in every way hypothesis finds
(fields dropped or added, cells replaced by arbitrary text, bytes that are not UTF-8, stray CR,
NUL, empty lines). Whatever the bytes, parsing never crashes: every line is either a typed good
row, a bad row located at its own line with a reason, or a duplicate that is counted.

The inputs are real rows of ../shared/data/gdelt/20191024143000.export.CSV with damage applied;
the damage is not real data, which is the point."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazos.monitor.layouts import EVENTS, schema
from lazos.monitor.parse import parse_bytes
from lazos.sources.snapshot import default_raw_dir

REAL = default_raw_dir() / "gdelt" / "20191024143000.export.CSV"
ROWS = REAL.read_text("utf-8").splitlines()[:40] if REAL.exists() else []
pytestmark = pytest.mark.skipif(not ROWS, reason=f"raw shared data not found at {REAL}")

cell_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r"), max_size=12),
    st.sampled_from(["", "-1", "0x10", "nan", "inf", "1e400", "20190230", "99999999999999999999", "NA", "٣"]),
)


@st.composite
def damaged_line(draw: st.DrawFn) -> bytes:
    cells = draw(st.sampled_from(ROWS)).split("\t")
    action = draw(st.sampled_from(["keep", "drop", "add", "replace", "bytes", "empty"]))
    if action == "drop":
        del cells[draw(st.integers(0, len(cells) - 1))]
    elif action == "add":
        cells.insert(draw(st.integers(0, len(cells))), draw(cell_text))
    elif action == "replace":
        cells[draw(st.integers(0, len(cells) - 1))] = draw(cell_text)
    line = "\t".join(cells).encode("utf-8")
    if action == "bytes":
        at = draw(st.integers(0, len(line)))
        line = line[:at] + draw(st.binary(min_size=1, max_size=4).filter(lambda b: b"\n" not in b)) + line[at:]
    if action == "empty":
        line = b""
    return line


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(damaged_line(), min_size=1, max_size=12), st.booleans())
def test_any_damage_to_real_rows_gives_good_rows_and_located_bad_ones(lines, final_newline):
    data = b"\n".join(lines) + (b"\n" if final_newline else b"")
    table, stats = parse_bytes(data, EVENTS, "damaged.export.CSV")
    assert table.schema == schema(EVENTS)
    bad = table.filter(pc.is_valid(table["error"]))
    good = table.filter(pc.is_null(table["error"]))
    assert stats.bad_rows == bad.num_rows and stats.rows == good.num_rows
    assert good.num_rows + bad.num_rows + stats.duplicates <= stats.lines
    assert all(1 <= line <= stats.lines for line in table["line"].to_pylist())
    assert all(isinstance(e, str) and e for e in bad["error"].to_pylist())
    assert len(set(good["GLOBALEVENTID"].to_pylist())) == good.num_rows, "deduplicated"
    assert pc.all(pc.is_valid(good["GLOBALEVENTID"])).as_py() is not False
