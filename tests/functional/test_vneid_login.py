"""Citizens log in with VNeID (OpenID Connect, authorisation code + PKCE) against a local
provider speaking the protocol on loopback; a wrong state, nonce, audience, an expired or
forged ID token, a replayed callback and an officer's ID number are refused (issue 19)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from engine.applicants.eid import OFFICERS_REFUSED
from engine.core.models import Account
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import login
from tests.simulators.oidc import CITIZEN, OidcProvider

PUBLIC = "http://motcua.localhost"
CALLBACK = f"{PUBLIC}/dang-nhap/vneid/ve"


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    simulator = OidcProvider(redirect_uris=[CALLBACK]).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def vneid_app(platform: Platform, provider: OidcProvider) -> Flask:
    from webapp import create_app

    return create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
            "PUBLIC_URL": PUBLIC,
            "CONNECTORS": {"vneid": provider.settings()},
        }
    )


def _to_provider(client: FlaskClient) -> str:
    started = client.get("/dang-nhap/vneid")
    assert started.status_code == 303
    return str(started.headers["Location"])


def _consent(provider: OidcProvider, authorize_url: str, decision: str = "allow") -> str:
    """The citizen's browser at VNeID: the page, then «Đồng ý»; where VNeID sends it back."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200 and "Đồng ý" in page.text
    fields = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    back = requests.post(
        f"{provider.url}/authorize", data={**fields, "decision": decision}, allow_redirects=False, timeout=10
    )
    assert back.status_code == 302
    return str(back.headers["Location"])


def _return(client: FlaskClient, callback: str) -> TestResponse:
    parts = urlsplit(callback)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(f"{parts.path}?{parts.query}")


def _log_in(client: FlaskClient, provider: OidcProvider) -> TestResponse:
    return _return(client, _consent(provider, _to_provider(client)))


def _refused_with(client: FlaskClient, response: TestResponse, message: str) -> None:
    assert response.status_code == 303 and response.headers["Location"] == "/dang-nhap"
    assert message in client.get("/dang-nhap").data.decode()
    mine = client.get("/ca-nhan")  # nobody is logged in: sent to the login page
    assert mine.status_code == 303 and mine.headers["Location"].startswith("/dang-nhap")


def _accounts(platform: Platform, id_number: str) -> int:
    with platform.uow() as uow:
        return int(
            uow.session.scalar(select(func.count(Account.id)).where(Account.id_number == id_number)) or 0
        )


def test_a_new_citizen_logs_in_with_vneid_and_lands_in_my_dossiers(
    vneid_app: Flask, provider: OidcProvider, platform: Platform
) -> None:
    client = vneid_app.test_client()
    login_page = client.get("/dang-nhap").data.decode()
    assert "Đăng nhập bằng VNeID" in login_page
    authorize_url = _to_provider(client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert query["redirect_uri"] == [CALLBACK] and query["scope"] == ["openid profile"]
    done = _return(client, _consent(provider, authorize_url))
    assert done.status_code == 303 and done.headers["Location"] == "/ca-nhan"
    page = client.get("/ca-nhan").data.decode()
    assert "Hồ sơ của tôi" in page and CITIZEN["name"] in page
    assert len(provider.token_requests[0]["code_verifier"]) >= 43  # PKCE verifier sent
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == CITIZEN["id_number"]))
        assert account is not None and account.kind == "citizen"
        assert (account.full_name, account.phone, account.email) == (
            CITIZEN["name"],
            CITIZEN["phone_number"],
            CITIZEN["email"],
        )
    again = vneid_app.test_client()
    assert _log_in(again, provider).headers["Location"] == "/ca-nhan"
    assert _accounts(platform, CITIZEN["id_number"]) == 1  # the same account, not a second


def test_a_citizen_registered_with_a_password_is_linked_by_id_number(
    vneid_app: Flask, provider: OidcProvider, platform: Platform
) -> None:
    provider.claims = {**CITIZEN, "id_number": "008090001234", "name": "NGUYEN VAN AN"}
    client = vneid_app.test_client()
    assert _log_in(client, provider).headers["Location"] == "/ca-nhan"
    assert "Nguyễn Văn An" in client.get("/ca-nhan").data.decode()  # the account's own name kept
    assert _accounts(platform, "008090001234") == 1
    with platform.uow() as uow:
        assert (
            uow.session.scalar(select(func.count(Account.id)).where(Account.username == "008090001234")) == 0
        )  # linked to «congdan», no second account


