"""The applicant asks the postal service from their dossier's page (issue 19):
``/ca-nhan/ho-so/<code>/buu-chinh?loai=delivery|pickup`` — the result delivered to their
address, or their paper file picked up at home. The form is prefilled from the dossier's
applicant; a wrong field is named beside it with what was typed kept; what the engine
refuses (a dossier with no result to come, an order of that kind still open) is said in
words on the dossier's page or the form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import applicants, dossiers
from engine.core import Conflict, Invalid, is_citizen
from webapp.context import current_actor, uow

bp = Blueprint("my_postal", __name__)
FIELDS = ("name", "address", "phone")
TITLES = {"delivery": "Nhận kết quả qua bưu điện", "pickup": "Gửi hồ sơ giấy qua bưu điện"}


@bp.route("/ca-nhan/ho-so/<code>/buu-chinh", methods=["GET", "POST"])
def order(code: str) -> Response | str | tuple[str, int]:
    """The order form (GET), the order (POST: 303 to the dossier's page with a confirmation).
    A kind the dossier cannot use now: back to the dossier's page with the reason."""
    actor = current_actor()
    if actor.account_id is None:
        abort(401)
    if not is_citizen(actor):
        abort(403, description="Trang này dành cho tài khoản công dân.")
    code, kind = code[:60], request.values.get("loai", "delivery")
    if kind not in TITLES:
        abort(404)
    with uow() as work:
        page = applicants.my_dossier(work, actor=actor, code=code)  # 404 unless theirs
        choices = dossiers.postal_choices(work, actor=actor, code=code)
    refusal = choices["refusals"][kind]
    if refusal and request.method == "GET":
        flash(refusal, "error")
        return redirect(url_for("mine.dossier", code=code), 303)
    form = choices["prefill"]
    if request.method == "GET":
        return _page(page, kind, form, [])
    form = {key: request.form.get(key, "")[:600] for key in FIELDS}
    try:
        with uow() as work:
            made = dossiers.request_postal_order(work, actor=actor, code=code, kind=kind, **form)
    except Invalid as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        errors = [{"field": field, "message": message} for field, message in details.items()]
        return _page(page, kind, form, errors or [{"field": "", "message": exc.message}], 400)
    except Conflict as exc:
        return _page(page, kind, form, [{"field": "", "message": exc.message}], 409)
    flash(_confirmation(made), "success")
    return redirect(url_for("mine.dossier", code=code, _anchor="postal-title"), 303)


def _page(page: dict[str, Any], kind: str, form: dict[str, Any], errors: list[dict[str, str]],
          status: int = 200) -> tuple[str, int]:
    return render_template("my_postal_order.html", dossier=page["dossier"], kind=kind,
                           title=TITLES[kind], form=form, errors=errors), status


def _confirmation(made: dict[str, Any]) -> str:
    what = ("Bưu điện sẽ phát kết quả tới " if made["kind"] == "delivery"
            else "Nhân viên bưu điện sẽ liên hệ và đến thu gom hồ sơ giấy tại ")
    return (f"Đã gửi yêu cầu tới bưu điện (mã đơn {made['reference']}). {what}{made['address']}; "
            f"bưu điện gọi số {made['phone']} khi cần. Tình trạng đơn được cập nhật dưới đây.")


def init_app(app: Flask) -> None:
    """Register the page."""
    app.register_blueprint(bp)
