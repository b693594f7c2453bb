"""Sessions, passwords and the second factor through HTTP, with a controllable clock:
idle and absolute timeouts, logout (here and everywhere), cookie flags, CSRF, the
password policy, change and reset by e-mailed link (expiry, single use), TOTP at login,
and the public tracking limit."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.clock import FixedClock
from engine.core.models import Account, LoginSession, Notification
from engine.identity import totp
from engine.identity.passwords import problems
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import APPLICANT_ID, MINH_XUAN, PERMIT, login, page_login, permit_data, token

OFFICER = "chuyenvien.minhxuan"
NEW_PASSWORD = "Lua-chon-moi-2027"
EXPIRED = "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."


def _signed_in(client: FlaskClient) -> bool:
    """Whether the inbox opens (a logged-out browser is sent to the login page)."""
    return client.get("/can-bo").status_code == 200


def _flashes(client: FlaskClient) -> str:
    return client.get("/dang-nhap").data.decode()


# --- timeouts ------------------------------------------------------------------------

def test_a_session_idle_for_30_minutes_ends_and_says_so(app: Flask, clock: FixedClock) -> None:
    browser = app.test_client()
    page_login(browser, OFFICER)
    clock.advance(timedelta(minutes=29))
    assert _signed_in(browser)  # activity resets the idle clock
    clock.advance(timedelta(minutes=29))
    assert _signed_in(browser)
    clock.advance(timedelta(minutes=31))
    gone = browser.get("/can-bo")
    assert gone.status_code == 303 and gone.headers["Location"].startswith("/dang-nhap?next=")
    assert EXPIRED in _flashes(browser)
    api = app.test_client()
    login(api, OFFICER)
    clock.advance(timedelta(minutes=31))
    refused = api.get("/api/v1/tasks")
    assert refused.status_code == 401 and refused.json["error"]["message"] == EXPIRED


def test_a_session_ends_after_12_hours_however_busy(app: Flask, clock: FixedClock) -> None:
    browser = app.test_client()
    page_login(browser, OFFICER)
    for _ in range(35):  # 11 h 40 min of work, never idle for long
        clock.advance(timedelta(minutes=20))
        assert _signed_in(browser)
    clock.advance(timedelta(minutes=20))
    assert not _signed_in(browser)


# --- logout ----------------------------------------------------------------------------

def test_logging_out_ends_the_session_on_the_server_not_just_in_the_cookie(app: Flask) -> None:
    browser = app.test_client()
    page_login(browser, OFFICER)
    stolen = browser.get_cookie("session")
    assert stolen is not None
    page = browser.get("/can-bo").data
    assert browser.post("/dang-xuat", data={"csrf_token": token(page)}).status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", stolen.value)
    assert not _signed_in(thief)


def test_logout_everywhere_ends_every_other_session(app: Flask, platform: Platform) -> None:
    office, home, phone = app.test_client(), app.test_client(), app.test_client()
    for browser in (office, home, phone):
        page_login(browser, OFFICER)
    account = office.get("/tai-khoan").data.decode()
    assert account.count("<tr><td data-label=\"Bắt đầu\">") == 3 and "Phiên này" in account
    done = office.post("/tai-khoan/dang-xuat-moi-noi", data={"csrf_token": token(account.encode())})
    assert done.status_code == 303
    assert "Đã đăng xuất khỏi 2 phiên đăng nhập khác." in office.get("/tai-khoan").data.decode()
    assert _signed_in(office) and not _signed_in(home) and not _signed_in(phone)


def test_logout_everywhere_through_the_api(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    login(first, OFFICER)
    login(second, OFFICER)
    assert first.delete("/api/v1/sessions").json == {"ended": 1}
    assert first.get("/api/v1/tasks").status_code == 200
    assert second.get("/api/v1/tasks").status_code == 401


def test_forms_without_the_csrf_token_change_nothing(app: Flask, platform: Platform) -> None:
    office, home = app.test_client(), app.test_client()
    page_login(office, OFFICER)
    page_login(home, OFFICER)
    forged = office.post("/tai-khoan/dang-xuat-moi-noi", data={})
    assert forged.status_code == 400 and "Phiên làm việc đã hết hạn" in forged.data.decode()
    forged = office.post("/tai-khoan/mat-khau", data={
        "csrf_token": "doan-bua", "current": DEMO_PASSWORD, "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert forged.status_code == 400
    assert _signed_in(home)
    page_login(app.test_client(), OFFICER, DEMO_PASSWORD)  # the password did not change


def test_session_cookies_are_http_only_same_site_and_secure_when_configured(
    platform: Platform,
) -> None:
    from webapp import create_app

    for secure in (False, True):
        app = create_app({"TESTING": True, "PLATFORM": platform, "SECRET_KEY": "k",
                          "SESSION_COOKIE_SECURE": secure})
        browser = app.test_client()
        response = browser.post("/api/v1/session", json={"username": OFFICER,
                                                         "password": DEMO_PASSWORD})
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


# --- password policy, change and reset -------------------------------------------------

@pytest.mark.parametrize(("password", "message"), [
    ("Ngắn-1", "Mật khẩu phải có ít nhất 10 ký tự."),
    ("chuthuongdaikhongso", "Mật khẩu phải có ít nhất 3 trong 4 loại ký tự"),
    ("Password1", "Mật khẩu phải có ít nhất 10 ký tự."),
    ("vietnam123", "Mật khẩu này quá phổ biến"),
    ("Chuyenvien.Minhxuan-1", "Mật khẩu không được chứa tên đăng nhập."),
    ("Aa1-" * 60, "Mật khẩu dài quá 200 ký tự."),
])
def test_the_password_policy_names_each_problem(password: str, message: str) -> None:
    found = problems(password, username=OFFICER)
    assert any(m.startswith(message) for m in found), found


def test_good_passwords_pass_the_policy() -> None:
    assert problems(NEW_PASSWORD, username=OFFICER) == []
    assert problems("Mật khẩu dài có dấu 2027", username=OFFICER) == []


def _change(browser: FlaskClient, current: str, new: str, confirm: str | None = None) -> str:
    page = browser.get("/tai-khoan").data
    response = browser.post("/tai-khoan/mat-khau", data={
        "csrf_token": token(page), "current": current, "new_password": new,
        "confirm": new if confirm is None else confirm}, follow_redirects=True)
    return f"{response.status_code} {response.data.decode()}"


def test_changing_the_password_checks_it_and_ends_the_other_sessions(app: Flask) -> None:
    office, home = app.test_client(), app.test_client()
    page_login(office, OFFICER)
    page_login(home, OFFICER)
    assert "422" in (wrong := _change(office, "sai-mat-khau", NEW_PASSWORD))
    assert "Mật khẩu hiện tại không đúng." in wrong
    weak = _change(office, DEMO_PASSWORD, "abc")
    assert weak.startswith("422") and "Mật khẩu phải có ít nhất 10 ký tự." in weak
    mismatch = _change(office, DEMO_PASSWORD, NEW_PASSWORD, "Khac-hoan-toan-99")
    assert "Hai lần nhập mật khẩu mới không khớp." in mismatch
    assert _signed_in(home)  # nothing changed so far
    done = _change(office, DEMO_PASSWORD, NEW_PASSWORD)
    assert done.startswith("200") and "1 phiên đăng nhập khác đã kết thúc" in done
    assert _signed_in(office) and not _signed_in(home)
    refused = app.test_client().post("/api/v1/session", json={"username": OFFICER,
                                                               "password": DEMO_PASSWORD})
    assert refused.status_code == 400
    page_login(app.test_client(), OFFICER, NEW_PASSWORD)


def _reset_link(platform: Platform) -> str:
    with platform.uow() as uow:
        mail = uow.session.scalars(select(Notification).where(
            Notification.subject == "[Cổng dịch vụ công một cửa] Đặt lại mật khẩu"
        ).order_by(Notification.id.desc()))
        newest = mail.first()
        assert newest is not None, "no reset e-mail was written"
        body = newest.body
    found = re.search(r"http://\S+/dat-lai-mat-khau/(\S+)", body)
    assert found, body
    return f"/dat-lai-mat-khau/{found.group(1)}"


def _ask_reset(client: FlaskClient, login_name: str) -> str:
    page = client.get("/quen-mat-khau").data
    return client.post("/quen-mat-khau", data={"csrf_token": token(page),
                                               "login": login_name}).data.decode()


def _use_link(client: FlaskClient, link: str, password: str) -> int:
    page = client.get(link)
    if page.status_code != 200:
        return page.status_code
    return client.post(link, data={"csrf_token": token(page.data), "new_password": password,
                                   "confirm": password}).status_code


def test_a_reset_link_is_mailed_works_once_and_ends_every_session(
    app: Flask, platform: Platform
) -> None:
    stolen = app.test_client()
    page_login(stolen, OFFICER)
    citizen = app.test_client()
    answer = _ask_reset(citizen, "chuyenvien.minhxuan@tuyenquang.example")  # by e-mail
    assert "Nếu tên đăng nhập hoặc thư điện tử này có trong hệ thống" in answer
    link = _reset_link(platform)
    assert _use_link(citizen, link, "yeu") == 422
    assert _use_link(citizen, link, NEW_PASSWORD) == 303
    assert not _signed_in(stolen)
    page_login(app.test_client(), OFFICER, NEW_PASSWORD)
    again = citizen.get(link)
    assert again.status_code == 410
    assert "không hợp lệ hoặc đã được dùng" in again.data.decode()


def test_a_reset_link_expires_after_30_minutes(
    app: Flask, platform: Platform, clock: FixedClock
) -> None:
    browser = app.test_client()
    _ask_reset(browser, OFFICER)
    link = _reset_link(platform)
    clock.advance(timedelta(minutes=30))
    expired = browser.get(link)
    assert expired.status_code == 410 and "đã hết hạn" in expired.data.decode()
    page_login(app.test_client(), OFFICER, DEMO_PASSWORD)


def test_a_newer_reset_link_replaces_the_older_one(app: Flask, platform: Platform) -> None:
    browser = app.test_client()
    _ask_reset(browser, OFFICER)
    first = _reset_link(platform)
    _ask_reset(browser, OFFICER)
    second = _reset_link(platform)
    assert first != second
    assert _use_link(browser, first, NEW_PASSWORD) == 410
    assert _use_link(browser, second, NEW_PASSWORD) == 303


def test_unknown_accounts_get_the_same_answer_and_no_mail(app: Flask, platform: Platform) -> None:
    answer = _ask_reset(app.test_client(), "khong.co.ai")
    assert "Nếu tên đăng nhập hoặc thư điện tử này có trong hệ thống" in answer
    with platform.uow() as uow:
        assert uow.session.scalar(select(Notification)) is None


def test_reset_requests_are_limited_per_client(app: Flask, platform: Platform) -> None:
    client = app.test_client()
    statuses = [client.post("/api/v1/password-resets", json={"login": f"ai-{n}"}).status_code
                for n in range(6)]
    assert statuses == [202] * 5 + [429]


def test_a_reset_lifts_a_lock_for_wrong_passwords(app: Flask, platform: Platform) -> None:
    client = app.test_client()
    for _ in range(5):
        client.post("/api/v1/session", json={"username": OFFICER, "password": "sai"})
    locked = client.post("/api/v1/session", json={"username": OFFICER, "password": DEMO_PASSWORD})
    assert "tạm khóa" in locked.json["error"]["message"]
    client.post("/api/v1/password-resets", json={"login": OFFICER})
    token_ = _reset_link(platform).rsplit("/", 1)[1]
    assert client.post(f"/api/v1/password-resets/{token_}",
                       json={"new": NEW_PASSWORD}).status_code == 200
    assert client.post("/api/v1/session", json={"username": OFFICER,
                                                "password": NEW_PASSWORD}).status_code == 201


# --- second factor ---------------------------------------------------------------------

def _enrol(browser: FlaskClient, clock: FixedClock) -> str:
    page = browser.get("/tai-khoan").data
    started = browser.post("/tai-khoan/xac-thuc-hai-buoc/bat-dau",
                           data={"csrf_token": token(page)}).data.decode()
    assert "<svg" in started and "Mã QR đăng ký xác thực hai bước" in started
    found = re.search(r'id="totp-secret">([A-Z2-7]+)<', started)
    assert found
    secret = found.group(1)
    wrong = browser.post("/tai-khoan/xac-thuc-hai-buoc/xac-nhan",
                         data={"csrf_token": token(page), "code": "000000"})
    assert wrong.status_code == 422
    done = browser.post("/tai-khoan/xac-thuc-hai-buoc/xac-nhan", follow_redirects=True, data={
        "csrf_token": token(page), "code": totp.code_at(secret, totp.step_of(clock.now()))})
    assert "Đã bật xác thực hai bước." in done.data.decode()
    return secret


def _password_step(browser: FlaskClient) -> str:
    csrf = token(browser.get("/dang-nhap").data)
    response = browser.post("/dang-nhap", data={"csrf_token": csrf, "username": OFFICER,
                                                "password": DEMO_PASSWORD})
    assert response.status_code == 303
    return str(response.headers["Location"])


def test_an_officer_with_totp_needs_the_code_and_a_code_works_once(
    app: Flask, clock: FixedClock
) -> None:
    browser = app.test_client()
    page_login(browser, OFFICER)
    secret = _enrol(browser, clock)
    clock.advance(timedelta(minutes=1))
    laptop = app.test_client()
    assert _password_step(laptop) == "/dang-nhap/ma-xac-thuc"
    assert not _signed_in(laptop)  # the password alone opens nothing
    page = laptop.get("/dang-nhap/ma-xac-thuc").data
    wrong = laptop.post("/dang-nhap/ma-xac-thuc", data={"csrf_token": token(page), "code": "123456"})
    assert wrong.status_code == 401 and "Mã xác thực không đúng" in wrong.data.decode()
    code = totp.code_at(secret, totp.step_of(clock.now()))
    right = laptop.post("/dang-nhap/ma-xac-thuc", data={"csrf_token": token(page), "code": code})
    assert right.status_code == 303 and right.headers["Location"] == "/can-bo"
    assert _signed_in(laptop)
    replay = app.test_client()
    _password_step(replay)
    page = replay.get("/dang-nhap/ma-xac-thuc").data
    again = replay.post("/dang-nhap/ma-xac-thuc", data={"csrf_token": token(page), "code": code})
    assert again.status_code == 401 and not _signed_in(replay)


def test_the_code_step_expires_after_five_minutes(app: Flask, clock: FixedClock) -> None:
    browser = app.test_client()
    page_login(browser, OFFICER)
    secret = _enrol(browser, clock)
    clock.advance(timedelta(minutes=1))
    slow = app.test_client()
    _password_step(slow)
    page = slow.get("/dang-nhap/ma-xac-thuc").data
    clock.advance(timedelta(minutes=5))
    late = slow.post("/dang-nhap/ma-xac-thuc", data={
        "csrf_token": token(page), "code": totp.code_at(secret, totp.step_of(clock.now()))})
    assert late.status_code == 303 and late.headers["Location"] == "/dang-nhap"
    assert not _signed_in(slow)


def test_the_api_asks_for_the_code_and_accepts_it(app: Flask, clock: FixedClock) -> None:
    browser = app.test_client()
    page_login(browser, OFFICER)
    secret = _enrol(browser, clock)
    clock.advance(timedelta(minutes=1))
    api = app.test_client()
    body = {"username": OFFICER, "password": DEMO_PASSWORD}
    asked = api.post("/api/v1/session", json=body)
    assert asked.status_code == 401 and asked.json["error"]["code"] == "second_factor_required"
    assert api.get("/api/v1/tasks").status_code == 401
    code = totp.code_at(secret, totp.step_of(clock.now()))
    assert api.post("/api/v1/session", json=body | {"totp_code": code}).status_code == 201
    assert api.get("/api/v1/tasks").status_code == 200


def test_wrong_codes_count_towards_the_lock(app: Flask, clock: FixedClock, platform: Platform) -> None:
    browser = app.test_client()
    page_login(browser, OFFICER)
    _enrol(browser, clock)  # one wrong code while enrolling
    api = app.test_client()
    body = {"username": OFFICER, "password": DEMO_PASSWORD, "totp_code": "000000"}
    for _ in range(4):
        api.post("/api/v1/session", json=body)
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == OFFICER))
        assert account is not None and account.locked_reason == "failed"


def test_citizens_are_not_offered_a_second_factor(app: Flask) -> None:
    citizen = app.test_client()
    page_login(citizen, "congdan")
    page = citizen.get("/tai-khoan").data
    assert "Xác thực hai bước" not in page.decode()
    refused = citizen.post("/tai-khoan/xac-thuc-hai-buoc/bat-dau", data={"csrf_token": token(page)})
    assert refused.status_code == 403


def test_a_turned_off_second_factor_is_no_longer_asked(app: Flask, clock: FixedClock) -> None:
    browser = app.test_client()
    page_login(browser, OFFICER)
    secret = _enrol(browser, clock)
    clock.advance(timedelta(minutes=1))
    page = browser.get("/tai-khoan").data
    off = browser.post("/tai-khoan/xac-thuc-hai-buoc/tat", follow_redirects=True, data={
        "csrf_token": token(page), "code": totp.code_at(secret, totp.step_of(clock.now()))})
    assert "Đã tắt xác thực hai bước." in off.data.decode()
    assert _password_step(app.test_client()) == "/can-bo"


# --- public tracking limit -------------------------------------------------------------

def test_public_tracking_is_limited_per_client(app: Flask, clock: FixedClock) -> None:
    code = app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).json["code"]
    guesser = app.test_client()
    statuses = [guesser.post("/api/v1/track", json={"code": code, "id_number": f"0080900{n:05d}"}).status_code
                for n in range(20)]
    assert set(statuses) == {404}
    limited = guesser.post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) <= 60
    page = guesser.post("/tra-cuu", data={"csrf_token": token(guesser.get("/tra-cuu").data),
                                          "ma": code, "so_dinh_danh": APPLICANT_ID})
    assert page.status_code == 429 and "Tra cứu quá nhiều lần" in page.data.decode()
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.8"
    assert other.post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID}).status_code == 200
    clock.advance(timedelta(seconds=61))
    assert guesser.post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID}).status_code == 200


def test_sessions_are_stored_hashed(app: Flask, platform: Platform) -> None:
    browser = app.test_client()
    page_login(browser, OFFICER)
    with platform.uow() as uow:
        stored = {row.token_hash for row in uow.session.scalars(select(LoginSession))}
    cookie = browser.get_cookie("session")
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    raw = serializer.loads(cookie.value)["sid"]
    assert stored == {hashlib.sha256(raw.encode()).hexdigest()}


def test_the_daily_housekeeping_ends_timed_out_sessions_and_forgets_old_hits(
    app: Flask, platform: Platform, clock: FixedClock
) -> None:
    from engine.identity.ratelimit import forget_old_hits
    from engine.identity.sessions import end_expired_sessions

    stale, fresh = app.test_client(), app.test_client()
    page_login(stale, OFFICER)
    # one rate-limit hit
    app.test_client().post("/api/v1/track", json={"code": "x", "id_number": APPLICANT_ID})
    clock.advance(timedelta(days=2))
    page_login(fresh, OFFICER)
    with platform.uow() as uow:
        assert end_expired_sessions(uow) == 1
        assert forget_old_hits(uow) == 1
        reasons = sorted(row.ended_reason for row in uow.session.scalars(select(LoginSession)))
    assert reasons == ["", "expired"]
    assert _signed_in(fresh) and not _signed_in(stale)
