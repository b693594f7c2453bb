"""Postal orders (issue 19; Tuyên Quang art. 32.4): the applicant or the one-stop desk asks
the public postal service to pick the papers up at an address or to deliver the result.

The order is written with a `post` message for the connectors' outbox in the same
transaction (sent after commit, retried, never twice); the carrier's tracking number and
status come back through its signed status callback (`record_postal_status`).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Forbidden, Invalid
from engine.core.models import PostalOrder
from engine.core.permissions import may_answer_supplement
from engine.core.uow import UnitOfWork
from engine.dossiers.submit import find_visible
from engine.records.connector_outbox import enqueue_messages, message_row

KINDS = {"pickup": "Thu gom hồ sơ giấy tại nhà", "delivery": "Chuyển phát kết quả tới nhà"}
STATUS_LABELS = {
    "requested": "Đã gửi yêu cầu tới bưu điện",
    "accepted": "Bưu điện đã nhận đơn",
    "in_transit": "Đang vận chuyển",
    "delivered": "Đã phát thành công",
    "returned": "Chuyển hoàn (không phát được)",
}
# A report moves an order forward only: a late "in_transit" never undoes "delivered".
ORDER = ("requested", "accepted", "in_transit", "delivered", "returned")
FINAL = ("delivered", "returned")
_PHONE = re.compile(r"^(0|\+84)[0-9]{9,10}$")


def request_postal_order(
    uow: UnitOfWork, *, actor: Actor, code: str, kind: str, name: str, address: str, phone: str
) -> dict[str, Any]:
    """Order a pickup or a delivery for the dossier `code`; committed with its outbox message.

    Only the applicant or the agency's desk may (`Forbidden`); a wrong field is named
    (`Invalid`, `details` {field: message}) and nothing is written."""
    dossier = find_visible(uow, actor=actor, code=code)
    if not may_answer_supplement(actor, dossier.agency_id, dossier.owner_id):
        raise Forbidden("Chỉ người nộp hồ sơ hoặc Bộ phận Một cửa được yêu cầu dịch vụ bưu chính.")
    name, address, phone = name.strip(), " ".join(address.split()), re.sub(r"[\s.\-]", "", phone)
    problems = {}
    if kind not in KINDS:
        problems["kind"] = "Chọn thu gom hồ sơ hoặc chuyển phát kết quả."
    if not 2 <= len(name) <= 200:
        problems["name"] = "Nhập họ tên người gửi/nhận (2–200 ký tự)."
    if not 10 <= len(address) <= 500:
        problems["address"] = "Nhập địa chỉ đầy đủ: số nhà, đường, xã/phường, tỉnh (10–500 ký tự)."
    if not _PHONE.match(phone):
        problems["phone"] = "Số điện thoại không hợp lệ (ví dụ 0912345678)."
    if problems:
        raise Invalid("Yêu cầu bưu chính chưa hợp lệ: " + " ".join(problems.values()), problems)
    now = uow.clock.now()
    order = PostalOrder(
        reference="BC" + secrets.token_hex(8).upper(), dossier_id=dossier.id, kind=kind,
        name=name, address=address, phone=phone, status="requested",
        requested_by_id=actor.account_id, created_at=now, note="",
    )
    uow.session.add(order)
    uow.session.flush()
    payload = {"reference": order.reference, "dossier_code": dossier.code, "kind": kind,
               "name": name, "address": address, "phone": phone, "requested_at": local_iso(now)}
    enqueue_messages(uow.connection, [message_row(
        connector="post", kind="order", payload=payload, now=now, dossier_id=dossier.id,
        ordering_key=f"post:{order.reference}")])
    view = _view(order)
    uow.commit()
    return view


def record_postal_status(
    uow: UnitOfWork, *, reference: str, status: str, tracking_number: str = "", note: str = "",
    commit: bool = False,
) -> bool | None:
    """The carrier's report on the order `reference` (caller's transaction, committed with
    `commit=True` unless the order is unknown). None: no such order; False: nothing changed
    (not a step forward); True: recorded."""
    if status not in ORDER[1:]:
        raise ValueError(f"unknown postal status {status!r}")
    order = uow.session.scalar(select(PostalOrder).where(PostalOrder.reference == reference))
    if order is None:
        return None
    changed = not (order.status in FINAL or ORDER.index(status) <= ORDER.index(order.status))
    if changed:
        order.status, order.status_at, order.note = status, uow.clock.now(), note[:300]
        if tracking_number:
            order.tracking_number = tracking_number[:60]
    uow.session.flush()
    if commit:  # the report was received either way: a replay of it is refused later
        uow.commit()
    return changed


def postal_orders(uow: UnitOfWork, *, actor: Actor, code: str) -> list[dict[str, Any]]:
    """The dossier's postal orders, oldest first, for whoever may read the dossier."""
    dossier = find_visible(uow, actor=actor, code=code)
    orders = uow.session.scalars(
        select(PostalOrder).where(PostalOrder.dossier_id == dossier.id).order_by(PostalOrder.id))
    return [_view(order) for order in orders]


def _view(order: PostalOrder) -> dict[str, Any]:
    return {"reference": order.reference, "kind": order.kind, "kind_label": KINDS[order.kind],
            "name": order.name, "address": order.address, "phone": order.phone,
            "status": order.status, "status_label": STATUS_LABELS[order.status],
            "tracking_number": order.tracking_number, "note": order.note,
            "created_at": local_iso(order.created_at), "status_at": local_iso(order.status_at)}
