"""The payment gateway's signed server-to-server callback (IPN): POST /payments/callback."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, jsonify, request
from werkzeug.wrappers import Response

from engine import applicants, records
from engine.core import Conflict, Invalid, NotFound
from integrations.signing import WINDOW_SECONDS, SignatureError
from webapp.api.common import bp
from webapp.context import uow
from webapp.payments import payment_connector

MAX_BODY = 4096


@bp.post("/payments/callback")
def payment_callback() -> Response:
    """The gateway reports a payment: JSON `{reference, amount, transaction, result, paid_at}`
    signed with `X-Motcua-Timestamp` and `X-Motcua-Signature`. A forged or stale call: 403; a
    replay: 409; an amount other than the one asked: 400 and nothing recorded."""
    connector = payment_connector()
    if not connector.enabled:
        raise NotFound("Chưa kết nối cổng thanh toán trực tuyến.")
    body = request.get_data(cache=False)[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        raise Invalid("Nội dung báo thanh toán quá lớn.")
    with uow() as work:
        try:
            callback = connector.verify_callback(dict(request.headers), body, work.clock.now())
        except SignatureError as exc:
            abort(403, description=str(exc))
        except ValueError as exc:
            raise Invalid(str(exc)) from exc
        if not records.remember_inbound_call(
            work,
            connector="payment",
            signature=callback.signature,
            keep=timedelta(seconds=2 * WINDOW_SECONDS),
        ):
            raise Conflict("Lời báo thanh toán này đã được nhận trước đó (gửi lại); không xử lý lần nữa.")
        if callback.result != "success":
            return jsonify(applicants.refused_by_gateway(
                work, reference=callback.reference, result=callback.result))
        paid = applicants.confirm_settled(
            work,
            gateway=connector.gateway_name,
            reference=callback.reference,
            amount=callback.amount,
            transaction=callback.transaction,
        )
    return jsonify({**paid, "recorded": True})
