"""`motcua serve --port 5341` sent each officer's invitation (and every password reset) with a
link to http://127.0.0.1:5000, the default public address, where nothing answered: the province
administrator trying the demo on another port could not activate the account just made. The
development server now names itself in those links unless MOTCUA_PUBLIC_URL is set."""

from __future__ import annotations

import os
from typing import Any

import pytest
from click.testing import CliRunner

import webapp.app
import webapp.cli
import webapp.serving


def _serve(monkeypatch: pytest.MonkeyPatch, *args: str) -> str | None:
    seen: dict[str, str | None] = {}

    class App:
        def __init__(self) -> None:
            self.extensions: dict[str, Any] = {"motcua": None}

    def create_app() -> App:
        seen["url"] = os.environ.get("MOTCUA_PUBLIC_URL")
        return App()

    monkeypatch.setattr(webapp.app, "create_app", create_app)
    monkeypatch.setattr(webapp.serving, "run_threaded", lambda *a: None)
    monkeypatch.setattr(webapp.cli, "_print_logins", lambda platform: None)
    result = CliRunner().invoke(webapp.cli.main, ["serve", *args])
    assert result.exit_code == 0, result.output
    return seen["url"]


def test_the_development_server_names_its_own_port_in_e_mailed_links(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MOTCUA_PUBLIC_URL", raising=False)
    assert _serve(monkeypatch, "--port", "5341") == "http://127.0.0.1:5341"


def test_a_configured_public_address_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_PUBLIC_URL", "https://dichvucong.tuyenquang.gov.vn")
    assert _serve(monkeypatch, "--port", "5341") == "https://dichvucong.tuyenquang.gov.vn"
