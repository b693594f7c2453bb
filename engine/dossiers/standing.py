"""Where a dossier stands, in one sentence: its open steps, or — when no step is open —
what it waits for (the applicant's supplement or fee, the desk's reception or hand-back)
or how it ended (handed back, refused, not received, withdrawn, stopped).

The officers' dossier page, the applicant's page and public tracking all say the same
(`get_dossier` and the tracking view carry it as `standing`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.core.clock import VN_TZ, local_iso
from engine.core.models import Dossier, Event, Payment, PostalOrder, Task
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork

# kind → what the pages say when no step is open (the applicant is «người nộp»).
STANDING_LABELS = {
    "reception": "Đang chờ Bộ phận Một cửa tiếp nhận hồ sơ",
    "processing": "Cơ quan đang xử lý hồ sơ",
    "supplement": "Đang chờ người nộp bổ sung hồ sơ",
    "payment": "Đang chờ người nộp hồ sơ nộp phí, lệ phí",
    "hand_back": "Đã giải quyết xong, đang chờ Bộ phận Một cửa trả kết quả",
    "hand_back_refusal": "Đã từ chối giải quyết, đang chờ Bộ phận Một cửa trả văn bản từ chối",
    "returned": "Đã kết thúc: đã trả kết quả",
    "refused": "Đã kết thúc: từ chối giải quyết, đã trả văn bản từ chối",
    "not_received": "Đã kết thúc: hồ sơ không được tiếp nhận",
    "withdrawn": "Đã kết thúc: người nộp đã rút hồ sơ",
    "stopped": "Đã kết thúc: cơ quan đã dừng xử lý hồ sơ",
    # The result (or refusal letter) on its way by post, or delivered: the carrier's
    # tracking number and delivery time are added when known (`_by_post`).
    "post_requested": "Đã yêu cầu bưu điện chuyển phát kết quả, chờ bưu điện nhận",
    "post": "Đang chuyển phát kết quả qua bưu điện",
    "post_delivered": "Đã giao kết quả qua bưu điện",
}
# A result order's states while the carrier still has it (`engine.dossiers.postal.ORDER`).
_ON_ITS_WAY = ("requested", "accepted", "in_transit")
# A status with no step open → the kind said for it (refusals are told apart first).
_BY_STATUS = {
    Status.REGISTERED: "reception", Status.RECEIVED: "processing",
    Status.PROCESSING: "processing", Status.SUPPLEMENT: "supplement",
    Status.PAYMENT: "payment", Status.DONE: "hand_back", Status.RETURNED: "returned",
    Status.NOT_RECEIVED: "not_received", Status.WITHDRAWN: "withdrawn",
    Status.STOPPED: "stopped",
}


def was_refused(uow: UnitOfWork, dossier: Dossier) -> bool:
    """The agency refused the dossier (at reception or after appraisal), whatever its
    national status says (9 and 10 also end a granted dossier)."""
    return dossier.outcome == "refused" or uow.session.scalar(
        select(Event.id).where(Event.dossier_id == dossier.id, Event.kind == "refused")
        .limit(1)) is not None


def standing(uow: UnitOfWork, dossier: Dossier, *, post_first: bool = False) -> dict[str, Any]:
    """`kind` ("step" while steps are open, else a key of `STANDING_LABELS`), `label`
    (the open steps' names, or the sentence), `since` (when the applicant was asked for
    the supplement or the fee; None otherwise) and `held` (the steps waiting meanwhile).
    `post_first` (public tracking): a granted result sent by post says where the post is,
    even while the desk's hand-over step is open."""
    if post_first and dossier.status in (Status.DONE, Status.RETURNED) and not was_refused(
            uow, dossier):
        post = _by_post(uow, dossier)
        if post is not None:
            return {"kind": post[0], "label": post[1], "since": None, "held": []}
    tasks = uow.session.scalars(select(Task).where(
        Task.dossier_id == dossier.id, Task.state.in_(("open", "suspended")))
        .order_by(Task.id)).all()
    names = [t.name for t in tasks if t.state == "open"]
    held = [t.name for t in tasks if t.state == "suspended"]
    if names:
        return {"kind": "step", "label": "; ".join(names), "since": None, "held": held}
    kind = _BY_STATUS.get(Status(dossier.status), "processing")
    if kind in ("hand_back", "returned") and was_refused(uow, dossier):
        kind = ("not_received" if dossier.received_at is None
                else "hand_back_refusal" if kind == "hand_back" else "refused")
    post = _by_post(uow, dossier) if kind in ("hand_back", "returned") else None
    if post is not None:
        return {"kind": post[0], "label": post[1], "since": None, "held": held}
    since = dossier.supplement_requested_at if kind == "supplement" else None
    if kind == "payment":
        since = uow.session.scalar(select(Payment.requested_at).where(
            Payment.dossier_id == dossier.id, Payment.state == "requested")
            .order_by(Payment.id.desc()).limit(1))
    return {"kind": kind, "label": STANDING_LABELS[kind], "since": local_iso(since),
            "held": held}


def _by_post(uow: UnitOfWork, dossier: Dossier) -> tuple[str, str] | None:
    """A granted result's post: ("post", …) while the dossier's last result order is with
    the carrier, ("post_delivered", …) once delivered; None without one (or when it was
    returned or cancelled: the desk hands the result back another way)."""
    order = uow.session.scalar(select(PostalOrder).where(
        PostalOrder.dossier_id == dossier.id, PostalOrder.kind == "delivery")
        .order_by(PostalOrder.id.desc()).limit(1))
    if order is None or order.status not in (*_ON_ITS_WAY, "delivered"):
        return None
    number = order.tracking_number
    if order.status == "requested":
        return "post", STANDING_LABELS["post_requested"]
    if order.status != "delivered":
        return "post", STANDING_LABELS["post"] + (
            f" (số hiệu bưu gửi {number})" if number else " (bưu điện chưa báo số hiệu bưu gửi)")
    at = order.status_at.astimezone(VN_TZ).strftime(" lúc %H:%M ngày %d/%m/%Y") \
        if order.status_at else ""
    return "post_delivered", (STANDING_LABELS["post_delivered"] + at
                              + (f", số hiệu bưu gửi {number}" if number else ""))
