"""VNeID (định danh điện tử quốc gia) login for citizens: OpenID Connect, authorisation-code
flow with PKCE (S256), through Authlib. Connector name: ``vneid``.

NĐ 69/2024 art. 12, 13: a citizen's level-2 electronic identity account may be used to log in
to public services; the provider's ID token carries the personal ID number (số định danh cá
nhân), which is what links the login to the citizen's account here. Officers keep local
passwords (the webapp refuses them here). The ID token is checked in full: RS256 signature
against the provider's JWKS, issuer, audience, expiry, issue time and the nonce this browser
was given; the state is checked by the caller before the code is exchanged.

Configuration (`MOTCUA_CONNECTORS` → ``vneid``): ``issuer`` (its
``/.well-known/openid-configuration`` is read), ``client_id``, ``client_secret``,
``id_claim`` (the claim holding the ID number), ``name_claim``, ``scope``.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from integrations.registry import ConnectorSpec, Field, Health

__all__ = ["SPEC", "Identity", "LoginRefused", "LoginStart", "VneidConnector"]

LEEWAY = 60  # seconds of clock difference tolerated on exp / iat
DISCOVERY_TTL = 3600.0


class LoginRefused(Exception):
    """The provider's answer cannot log anyone in (message in Vietnamese, for the citizen)."""


@dataclass(frozen=True)
class LoginStart:
    """Where to send the browser, and what to keep in its session until it comes back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Identity:
    """Who the provider vouched for."""

    id_number: str
    full_name: str
    phone: str | None
    email: str | None
    subject: str


class VneidConnector:
    """The ``vneid`` connector: null (no VNeID login offered) or the real OIDC client."""

    name = "vneid"

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.implementation = str(settings["implementation"])
        self.issuer = str(settings.get("issuer") or "").rstrip("/")
        self.client_id = str(settings.get("client_id") or "")
        self._secret = str(settings.get("client_secret") or "")
        self.id_claim = str(settings.get("id_claim") or "id_number")
        self.name_claim = str(settings.get("name_claim") or "name")
        self.scope = str(settings.get("scope") or "openid profile")
        self.timeout = float(settings.get("timeout") or 10)
        self._discovery: tuple[float, dict[str, Any]] | None = None
        self._keys: KeySet | None = None

    @property
    def enabled(self) -> bool:
        """Whether citizens are offered VNeID login."""
        return self.implementation == "real"

    def _get_json(self, url: str) -> dict[str, Any]:
        if not url.startswith(("http://", "https://")):
            raise LoginRefused("Cấu hình VNeID không hợp lệ.")
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 - http(s) checked
                parsed = json.loads(response.read())
        except (OSError, ValueError) as exc:
            raise LoginRefused("Không kết nối được VNeID; vui lòng thử lại sau.") from exc
        if not isinstance(parsed, dict):
            raise LoginRefused("VNeID trả lời không hợp lệ.")
        return parsed

    def discovery(self) -> dict[str, Any]:
        """The provider's metadata (kept an hour)."""
        now = time.monotonic()
        if self._discovery is None or now - self._discovery[0] > DISCOVERY_TTL:
            found = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if found.get("issuer", "").rstrip("/") != self.issuer:
                raise LoginRefused("VNeID trả lời không hợp lệ (sai định danh nhà cung cấp).")
            self._discovery = (now, found)
            self._keys = None
        return self._discovery[1]

    def _session(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self._secret,
            scope=self.scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method's name
        )

    def start(self, redirect_uri: str) -> LoginStart:
        """A fresh state, nonce and PKCE verifier, and the provider's authorisation URL."""
        if not self.enabled:
            raise LoginRefused("Chưa kết nối đăng nhập bằng VNeID.")
        nonce, verifier = generate_token(32), generate_token(64)
        with self._session(redirect_uri) as client:
            url, state = client.create_authorization_url(
                self.discovery()["authorization_endpoint"], nonce=nonce, code_verifier=verifier
            )
        return LoginStart(url=url, state=str(state), nonce=nonce, code_verifier=verifier)

    def finish(self, *, code: str, redirect_uri: str, nonce: str, code_verifier: str) -> Identity:
        """Exchange the code (with the PKCE verifier) and check the ID token in full."""
        endpoint = self.discovery()["token_endpoint"]
        try:
            with self._session(redirect_uri) as client:
                token = client.fetch_token(
                    endpoint, code=code, code_verifier=code_verifier, timeout=self.timeout
                )
        except Exception as exc:  # Authlib raises OAuthError, requests its own
            raise LoginRefused("VNeID không xác nhận lần đăng nhập này; vui lòng thử lại.") from exc
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise LoginRefused("VNeID không gửi thông tin định danh.")
        return self.identity(self.verify(id_token, nonce=nonce))

    def _key_set(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            self._keys = KeySet.import_key_set(self._get_json(self.discovery()["jwks_uri"]))  # type: ignore[arg-type]
        return self._keys

    def verify(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """The ID token's claims, if its signature, issuer, audience, times and nonce hold."""
        try:
            try:
                decoded = jwt.decode(id_token, self._key_set(), algorithms=["RS256"])
            except JoseError:  # the provider may have rotated its keys: read them once more
                decoded = jwt.decode(id_token, self._key_set(refresh=True), algorithms=["RS256"])
            jwt.JWTClaimsRegistry(
                leeway=LEEWAY,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.client_id},
                nonce={"essential": True, "value": nonce},
                exp={"essential": True},
                iat={"essential": True},
                sub={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise LoginRefused(
                "Thông tin định danh từ VNeID không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại."
            ) from exc
        return dict(decoded.claims)

    def identity(self, claims: Mapping[str, Any]) -> Identity:
        """The citizen the claims describe (the ID number is required)."""
        id_number = str(claims.get(self.id_claim) or "")
        if not (len(id_number) == 12 and id_number.isdigit()):
            raise LoginRefused("VNeID không cung cấp số định danh cá nhân hợp lệ.")
        phone = claims.get("phone_number")
        email = claims.get("email")
        return Identity(
            id_number=id_number,
            full_name=str(claims.get(self.name_claim) or "")[:200],
            phone=str(phone)[:20] if phone else None,
            email=str(email)[:200] if email else None,
            subject=str(claims["sub"]),
        )

    def health(self) -> Health:
        """The provider's metadata and keys can be read."""
        if not self.enabled:
            return Health(True, "không bật đăng nhập VNeID (null)")
        try:
            self._discovery = None
            keys = self._key_set(refresh=True)
        except LoginRefused as exc:
            return Health(False, str(exc))
        return Health(True, f"{self.issuer}: {len(keys.keys)} khóa ký")


SPEC = ConnectorSpec(
    name="vneid",
    label="Đăng nhập bằng VNeID (OpenID Connect)",
    fields=(
        Field("issuer", "url", required=True, help="Địa chỉ nhà cung cấp định danh (issuer)"),
        Field("client_id", "text", required=True, help="Mã ứng dụng được cấp"),
        Field("client_secret", "secret", required=True, help="Khóa bí mật của ứng dụng"),
        Field("id_claim", "text", default="id_number", help="Trường chứa số định danh cá nhân"),
        Field("name_claim", "text", default="name", help="Trường chứa họ và tên"),
        Field("scope", "text", default="openid profile"),
        Field("timeout", "number", default=10),
    ),
    null=VneidConnector,
    real=VneidConnector,
)
