"""How the applicant receives the result, chosen when the dossier is submitted: «Nhận trực
tiếp tại Bộ phận Một cửa» (nothing to record: the desk hands it back) or «Nhận qua dịch vụ
bưu chính công ích» to an address — the same postal delivery order the dossier's page
places later (`engine.dossiers.postal`), written in the submission's transaction with its
outbox message. Also the words every page says the choice in (`result_delivery`).

The writing of an order (`place_order`) lives here so that submission (`submit.py`) and the
order form (`postal.py`, which reads dossiers through `submit.py`) share it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Invalid
from engine.core.models import Dossier, PostalOrder
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.rows import DossierRow, record
from engine.records.connector_outbox import enqueue_messages, message_row

KINDS = {"pickup": "Thu gom hồ sơ giấy tại nhà", "delivery": "Chuyển phát kết quả tới nhà"}
STATUS_LABELS = {
    "requested": "Đã gửi yêu cầu tới bưu điện",
    "accepted": "Bưu điện đã nhận đơn",
    "in_transit": "Đang vận chuyển",
    "delivered": "Đã phát thành công",
    "returned": "Chuyển hoàn (không phát được)",
    "cancelled": "Đã hủy",
}
# The dossier event of placing an order, by kind: who placed it is in its note.
REQUESTED = {"delivery": "postal_result_requested", "pickup": "postal_papers_requested"}
# The two ways of receiving the result, as the forms and pages say them.
AT_DESK, BY_POST_WORDS = "Nhận trực tiếp tại Bộ phận Một cửa", "Nhận qua dịch vụ bưu chính công ích"
_PHONE = re.compile(r"^(0|\+84)[0-9]{9,10}$")


@dataclass(frozen=True)
class ResultDelivery:
    """The result delivered by post to `address`, the carrier calling `phone`; addressed to
    the dossier's applicant."""

    address: str
    phone: str


def contact_problems(name: str, address: str, phone: str) -> dict[str, str]:
    """What is wrong with an order's addressee, by field ({} when nothing); the values are
    the normalised ones (`normalised`)."""
    problems = {}
    if not 2 <= len(name) <= 200:
        problems["name"] = "Nhập họ tên người gửi/nhận (2–200 ký tự)."
    if not 10 <= len(address) <= 500:
        problems["address"] = "Nhập địa chỉ đầy đủ: số nhà, đường, xã/phường, tỉnh (10–500 ký tự)."
    if not _PHONE.match(phone):
        problems["phone"] = "Số điện thoại không hợp lệ (ví dụ 0912345678)."
    return problems


def normalised(name: str, address: str, phone: str) -> tuple[str, str, str]:
    """Name trimmed, address on one line, phone without spaces, dots or dashes."""
    return name.strip(), " ".join(address.split()), re.sub(r"[\s.\-]", "", phone)


def checked_delivery(delivery: ResultDelivery) -> ResultDelivery:
    """The choice normalised, or `Invalid` naming the wrong field (`details`
    {"delivery.address" | "delivery.phone": message}) before anything is written."""
    _, address, phone = normalised("", delivery.address, delivery.phone)
    problems = {f"delivery.{field}": message for field, message
                in contact_problems("--", address, phone).items()}
    if problems:
        raise Invalid("Hình thức nhận kết quả chưa hợp lệ: " + " ".join(problems.values()), problems)
    return ResultDelivery(address, phone)


def place_order(uow: UnitOfWork, *, actor: Actor, dossier: DossierRow, kind: str, name: str,
                address: str, phone: str) -> PostalOrder:
    """Write the order with its `post` outbox message and the dossier event naming who
    placed it (the caller's transaction; checked values)."""
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
    placer = "người nộp hồ sơ" if actor.account_id == dossier.owner_id else f"cán bộ {actor.name}"
    record(uow, dossier, REQUESTED[kind], actor=actor, note=f"{placer}, đơn {order.reference}")
    return order


def order_at_submission(uow: UnitOfWork, *, actor: Actor, dossier: DossierRow,
                        delivery: ResultDelivery) -> dict[str, Any]:
    """The delivery order of a dossier being submitted (its transaction; `delivery` checked
    by `checked_delivery`), addressed to the applicant."""
    applicant = uow.session.scalar(select(Dossier.applicant_name).where(Dossier.id == dossier.id))
    name = (applicant or "").strip() or "Người nộp hồ sơ"
    order = place_order(uow, actor=actor, dossier=dossier, kind="delivery", name=name[:200],
                        address=delivery.address, phone=delivery.phone)
    return view(order)


def result_delivery(uow: UnitOfWork, code: str) -> dict[str, Any]:
    """How the dossier `code`'s result is received, for the receipt and the dossier's pages
    (the caller has checked who may read it): by post while a delivery order stands (not sent back or
    cancelled; its address), else at the desk."""
    orders = uow.session.scalars(select(PostalOrder).join(
        Dossier, Dossier.id == PostalOrder.dossier_id).where(
        Dossier.code == code, PostalOrder.kind == "delivery",
        PostalOrder.status.not_in(("returned", "cancelled"))).order_by(PostalOrder.id.desc()))
    order = next(iter(orders), None)
    if order is None:
        return {"by_post": False, "label": AT_DESK, "address": "", "reference": ""}
    return {"by_post": True, "label": BY_POST_WORDS, "address": order.address,
            "reference": order.reference}


def view(order: PostalOrder) -> dict[str, Any]:
    """An order as the pages and the API show it."""
    return {"reference": order.reference, "kind": order.kind, "kind_label": KINDS[order.kind],
            "name": order.name, "address": order.address, "phone": order.phone,
            "status": order.status, "status_label": STATUS_LABELS[order.status],
            "tracking_number": order.tracking_number, "note": order.note,
            "created_at": local_iso(order.created_at), "status_at": local_iso(order.status_at)}


NO_RESULT = (Status.NOT_RECEIVED, Status.WITHDRAWN)  # an end that sends the applicant nothing
_OPEN_RESULT_ORDERS = select(PostalOrder).where(
    PostalOrder.dossier_id == bindparam("b_id"), PostalOrder.kind == "delivery",
    PostalOrder.status.in_(("requested", "accepted")))


def cancel_orders_for_no_result(uow: UnitOfWork, *, actor: Actor, dossier: DossierRow) -> None:
    """The dossier ended with nothing to send (not received at the desk, withdrawn): the
    result order its applicant placed is cancelled («Đã hủy») and its history says so, with
    who tells the post (the carrier's protocol has no cancel). In the advance's transaction."""
    for order in uow.session.scalars(_OPEN_RESULT_ORDERS, {"b_id": dossier.id}):
        order.status, order.status_at = "cancelled", uow.clock.now()
        record(uow, dossier, "postal_result_not_needed", actor=actor,
               note=f"Đơn {order.reference}: hồ sơ không có kết quả để chuyển phát. Hệ thống "
                    "chưa gửi được lệnh hủy tới bưu điện (kết nối chưa hỗ trợ): Bộ phận Một cửa "
                    "báo bưu điện.")
