"""The online payment gateway as the web app sees it (the ``payment`` connector of
`integrations.payment_gateway`): which gateway the citizen is sent to, and the page the
gateway sends them back to. The gateway's callback is `webapp.api.payment_gateway`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import applicants
from engine.core import Conflict, NotFound
from integrations.payment_gateway import PaymentConnector
from integrations.signing import SignatureError
from webapp.context import uow
from webapp.esign import connectors

bp = Blueprint("payments", __name__)
RETURN_MESSAGES = {
    "success": (
        "Cổng thanh toán báo đã nhận tiền khoản {ref}. Hồ sơ tiếp tục được giải quyết "
        "ngay khi cổng xác nhận với cơ quan (thường trong vài giây).",
        "success",
    ),
    "failed": ("Thanh toán khoản {ref} không thành công; bạn có thể thanh toán lại.", "error"),
    "cancelled": ("Bạn đã hủy thanh toán khoản {ref}; hồ sơ vẫn chờ nộp phí, lệ phí.", "error"),
}


def payment_connector() -> PaymentConnector:
    """The platform's ``payment`` connector."""
    return cast(PaymentConnector, connectors().get("payment"))


def gateway_for(app: Flask) -> Any:
    """The gateway payers are sent to: the configured real one, else the development one
    (a page of ours stands in for the bank; `PAYMENT_GATEWAY` stays "null")."""
    if app.config["PAYMENT_GATEWAY"] != "null":
        raise ValueError(
            f"unknown payment gateway {app.config['PAYMENT_GATEWAY']!r}: configure a "
            "real one as the 'payment' connector in MOTCUA_CONNECTORS"
        )
    with app.app_context():
        connector = payment_connector()
    if connector.enabled:
        app.config["PAYMENT_GATEWAY"] = "real"
        back = str(app.config["PUBLIC_URL"]).rstrip("/") + "/thanh-toan/ket-qua"
        return replace(connector.checkout, return_to=back)
    return applicants.NullPaymentGateway(secret=app.config["SECRET_KEY"])


@bp.get("/thanh-toan/ket-qua")
def returned() -> Response:
    """Where the gateway sends the payer back: its signed word is shown, never trusted to
    mark the fee paid (the gateway's own callback does that)."""
    connector = payment_connector()
    if not connector.enabled:
        raise NotFound("Chưa kết nối cổng thanh toán trực tuyến.")
    try:
        back = connector.verify_return({k: v[:500] for k, v in request.args.items()})
        with uow() as work:
            code = applicants.pending_checkout(work, reference=back.reference)["dossier"]
    except (SignatureError, NotFound):
        flash("Kết quả thanh toán không hợp lệ; hãy xem trạng thái hồ sơ trong «Hồ sơ của tôi».", "error")
        return redirect(url_for("mine.overview"), 303)
    message, category = RETURN_MESSAGES[back.result]
    flash(message.format(ref=back.reference), category)
    return redirect(url_for("mine.dossier", code=code), 303)


@bp.route("/thanh-toan/gia-lap/<reference>", methods=["GET", "POST"])
def pretend_bank(reference: str) -> str | Response:
    """The null gateway's checkout page (development only): paying here reports the
    payment back exactly as a real gateway's signed callback would. It exists only while
    the null gateway is configured."""
    if current_app.config["PAYMENT_GATEWAY"] != "null":
        abort(404)
    with uow() as work:
        pending = applicants.pending_checkout(work, reference=reference)
    if request.method == "POST" and request.form.get("action") == "cancel":
        # The payer turns back, as at a real gateway: the gateway reports the payment not
        # made, so the fee stays asked and nothing is left «being paid».
        with uow() as work:
            applicants.refused_by_gateway(work, reference=reference, result="payer-cancelled")
        flash("Bạn đã hủy thanh toán; khoản phí vẫn chờ nộp.", "info")
        return redirect(url_for("mine.dossier", code=pending["dossier"]), 303)
    if request.method == "POST":
        gateway: applicants.NullPaymentGateway = current_app.extensions["payment_gateway"]
        try:
            with uow() as work:
                applicants.confirm_payment(work, gateway=gateway, reference=reference,
                                           signature=gateway.sign(reference),
                                           gateway_reference="GIA-LAP")
        except Conflict as exc:  # money no fee is owed for: kept as a refund due
            flash(_kept_words(exc.details), "error")
            return redirect(url_for("mine.dossier", code=pending["dossier"]), 303)
        flash("Đã thanh toán. Hồ sơ tiếp tục được giải quyết.", "success")
        return redirect(url_for("mine.dossier", code=pending["dossier"]), 303)
    return render_template("pretend_bank.html", payment=pending)


def _kept_words(details: Any) -> str:
    """What the payer reads when the money just paid is owed for nothing and kept as a
    refund due (`applicants.confirm_payment`'s 409, its `details`): the fee was paid
    meanwhile (in cash at the desk, or by another transaction), or the request withdrawn."""
    kept = details if isinstance(details, dict) else {}
    if kept.get("refund") == "double":
        how = (f"bằng tiền mặt tại Bộ phận Một cửa, biên lai số {kept.get('receipt_number')}"
               if kept.get("paid_by") == "cash" else "bằng một giao dịch thanh toán khác")
        return (f"Khoản phí này đã được nộp {how} trước khi tiền về. Bạn không phải nộp lần "
                "nữa: cơ quan sẽ hoàn trả lại cho bạn số tiền vừa thanh toán.")
    return ("Cơ quan đã hủy yêu cầu nộp phí này trước khi tiền về. Bạn không phải nộp "
            "khoản này: cơ quan sẽ hoàn trả lại cho bạn.")


def init_app(app: Flask) -> None:
    """The gateway payers go to, and the return page."""
    app.extensions["payment_gateway"] = gateway_for(app)
    app.register_blueprint(bp)
