"""The Flask application factory."""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask

from engine.calendar import VN_TZ
from engine.platform import Platform

DEFAULT_DATABASE = "sqlite:///{instance}/motcua.db"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from `config` (tests) or the environment (MOTCUA_* variables)."""
    app = Flask(__name__, instance_path=os.environ.get("MOTCUA_INSTANCE", None)
                or str(Path.cwd() / "instance"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("MOTCUA_DATABASE_URL")
        or DEFAULT_DATABASE.format(instance=app.instance_path),
        SECRET_KEY=os.environ.get("MOTCUA_SECRET_KEY") or _instance_secret(app.instance_path),
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("MOTCUA_SECURE_COOKIES") == "1",
        PUBLIC_URL=os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:5000"),
    )
    if config:
        app.config.update(config)
    platform = app.config.get("PLATFORM") or Platform(app.config["DATABASE_URL"])
    app.extensions["motcua"] = platform

    from admin import bp as admin_bp
    from webapp import api, citizen, errors, officer, security

    app.jinja_env.filters["vn_datetime"] = vn_datetime
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(citizen.bp)
    app.register_blueprint(officer.bp)
    app.register_blueprint(admin_bp)
    return app


def _instance_secret(instance: str) -> str:
    """A per-installation secret kept in instance/ (embedded mode needs no configuration)."""
    path = Path(instance) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def vn_datetime(value: str | None) -> str:
    """"2026-12-14T17:00:00+07:00" → "17:00 ngày 14/12/2026" (Vietnam time)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(VN_TZ)
    return moment.strftime("%H:%M ngày %d/%m/%Y")
