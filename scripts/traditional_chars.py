"""Write lazos/documents/traditional.tsv from OpenCC's TSCharacters.txt (Apache License 2.0).

    python scripts/traditional_chars.py path/to/TSCharacters.txt > lazos/documents/traditional.tsv

TSCharacters.txt ships in the opencc-python-reimplemented wheel (opencc/dictionary/). Each
traditional character keeps its first simplified form, and only one-character forms are kept,
so replacing characters never moves an offset.
"""

from __future__ import annotations

import sys
from pathlib import Path

HEADER = """\
# Traditional Chinese character -> simplified character, one per line, for reading Hong Kong,
# Taiwan and overseas text with the simplified vocabularies of lexicon.yaml (萬 -> 万, 億 -> 亿, 兩 -> 两).
# From OpenCC's TSCharacters.txt (opencc-python-reimplemented 0.1.7, https://github.com/BYVoid/OpenCC),
# Apache License 2.0, Copyright (c) Carbo Kuo and contributors: the first simplified form of each
# character that maps to one character, so that every offset in a text stays the same.
# Regenerate with: python scripts/traditional_chars.py path/to/TSCharacters.txt > lazos/documents/traditional.tsv"""


def main(path: str) -> None:
    rows = []
    for line in Path(path).read_text("utf-8").splitlines():
        traditional, simplified = line.split("\t")
        first = simplified.split(" ")[0]
        if len(traditional) == 1 and len(first) == 1 and traditional != first:
            rows.append(f"{traditional}\t{first}")
    sys.stdout.write(HEADER + "\n" + "\n".join(rows) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
