"""Reviewers see what they approve (B7): nothing pre-selected in «Kết quả xem xét» and a
comment required to ask for changes; a table fee's amount when its table decides nothing
named in the comparison; a summary of the version on top of its page and a first version
compared with nothing; the version in force told on the list and offered first to compare
with, superseded drafts hidden from reviewers; the notice names the menu's «Chờ xem xét»."""

from __future__ import annotations

import json
import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from engine.wiring import Platform
from tests.functional.test_designer_drafts import PACKAGE, _body, _designer
from tests.functional.test_review_queues import _browser, _notices, _page, _press, _status, _upload
from tests.helpers import MINH_XUAN, PERMIT, token


def _text(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.data[:500]
    return unescape(page.data.decode())


def _in_review(app: Flask) -> int:
    number = _upload(app)
    _press(_browser(app, "thietke.minhxuan"), number, "gui-xem-xet")
    return number


def test_nothing_is_accepted_by_default_and_asking_for_changes_needs_a_comment(app: Flask) -> None:
    """Regression: «Đồng ý» was pre-selected; one press accepted with no comment."""
    number = _in_review(app)
    reviewer = _browser(app, "xemxet.minhxuan")
    page = _text(reviewer, _page(number))
    assert re.search(r'<input type="radio" id="accept"[^>]*checked', page) is None
    assert "Yêu cầu sửa" in page
    sent = reviewer.post(f"{_page(number)}/xem-xet", data={"csrf_token": token(page.encode())})
    said = unescape(sent.data.decode())
    assert sent.status_code == 422 and "Chọn «Đồng ý» hoặc «Yêu cầu sửa»." in said
    assert _status(said) == "Đang xem xét"
    typed = "Sửa thời hạn bước thẩm định"
    sent = reviewer.post(f"{_page(number)}/xem-xet", data={
        "csrf_token": token(page.encode()), "decision": "reject", "note": "  "})
    said = unescape(sent.data.decode())
    assert sent.status_code == 422 and "Yêu cầu sửa cần ghi ý kiến" in said
    assert re.search(r'id="reject"[^>]*checked', said)
    sent = reviewer.post(f"{_page(number)}/xem-xet", data={
        "csrf_token": token(page.encode()), "decision": "accept", "note": typed})
    assert sent.status_code == 303
    assert _status(_text(reviewer, _page(number))) == "Đã xem xét, chờ phê duyệt"


def test_the_comparison_names_a_table_fees_changed_default_amount(app: Flask) -> None:
    """Regression: 75.000 → 100.000 read the same on both sides of the comparison."""
    designer = _designer(app)
    manifest = json.loads((PACKAGE / "procedure.json").read_text(encoding="utf-8"))
    manifest["fees"][0]["amount"] = 100000
    saved = designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu", json={
        "files": {"procedure.json": json.dumps(manifest, ensure_ascii=False)}})
    number = _body(saved)["version"]["number"]
    html = _text(designer, f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}/so-sanh?voi=1")
    changes = html.split('id="manifest-changes"', 1)[1].split("</ul>")[0]
    assert "(khi bảng không quyết định: 75.000 đồng) →" in changes
    assert changes.rstrip().endswith("(khi bảng không quyết định: 100.000 đồng).</li>")


def test_the_version_page_sums_up_the_procedure_and_a_first_version_lists_everything(
        app: Flask) -> None:
    """Regression: no fee, papers, legal basis or total time on the reviewer's page."""
    number = _in_review(app)
    reviewer = _browser(app, "xemxet.minhxuan")
    page = _text(reviewer, _page(number))
    summary = page.split('id="version-summary"', 1)[1].split("</section>", 1)[0]
    assert "15 ngày làm việc" in summary
    assert "(khi bảng không quyết định: 75.000 đồng)" in summary
    assert "Bản sao giấy tờ chứng minh quyền sử dụng đất" in summary and "1 bản sao" in summary
    assert "Nghị định số 175/2024/NĐ-CP" in summary
    steps = re.findall(r"<li>([^<]+) — <span", summary.split('id="summary-steps"', 1)[1])
    assert steps[0].startswith("Tiếp nhận") and len(steps) >= 5
    assert page.index('id="version-summary"') < page.index('id="report-h"')


def test_a_first_version_is_compared_with_nothing(app: Flask) -> None:
    designer = _designer(app)
    html = _text(designer, f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/so-sanh?voi=0")
    assert "mọi thứ trong phiên bản 1" in html
    assert "Thời hạn giải quyết: (không có) → 15 ngày làm việc." in html


def test_the_version_in_force_is_told_and_offered_first(app: Flask, platform: Platform) -> None:
    """Regression: the list and the comparison links did not say which version is in force,
    and reviewers saw the designer's drafts never sent."""
    designer = _designer(app)
    first = _upload(app)
    for who, step in (("thietke.minhxuan", "gui-xem-xet"), ("pheduyet.minhxuan", "phe-duyet"),
                      ("pheduyet.minhxuan", "cong-bo")):
        if step == "phe-duyet":
            _press(_browser(app, "xemxet.minhxuan"), first, "xem-xet", decision="accept")
        _press(_browser(app, who), first, step)
    manifest = json.loads((PACKAGE / "procedure.json").read_text(encoding="utf-8"))
    drafts = []
    for days in (20, 21):
        manifest["processing_time"]["value"] = days
        saved = designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{first}/luu", json={
            "files": {"procedure.json": json.dumps(manifest, ensure_ascii=False)}})
        drafts.append(_body(saved)["version"]["number"])
    sent = drafts[-1]
    _press(_browser(app, "thietke.minhxuan"), sent, "gui-xem-xet")
    reviewer = _browser(app, "xemxet.minhxuan")
    page = _text(reviewer, _page(sent))
    links = page.split('id="compare-links"', 1)[1].split("</ul>", 1)[0]
    assert f"So với phiên bản đang áp dụng (số {first})" in links
    assert "So với phiên bản đang áp dụng" in links.split("<li>")[1]
    assert f"?voi={drafts[0]}\"" not in links
    listed = _text(reviewer, "/quan-tri/thu-tuc")
    assert f"đang áp dụng: phiên bản {first}" in listed
    assert "bản nháp cũ hơn" not in listed
    assert f"?voi={drafts[0]}\"" in _text(_browser(app, "thietke.minhxuan"), _page(sent))


def test_the_reviewers_notice_names_the_menu_item_with_a_link(app: Flask,
                                                               platform: Platform) -> None:
    """Regression: «Mời anh/chị xem xét tại mục Hàng chờ», a name the menu does not have."""
    _in_review(app)
    notices = [n for n in _notices(platform, "xemxet.minhxuan") if n[0] == "web"]
    assert notices and "«Chờ xem xét»" in notices[-1][2] and "Hàng chờ" not in notices[-1][2]
    assert "/quan-tri/hang-cho#cho-xem-xet" in notices[-1][2]
    page = _text(_browser(app, "xemxet.minhxuan"), "/can-bo/thong-bao")
    assert 'href="/quan-tri/hang-cho#cho-xem-xet"' in page
