"""The pdf.js build the task page ships is the pinned legacy build, with its licence, and
the page loads it as module files only (no CDN)."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"
VENDOR = STATIC / "vendor" / "pdfjs"


def test_the_shipped_pdfjs_is_the_pinned_legacy_build_with_its_licence() -> None:
    assert (VENDOR / "VERSION").read_text().strip() == "4.10.38"
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    for build in ("pdf.min.mjs", "pdf.worker.min.mjs"):
        text = (VENDOR / build).read_text(encoding="utf-8")
        assert len(text) > 300_000 and "Mozilla Foundation" in text[:2000]
    script = (STATIC / "appraisal.js").read_text(encoding="utf-8")
    assert 'from "./vendor/pdfjs/pdf.min.mjs"' in script and "isEvalSupported: false" in script
    assert "http" not in script.replace("https://", "")  # nothing fetched from elsewhere
