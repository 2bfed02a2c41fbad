"""Claim extraction grows linearly with the number of figures in one paragraph.

It used to compare every figure with every other figure and period of its sentence (the claims
between a figure and each period, the clause and the places of each claim, the text before
it...): a paragraph of 10,000 figures took 99 s, one of 20,000 took 253 s, and 1,000 figures
each with its own year took over three minutes. The work is counted here, not timed: the lines
of Python the extractor runs, for a paragraph and for one twice as long.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from lazos.documents.extract import extract

COUNTRIES = ["Brazil", "Peru", "Chile", "Mexico", "Argentina", "Colombia", "Ecuador"]
ZH_COUNTRIES = ["巴西", "秘鲁", "智利", "墨西哥"]


def paragraph(shape: str, n: int) -> str:
    """One paragraph of ``n`` figures (two per repetition for "spanish"), in one sentence."""
    year = [2000 + i % 25 for i in range(n)]
    amount = [f"{i % 97 + 1}.{i % 10}" for i in range(n)]
    if shape == "each with its year":
        return "".join(
            f"In {year[i]} trade with {COUNTRIES[i % 7]} reached US$ {amount[i]} billion, " for i in range(n)
        )
    if shape == "clauses with frames":
        return "".join(
            f"in {year[i]}, {COUNTRIES[i % 7]}'s exports reached US$ {amount[i]} billion; " for i in range(n)
        )
    if shape == "no comma":
        return "Exports were " + " and ".join(f"US$ {amount[i]} billion in {year[i]}" for i in range(n)) + "."
    if shape == "number words":
        return (
            "There were " + " and ".join(f"{['three', 'four', 'twenty'][i % 3]} new projects" for i in range(n)) + "."
        )
    if shape == "pesos by country":
        return "".join(
            f"{COUNTRIES[i % 7]} paid {amount[i]} million pesos (about US$ {i % 9 + 1} million), " for i in range(n)
        )
    if shape == "spanish":
        return "".join(
            f"en {year[i]} {['Perú', 'Chile', 'Brasil'][i % 3]} exportó {i % 97 + 1},{i % 10} mil millones de dólares "
            f"y firmó {i % 50 + 2} proyectos, "
            for i in range(n // 2)
        )
    if shape == "chinese":
        return "".join(f"{year[i]}年中国对{ZH_COUNTRIES[i % 4]}出口{i % 97 + 1}亿美元，" for i in range(n)) + "等。"
    if shape == "with its translation":
        en = "".join(f"In {year[i]} trade reached US$ {amount[i]} billion, " for i in range(n // 2))
        zh = "".join(f"{year[i]}年贸易额达{amount[i].replace('.', '')}亿美元，" for i in range(n // 2))
        return en + "and so on.\n\n" + zh + "等。"
    raise ValueError(shape)


SHAPES = [
    "each with its year",
    "clauses with frames",
    "no comma",
    "number words",
    "pesos by country",
    "spanish",
    "chinese",
    "with its translation",
]


def lines_run(text: str) -> int:
    """How many lines of the extractor's Python run to extract ``text`` (comprehensions and
    loops count once per turn), a measure of work that does not depend on the machine."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if "lazos" in frame.f_code.co_filename else None

    sys.settrace(calls)
    try:
        extract(text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", SHAPES)
def test_work_per_figure_stays_the_same_as_a_paragraph_grows(shape):
    extract(paragraph(shape, 10))  # compile the patterns first
    assert len(extract(paragraph(shape, 100)).claims) >= 100
    small, large = lines_run(paragraph(shape, 100)), lines_run(paragraph(shape, 200))
    assert large / small < 2.3, (shape, small, large)  # linear: 2; it was about 7 (n³) and 4 (n²)


def test_a_line_of_20000_figures_gives_20000_claims_in_seconds(tmp_path: Path):
    """The issue's case end to end: one long line through `lazos extract` (it took over four
    minutes; the timeout only keeps a regression from hanging the test suite)."""
    f = tmp_path / "long_line.txt"
    f.write_text(paragraph("each with its year", 20_000) + "\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "from lazos.cli.main import run; run()", "extract", str(f), "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 20_000
    assert (rows[-1]["text"], rows[-1]["value"], rows[-1]["unit"]) == ("US$ 18.9 billion", 18.9e9, "USD")
