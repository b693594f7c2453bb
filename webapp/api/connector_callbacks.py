"""Providers' signed status callbacks (issue 19): ``POST /connectors/sms/status`` — the SMS
provider reports a message delivered or failed (`integrations.sms_http`);
``POST /connectors/post/status`` — the carrier reports a postal order (`integrations.post`)."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from flask import abort, jsonify, request
from werkzeug.wrappers import Response

from engine import dossiers, records
from engine.core import Conflict, Invalid, NotFound
from integrations.post import HttpPost
from integrations.signing import WINDOW_SECONDS, SignatureError
from integrations.sms_http import HttpSms
from webapp.api.common import bp
from webapp.context import uow
from webapp.esign import connectors

MAX_BODY = 4096


def _body() -> bytes:
    body = request.get_data(cache=False)[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        raise Invalid("Nội dung báo trạng thái quá lớn.")
    return body


@bp.post("/connectors/sms/status")
def sms_status() -> Response:
    """The SMS provider reports one message: JSON `{message_id, status: delivered|failed,
    at, error}` signed with `X-Motcua-Timestamp` and `X-Motcua-Signature`. Forged or stale:
    403; a replay: 409; a message id we never sent: 404; a malformed body: 400."""
    connector = connectors().get("sms")
    if connector.implementation != "real":
        raise NotFound("Chưa kết nối nhà cung cấp SMS.")
    sms = cast(HttpSms, connector)
    body = _body()
    with uow() as work:
        try:
            report = sms.verify_status(dict(request.headers), body, work.clock.now())
        except SignatureError as exc:
            abort(403, description=str(exc))
        except ValueError as exc:
            raise Invalid(str(exc)) from exc
        if not records.remember_inbound_call(
            work, connector="sms", signature=report.signature, keep=timedelta(seconds=2 * WINDOW_SECONDS)
        ):
            raise Conflict("Lời báo trạng thái này đã được nhận trước đó (gửi lại); không xử lý lần nữa.")
        changed = records.record_delivery_status(
            work, provider_id=report.message_id, status=report.status, error=report.error, commit=True
        )
        if changed is None:
            raise NotFound(f"Không có tin nhắn mã {report.message_id}.")
    return jsonify({"message_id": report.message_id, "status": report.status, "recorded": changed})


@bp.post("/connectors/post/status")
def post_status() -> Response:
    """The carrier reports one order: JSON `{reference, status: accepted|in_transit|
    delivered|returned, tracking_number, note}`, signed. Forged or stale: 403; a replay: 409;
    an order we never placed: 404; a malformed body: 400; a report that is no step forward:
    200 with `recorded: false`."""
    connector = connectors().get("post")
    if connector.implementation != "real":
        raise NotFound("Chưa kết nối dịch vụ bưu chính.")
    carrier = cast(HttpPost, connector)
    body = _body()
    with uow() as work:
        try:
            report = carrier.verify_status(dict(request.headers), body, work.clock.now())
        except SignatureError as exc:
            abort(403, description=str(exc))
        except ValueError as exc:
            raise Invalid(str(exc)) from exc
        if not records.remember_inbound_call(
            work, connector="post", signature=report.signature, keep=timedelta(seconds=2 * WINDOW_SECONDS)
        ):
            raise Conflict("Lời báo trạng thái này đã được nhận trước đó (gửi lại); không xử lý lần nữa.")
        changed = dossiers.record_postal_status(
            work,
            reference=report.reference,
            status=report.status,
            tracking_number=report.tracking_number,
            note=report.note,
            commit=True,
        )
        if changed is None:
            raise NotFound(f"Không có đơn bưu chính mã {report.reference}.")
    return jsonify({"reference": report.reference, "status": report.status, "recorded": changed})