def test_the_first_vneid_login_takes_over_an_account_registered_with_that_id_number(
    vneid_app: Flask, provider: OidcProvider, platform: Platform
) -> None:
    """Registration never checks the ID number: whoever registered «congdan»'s number with a
    password and his own phone must lose the account when its proven holder first logs in
    with VNeID (else the holder's dossiers, joined at that login, would be read by him)."""
    registrant = vneid_app.test_client()
    login(registrant, "congdan")
    assert registrant.get("/ca-nhan").status_code == 200
    provider.claims = {**CITIZEN, "id_number": "008090001234", "name": "NGUYEN VAN AN",
                       "phone_number": "0987654321", "email": "chu.that@example.vn"}
    holder = vneid_app.test_client()
    assert _log_in(holder, provider).headers["Location"] == "/ca-nhan"
    told = holder.get("/ca-nhan").data.decode()
    assert "mật khẩu cũ không còn dùng được" in told
    gone = registrant.get("/ca-nhan")  # his session ended
    assert gone.status_code == 303 and gone.headers["Location"].startswith("/dang-nhap")
    again = vneid_app.test_client().post(
        "/api/v1/session", json={"username": "congdan", "password": DEMO_PASSWORD})
    # the password he chose no longer opens it
    assert again.status_code == 400 and "mật khẩu không đúng" in again.json["error"]["message"]
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == "congdan"))
        assert account is not None and account.eid_verified_at is not None
        # a password reset now reaches the holder, not the registrant
        assert (account.phone, account.email) == ("0987654321", "chu.that@example.vn")
    later = vneid_app.test_client()  # the holder's next VNeID login takes nothing over again
    assert _log_in(later, provider).headers["Location"] == "/ca-nhan"
    assert "mật khẩu cũ" not in later.get("/ca-nhan").data.decode()


def test_a_wrong_state_or_a_replayed_callback_logs_nobody_in(
    vneid_app: Flask, provider: OidcProvider
) -> None:
    client = vneid_app.test_client()
    callback = _consent(provider, _to_provider(client))
    forged = callback.replace("state=", "state=x")
    _refused_with(client, _return(client, forged), "Phiên đăng nhập bằng VNeID không hợp lệ")
    other = vneid_app.test_client()  # a browser that never started a login
    _refused_with(other, _return(other, callback), "Phiên đăng nhập bằng VNeID không hợp lệ")
    first = vneid_app.test_client()
    callback = _consent(provider, _to_provider(first))
    assert _return(first, callback).headers["Location"] == "/ca-nhan"
    replay = _return(first, callback)  # the pending login was used up, and the code with it
    assert replay.status_code == 303 and replay.headers["Location"] == "/dang-nhap"


@pytest.mark.parametrize("spoil", ["nonce", "expired", "forged", "audience"])
def test_an_id_token_that_does_not_hold_is_refused(
    vneid_app: Flask, provider: OidcProvider, platform: Platform, spoil: str
) -> None:
    provider.spoil = spoil
    client = vneid_app.test_client()
    _refused_with(
        client, _log_in(client, provider), "Thông tin định danh từ VNeID không hợp lệ hoặc đã hết hạn"
    )
    assert _accounts(platform, CITIZEN["id_number"]) == 0


def test_officers_cannot_log_in_through_vneid(
    vneid_app: Flask, provider: OidcProvider, platform: Platform
) -> None:
    with platform.uow() as uow:
        uow.session.execute(
            update(Account).where(Account.username == "motcua.minhxuan").values(id_number="001085000111")
        )
        uow.commit()
    provider.claims = {**CITIZEN, "id_number": "001085000111", "name": "Cán bộ Một cửa"}
    client = vneid_app.test_client()
    _refused_with(client, _log_in(client, provider), OFFICERS_REFUSED)
    assert _accounts(platform, "001085000111") == 1  # no citizen account made beside it


def test_a_refusal_at_vneid_or_a_missing_id_number_is_said_plainly(
    vneid_app: Flask, provider: OidcProvider
) -> None:
    client = vneid_app.test_client()
    _refused_with(
        client,
        _return(client, _consent(provider, _to_provider(client), "deny")),
        "Bạn đã không đồng ý đăng nhập bằng VNeID.",
    )
    provider.claims = {"name": "Không có số định danh"}
    _refused_with(client, _log_in(client, provider), "VNeID không cung cấp số định danh cá nhân hợp lệ.")


def test_without_a_provider_no_vneid_button_and_the_route_says_so(app: Flask) -> None:
    client = app.test_client()
    assert "Đăng nhập bằng VNeID" not in client.get("/dang-nhap").data.decode()
    _refused_with(client, client.get("/dang-nhap/vneid"), "Chưa kết nối đăng nhập bằng VNeID.")
