"""The desk orders the postal service for a dossier (issue 19):
``/can-bo/ho-so/<code>/buu-chinh`` — pickup of the papers or delivery of the result; a
wrong field is named beside it and what was typed is kept; an order of that kind still
open is refused in words (409)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import dossiers
from engine.core import Conflict, Invalid
from webapp.context import current_actor, uow

bp = Blueprint("postal_pages", __name__)
FIELDS = ("kind", "name", "address", "phone")


@bp.route("/can-bo/ho-so/<code>/buu-chinh", methods=["GET", "POST"])
def order(code: str) -> Response | str | tuple[str, int]:
    """The order form (GET), the order (POST: 303 to the dossier's page). Whoever may not
    read the dossier gets 404, an officer who is neither its desk nor its applicant 403."""
    actor = current_actor()
    code = code[:60]
    with uow() as work:
        orders = dossiers.postal_orders(work, actor=actor, code=code)  # 404 if not visible
    if request.method == "GET":
        return render_template("postal_order.html", code=code, orders=orders, form={}, errors=[])
    form = {key: request.form.get(key, "")[:600] for key in FIELDS}
    try:
        with uow() as work:
            made = dossiers.request_postal_order(work, actor=actor, code=code, **form)
    except Invalid as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        errors = [{"field": field, "message": message} for field, message in details.items()]
        errors = errors or [{"field": "", "message": exc.message}]
        return render_template("postal_order.html", code=code, orders=orders, form=form, errors=errors), 400
    except Conflict as exc:  # an order of that kind is still open
        errors = [{"field": "", "message": exc.message}]
        return render_template("postal_order.html", code=code, orders=orders, form=form, errors=errors), 409
    flash(
        f"Đã gửi yêu cầu tới bưu điện: {made['kind_label'].lower()} (mã đơn {made['reference']}).", "success"
    )
    return redirect(url_for("officer_dossiers.dossier_page", code=code, _anchor="postal-title"), 303)


def init_app(app: Flask) -> None:
    """Register the page."""
    app.register_blueprint(bp)
