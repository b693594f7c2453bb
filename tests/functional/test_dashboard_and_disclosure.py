"""The leader's dashboard and the public disclosure page on the hand-built dossiers of
`tests/service/test_reports.py`, the test's clock on 25/11/2026."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from engine.core.models import Account, Dossier, Feedback
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, complete, login, page_login, permit_data
from tests.service.test_reports import _insert


def _bars(page: str, chart: str) -> dict[str, tuple[str, str | None]]:
    """A dashboard chart's bars: label → (value in words, the label's link)."""
    figure = page.split(f'id="{chart}"', 1)[1].split("</figure>", 1)[0]
    bars = {}
    for row in figure.split('<li class="bars__row">')[1:]:
        label_html = row.split('class="bars__label">', 1)[1].split("</span>", 1)[0]
        link = re.search(r'href="([^"]+)"', label_html)
        label = re.sub(r"<[^>]+>", "", label_html).strip()
        value = row.split('class="bars__value">', 1)[1].split("</span>", 1)[0].strip()
        bars[label] = (value, link.group(1).replace("&amp;", "&") if link else None)
    return bars


def test_the_dashboard_says_every_value_in_words(app: Flask, platform: Platform) -> None:
    _insert(platform)
    leader = app.test_client()
    page_login(leader, "lanhdao.minhxuan")
    page = leader.get("/quan-tri/bang-dieu-khien").data.decode()
    # November so far (1–25/11): resolved A B C D, open E F (F is due 27/11: still within),
    # paused G → not late: A B E F G = 5 of 7.
    trend = _bars(page, "dung-han-1")
    assert trend["11/2026"][0] == "71,4%"
    assert "Tỉ lệ đúng hạn theo tháng (gồm hồ sơ đang giải quyết còn trong hạn)" in page
    assert "10/2026" in trend and "06/2026" in trend  # six months
    statuses = _bars(page, "trang-thai")
    assert statuses["Đã xử lý xong"][0] == "3 hồ sơ"  # B, C, D
    assert statuses["Công dân yêu cầu rút hồ sơ"][0] == "1 hồ sơ"  # H
    assert "<rect" in page.split('id="trang-thai"', 1)[1] and "<text" not in page
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    assert specialist.get("/quan-tri/bang-dieu-khien").status_code == 403


def test_a_month_without_a_resolved_dossier_has_no_on_time_rate(app: Flask) -> None:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    code = app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).json["code"]
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})  # received, within its time
    leader = app.test_client()
    page_login(leader, "lanhdao.minhxuan")
    trend = _bars(leader.get("/quan-tri/bang-dieu-khien").data.decode(), "dung-han-1")
    assert trend["11/2026"][0] == "Chưa có hồ sơ hoàn thành"  # it said «100,0%»
    link = trend["11/2026"][1]
    assert link is not None and "tu=2026-11-01" in link and "den=2026-11-25" in link
    assert leader.get(link).status_code == 200


def test_the_dashboards_counts_open_the_lists_they_count(app: Flask, platform: Platform) -> None:
    _insert(platform)
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    for name in ("Phan Văn Khải", "Bùi Thị Xuân"):  # two new online dossiers at the desk
        assert app.test_client().post("/api/v1/dossiers", json={
            "procedure": PERMIT, "agency": MINH_XUAN,
            "data": permit_data(ho_ten=name)}).status_code == 201
    leader = app.test_client()
    page_login(leader, "lanhdao.minhxuan")
    page = leader.get("/quan-tri/bang-dieu-khien").data.decode()
    value, link = _bars(page, "khoi-luong")["Chưa phân công"]
    assert value == "2 việc, 0 quá hạn" and link == "/can-bo?view=team&assigned=unassigned"
    team = leader.get(link).data.decode()
    assert "Chưa phân công (2)" in team
    value, link = _bars(page, "trang-thai")["Đã xử lý xong"]
    assert link is not None
    listed = leader.get(link).data.decode()
    assert all(code in listed for code in ("TEST-B-on-time", "TEST-C-late", "TEST-D-two-supplements"))
    assert "TEST-E-open-within" not in listed
def test_the_public_page_needs_no_login(app: Flask, platform: Platform) -> None:
    _insert(platform)
    page = app.test_client().get("/cong-khai").data.decode()
    row = page.split("UBND phường Minh Xuân", 1)[1].split("</tr>", 1)[0]
    # Year so far: received A–J (10); resolved A B C D J (5), C and D late → satisfaction
    # 60%; not late: A B J + open within E F + paused G = 6 of 8 handled → 75%.
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row)[:5] == ["10", "5", "75,0%", "60,0%", "0"]
    # Beside «5» resolved, the rate says it counts open dossiers still within their time.
    assert 'data-label="Tỉ lệ đúng hạn (gồm hồ sơ đang giải quyết còn trong hạn)">75,0%' in row
    assert "Toàn tỉnh" in page


def test_complaints_lower_satisfaction_and_answered_feedback_is_counted(
    app: Flask, platform: Platform
) -> None:
    _insert(platform)
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == "TEST-A-carried-early"))
        citizen = uow.session.scalar(select(Account.id).where(Account.username == "congdan"))
        assert dossier is not None and citizen is not None
        uow.session.add(Feedback(
            account_id=citizen, agency_id=dossier.agency_id, dossier_id=dossier.id,
            kind="phan_anh", title="Chậm trả", body="Hẹn mãi chưa trả kết quả.",
            created_at=uow.clock.now(), answer="Đã trả ngày 10/11.", answered_at=uow.clock.now()))
        uow.commit()
    page = app.test_client().get("/cong-khai").data.decode()
    row = page.split("UBND phường Minh Xuân", 1)[1].split("</tr>", 1)[0]
    # A's complaint: 1 of 5 resolved more → 100% − 40% late − 20% complaints = 40%.
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row)[:5] == ["10", "5", "75,0%", "40,0%", "1"]
