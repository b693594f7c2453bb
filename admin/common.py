"""What every admin page shares: the blueprint, the unit of work, who may enter, and the
diagram data handed to the page scripts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from engine.core import Actor, UnitOfWork, is_admin_account, is_staff
from engine.wiring import Platform

bp = Blueprint("admin", __name__, url_prefix="/quan-tri", template_folder="templates",
               static_folder="static", static_url_path="/tai-nguyen")


def uow() -> UnitOfWork:
    """A unit of work on the platform the web app built."""
    platform: Platform = current_app.extensions["motcua"]
    return platform.uow()


def staff() -> Actor:
    """The signed-in actor (set by the web app for every request), if staff."""
    actor: Actor = g.actor
    if actor.account_id is None:
        abort(401)
    if not is_staff(actor):
        abort(403)
    return actor


def administrator() -> Actor:
    """The signed-in actor, if an administrator."""
    actor: Actor = g.actor
    if actor.account_id is None:
        abort(401)
    if not is_admin_account(actor):
        abort(403)
    return actor


def json_for_script(data: dict[str, Any]) -> Markup:
    """Data for a page's diagram script, safe inside a JSON <script> block: every <, >, & and '
    is written as a \\u escape, so no "</script>" or "<!--" in a designer's text can end it."""
    return htmlsafe_json_dumps(data, ensure_ascii=False)


def diagram_data(bench: dict[str, Any], **more: Any) -> Markup:
    """What diagram.js and modeler.js read: the version's diagrams, steps, roles (and their
    labels), findings."""
    return json_for_script({**{k: bench[k] for k in ("report", "tasks", "ends", "diagrams",
                                                     "roles")},
                            "role_labels": bench.get("role_labels", {}), **more})
