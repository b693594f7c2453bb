"""A local OpenID Connect provider standing in for VNeID: discovery, an authorisation page
where the test citizen agrees (or refuses), a token endpoint checking the client's secret,
the redirect URI and the PKCE verifier (S256), RS256 ID tokens, and the JWKS.

Started on loopback by the tests (`OidcProvider().start()`); what it issues can be spoiled
on demand to check the client refuses it: `nonce` (a different nonce), `expired` (an ID
token expired ten minutes ago), `forged` (signed with a key that is not in the JWKS),
`audience` (for another client).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "motcua-tinh-thu-nghiem"
CLIENT_SECRET = "bi-mat-ung-dung-vneid-2026"
CITIZEN = {
    "id_number": "079201001234",
    "name": "Trần Thị Bích Ngọc",
    "phone_number": "0912345678",
    "email": "ngoc@example.vn",
}


@dataclass
class OidcProvider:
    """The provider, its registered client and the citizen who logs in."""

    redirect_uris: list[str] = field(default_factory=list)
    claims: dict[str, Any] = field(default_factory=lambda: dict(CITIZEN))
    spoil: str = ""  # "", "nonce", "expired", "forged", "audience"
    token_requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self._key = RSAKey.generate_key(2048, parameters={"kid": "vneid-1", "use": "sig", "alg": "RS256"})
        self._forger = RSAKey.generate_key(2048, parameters={"kid": "vneid-1", "alg": "RS256"})
        self._codes: dict[str, dict[str, str]] = {}
        self._server: Any = None
        self.app = self._make_app()

    def start(self) -> OidcProvider:
        """Serve on a free loopback port in a thread."""
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def settings(self, **extra: Any) -> dict[str, Any]:
        """The ``vneid`` connector's configuration for this provider."""
        return {
            "implementation": "real",
            "issuer": self.url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            **extra,
        }

    def _id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": f"vneid-{self.claims.get('id_number')}",
            "aud": "ung-dung-khac" if self.spoil == "audience" else CLIENT_ID,
            "iat": now - (900 if self.spoil == "expired" else 0),
            "exp": now - 600 if self.spoil == "expired" else now + 300,
            "nonce": "nonce-cua-nguoi-khac" if self.spoil == "nonce" else nonce,
            **self.claims,
        }
        key = self._forger if self.spoil == "forged" else self._key
        return jwt.encode({"alg": "RS256", "kid": "vneid-1"}, claims, key)

    def _make_app(self) -> Flask:
        app = Flask("oidc-simulator")

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Response:
            return jsonify(
                {
                    "issuer": self.url,
                    "authorization_endpoint": f"{self.url}/authorize",
                    "token_endpoint": f"{self.url}/token",
                    "jwks_uri": f"{self.url}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                }
            )

        @app.get("/jwks")
        def jwks() -> Response:
            return jsonify(KeySet([self._key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize_page() -> str:
            args = request.args
            if (
                args.get("client_id") != CLIENT_ID
                or args.get("redirect_uri") not in self.redirect_uris
                or args.get("response_type") != "code"
                or args.get("code_challenge_method") != "S256"
                or not args.get("code_challenge")
                or not args.get("state")
                or not args.get("nonce")
            ):
                abort(400)
            hidden = "".join(
                f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in args.items()
            )
            return (
                '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>VNeID</title>'
                "</head><body><main><h1>VNeID — xác nhận đăng nhập</h1>"
                f'<p>{escape(str(self.claims.get("name", "")))}</p><form method="post">{hidden}'
                '<button name="decision" value="allow">Đồng ý</button>'
                '<button name="decision" value="deny">Từ chối</button></form></main></body></html>'
            )

        @app.post("/authorize")
        def authorize() -> Response:
            form = request.form
            target = str(form["redirect_uri"])
            if target not in self.redirect_uris:
                abort(400)
            if form.get("decision") != "allow":
                return redirect(f"{target}?{urlencode({'error': 'access_denied', 'state': form['state']})}")
            code = secrets.token_urlsafe(24)
            self._codes[code] = {
                "challenge": form["code_challenge"],
                "nonce": form["nonce"],
                "redirect_uri": target,
            }
            return redirect(f"{target}?{urlencode({'code': code, 'state': form['state']})}")

        @app.post("/token")
        def token() -> tuple[Response, int] | Response:
            auth = request.authorization
            self.token_requests.append(dict(request.form))
            if auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify({"error": "invalid_client"}), 401
            issued = self._codes.pop(request.form.get("code", ""), None)  # a code works once
            verifier = request.form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
            if (
                issued is None
                or request.form.get("grant_type") != "authorization_code"
                or request.form.get("redirect_uri") != issued["redirect_uri"]
                or challenge.decode() != issued["challenge"]
            ):
                return jsonify({"error": "invalid_grant"}), 400
            return jsonify(
                {
                    "access_token": secrets.token_urlsafe(24),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": self._id_token(issued["nonce"]),
                }
            )

        return app
