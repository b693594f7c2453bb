"""The announcements' page (`/quan-tri/thong-bao`) and the banner on every page: the
province's administrator publishes, withdraws, declares an outage; citizens, officers and
administrators see the notice during its window; nobody else may touch the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core import VN_TZ
from engine.core.clock import FixedClock
from engine.core.models import Announcement, AuditEntry
from engine.wiring import Platform
from tests.helpers import login

FORM = {"kind": "maintenance", "title": "Nâng cấp máy chủ cơ sở dữ liệu",
        "body": "Cổng tạm ngừng; hồ sơ giấy vẫn nhận tại Bộ phận Một cửa.",
        "starts_day": "29/11/2026", "starts_time": "20:00",
        "ends_day": "29/11/2026", "ends_time": "23:30"}


def _banner(html: str) -> str:
    found = re.search(r'<div class="container announcements" role="region" '
                      r'aria-label="Thông báo của hệ thống">(.*?)<main', html, re.S)
    return found.group(1) if found else ""


def test_a_published_maintenance_shows_on_citizen_officer_and_admin_pages(app: Flask) -> None:
    admin = app.test_client()
    login(admin, "quantri")
    made = admin.post("/quan-tri/thong-bao", data=FORM)
    assert made.status_code == 303
    page = admin.get("/quan-tri/thong-bao").data.decode()
    assert "Đã đăng thông báo «Nâng cấp máy chủ cơ sở dữ liệu»" in page
    assert "chưa đủ 3 ngày" not in page  # four days ahead of 25/11 08:00: enough notice
    citizen, officer = app.test_client(), app.test_client()
    login(officer, "motcua.minhxuan")
    for client, path in ((citizen, "/"), (citizen, "/tra-cuu"), (officer, "/can-bo"),
                         (admin, "/quan-tri/lich")):
        response = client.get(path, follow_redirects=True)
        banner = _banner(response.data.decode())
        assert "Bảo trì, nâng cấp hệ thống (sắp diễn ra): Nâng cấp máy chủ" in banner, path
        assert "Từ 20:00 ngày 29/11/2026 đến 23:30 ngày 29/11/2026." in banner
    assert "Quản lý thông báo hệ thống" not in _banner(citizen.get("/").data.decode())


def test_a_short_notice_is_published_with_a_warning_and_withdrawn_later(
    app: Flask, platform: Platform,
) -> None:
    admin = app.test_client()
    login(admin, "quantri")
    made = admin.post("/quan-tri/thong-bao", data={**FORM, "starts_day": "26/11/2026",
                                                   "ends_day": "26/11/2026", "ends_time": "22:00"},
                      follow_redirects=True)
    html = made.data.decode()
    assert "Bảo trì được báo trước chưa đủ 3 ngày" in html and "Báo trước chưa đủ 3 ngày." in html
    with platform.uow() as uow:
        row_id = uow.session.scalars(select(Announcement.id)).one()
    assert admin.post(f"/quan-tri/thong-bao/{row_id}/go").status_code == 303
    assert _banner(app.test_client().get("/").data.decode()) == ""
    with platform.uow() as uow:
        actions = sorted(uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "announcement")))
    assert actions == ["announcement.create", "announcement.withdraw"]


def test_wrong_fields_are_named_and_what_was_typed_is_kept(app: Flask, platform: Platform) -> None:
    admin = app.test_client()
    login(admin, "quantri")
    refused = admin.post("/quan-tri/thong-bao", data={**FORM, "ends_day": "", "ends_time": "",
                                                      "outage": "1"})
    assert refused.status_code == 422
    html = refused.data.decode()
    assert 'href="#ends_day">Nhập thời điểm kết thúc.' in html
    assert "Chỉ thông báo sự cố mới được xác nhận là gián đoạn." in html
    assert 'value="Nâng cấp máy chủ cơ sở dữ liệu"' in html
    with platform.uow() as uow:
        assert uow.session.scalars(select(Announcement.id)).all() == []


def test_an_incident_is_declared_an_outage_for_back_entry(
    app: Flask, platform: Platform, clock: FixedClock,
) -> None:
    admin = app.test_client()
    login(admin, "quantri")
    admin.post("/quan-tri/thong-bao", data={**FORM, "kind": "incident", "title": "Mất kết nối",
                                            "starts_day": "25/11/2026", "starts_time": "07:00",
                                            "ends_day": "25/11/2026", "ends_time": "12:00"})
    with platform.uow() as uow:
        row_id = uow.session.scalars(select(Announcement.id)).one()
    assert "Sự cố hệ thống: Mất kết nối" in _banner(app.test_client().get("/").data.decode())
    future = admin.post(f"/quan-tri/thong-bao/{row_id}/gian-doan",
                        data={"starts_day": "26/11/2026", "starts_time": "07:00",
                              "ends_day": "26/11/2026", "ends_time": "09:00"})
    assert future.status_code == 422
    assert "thời điểm bắt đầu ở tương lai" in future.data.decode()
    declared = admin.post(f"/quan-tri/thong-bao/{row_id}/gian-doan",
                          data={"starts_day": "25/11/2026", "starts_time": "07:10",
                                "ends_day": "25/11/2026", "ends_time": "07:55"},
                          follow_redirects=True)
    assert "Đã xác nhận gián đoạn từ 07:10 ngày 25/11/2026 đến 07:55" in declared.data.decode()
    with platform.uow() as uow:
        assert uow.session.get(Announcement, row_id).outage is True  # type: ignore[union-attr]


def test_the_window_typed_day_first_is_saved_as_vietnam_time(
    app: Flask, platform: Platform,
) -> None:
    admin = app.test_client()
    login(admin, "quantri")
    made = admin.post("/quan-tri/thong-bao", data={**FORM, "starts_day": "29/11/2026",
                                                   "starts_time": "20h", "ends_day": "30/11/2026",
                                                   "ends_time": "7:05"})
    assert made.status_code == 303
    with platform.uow() as uow:
        row = uow.session.scalars(select(Announcement)).one()
        assert row.starts_at == datetime(2026, 11, 29, 20, 0, tzinfo=VN_TZ)
        assert row.ends_at == datetime(2026, 11, 30, 7, 5, tzinfo=VN_TZ)
        assert row.starts_at.astimezone(UTC).hour == 13  # 20:00 in Hà Nội
    page = admin.get("/quan-tri/thong-bao").data.decode()
    assert 'type="datetime-local"' not in page
    assert "Ngày/tháng/năm, ví dụ 15/01/2027" in page and "Giờ:phút, ví dụ 17:00" in page


def test_a_day_or_time_typed_wrong_is_named_and_everything_typed_is_kept(
    app: Flask, platform: Platform,
) -> None:
    admin = app.test_client()
    login(admin, "quantri")
    typed = {**FORM, "starts_day": "11/29/2026", "ends_time": "25:00", "notify": "1"}
    refused = admin.post("/quan-tri/thong-bao", data=typed)
    assert refused.status_code == 422
    html = refused.data.decode()
    assert ('href="#starts_day">«Bắt đầu» chưa đúng: nhập ngày/tháng/năm, ví dụ 15/01/2027 '
            '(đã nhập «11/29/2026»).') in html
    assert ('href="#ends_day">Giờ của «Kết thúc» chưa đúng: nhập giờ:phút, ví dụ 17:00 '
            '(đã nhập «25:00»).') in html
    assert "Nhập thời điểm bắt đầu." not in html  # the typing mistake, not "missing"
    for value in ("11/29/2026", "20:00", "29/11/2026", "25:00", FORM["title"]):
        assert f'value="{value}"' in html, value
    assert FORM["body"] in html and 'id="notify" name="notify" value="1" checked' in html
    assert 'id="starts_day" name="starts_day"' in html and 'aria-invalid="true"' in html
    with platform.uow() as uow:
        assert uow.session.scalars(select(Announcement.id)).all() == []


def test_an_outage_window_typed_wrong_is_shown_again_open_with_what_was_typed(
    app: Flask, platform: Platform,
) -> None:
    admin = app.test_client()
    login(admin, "quantri")
    admin.post("/quan-tri/thong-bao", data={**FORM, "kind": "incident", "title": "Mất kết nối",
                                            "starts_day": "25/11/2026", "starts_time": "07:00",
                                            "ends_day": "25/11/2026", "ends_time": "12:00"})
    with platform.uow() as uow:
        row_id = uow.session.scalars(select(Announcement.id)).one()
    page = admin.get("/quan-tri/thong-bao").data.decode()
    assert f'id="o{row_id}-starts-day" name="starts_day" inputmode="numeric" autocomplete="off" ' \
           'value="25/11/2026"' in page  # the announced window, to be corrected
    refused = admin.post(f"/quan-tri/thong-bao/{row_id}/gian-doan",
                         data={"starts_day": "25/11/2026", "starts_time": "7:10",
                               "ends_day": "25/13/2026", "ends_time": "07:55"})
    assert refused.status_code == 422
    html = refused.data.decode()
    assert "«Đến» chưa đúng: nhập ngày/tháng/năm" in html  # the form's own words
    assert "(đã nhập «25/13/2026»)" in html and "<details open>" in html
    assert 'value="25/13/2026"' in html and 'value="7:10"' in html
    with platform.uow() as uow:
        assert uow.session.get(Announcement, row_id).outage is False  # type: ignore[union-attr]


ROUTES = [("get", "/quan-tri/thong-bao"), ("post", "/quan-tri/thong-bao"),
          ("post", "/quan-tri/thong-bao/1/go"), ("post", "/quan-tri/thong-bao/1/gian-doan")]


@pytest.mark.parametrize("who", [None, "congdan", "motcua.minhxuan", "lanhdao.minhxuan",
                                 "thietke.minhxuan", "quantri.soxaydung"])
def test_only_the_provinces_administrator_opens_the_announcements(
    client: FlaskClient, who: str | None,
) -> None:
    if who:
        login(client, who)
    for method, path in ROUTES:
        response = getattr(client, method)(path, data=FORM)
        if who is None:  # sent to the login page, or a post refused (no session: no CSRF token)
            assert response.status_code in (303, 400, 401), (method, path)
            assert response.status_code != 303 or "dang-nhap" in response.location
        else:
            assert response.status_code == 403, (who, method, path)
    with client.application.extensions["motcua"].uow() as uow:
        assert uow.session.scalars(select(Announcement.id)).all() == []
