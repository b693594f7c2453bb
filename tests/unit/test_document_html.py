"""The legal documents: the engine builds them as data and writes no HTML; the web layer
renders that data through an autoescaped template, so a hostile name stays text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from flask import Flask

from engine.reports.documents import document_set, layout
from webapp.documents import document_html

ROOT = Path(__file__).resolve().parents[2]
ENGINE_DOCUMENTS = ROOT / "engine" / "reports" / "documents"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
TAGS = ("html", "head", "body", "style", "title", "meta", "p", "div", "table", "thead",
        "tbody", "tr", "td", "th", "h1", "ol", "li", "strong", "em", "u", "br", "small",
        "svg", "img", "!doctype")


@pytest.fixture
def web() -> Flask:
    """The web layer's templates and static files, without a database."""
    return Flask("webapp")


def _context(name: str) -> dict[str, Any]:
    return {"code": "H64.12-261125-0001", "applicant_name": name, "agency_name": name,
            "applicant_id_number": "008090001234", "procedure_name": name,
            "procedure_code": "1.0001", "received_at": "08 giờ 00 phút, ngày 25/11/2026",
            "due_at": "08 giờ 00 phút, ngày 16/12/2026", "received_by": name,
            "tracking_url": "https://dvc.example/tra-cuu?ma=H64.12-261125-0001",
            "components": [name], "book_rows": [{"index": "1", "applicant": name}]}


def _document(kind: str, name: str) -> layout.Document:
    spec = document_set("tt01-2018")["documents"][kind]
    page = layout.Page(agency=name, form=spec["form"], title=spec["title"],
                       place_date="Tuyên Quang, ngày 16 tháng 12 năm 2026",
                       landscape=bool(spec.get("landscape")))
    return layout.build(page, spec["blocks"], _context(name), f"x-{kind}")


def test_the_engine_documents_package_writes_no_html() -> None:
    tag = re.compile(r"<\s*/?\s*(" + "|".join(re.escape(t) for t in TAGS) + r")\b", re.I)
    for path in ENGINE_DOCUMENTS.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not tag.search(source), path
        assert "to_html" not in source and "escape" not in source, path
        assert "svg" not in source.lower(), path


@pytest.mark.parametrize("kind", ["receipt", "tracking_book"])
def test_a_hostile_name_is_escaped_in_the_printable_html(web: Flask, kind: str) -> None:
    with web.test_request_context():
        html = document_html(_document(kind, HOSTILE))
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    root = lxml.html.document_fromstring(html)
    assert root.xpath("//script") == [] and root.xpath("//*[@onerror]") == []
    assert root.xpath("//img[not(starts-with(@src, 'data:image/svg+xml'))]") == []
    assert root.xpath("//style") == [] and root.xpath("//*[@style]") == []  # CSP: no inline style
    assert HOSTILE.upper() in root.text_content()  # the agency heading, upper-cased as before


def test_the_printable_html_keeps_the_heading_blocks_and_print_stylesheet(web: Flask) -> None:
    document = _document("receipt", "Nguyễn Văn An")
    with web.test_request_context():
        html = document_html(document)
    root = lxml.html.document_fromstring(html)
    assert root.findtext(".//title") == "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ — H64.12-261125-0001"
    assert root.findtext(".//h1") == "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    assert root.xpath("//p[@class='form']/text()") == ["Mẫu số 01"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in root.text_content()
    assert root.xpath("//link[@rel='stylesheet']/@href") == ["/static/document.css"]
    assert root.xpath("//div[@class='qr']/img/@src")[0].startswith("data:image/svg+xml")
    css = web.test_client().get("/static/document.css")
    assert css.status_code == 200 and b"@page{size:A4;margin:18mm}" in css.data
    css.close()
    with web.test_request_context():
        book = lxml.html.document_fromstring(document_html(_document("tracking_book", "x")))
    assert book.xpath("//link[@rel='stylesheet']/@href") == ["/static/document.css",
                                          "/static/document-landscape.css"]


def test_the_page_has_landmarks_and_a_wide_table_scrolls_in_its_own_region(web: Flask) -> None:
    """On a phone the tracking book's table scrolls inside a labelled region instead of
    widening the page, and the document sits in a main landmark (axe: region,
    landmark-one-main), without changing what prints."""
    with web.test_request_context():
        tree = lxml.html.fromstring(document_html(_document("tracking_book", "Nguyễn Văn An")))
    assert len(tree.xpath("//main")) == 1 and tree.xpath("//main/h1")
    assert tree.xpath("//header//p[@class='form']")
    [region] = tree.xpath("//div[@class='wide']")
    assert region.get("role") == "region" and region.get("aria-label") and region.xpath(".//table")
    css = (ROOT / "webapp" / "static" / "document.css").read_text(encoding="utf-8")
    assert "@media screen{.wide{overflow-x:auto" in css
