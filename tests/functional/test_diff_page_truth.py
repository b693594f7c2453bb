"""The version comparison page (/…/so-sanh) tells a changed decision table by its rows in
words, a fee a table decides as such, and a new conditional question with its condition."""

from __future__ import annotations

import json
from html import unescape

from flask import Flask

from tests.functional.test_designer_drafts import PACKAGE, _body, _designer
from tests.helpers import MINH_XUAN, PERMIT


def test_the_diff_page_tells_table_rows_fees_and_conditional_questions(app: Flask) -> None:
    designer = _designer(app)
    dmn = (PACKAGE / "le_phi.dmn").read_text(encoding="utf-8")
    form = json.loads((PACKAGE / "forms/don_de_nghi.schema.json").read_text(encoding="utf-8"))
    form["then"]["properties"]["so_van_ban"] = {"type": "string", "title": "Số văn bản ủy quyền"}
    files = {"le_phi.dmn": dmn.replace("<text>75000</text>", "<text>80000</text>"),
             "forms/don_de_nghi.schema.json": json.dumps(form, ensure_ascii=False)}
    saved = designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu", json={"files": files})
    number = _body(saved)["version"]["number"]
    page = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}/so-sanh?voi=1")
    html = unescape(page.data.decode())
    assert page.status_code == 200
    assert "<h2 id=\"table-changes-h\">Bảng quyết định</h2>" in html
    assert ("dòng khi «Tổng diện tích sàn (m²)» từ 100 đến dưới 500: «Lệ phí (đồng)» 75.000 "
            "đồng, «Cần lấy ý kiến cảnh sát PCCC» Không → «Lệ phí (đồng)» 80.000 đồng") in html
    assert ("thêm trường «Số văn bản ủy quyền» (chỉ hỏi khi «Nộp thay chủ đầu tư theo văn bản "
            "ủy quyền» là «Có»)") in html
    assert "Ca kiểm thử không đổi." in html and "Thông tin thủ tục không đổi." in html


def test_the_diff_page_says_the_level_and_an_inter_agency_lane_in_words(app: Flask) -> None:
    designer = _designer(app)
    manifest = json.loads((PACKAGE / "procedure.json").read_text(encoding="utf-8"))
    manifest["level"] = "partial"
    manifest["roles"]["lanh_dao"]["agency"] = "000.05.00.H64"
    files = {"procedure.json": json.dumps(manifest, ensure_ascii=False)}
    saved = designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu", json={"files": files})
    number = _body(saved)["version"]["number"]
    page = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}/so-sanh?voi=1")
    changes = unescape(page.data.decode()).split('id="manifest-changes"', 1)[1].split("</ul>")[0]
    assert "<li>Mức độ trực tuyến: «Toàn trình» → «Một phần».</li>" in changes
    assert ("<li>Người xử lý «Lãnh đạo UBND cấp xã»: do «Sở Xây dựng tỉnh Tuyên Quang» thực hiện "
            "(liên thông).</li>") in changes
    assert "partial" not in changes and "000.05.00.H64" not in changes
