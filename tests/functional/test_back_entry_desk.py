"""Back-entry after an outage at the desk page and through the API: the desk picks the
declared outage and types the true reception time; outside the window it is refused with the
reason and nothing is made (Đồng Tháp art. 21.4; Tuyên Quang art. 11.3)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlalchemy import select

from engine.core.clock import VN_TZ
from engine.core.models import Dossier
from engine.legal_clock import calendar_for, legal_due
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS
from tests.functional.test_desk_papers import DESK_PAGE, desk_browser, post_desk, scans
from tests.helpers import MINH_XUAN, PERMIT, login, permit_data


def _declare(app: Flask) -> int:
    admin = app.test_client()
    login(admin, "quantri")
    admin.post("/quan-tri/thong-bao", data={
        "kind": "incident", "title": "Mất điện trung tâm dữ liệu", "body": "Hệ thống ngừng.",
        "starts_day": "24/11/2026", "starts_time": "13:30",
        "ends_day": "24/11/2026", "ends_time": "18:00"})
    outage = admin.get("/api/v1/announcements").json["announcements"]
    assert outage == []  # its window is over: no banner any more
    with app.extensions["motcua"].uow() as uow:
        from engine.core.models import Announcement

        announcement_id = uow.session.scalars(select(Announcement.id)).one()
    declared = admin.post(f"/quan-tri/thong-bao/{announcement_id}/gian-doan",
                          data={"starts_day": "24/11/2026", "starts_time": "13:30",
                                "ends_day": "24/11/2026", "ends_time": "17:00"})
    assert declared.status_code == 303
    return int(announcement_id)


def test_the_desk_page_back_enters_with_the_true_time_and_refuses_outside_the_window(
    app: Flask, platform: Platform,
) -> None:
    outage = _declare(app)
    desk = desk_browser(app)
    page = desk.get(DESK_PAGE).data.decode()
    assert "Mất điện trung tâm dữ liệu (từ 13:30 ngày 24/11/2026 đến 17:00" in page
    assert 'type="datetime-local"' not in page and "ví dụ 15/01/2027" in page  # typed day first
    us = post_desk(desk, scans(), gian_doan=str(outage), ngay_nhan="11/24/2026", gio_nhan="2:05 PM")
    assert us.status_code == 400
    assert "«Ngày tiếp nhận thực tế» chưa đúng: nhập ngày/tháng/năm" in us.data.decode()
    assert 'value="11/24/2026"' in us.data.decode()
    late = post_desk(desk, scans(), gian_doan=str(outage), ngay_nhan="24/11/2026", gio_nhan="17:30")
    assert late.status_code == 400
    assert "phải nằm trong đợt gián đoạn" in late.data.decode()
    assert 'value="24/11/2026"' in late.data.decode() and 'value="17:30"' in late.data.decode()
    with platform.uow() as uow:
        assert uow.session.scalars(select(Dossier.id)).all() == []
    done = post_desk(desk, scans(), gian_doan=str(outage), ngay_nhan="24/11/2026", gio_nhan="14:05")
    assert done.status_code == 303, done.data.decode()[:300]
    with platform.uow() as uow:
        dossier = uow.session.scalars(select(Dossier)).one()
        times = (dossier.code, dossier.received_at.isoformat() if dossier.received_at else "")
    assert "-261124-" in times[0] and times[1] == "2026-11-24T07:05:00+00:00"


def test_the_api_back_enters_and_names_the_reason_of_a_refusal(app: Flask) -> None:
    outage = _declare(app)
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    body = {"outage": outage, "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(),
            "papers": PAPERS, "decision": "complete",
            "reception": {"ket_qua_kiem_tra": "tiep_nhan"}}
    future = desk.post("/api/v1/desk/back-entries", json={**body,
                                                         "received_at": "2026-11-26T09:00"})
    assert future.status_code == 400
    assert "không được ở tương lai" in future.json["error"]["message"]
    made = desk.post("/api/v1/desk/back-entries", json={**body,
                                                       "received_at": "2026-11-24T16:45"})
    assert made.status_code == 201, made.json
    assert made.json["received_at"] == "2026-11-24T16:45:00+07:00"
    with app.extensions["motcua"].uow() as uow:
        calendar = calendar_for(uow, uow.session.scalars(select(Dossier.agency_id)).one())
    due = legal_due(calendar, started=datetime(2026, 11, 24, 16, 45, tzinfo=VN_TZ),
                    processing_time={"value": 15, "unit": "working_days"})
    assert made.json["status"] == 4 and made.json["due_at"] == due.isoformat()
    listed = desk.get("/api/v1/outages").json["outages"]
    assert [o["id"] for o in listed] == [outage] and listed[0]["outage"] is True
