"""The Flask application factory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from engine.applicants import DEFAULT_RATING_LABELS
from engine.core import Status
from engine.wiring import Platform
from webapp import filters
from webapp.errors import StrictJSONProvider
from webapp.security import SESSION_POLICY
from webapp.text import URGENCY_LABELS

DEFAULT_DATABASE = "sqlite:///{instance}/motcua.db"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from `config` (tests) or the environment (MOTCUA_* variables).

    Embedded defaults live in ``instance/``: the SQLite database and a generated secret.
    """
    config = dict(config or {})
    instance = (config.pop("INSTANCE_PATH", None) or os.environ.get("MOTCUA_INSTANCE")
                or str(Path.cwd() / "instance"))
    app = Flask(__name__, instance_path=str(Path(instance).resolve()))
    app.config.from_mapping(_environment_settings())
    app.config.update(config)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = os.environ.get("MOTCUA_DATABASE_URL") or (
            DEFAULT_DATABASE.format(instance=_instance_dir(app))
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("MOTCUA_SECRET_KEY") or _instance_secret(
            _instance_dir(app)
        )
    platform = app.config.get("PLATFORM") or Platform(app.config["DATABASE_URL"])
    app.extensions["motcua"] = platform
    app.json = StrictJSONProvider(app)  # no NaN/Infinity in or out; Vietnamese readable
    _install_views(app)
    return app


def _environment_settings() -> dict[str, Any]:
    """The settings read from MOTCUA_* environment variables, with their defaults."""
    return {
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,  # raised only where a form posts papers
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("MOTCUA_SECURE_COOKIES") == "1",
        "PUBLIC_URL": os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:5000"),
        "DOCUMENT_SET": os.environ.get("MOTCUA_DOCUMENT_SET", "tt01-2018"),
        "TRACK_PER_MINUTE": int(os.environ.get("MOTCUA_TRACK_PER_MINUTE", "20")),
        "SUBMISSIONS_ANONYMOUS": int(os.environ.get("MOTCUA_SUBMISSIONS_ANONYMOUS", "10")),
        "SUBMISSIONS_CITIZEN": int(os.environ.get("MOTCUA_SUBMISSIONS_CITIZEN", "30")),
        "DRAFTS_ANONYMOUS": int(os.environ.get("MOTCUA_DRAFTS_ANONYMOUS", "30")),
        "PERMANENT_SESSION_LIFETIME": SESSION_POLICY.absolute,
        "PAYMENT_GATEWAY": os.environ.get("MOTCUA_PAYMENT_GATEWAY", "null"),
        "RATING_LABELS": _rating_labels(os.environ.get("MOTCUA_RATING_LABELS", "")),
    }


def _install_views(app: Flask) -> None:
    """Template helpers, the security, error and header hooks, and every blueprint."""
    from admin import bp as admin_bp
    from webapp import (
        account,
        api,
        citizen,
        directory,
        errors,
        esign,
        headers,
        my_area,
        my_postal,
        officer,
        officer_dossiers,
        officer_notices,
        ops,
        organisations,
        payments,
        postal_pages,
        security,
        tracking_book_page,
        vneid,
    )

    filters.init_app(app)  # vn_date, vn_datetime, vn_number, vn_money
    app.jinja_env.globals["URGENCY"] = URGENCY_LABELS
    app.jinja_env.globals["Status"] = Status  # templates name the national codes
    ops.init_app(app)  # first: probes answer before the session hooks; request ids, metrics
    security.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(citizen.bp)
    app.register_blueprint(directory.bp)
    app.register_blueprint(organisations.bp)
    app.register_blueprint(my_area.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(officer.bp)
    officer_dossiers.init_app(app)  # the dossiers of my agency, and the menu by role
    officer_notices.init_app(app)  # an officer's notices, new until read
    tracking_book_page.init_app(app)  # the agencies' tracking books (Mẫu 06), from the menu
    esign.install(app)  # paper_signatures(): who signed a PDF paper, on the task page
    vneid.init_app(app)  # citizens' login with VNeID (OpenID Connect)
    payments.init_app(app)  # the payment gateway (the 'payment' connector, or the null one)
    postal_pages.init_app(app)  # the desk orders the postal service for a dossier
    my_postal.init_app(app)  # the applicant orders it from their dossier's page
    app.register_blueprint(admin_bp)


def _instance_dir(app: Flask) -> str:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return app.instance_path


def _instance_secret(instance: str) -> str:
    """A per-installation secret kept in instance/ (embedded mode needs no configuration)."""
    path = Path(instance) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _rating_labels(configured: str) -> dict[int, str]:
    """The three rating labels, best first ("Rất hài lòng|Hài lòng|Chưa hài lòng")."""
    parts = [p.strip() for p in configured.split("|")] if configured else []
    if len(parts) != 3 or not all(parts):
        return dict(DEFAULT_RATING_LABELS)
    return {3: parts[0], 2: parts[1], 1: parts[2]}
