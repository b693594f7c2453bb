"""The dossiers of my agency (issue 16): every filter narrows, keyset paging returns each
row once and in order, another agency's dossier is never listed nor opened, the dossier
page shows everything with the documents to print again, and the menu shows each officer
only the pages they may open (the others answer 403 with the reason)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.clock import FixedClock
from engine.core.models import Account
from engine.seed import SO_XAY_DUNG
from engine.wiring import Platform
from tests.helpers import (
    APPLICANT_ID,
    MINH_XUAN,
    PERMIT,
    complete,
    login,
    page_login,
    permit_data,
    task_for,
)


def _submit(app: Flask, name: str) -> str:
    response = app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(ho_ten=name)})
    assert response.status_code == 201, response.json
    return str(response.json["code"])


def _client(app: Flask, username: str, pages: bool = False) -> FlaskClient:
    client = app.test_client()
    (page_login if pages else login)(client, username)
    return client


def _codes(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/dossiers{query}")
    assert response.status_code == 200, response.json
    return [d["code"] for d in response.json["dossiers"]]


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html.decode())))


def _account_id(platform: Platform, username: str) -> int:
    with platform.uow() as uow:
        found = uow.session.scalar(select(Account.id).where(Account.username == username))
    assert found is not None
    return int(found)


def _three(app: Flask) -> tuple[FlaskClient, str, str, str]:
    """An (received, processing), Đào (received, then asked for a supplement), Thọ (waiting
    at reception); the desk received the first two."""
    desk = _client(app, "motcua.minhxuan")
    an, dao, tho = (_submit(app, n) for n in ("Nguyễn Văn An", "Trần Thị Đào", "Lê Đức Thọ"))
    for code in (an, dao):
        complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = desk.post(f"/api/v1/dossiers/{dao}/request-supplement",
                      json={"missing": ["Bản vẽ mặt bằng có chữ ký"], "note": ""})
    assert asked.status_code == 200, asked.json
    return desk, an, dao, tho


def test_each_filter_narrows_the_agencys_dossiers(app: Flask, platform: Platform,
                                                  clock: FixedClock) -> None:
    desk, an, dao, tho = _three(app)
    specialist = _client(app, "chuyenvien.minhxuan")
    assert _codes(desk) == [tho, dao, an]  # newest first
    assert _codes(desk, "?q=tran thi dao") == [dao]
    assert _codes(desk, f"?q={an}") == [an]
    assert _codes(desk, f"?q={APPLICANT_ID}") == [tho, dao, an]
    assert _codes(desk, f"?procedure={PERMIT}") == [tho, dao, an]
    assert _codes(desk, "?procedure=2.000635") == []
    assert _codes(desk, "?status=1") == [tho]
    assert _codes(desk, "?status=5") == [dao] == _codes(desk, "?view=supplement")
    assert _codes(desk, "?view=processing") == [an]
    assert _codes(desk, "?view=done_by_me") == [dao, an]
    assert _codes(specialist, "?view=done_by_me") == []
    assert _codes(desk, "?step=tiep_nhan") == [tho]
    assert _codes(desk, "?step=tham_dinh") == [an]
    assert _codes(desk, f"?officer={_account_id(platform, 'motcua.minhxuan')}") == [dao, an]
    assert _codes(desk, f"?officer={_account_id(platform, 'lanhdao.minhxuan')}") == []
    assert _codes(desk, "?from=2026-11-25&to=2026-11-25") == [dao, an]
    assert _codes(desk, "?from=25/11/2026") == [dao, an]
    assert _codes(desk, "?from=26/11/2026") == [] == _codes(desk, "?to=24/11/2026")
    assert _codes(desk, "?timeliness=on_time") == [dao, an]
    assert _codes(desk, "?timeliness=late") == []
    clock.advance(timedelta(days=90))  # An's due time passes while it is processed; Đào's
    # clock waits for the applicant's supplement, so Đào is not late
    desk = _client(app, "motcua.minhxuan")  # (the session has expired meanwhile)
    assert _codes(desk, "?timeliness=late") == [an]
    assert _codes(desk, "?view=processing&q=nguyen") == [an]
    assert _codes(desk, "?view=processing&q=tran") == []
    for bad, word in (("status=11", "status"), ("from=31/02/2026", "31/02/2026"),
                      ("after=abc", "after"), ("view=all", "view"), ("scope=all", "scope"),
                      ("from=26/11/2026&to=25/11/2026", "sau")):
        refused = desk.get(f"/api/v1/dossiers?{bad}")
        assert refused.status_code == 400 and word in refused.json["error"]["message"], bad


def test_keyset_paging_returns_every_dossier_once_in_order(app: Flask,
                                                           clock: FixedClock) -> None:
    codes = []
    for n in range(7):
        codes.append(_submit(app, f"Người nộp số {n}"))
        clock.advance(timedelta(minutes=n % 2))  # some submitted at the same instant
    desk = _client(app, "motcua.minhxuan")
    seen: list[str] = []
    pages = 0
    query = "?limit=3"
    while True:
        page = desk.get(f"/api/v1/dossiers{query}").json
        seen += [d["code"] for d in page["dossiers"]]
        pages += 1
        assert len(page["dossiers"]) == (3 if page["next"] else 1)
        if page["next"] is None:
            break
        query = f"?limit=3&after={page['next']}"
    assert pages == 3
    assert seen == list(reversed(codes)) == _codes(desk, "?limit=50")
    html = desk.get("/can-bo/ho-so?limit=3")
    assert html.status_code == 200
    after = re.search(r'href="[^"]*after=([0-9.]+)[^"]*"', html.data.decode())
    assert after and "Trang sau" in html.data.decode()
    second = _text(desk.get(f"/can-bo/ho-so?limit=3&after={after.group(1)}").data)
    assert [c for c in reversed(codes) if c in second] == list(reversed(codes))[3:6]


def test_another_agencys_dossier_is_never_listed_nor_opened(app: Flask) -> None:
    _, an, dao, tho = _three(app)
    outsider = _client(app, "motcua.antuong", pages=True)
    assert _codes(outsider) == [] and _codes(outsider, f"?q={an}") == []
    assert _codes(outsider, "?scope=consulted") == []
    assert f"/can-bo/ho-so/{an}" not in outsider.get(f"/can-bo/ho-so?q={an}").data.decode()
    assert outsider.get(f"/can-bo/ho-so/{an}").status_code == 404
    admin = _client(app, "quantri", pages=True)
    assert set(_codes(admin)) >= {an, dao, tho}
    refused = admin.get(f"/can-bo/ho-so/{an}")
    assert refused.status_code == 403 and "quản trị hệ thống không mở dữ liệu cá nhân" in \
        _text(refused.data)
    citizen = _client(app, "congdan")
    assert citizen.get("/api/v1/dossiers").status_code == 403
    assert app.test_client().get("/api/v1/dossiers").status_code == 401


def test_a_consulted_agency_lists_and_opens_the_dossier_it_was_asked_about(app: Flask) -> None:
    _, an, _, _ = _three(app)
    specialist = _client(app, "chuyenvien.minhxuan")
    asked = specialist.post(f"/api/v1/tasks/{task_for(specialist, an)['id']}/consult", json={
        "agency": SO_XAY_DUNG, "question": "Chỉ giới xây dựng?", "days": 3})
    assert asked.status_code == 201, asked.json
    department = _client(app, "chuyenvien.soxaydung", pages=True)
    assert _codes(department) == []  # not its own dossier
    assert _codes(department, "?scope=consulted") == [an]
    assert department.get(f"/can-bo/ho-so/{an}").status_code == 200


def test_the_dossier_page_shows_everything_and_the_documents_to_reprint(app: Flask) -> None:
    _, an, dao, tho = _three(app)
    desk = _client(app, "motcua.minhxuan", pages=True)
    page = desk.get(f"/can-bo/ho-so/{an}")
    assert page.status_code == 200
    text = _text(page.data)
    for expected in (an, "Nguyễn Văn An", APPLICANT_ID, "Đang xử lý", "Hẹn trả kết quả",
                     "Tiếp nhận", "Số 12 đường Bình Thuận", "Thẩm định hồ sơ, đề xuất",
                     "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Mẫu 05", "Mẫu 06"):
        assert expected in text, expected
    receipt = re.search(r'href="([^"]*documents/receipt)"', page.data.decode())
    assert receipt is not None
    printed = desk.get(receipt.group(1))
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    asked = _text(desk.get(f"/can-bo/ho-so/{dao}").data)
    assert "Mẫu 02" in asked and "Yêu cầu bổ sung" in asked
    assert "Bản vẽ mặt bằng có chữ ký" in asked  # what was asked, in the history
    waiting = _text(desk.get(f"/can-bo/ho-so/{tho}").data)
    assert "Mẫu 01" not in waiting and "Chưa tiếp nhận" in waiting
    listed = _text(desk.get("/can-bo/ho-so?view=supplement").data)
    assert dao in listed and an not in listed and "Chờ bổ sung" in listed


def _menu(client: FlaskClient) -> dict[str, str]:
    html = client.get("/").data.decode()
    start = html.index('aria-label="Điều hướng chính"')
    nav = html[start:html.index("</nav>", start)]
    return {unescape(label.strip()): href for href, label in
            re.findall(r'<a(?: class="who")? href="([^"]+)">([^<]+)</a>', nav)}


def test_each_officer_sees_only_the_menu_links_they_may_open(app: Flask) -> None:
    expected = {
        "motcua.minhxuan": {"Hộp công việc", "Hồ sơ của cơ quan", "Tiếp nhận hồ sơ giấy",
                            "Phản ánh gửi đến", "Sổ theo dõi hồ sơ"},
        "chuyenvien.minhxuan": {"Hộp công việc", "Hồ sơ của cơ quan", "Phản ánh gửi đến",
                                "Sổ theo dõi hồ sơ"},
        "lanhdao.minhxuan": {"Hộp công việc", "Hồ sơ của cơ quan", "Phản ánh gửi đến",
                             "Bảng điều khiển", "Báo cáo", "Sổ theo dõi hồ sơ"},
        "thietke.minhxuan": {"Hộp công việc", "Hồ sơ của cơ quan", "Phản ánh gửi đến",
                             "Cấu hình thủ tục", "Sổ theo dõi hồ sơ"},
        "quantri": {"Hồ sơ của cơ quan", "Bảng điều khiển", "Báo cáo", "Cấu hình thủ tục",
                    "Sổ theo dõi hồ sơ",
                    "Lịch làm việc", "Nhật ký", "Khóa API", "Tài khoản bị khóa",
                    "Hẹn giờ bị lỗi", "Cơ quan, đơn vị", "Tài khoản cán bộ", "Kết nối hệ thống",
                    "Trang quản trị"},
    }
    public = {"Thủ tục hành chính", "Tra cứu hồ sơ", "Công khai kết quả", "Phản ánh, kiến nghị",
              "Danh bạ cơ quan"}
    for username, links in expected.items():
        client = _client(app, username, pages=True)
        menu = _menu(client)
        staff = {label for label in menu if label not in public} - {_who(client)}
        assert staff == links, username
        for label in links:
            assert client.get(menu[label]).status_code == 200, (username, label)


def test_the_desk_reaches_its_agencys_tracking_book_from_the_menu(app: Flask) -> None:
    desk = _client(app, "motcua.minhxuan", pages=True)
    menu = _menu(desk)
    # The statistics report is its leaders' (403 for the desk): no link to it; the agency's
    # tracking book (Mẫu 06) is the desk's to keep: linked.
    assert "Báo cáo" not in menu and desk.get("/quan-tri/bao-cao").status_code == 403
    form = desk.get(menu["Sổ theo dõi hồ sơ"])
    assert form.status_code == 200
    assert re.search(r'<option value="000\.00\.12\.H64"\s+selected>UBND phường Minh Xuân',
                     form.data.decode())
    book = desk.get(menu["Sổ theo dõi hồ sơ"], query_string={
        "co_quan": "000.00.12.H64", "tu": "01/11/2026", "den": "30/11/2026",
        "dinh_dang": "html"}, follow_redirects=True)
    text = _text(book.data)
    assert book.status_code == 200 and "SỔ THEO DÕI HỒ SƠ" in text
    assert "Cơ quan: UBND phường Minh Xuân. Từ ngày 01/11/2026 đến ngày 30/11/2026." in text
    wrong = desk.get(menu["Sổ theo dõi hồ sơ"], query_string={
        "tu": "30/11/2026", "den": "01/11/2026", "dinh_dang": "pdf"})
    assert wrong.status_code == 400 and "Khoảng thời gian không hợp lệ" in _text(wrong.data)
    elsewhere = desk.get(menu["Sổ theo dõi hồ sơ"], query_string={
        "co_quan": "000.00.31.H64", "dinh_dang": "html"})
    assert elsewhere.status_code == 403


def test_a_citizen_has_no_tracking_book_in_the_menu(app: Flask) -> None:
    citizen = _client(app, "congdan", pages=True)
    menu = _menu(citizen)
    assert "Sổ theo dõi hồ sơ" not in menu and "Báo cáo" not in menu
    assert citizen.get("/can-bo/so-theo-doi").status_code == 403
    anonymous = app.test_client().get("/can-bo/so-theo-doi")
    assert anonymous.status_code == 303 and "/dang-nhap" in anonymous.headers["Location"]


def _who(client: FlaskClient) -> str:
    html = client.get("/").data.decode()
    found = re.search(r'<a class="who" href="[^"]+">([^<]+)</a>', html)
    return unescape(found.group(1)) if found else ""


def test_a_page_one_may_not_open_says_why(app: Flask) -> None:
    specialist = _client(app, "chuyenvien.minhxuan", pages=True)
    desk_page = specialist.get("/can-bo/tiep-nhan")
    assert desk_page.status_code == 403 and "Bộ phận Một cửa" in _text(desk_page.data)
    reports = specialist.get("/quan-tri/bao-cao")
    assert reports.status_code == 403 and "lãnh đạo" in _text(reports.data)
    admin = _client(app, "quantri", pages=True)
    inbox = admin.get("/can-bo")
    assert inbox.status_code == 403 and "dành cho cán bộ" in _text(inbox.data)
    citizen = _client(app, "congdan", pages=True)
    listing = citizen.get("/can-bo/ho-so")
    assert listing.status_code == 403 and "dành cho cán bộ" in _text(listing.data)
