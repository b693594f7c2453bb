"""An officer's in-system notices («Bạn được giao: …»): new on the inbox until read. Opening
one (`/can-bo/thong-bao/<id>`, then its dossier), the notices page (`/can-bo/thong-bao`,
which reads them all, as the citizen's does) or «Đánh dấu đã đọc» (one, or all: a POST to
`/can-bo/thong-bao/da-doc`) reads them; nothing else does."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import records
from engine.core import Actor, is_officer
from webapp.context import current_actor, uow

bp = Blueprint("officer_notices", __name__)


def _officer() -> Actor:
    actor = current_actor()
    if actor.account_id is None:
        abort(401)
    if not is_officer(actor):
        abort(403)
    return actor


@bp.get("/can-bo/thong-bao")
def notices() -> str:
    """My notices, newest first, the new ones marked «Mới» (opening the page reads them)."""
    actor = _officer()
    with uow() as work:
        items = records.officer_notices(work, actor=actor)
    return render_template("officer_notices.html", items=items)


@bp.get("/can-bo/thong-bao/<int:notice_id>")
def open_notice(notice_id: int) -> Response:
    """Open a notice: it is read, and its dossier's page shown (else the notices page)."""
    actor = _officer()
    with uow() as work:
        code = records.open_notice(work, actor=actor, notice_id=notice_id)
    if code is None:
        return redirect(url_for("officer_notices.notices"), 303)
    return redirect(url_for("officer_dossiers.dossier_page", code=code), 303)


@bp.post("/can-bo/thong-bao/da-doc")
def mark_read() -> Response:
    """«Đánh dấu đã đọc»: the notice `id`, or all of them without one; back to the inbox."""
    actor = _officer()
    chosen = request.form.get("id", "").strip()
    if chosen and not re.fullmatch(r"[0-9]{1,18}", chosen):
        abort(404)
    with uow() as work:
        done = records.mark_notices_read(work, actor=actor, notice_id=int(chosen) if chosen else None)
    flash("Đã đánh dấu thông báo là đã đọc." if done <= 1 else f"Đã đánh dấu {done} thông báo là đã đọc.",
          "success")
    return redirect(url_for("officer.inbox"), 303)


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
