"""The code font the pages ship (Noto Sans Mono, two subsets) is the pinned package's,
with its licence, and the stylesheet declares each file for the letters it holds."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"
VENDOR = STATIC / "vendor" / "noto-sans-mono"
# SHA-256 of the files of @fontsource/noto-sans-mono 5.3.0, as the npm package holds them.
FILES = {
    "noto-sans-mono-latin-400-normal.woff2":
        "1e4b885e90f8e794d33fff5095497e4ce847d8c5fa2b7810d1b10a770d0f8e34",
    "noto-sans-mono-vietnamese-400-normal.woff2":
        "bc2d6d6a65e42937148016e843186fccbf1a8c168c4a5103efd7794341acac17",
}


def test_the_shipped_code_font_is_the_pinned_package_with_its_licence() -> None:
    assert (VENDOR / "VERSION").read_text().strip() == "5.3.0"
    assert "SIL Open Font License" in (VENDOR / "LICENSE").read_text()
    for name, digest in FILES.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_the_vietnamese_subset_is_declared_for_the_letters_with_two_marks() -> None:
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    faces = re.findall(r"@font-face \{[^}]*\}", css)
    vietnamese = [f for f in faces if "vietnamese-400" in f]
    assert len(faces) == 2 and len(vietnamese) == 1
    assert "U+1EA0-1EF9" in vietnamese[0]  # ạ … ỹ: ồ, ấ, ệ among them
    assert re.search(r'^code \{ font-family: "Noto Sans Mono"', css, re.M)
    assert re.search(r'^textarea\.code \{ font-family: "Noto Sans Mono"', css, re.M)
