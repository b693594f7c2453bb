"""The leader's dashboard and the public disclosure page on the hand-built dossiers of
`tests/service/test_reports.py`, the test's clock on 25/11/2026."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from engine.core.models import Account, Dossier, Feedback
from engine.wiring import Platform
from tests.helpers import page_login
from tests.service.test_reports import _insert


def test_the_dashboard_says_every_value_in_words(app: Flask, platform: Platform) -> None:
    _insert(platform)
    leader = app.test_client()
    page_login(leader, "lanhdao.minhxuan")
    page = leader.get("/quan-tri/bang-dieu-khien").data.decode()
    # November so far (1–25/11): resolved A B C D, open E F (F is due 27/11: still within),
    # paused G → not late: A B E F G = 5 of 7.
    trend = page.split('id="dung-han-1"', 1)[1].split("</figure>", 1)[0]
    assert "11/2026 71,4%" in re.sub(r"\s+", " ", trend.split("<desc", 1)[1].split("</desc>")[0])
    assert "10/2026" in trend and "06/2026" in trend  # six months
    statuses = page.split('id="trang-thai"', 1)[1].split("</figure>", 1)[0]
    assert "Đã xử lý xong 3 hồ sơ" in statuses  # B, C, D
    assert "Công dân yêu cầu rút hồ sơ 1 hồ sơ" in statuses  # H
    assert "<rect" in statuses and "fill" not in statuses.split("<svg", 1)[0]
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    assert specialist.get("/quan-tri/bang-dieu-khien").status_code == 403


def test_the_public_page_needs_no_login(app: Flask, platform: Platform) -> None:
    _insert(platform)
    page = app.test_client().get("/cong-khai").data.decode()
    row = page.split("UBND phường Minh Xuân", 1)[1].split("</tr>", 1)[0]
    # Year so far: received A–J (10); resolved A B C D J (5), C and D late → satisfaction
    # 60%; not late: A B J + open within E F + paused G = 6 of 8 handled → 75%.
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row)[:5] == ["10", "5", "75,0%", "60,0%", "0"]
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
