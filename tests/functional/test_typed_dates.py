"""Dates on officers' and administrators' pages are typed as Vietnamese write them
(15/01/2027, 17:00), never left to the browser's picker (an English browser shows
«01/15/2027, 05:00 PM»); a date that does not read is refused in Vietnamese with what was
typed kept; the API keeps its ISO inputs."""

from __future__ import annotations

import re

from flask import Flask

from tests.functional.test_pages import at_appraisal
from tests.helpers import MINH_XUAN, page_login, token


def test_the_extension_form_is_typed_and_says_its_latest_date_up_front(app: Flask) -> None:
    _, specialist, link = at_appraisal(app)
    page = specialist.get(link).data.decode()
    assert 'type="datetime-local"' not in page and 'type="date"' not in page
    assert "ví dụ 15/01/2027" in page
    latest = re.search(r"muộn nhất (\d\d:\d\d) ngày (\d\d/\d\d/\d{4})", page)
    assert latest is not None, "the latest allowed date is said before any error"
    refused = specialist.post(f"{link}/gia-han", data={
        "csrf_token": token(page.encode()), "due_day": "12/31/2026", "due_time": "5:00 PM",
        "reason": "Chờ ý kiến của điện lực"})
    html = refused.data.decode()
    assert refused.status_code == 422
    assert "«Ngày hẹn mới» chưa đúng: nhập ngày/tháng/năm, ví dụ 15/01/2027" in html
    assert 'value="12/31/2026"' in html and "Chờ ý kiến của điện lực</textarea>" in html
    granted = specialist.post(f"{link}/gia-han", data={
        "csrf_token": token(page.encode()), "due_day": latest.group(2),
        "due_time": latest.group(1), "reason": "Chờ ý kiến của điện lực"})
    assert granted.status_code == 303
    shown = specialist.get(link).data.decode()
    assert "Đã hẹn lại ngày trả kết quả" in shown and f"{latest.group(1)} ngày {latest.group(2)}" in shown
    assert "muộn nhất" not in shown  # the one extension is used


def test_the_report_period_is_typed_day_first(app: Flask) -> None:
    admin = app.test_client()
    page_login(admin, "quantri")
    page = admin.get("/quan-tri/bao-cao?tu=01/11/2026&den=30/11/2026")
    html = page.data.decode()
    assert page.status_code == 200 and 'type="date"' not in html
    assert 'value="01/11/2026"' in html and 'value="30/11/2026"' in html
    assert "from=2026-11-01" in html  # the downloads keep the API's ISO dates
    wrong = admin.get("/quan-tri/bao-cao?tu=11/31/2026&den=30/11/2026")
    text = wrong.data.decode()
    assert wrong.status_code == 400
    assert "«Từ ngày» chưa đúng: nhập ngày/tháng/năm, ví dụ 15/01/2027 (đã nhập «11/31/2026»)" in text
    assert 'value="11/31/2026"' in text


def test_the_audit_days_and_a_role_grant_are_typed_day_first(app: Flask) -> None:
    admin = app.test_client()
    page_login(admin, "quantri")
    audit = admin.get("/quan-tri/nhat-ky?tu_ngay=01/11/2026&den_ngay=30/11/2026").data.decode()
    assert 'type="date"' not in audit and 'value="01/11/2026"' in audit
    assert "chưa đúng" not in audit
    base = "/quan-tri/tai-khoan/chuyenvien.minhxuan"
    page = admin.get(base).data
    assert b'type="date"' not in page and "ví dụ 15/01/2027".encode() in page
    us = admin.post(f"{base}/vai-tro", data={"csrf_token": token(page), "agency": MINH_XUAN,
                                             "roles": ["lanh_dao"], "valid_from": "",
                                             "valid_until": "12/31/2027"})
    assert us.status_code == 422
    assert "«Hiệu lực đến hết ngày» chưa đúng: nhập ngày/tháng/năm" in us.data.decode()
    granted = admin.post(f"{base}/vai-tro", data={
        "csrf_token": token(page), "agency": MINH_XUAN, "roles": ["lanh_dao"],
        "valid_from": "", "valid_until": "31/12/2027"})
    assert granted.status_code == 303


def test_a_calendar_day_is_typed_day_first_and_kept_when_wrong(app: Flask) -> None:
    admin = app.test_client()
    page_login(admin, "quantri")
    page = admin.get("/quan-tri/lich?nam=2026")
    assert b'type="date"' not in page.data
    wrong = admin.post("/quan-tri/lich", data={
        "csrf_token": token(page.data), "province": "Tuyên Quang", "day": "12/31/2026",
        "kind": "off", "reason": "Nghỉ bù"}, follow_redirects=True).data.decode()
    assert "«Ngày» chưa đúng: nhập ngày/tháng/năm, ví dụ 15/01/2027 (đã nhập «12/31/2026»)" in wrong
    assert 'value="12/31/2026"' in wrong
    saved = admin.post("/quan-tri/lich", data={
        "csrf_token": token(page.data), "province": "Tuyên Quang", "day": "07/12/2026",
        "kind": "off", "reason": "Nghỉ bù theo Quyết định của UBND tỉnh"}, follow_redirects=True)
    assert "Đã cập nhật lịch ngày 07/12/2026" in saved.data.decode()
