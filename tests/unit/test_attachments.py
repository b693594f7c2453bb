"""Uploads are judged by their content and their names cleaned, whatever the client sends
(names a browser cannot put in a multipart header are checked here directly)."""

from __future__ import annotations

import pytest

from engine.applicants.attachments import AttachmentPolicy, check_file, clean_filename, sniff
from engine.core.errors import FormInvalid

PDF = b"%PDF-1.4\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.mark.parametrize(("given", "expected"), [
    ("C:\\Windows\\system32\\giay.pdf", "giay.pdf"),
    ("đơn\x00đề nghị\r\n.pdf", "đơnđề nghị.pdf"),
    ("  . .hidden.pdf", "hidden.pdf"),
    ("a\u200bb\ufeff.pdf", "ab.pdf"),  # zero-width and byte-order marks
    ('tờ<khai>:"|?*.pdf', "tờkhai.pdf"),
    ("Nguye\u0302\u0303n.pdf", "Nguyễn.pdf"),  # decomposed Vietnamese becomes NFC
    ("", "tep-dinh-kem"),
    ("../..", "tep-dinh-kem"),
])
def test_clean_filename(given: str, expected: str) -> None:
    assert clean_filename(given) == expected


def test_types_are_read_from_the_content() -> None:
    assert sniff(PDF) == "application/pdf" and sniff(JPEG) == "image/jpeg"
    assert sniff(b"GIF89a") is None
    assert check_file("anh.JPEG", JPEG) == "image/jpeg"  # extensions in any case


def test_a_policy_can_narrow_types_and_size() -> None:
    pdf_only = AttachmentPolicy(max_bytes=40, media_types=frozenset({"application/pdf"}))
    with pytest.raises(FormInvalid, match="loại được chấp nhận \\(PDF\\)"):
        check_file("anh.jpg", JPEG, pdf_only)
    with pytest.raises(FormInvalid, match="Tệp lớn quá 40 byte \\(55 byte\\)"):
        check_file("don.pdf", PDF + b"0" * 40, pdf_only)
    with pytest.raises(FormInvalid, match="Tệp lớn quá 5 MB \\(6,5 MB\\)"):
        check_file("don.pdf", PDF + b"0" * (6 * 1024 * 1024 + 512 * 1024))
