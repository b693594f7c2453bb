"""The desk's hand-over step and the applicant's postal order: the step whose form asks
«Hình thức trả kết quả» (`hinh_thuc_tra`, the packages' convention) says at its top that
the applicant ordered the result delivered by post (address, order, its state) and that
the carrier's delivery report completes the step, suggests the postal choice, and asks a
confirmation in words before another choice is recorded while a delivery order is still
open — confirmed, the order is cancelled and the page says so."""

from __future__ import annotations

from typing import Any

from flask import request

from engine import dossiers
from webapp.context import uow

FIELD = "hinh_thuc_tra"
POSTAL = "buu_chinh"
CONFIRM = "xac_nhan_khong_buu_dien"  # posted beside the step's form: another choice, knowingly


def _offers_postal(schema: dict[str, Any]) -> bool:
    field = schema.get("properties", {}).get(FIELD)
    return isinstance(field, dict) and any(
        isinstance(o, dict) and o.get("const") == POSTAL for o in field.get("oneOf", []))


def postal_delivery(actor: Any, view: dict[str, Any]) -> dict[str, Any] | None:
    """The applicant's latest delivery order of the dossier, when the task is its open
    hand-over step: {reference, address, status_label, open, choice_offered}; else None."""
    schema = view["form"]["schema"]
    if view["state"] != "open" or FIELD not in schema.get("properties", {}):
        return None
    with uow() as work:
        orders = [o for o in dossiers.postal_orders(work, actor=actor, code=view["dossier"])
                  if o["kind"] == "delivery"]
    if not orders:
        return None
    order = orders[-1]
    return {**order, "open": order["status"] not in dossiers.POSTAL_FINAL,
            "choice_offered": _offers_postal(schema)}


def suggested(delivery: dict[str, Any] | None, values: dict[str, Any]) -> dict[str, Any]:
    """The form's values with the postal choice preselected for an open delivery order."""
    if delivery and delivery["open"] and delivery["choice_offered"] and not values.get(FIELD):
        return {**values, FIELD: POSTAL}
    return values


def needs_confirmation(delivery: dict[str, Any] | None, values: dict[str, Any]) -> bool:
    """Another choice than the post while a delivery order is open, not yet confirmed."""
    return bool(delivery and delivery["open"] and values.get(FIELD)
                and values.get(FIELD) != POSTAL and not confirmed())


def confirmed() -> bool:
    """The officer ticked the confirmation of another way than the post."""
    return request.form.get(CONFIRM) == "1"


def cancelled_words(done: dict[str, Any]) -> str:
    """What the completion's message adds when it cancelled the applicant's result order."""
    reference = done.get("cancelled_postal_order")
    if not reference:
        return ""
    return (f" Đơn chuyển phát kết quả {reference} đã được hủy và người nộp được báo; hệ thống "
            "chưa gửi được lệnh hủy tới bưu điện: hãy báo bưu điện hủy đơn này.")
