"""A PDF that cannot be read says why: encrypted with a password, or damaged with pdfminer's reason."""

from __future__ import annotations

import pytest
from conftest import HELVETICA, build_pdf
from test_ingest import text_pdf, write
from test_ingest_limits import FONT_PAGE

from lazos.documents.ingest import ingest, read_bytes
from lazos.documents.text import DocumentError

ENCRYPTED_MESSAGE = (
    "locked.pdf is an encrypted (password-protected) PDF and cannot be read: save a copy without the password"
)


def encrypted_pdf() -> bytes:
    """A PDF under the standard security handler (RC4, revision 2) whose user password is not empty."""
    content = b"BT /F1 12 Tf 72 720 Td (Trade reached US$ 485.8 billion in 2022.) Tj ET"
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            HELVETICA,
            FONT_PAGE,
            b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -44 >>",
        ],
        trailer=b"/Encrypt 6 0 R /ID [<" + b"01" * 16 + b"> <" + b"01" * 16 + b">] ",
    )


def test_an_encrypted_pdf_is_refused_as_password_protected():
    with pytest.raises(DocumentError) as info:
        read_bytes(encrypted_pdf(), "locked.pdf")
    assert str(info.value) == ENCRYPTED_MESSAGE


def test_cli_says_an_encrypted_pdf_is_password_protected(cli, db_copy, tmp_path, content):
    path = write(tmp_path, "locked.pdf", encrypted_pdf())
    before = content(db_copy)
    result = cli("ingest", str(path), db=db_copy)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [f"lazos: error: {ENCRYPTED_MESSAGE}"]
    assert content(db_copy) == before
    (failed,) = ingest(db_copy, [str(path)])
    assert str(failed) == ENCRYPTED_MESSAGE


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (text_pdf("Trade reached US$ 485.8 billion in 2022.")[:200], "Unexpected EOF"),
        (b"%PDF-1.4\nthis is not a PDF at all\n", "No /Root object! - Is this really a PDF?"),
    ],
    ids=["truncated", "not-a-pdf"],
)
def test_a_damaged_pdf_gives_pdfminers_reason(raw, reason):
    with pytest.raises(DocumentError) as info:
        read_bytes(raw, "broken.pdf")
    assert str(info.value) == f"broken.pdf is not a readable PDF: {reason}"
