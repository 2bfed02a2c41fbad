"""A UTF-8 file with a few lines in Latin-1 or Windows-1252 is read line by line, each in its encoding.

Whole-file detection read such a file as Windows-1252 throughout ("PerÃº" for "Perú") and lost
the scale word in "US$ 2 mil millones"; now the valid UTF-8 lines stay UTF-8, the others are
read as Windows-1252, the document's encoding says "utf-8+cp1252", and every offset indexes the
stored text.
"""

from __future__ import annotations

import pytest
from test_ingest import ES_LONG, PT_LONG, ZH_LONG, stored, write

import lazos
from lazos.documents.ingest import read_bytes
from lazos.documents.text import decode

UTF8_PART = (
    "Relaciones económicas entre China y el Perú\n\n"
    "El comercio entre China y América Latina alcanzó 485.800 millones de dólares en 2022, según las aduanas "
    "chinas. Perú, México y Colombia siguieron con atención el crecimiento del intercambio.\n\n"
)
LATIN1_LINE = "El préstamo a Perú sumó US$ 2 mil millones en 2021.\n"


def mixed_bytes(codec: str = "latin-1") -> bytes:
    return UTF8_PART.encode("utf-8") + LATIN1_LINE.encode(codec) + "\nÚltima línea en UTF-8.\n".encode()


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_a_utf8_file_with_latin1_lines_decodes_each_line_in_its_encoding(codec):
    text, encoding = decode(mixed_bytes(codec), "mixed.txt")
    assert text == UTF8_PART + LATIN1_LINE + "\nÚltima línea en UTF-8.\n"
    assert encoding == "utf-8+cp1252"
    assert "Ã" not in text


def test_windows_1252_punctuation_and_bytes_it_leaves_undefined_are_read():
    raw = UTF8_PART.encode() + b"\x93Comillas\x94 y gui\xf3n \x96 fin\r\n" + b"byte \x81 sin car\xe1cter\n"
    text, encoding = decode(raw, "mixed.txt")
    assert text.endswith("“Comillas” y guión – fin\nbyte \x81 sin carácter\n")
    assert encoding == "utf-8+cp1252+latin_1"


@pytest.mark.parametrize(
    ("text", "codec", "encoding"),
    [(ES_LONG, "cp1252", "cp1252"), (PT_LONG, "latin-1", "cp1252"), (ZH_LONG, "gbk", "gb18030")],
)
def test_files_wholly_in_another_encoding_are_still_detected_whole(text, codec, encoding):
    assert decode(text.encode(codec), "old.txt") == (text, encoding)


def test_a_legacy_file_with_one_line_that_happens_to_be_valid_utf8_is_detected_whole():
    # "Ã©" in a Windows-1252 file is valid UTF-8 ("é"), but most accents are not: the file is cp1252.
    raw = ES_LONG.encode("cp1252") + "Sin cambios: Ã©\n".encode("cp1252")
    text, encoding = decode(raw, "old.txt")
    assert encoding == "cp1252" and text.endswith("Sin cambios: Ã©\n")


def test_mixed_file_is_stored_with_its_claims_at_offsets_of_the_decoded_text(db_copy, tmp_path):
    path = write(tmp_path, "mixed.txt", mixed_bytes())
    result = stored(db_copy, path)
    with lazos.open(db_copy) as db:
        text = db.document_text(result.doc_id).text
        (encoding,) = db.con.execute("SELECT encoding FROM document WHERE doc_id = ?", [result.doc_id]).fetchone()
        claims = db.claims(doc=result.doc_id, check=False).frame
    assert text == read_bytes(mixed_bytes(), "mixed.txt").text
    assert "Perú sumó" in text and encoding == "utf-8+cp1252"
    for claim in claims.to_dict("records"):
        assert text[claim["start"] : claim["end"]] == claim["text"]
    loan = claims[claims["text"].str.contains("2 mil millones")]
    assert [round(v) for v in loan["value"]] == [2_000_000_000]
