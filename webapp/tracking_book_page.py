"""The agencies' tracking books (sổ theo dõi hồ sơ, Mẫu 06 of TT 01/2018) for officers:
`/can-bo/so-theo-doi` chooses the agency and the days, then opens the book as a printable
page or downloads its PDF (`api.tracking_book`). The menu links here for whoever may open
it (`may_open_tracking_books`): the one-stop desk keeps its agency's book, while the
statistics report stays with leaders and administrators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import reports
from engine.core import VN_TZ, Actor, Invalid, may_open_tracking_books
from forms.formats import DAY_HINT, read_day
from webapp.context import current_actor, uow

bp = Blueprint("tracking_books", __name__)
FORMATS = {"html": "Xem sổ", "pdf": "Tải PDF"}


def _reader() -> Actor:
    actor = current_actor()
    if actor.account_id is None:
        abort(401)
    if not may_open_tracking_books(actor):
        abort(403, description="Sổ theo dõi hồ sơ dành cho cán bộ của cơ quan và quản trị "
                               "hệ thống.")
    return actor


@bp.get("/can-bo/so-theo-doi")
def tracking_books() -> str | Response | tuple[str, int]:
    """The form (this month by default); with «Xem sổ» or «Tải PDF», the book itself."""
    actor = _reader()
    with uow() as work:
        today = work.clock.now().astimezone(VN_TZ).date()
        agencies = reports.tracking_book_agencies(work, actor=actor)
    args = request.args
    agency = args.get("co_quan", agencies[0]["code"] if agencies else "")
    typed = {"tu": args.get("tu", "")[:40] or f"{today.replace(day=1):%d/%m/%Y}",
             "den": args.get("den", "")[:40] or f"{today:%d/%m/%Y}"}
    fmt = args.get("dinh_dang", "")
    if fmt not in FORMATS:
        return render_template("tracking_books.html", agencies=agencies, agency=agency,
                               typed=typed, day_hint=DAY_HINT, formats=FORMATS)
    try:
        start, end = read_day(typed["tu"], "Từ ngày"), read_day(typed["den"], "Đến ngày")
        reports.Period(start, end)  # from ≤ to, at most a year: the book's own limits
    except (ValueError, Invalid) as exc:
        flash(str(exc), "error")
        return render_template("tracking_books.html", agencies=agencies, agency=agency,
                               typed=typed, day_hint=DAY_HINT, formats=FORMATS), 400
    if agency not in {a["code"] for a in agencies}:
        abort(403, description="Bạn chỉ xem được sổ theo dõi hồ sơ của cơ quan mình.")
    period: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(), "format": fmt}
    return redirect(url_for("api.tracking_book", agency=agency, **period))


def init_app(app: Flask) -> None:
    """Register the page."""
    app.register_blueprint(bp)
