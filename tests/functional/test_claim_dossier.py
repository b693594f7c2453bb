"""«Thêm hồ sơ đã nộp vào tài khoản»: an applicant who submitted without an account takes the
dossier into the account they register later — only with the one-time code sent by SMS to
the phone written on the dossier (the code and the ID number alone are guessable), only for
the account of the same ID number, never from another owner, with few tries — and then
every owner page works: the refusal letter's reason, the supplement page. A VNeID login
vouches for the ID number: its dossiers join the account without a code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import applicants
from engine.core.clock import FixedClock
from engine.core.models import AuditEntry, Dossier, Notification
from engine.wiring import Platform
from tests.functional.test_citizen_area import citizen_client, officer, post_form, submit_on_page
from tests.functional.test_vneid_login import CALLBACK, PUBLIC, _log_in
from tests.helpers import complete, permit_data, token
from tests.simulators.oidc import CITIZEN as VOUCHED
from tests.simulators.oidc import OidcProvider

NEW_ID = "001099012345"
PHONE = "0912345678"
PASSWORD = "Hoa-tuyen-quang-26"
REASON = "Công trình vượt chỉ giới xây dựng."


def anonymous_dossier(app: Flask, id_number: str = NEW_ID) -> str:
    """A permit dossier submitted on the page by a browser without an account."""
    return submit_on_page(app.test_client(), permit_data(so_dinh_danh=id_number,
                                                         dien_thoai=PHONE))


def registered(app: Flask, id_number: str = NEW_ID) -> FlaskClient:
    """A browser signed in to an account just registered (not verified) with `id_number`."""
    client = app.test_client()
    made = post_form(client, "/dang-ky", {
        "ho_ten": "Lê Thị Hoa", "so_dinh_danh": id_number, "dien_thoai": "0987000111",
        "mat_khau": PASSWORD, "nhap_lai": PASSWORD, "dong_y": "true"})
    assert made.status_code == 303, made.data.decode()[:2000]
    csrf = token(client.get("/dang-nhap").data)
    assert client.post("/dang-nhap", data={"csrf_token": csrf, "username": id_number,
                                           "password": PASSWORD}).status_code == 303
    session = client.post("/api/v1/session", json={"username": id_number, "password": PASSWORD})
    client.environ_base["HTTP_X_CSRF_TOKEN"] = session.json["csrf_token"]
    return client


def ask_code(client: FlaskClient, code: str) -> tuple[int, str]:
    response = client.post("/ca-nhan/them-ho-so", data={
        "csrf_token": token(client.get("/ca-nhan/them-ho-so").data), "ma": code})
    return response.status_code, response.data.decode()


def confirm(client: FlaskClient, code: str, otp: str) -> tuple[int, str]:
    response = client.post("/ca-nhan/them-ho-so/xac-nhan", data={
        "csrf_token": token(client.get("/ca-nhan/them-ho-so").data), "ma": code,
        "ma_xac_nhan": otp})
    return response.status_code, response.headers.get("Location") or response.data.decode()


def sent_codes(platform: Platform, phone: str = PHONE) -> list[str]:
    """The one-time codes in the SMS outbox for `phone`, oldest first."""
    with platform.uow() as uow:
        bodies = uow.session.scalars(select(Notification.body).where(
            Notification.channel == "sms", Notification.recipient == phone)
            .order_by(Notification.id)).all()
    return [m.group(1) for b in bodies if (m := re.search(r"vào tài khoản: (\d{6})\.", b))]


def owner_of(platform: Platform, code: str) -> int | None:
    with platform.uow() as uow:
        return uow.session.scalar(select(Dossier.owner_id).where(Dossier.code == code))


def test_a_refused_anonymous_dossier_joins_the_account_with_the_sms_code_and_shows_its_reason(
    app: Flask, platform: Platform,
) -> None:
    code = anonymous_dossier(app)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "tu_choi", "y_kien_tham_dinh": REASON})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "tu_choi", "ly_do_tu_choi": REASON})
    tracking = app.test_client()
    found = tracking.post("/tra-cuu", data={"csrf_token": token(tracking.get("/tra-cuu").data),
                                            "ma": code, "so_dinh_danh": NEW_ID})
    assert found.status_code == 200
    assert "Thêm hồ sơ vào tài khoản" in found.data.decode()
    assert f"/ca-nhan/them-ho-so?ma={code}" in found.data.decode()

    citizen = registered(app)
    assert "Bạn chưa nộp hồ sơ nào" in citizen.get("/ca-nhan").data.decode()
    assert citizen.get(f"/ca-nhan/ho-so/{code}").status_code == 404
    status, page = ask_code(citizen, code)
    assert status == 200, page
    assert "số điện thoại có đuôi <strong>678</strong>" in page
    [otp] = sent_codes(platform)
    assert owner_of(platform, code) is None  # asking hands nothing over
    status, where = confirm(citizen, code, otp)
    assert (status, where) == (303, f"/ca-nhan/ho-so/{code}")
    mine = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert REASON in mine and f"Đã thêm hồ sơ {code} vào tài khoản của bạn." in mine
    assert code in citizen.get("/ca-nhan").data.decode()
    history = officer(app, "motcua.minhxuan").get(f"/can-bo/ho-so/{code}").data.decode()
    assert "Người nộp thêm hồ sơ vào tài khoản" in history
    with platform.uow() as uow:
        actions = uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.in_(("dossier.claim_code_sent", "dossier.claimed",
                                   "dossier.owner_set")))).all()
    assert sorted(actions) == ["dossier.claim_code_sent", "dossier.claimed", "dossier.owner_set"]


def test_after_joining_the_supplement_asked_for_is_answered_from_the_account(
    app: Flask, platform: Platform,
) -> None:
    code = anonymous_dossier(app)
    desk = officer(app, "motcua.minhxuan")
    asked = desk.post(f"/api/v1/dossiers/{code}/request-supplement",
                      json={"missing": ["Bản vẽ mặt cắt có chữ ký của đơn vị thiết kế"]})
    assert asked.status_code == 200, asked.json
    citizen = registered(app)
    sent = citizen.post(f"/api/v1/me/dossiers/{code}/claim")
    assert sent.status_code == 202, sent.json
    assert sent.json["phone"].endswith("678") and "0912345" not in sent.json["phone"]
    [otp] = sent_codes(platform)
    done = citizen.post(f"/api/v1/me/dossiers/{code}/claim/confirm", json={"otp": otp})
    assert done.status_code == 200 and done.json == {"code": code, "owned": True}
    page = citizen.get(f"/ca-nhan/ho-so/{code}/bo-sung")
    assert page.status_code == 200
    assert "Bản vẽ mặt cắt có chữ ký của đơn vị thiết kế" in page.data.decode()
    assert [d["code"] for d in citizen.get("/api/v1/me/dossiers").json["dossiers"]] == [code]


def test_a_wrong_an_expired_a_replaced_or_a_spent_code_hands_nothing_over(
    app: Flask, platform: Platform, clock: FixedClock,
) -> None:
    code = anonymous_dossier(app)
    citizen = registered(app)
    assert ask_code(citizen, code)[0] == 200
    [first] = sent_codes(platform)
    wrong = "000000" if first != "000000" else "111111"
    status, page = confirm(citizen, code, wrong)
    assert status == 422 and "Mã xác nhận không đúng" in page
    clock.advance(timedelta(minutes=11))
    status, page = confirm(citizen, code, first)
    assert status == 422 and "Mã xác nhận đã hết hạn hoặc đã được dùng" in page
    assert ask_code(citizen, code)[0] == 200
    assert ask_code(citizen, code)[0] == 200  # «Gửi lại mã»: the second code replaces it
    _, replaced, latest = sent_codes(platform)
    if replaced != latest:
        assert confirm(citizen, code, replaced)[0] == 422
    assert owner_of(platform, code) is None
    assert confirm(citizen, code, latest)[0] == 303
    status, page = confirm(citizen, code, latest)
    assert status == 409 and "đã có trong tài khoản của bạn" in page


def test_another_id_number_or_another_owner_is_refused_and_no_code_is_sent(
    app: Flask, platform: Platform,
) -> None:
    code = anonymous_dossier(app)
    other = citizen_client(app)  # congdan: another ID number
    status, page = ask_code(other, code)
    assert status == 403 and "được nộp với số định danh cá nhân khác" in page
    api = other.post(f"/api/v1/me/dossiers/{code}/claim")
    assert api.status_code == 403
    assert sent_codes(platform) == []
    # congdan submitted a dossier naming NEW_ID as the applicant: it has an owner already
    owned = submit_on_page(other, permit_data(so_dinh_danh=NEW_ID, dien_thoai=PHONE))
    status, page = ask_code(registered(app), owned)
    assert status == 409 and "đã thuộc một tài khoản khác" in page
    assert sent_codes(platform) == []
    status, page = ask_code(registered_again(app), "000.00.12.H64-991231-9999")
    assert status == 404 and "Không tìm thấy hồ sơ có mã này" in page


def registered_again(app: Flask) -> FlaskClient:
    """A second browser of the account registered with NEW_ID."""
    client = app.test_client()
    csrf = token(client.get("/dang-nhap").data)
    assert client.post("/dang-nhap", data={"csrf_token": csrf, "username": NEW_ID,
                                           "password": PASSWORD}).status_code == 303
    return client


def test_typing_codes_is_limited_to_a_few_tries(app: Flask, platform: Platform) -> None:
    code = anonymous_dossier(app)
    citizen = registered(app)
    assert ask_code(citizen, code)[0] == 200
    [otp] = sent_codes(platform)
    wrong = "000000" if otp != "000000" else "111111"
    assert [confirm(citizen, code, wrong)[0] for _ in range(5)] == [422] * 5
    status, page = confirm(citizen, code, otp)
    assert status == 429 and "quá nhiều lần" in page
    assert owner_of(platform, code) is None
    asked = [ask_code(citizen, code)[0] for _ in range(5)]
    assert asked == [200, 200, 200, 200, 429]


def test_a_vneid_login_takes_the_dossiers_of_its_id_number_without_a_code(
    app: Flask, platform: Platform,
) -> None:
    code = anonymous_dossier(app)
    other = anonymous_dossier(app, id_number="001099099999")
    with platform.uow() as uow:
        actor = applicants.vneid_login(uow, id_number=NEW_ID, full_name="Lê Thị Hoa")
    assert owner_of(platform, code) == actor.account_id
    assert owner_of(platform, other) is None
    assert sent_codes(platform) == []


def test_the_receipt_of_an_anonymous_submission_says_it_can_join_an_account_later(
    app: Flask,
) -> None:
    browser = app.test_client()
    code = submit_on_page(browser, permit_data(so_dinh_danh=NEW_ID, dien_thoai=PHONE))
    receipt = browser.get(f"/ho-so/{code}/bien-nhan").data.decode()
    assert "thêm hồ sơ này vào tài khoản" in receipt and "«Thêm hồ sơ đã nộp»" in receipt
    signed_in = citizen_client(app)
    own = submit_on_page(signed_in)
    assert "«Thêm hồ sơ đã nộp»" not in signed_in.get(f"/ho-so/{own}/bien-nhan").data.decode()


@pytest.fixture
def vneid(platform: Platform) -> Iterator[tuple[Flask, OidcProvider]]:
    """The app with a VNeID provider (the OpenID Connect simulator) configured."""
    from webapp import create_app

    simulator = OidcProvider(redirect_uris=[CALLBACK]).start()
    yield create_app({"TESTING": True, "PLATFORM": platform, "SECRET_KEY": "test-secret",
                      "DATABASE_URL": platform.database_url, "PUBLIC_URL": PUBLIC,
                      "CONNECTORS": {"vneid": simulator.settings()}}), simulator
    simulator.stop()


def test_through_the_vneid_login_page_the_dossier_opens_in_my_dossiers(
    vneid: tuple[Flask, OidcProvider], platform: Platform,
) -> None:
    vneid_app, provider = vneid
    code = submit_on_page(vneid_app.test_client(),
                          permit_data(so_dinh_danh=VOUCHED["id_number"], dien_thoai=PHONE))
    client = vneid_app.test_client()
    assert _log_in(client, provider).status_code == 303
    mine = client.get("/ca-nhan").data.decode()
    assert code in mine and "Đã thêm 1 hồ sơ bạn nộp không cần tài khoản vào" in mine
    assert client.get(f"/ca-nhan/ho-so/{code}").status_code == 200
    assert sent_codes(platform) == []
    again = vneid_app.test_client()
    _log_in(again, provider)
    assert "hồ sơ bạn nộp không cần tài khoản" not in again.get("/ca-nhan").data.decode()
    history = officer(vneid_app, "motcua.minhxuan").get(f"/can-bo/ho-so/{code}").data.decode()
    assert "Người nộp thêm hồ sơ vào tài khoản (đăng nhập bằng VNeID)" in history
