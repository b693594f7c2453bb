"""Postal orders (issue 19; Tuyên Quang art. 32.4): the applicant or the one-stop desk asks
the public postal service to pick the papers up at an address or to deliver the result.

The order is written with a `post` message for the connectors' outbox in the same
transaction (sent after commit, retried, never twice); the carrier's tracking number and
status come back through its signed status callback (`record_postal_status`). A final
report (delivered, returned) is a dossier event: in the dossier's history for the applicant
and the officers, told to the applicant (`engine.records.notices`), logged on the portal.
Placing an order is one too (`postal_result_requested`, `postal_papers_requested`, its note
naming who placed it: «người nộp hồ sơ» or «cán bộ <tên>»): in the history and the portal's
log, told to the applicant only when the desk placed it for them.

One open order of a kind at a time (a second one is a `Conflict`, the dossier's row locked
while it is checked). The applicant asks only what their dossier can still use: a delivery
while a result may come (not withdrawn, refused, stopped, handed back or already delivered),
a pickup while the dossier is open; the desk sends whatever the agency has to send (a
result, a refusal, a notice) in any state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from engine.core.actors import SYSTEM, Actor
from engine.core.errors import Conflict, Forbidden, Invalid
from engine.core.models import Account, Dossier, PostalOrder
from engine.core.permissions import is_desk_of, may_answer_supplement
from engine.core.prepared import Prepared
from engine.core.statuses import OPEN_STATUSES, Status
from engine.core.uow import UnitOfWork
from engine.dossiers.decision import DECIDED_MESSAGE, is_decided
from engine.dossiers.fees import dong, unpaid_at_hand_over
from engine.dossiers.postal_choice import (
    KINDS,
    STATUS_LABELS,
    contact_problems,
    normalised,
    place_order,
    view,
)
from engine.dossiers.postal_handover import after_final_report
from engine.dossiers.rows import DossierRow, record
from engine.dossiers.standing import was_refused
from engine.dossiers.submit import find_visible

# A report moves an order forward only: a late "in_transit" never undoes "delivered".
ORDER = ("requested", "accepted", "in_transit", "delivered", "returned")
# Final: no report changes it any more ("cancelled": the desk handed the result back
# another way, `cancel_for_other_way`).
FINAL = ("delivered", "returned", "cancelled")
_OPEN_DELIVERY = Prepared(
    select(PostalOrder.id)
    .where(PostalOrder.dossier_id == bindparam("b_id"), PostalOrder.kind == "delivery",
           *(PostalOrder.status != final for final in FINAL))
    .limit(1))
# The dossier event of a final report, by order kind and status (labels: EVENT_LABELS).
EVENTS = {("delivery", "delivered"): "postal_result_delivered",
          ("delivery", "returned"): "postal_result_returned",
          ("pickup", "delivered"): "postal_papers_delivered",
          ("pickup", "returned"): "postal_papers_returned"}
# The hand-over step's field saying how the result is handed back, and its postal choice
# (the packages' convention, `engine.dossiers.offered`).
HANDOVER_FIELD, BY_POST = "hinh_thuc_tra", "buu_chinh"
CONFIRM_FIELD = "confirm_other_delivery"  # the API's confirmation of another way
# The start form's fields an address is prefilled from, first found first.
ADDRESS_FIELDS = ("dia_chi_lien_he", "dia_chi", "noi_cu_tru", "dia_chi_thuong_tru")


def request_postal_order(
    uow: UnitOfWork, *, actor: Actor, code: str, kind: str, name: str, address: str, phone: str
) -> dict[str, Any]:
    """Order a pickup or a delivery for the dossier `code`; committed with its outbox message.

    Only the applicant or the agency's desk may (`Forbidden`); a wrong field is named
    (`Invalid`, `details` {field: message}) and nothing is written."""
    dossier = find_visible(uow, actor=actor, code=code)
    if not may_answer_supplement(actor, dossier.agency_id, dossier.owner_id):
        raise Forbidden("Chỉ người nộp hồ sơ hoặc Bộ phận Một cửa được yêu cầu dịch vụ bưu chính.")
    name, address, phone = normalised(name, address, phone)
    problems = {} if kind in KINDS else {"kind": "Chọn thu gom hồ sơ hoặc chuyển phát kết quả."}
    problems |= contact_problems(name, address, phone)
    if problems:
        raise Invalid("Yêu cầu bưu chính chưa hợp lệ: " + " ".join(problems.values()), problems)
    row = DossierRow.lock(uow, dossier.id)  # a second order waits here for the first's commit
    assert row is not None  # found visible above, dossiers are never deleted
    outcome = "refused" if was_refused(uow, dossier) else row.outcome
    refusal = _refusal(kind, row.status, outcome, _orders(uow, dossier.id),
                       desk=is_desk_of(actor, dossier.agency_id), row=row, uow=uow
                       ) or _unpaid(uow, dossier, kind, row.status)
    if refusal:
        raise Conflict(refusal)
    order = place_order(uow, actor=actor, dossier=row, kind=kind, name=name, address=address,
                        phone=phone)
    view = _view(order)
    uow.commit()
    return view


def record_postal_status(
    uow: UnitOfWork, *, reference: str, status: str, tracking_number: str = "", note: str = "",
    commit: bool = False,
) -> bool | None:
    """The carrier's report on the order `reference` (caller's transaction, committed with
    `commit=True` unless the order is unknown). None: no such order; False: nothing changed
    (not a step forward); True: recorded.

    Read under the dossier's row lock (a repeated report waits, then changes nothing). A
    result delivered completes the hand-over, a result sent back tells the desk
    (`engine.dossiers.postal_handover`)."""
    if status not in ORDER[1:]:
        raise ValueError(f"unknown postal status {status!r}")
    order = uow.session.scalar(select(PostalOrder).where(PostalOrder.reference == reference))
    if order is None:
        return None
    dossier = DossierRow.lock(uow, order.dossier_id)
    assert dossier is not None  # dossiers are never deleted
    uow.session.refresh(order)  # what the lock's previous holder committed
    changed = not (order.status in FINAL or ORDER.index(status) <= ORDER.index(order.status))
    if changed:
        order.status, order.status_at, order.note = status, uow.clock.now(), note[:300]
        if tracking_number:
            order.tracking_number = tracking_number[:60]
        if status in FINAL:
            record(uow, dossier, EVENTS[(order.kind, status)], actor=SYSTEM, note=_event_note(order))
        if status in FINAL and order.kind == "delivery":
            after_final_report(uow, dossier, order)
    uow.session.flush()
    if commit:  # the report was received either way: a replay of it is refused later
        uow.commit()
    return changed


def cancel_for_other_way(
    uow: UnitOfWork, *, actor: Actor, dossier: DossierRow, choice: Any, confirmed: bool
) -> str | None:
    """The hand-over records another way than the post (`choice`) while a result order is
    open: without `confirmed`, a `Conflict` that says so (nothing written); confirmed, the
    order is cancelled («Đã hủy») and the history says the carrier has to be told by the
    desk (its protocol has no cancel). Returns the cancelled order's reference, if any.
    Called with the dossier's row locked."""
    if not choice or choice == BY_POST or _OPEN_DELIVERY.run(
            uow.connection, {"b_id": dossier.id}).first() is None:
        return None  # most hand-overs: no result order on its way, one query by key
    order = next((o for o in _orders(uow, dossier.id)
                  if o.kind == "delivery" and o.status not in FINAL), None)
    if order is None:
        return None
    if not confirmed:
        raise Conflict(
            f"Đơn chuyển phát kết quả {order.reference} của người nộp vẫn đang thực hiện "
            f"({STATUS_LABELS[order.status].lower()}). Trả kết quả theo hình thức khác sẽ hủy "
            f"đơn này: hãy báo người nộp rồi xác nhận (trường {CONFIRM_FIELD}).",
            details={"order": order.reference, "confirm": CONFIRM_FIELD})
    order.status, order.status_at = "cancelled", uow.clock.now()
    record(uow, dossier, "postal_result_cancelled", actor=actor,
           note=f"Đơn {order.reference}: kết quả được trả theo hình thức khác. Hệ thống chưa gửi "
                "được lệnh hủy tới bưu điện (kết nối chưa hỗ trợ): Bộ phận Một cửa báo bưu điện.")
    uow.session.flush()
    return order.reference


def postal_hand_back(uow: UnitOfWork, dossier: DossierRow, choice: Any) -> datetime | None:
    """The desk hands the result back «qua dịch vụ bưu chính» (`choice`): while the
    dossier's result order is still on its way that is refused (`Conflict`: the return is
    the carrier's delivery, and the step completes itself when the carrier reports it);
    after the carrier delivered, the delivery's time is the return time (returned). None:
    another way, or no order delivered (the desk posted it outside the system: its time)."""
    if choice != BY_POST:
        return None
    orders = [o for o in _orders(uow, dossier.id) if o.kind == "delivery"]
    moving = next((o for o in orders if o.status not in FINAL), None)
    if moving is not None:
        raise Conflict(
            f"Kết quả đang được bưu điện chuyển phát (đơn {moving.reference}: "
            f"{STATUS_LABELS[moving.status].lower()}). Kết quả được trả khi bưu điện báo đã phát "
            "cho người nhận: bước này tự hoàn thành, thời điểm phát là thời điểm trả kết quả. "
            "Trả theo hình thức khác thì chọn hình thức đó (đơn chuyển phát sẽ được hủy).",
            details={"order": moving.reference})
    delivered = [o.status_at for o in orders if o.status == "delivered" and o.status_at]
    return delivered[-1] if delivered else None


def postal_orders(uow: UnitOfWork, *, actor: Actor, code: str) -> list[dict[str, Any]]:
    """The dossier's postal orders, oldest first, for whoever may read the dossier."""
    dossier = find_visible(uow, actor=actor, code=code)
    return [_view(order) for order in _orders(uow, dossier.id)]


def postal_choices(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """What the order form needs: for each kind, why the actor may not order it now ("" when
    they may); the dossier's orders; the contact to prefill — the applicant's name, the
    dossier's phone (else the account's, else the form's), the form's contact address."""
    dossier = find_visible(uow, actor=actor, code=code)
    orders = _orders(uow, dossier.id)
    desk = is_desk_of(actor, dossier.agency_id)
    allowed = may_answer_supplement(actor, dossier.agency_id, dossier.owner_id)
    outcome = "refused" if was_refused(uow, dossier) else dossier.outcome  # a refused event too
    refusals = {kind: (_refusal(kind, dossier.status, outcome, orders, desk=desk, row=dossier,
                                uow=uow)
                       or _unpaid(uow, dossier, kind, dossier.status))
                if allowed else "Chỉ người nộp hồ sơ hoặc Bộ phận Một cửa được yêu cầu dịch vụ bưu chính."
                for kind in KINDS}
    data = dossier.data if isinstance(dossier.data, dict) else {}
    owner = uow.session.get(Account, dossier.owner_id) if dossier.owner_id else None
    phone = dossier.contact_phone or (owner.phone if owner else None) or data.get("dien_thoai")
    address = next((data[key] for key in ADDRESS_FIELDS if isinstance(data.get(key), str)), "")
    return {"refusals": refusals, "orders": [_view(order) for order in orders],
            "prefill": {"name": dossier.applicant_name, "phone": phone if isinstance(phone, str) else "",
                        "address": address}}


def _orders(uow: UnitOfWork, dossier_id: int) -> list[PostalOrder]:
    return list(uow.session.scalars(
        select(PostalOrder).where(PostalOrder.dossier_id == dossier_id).order_by(PostalOrder.id)))


def _unpaid(uow: UnitOfWork, dossier: Dossier, kind: str, status: int) -> str:
    """Why the result may not be sent by post yet: its fee is owed (the result waits at the
    desk, status 9, and the fee is collected before it is handed over, by post too)."""
    if kind != "delivery" or status != Status.DONE:
        return ""
    owed = unpaid_at_hand_over(uow, dossier)
    if not owed:
        return ""
    return (f"Hồ sơ {dossier.code} chưa nộp phí, lệ phí {dong(owed)}: kết quả chỉ được gửi qua "
            "bưu điện sau khi nộp đủ (thanh toán trực tuyến tại trang hồ sơ hoặc nộp tại Bộ "
            "phận Một cửa).")


def _refusal(kind: str, status: int, outcome: str | None, orders: list[PostalOrder], *,
             desk: bool, row: Dossier | DossierRow, uow: UnitOfWork) -> str:
    """Why `kind` may not be ordered now ("" when it may; an unknown kind is `Invalid` later).
    Paper is not sent to a dossier already decided (its fee asked afterwards included)."""
    same = [order for order in orders if order.kind == kind]
    open_one = next((order for order in same if order.status not in FINAL), None)
    if open_one is not None:
        return (f"Hồ sơ đã có yêu cầu «{KINDS[kind].lower()}» đang thực hiện (mã đơn {open_one.reference}: "
                f"{STATUS_LABELS[open_one.status].lower()}). Chờ bưu điện phát xong hoặc chuyển hoàn "
                "rồi mới yêu cầu lại.")
    if desk or kind not in KINDS:
        return ""
    if kind == "pickup":
        ended = "Hồ sơ đã kết thúc: không cần gửi hồ sơ giấy tới cơ quan nữa."
        if status in OPEN_STATUSES and is_decided(uow, row):
            return DECIDED_MESSAGE.format(code=row.code, what="gửi hồ sơ giấy qua bưu điện")
        return "" if status in OPEN_STATUSES else ended
    if status == Status.WITHDRAWN:
        return "Hồ sơ đã rút: không có kết quả để chuyển phát."
    if status in (Status.NOT_RECEIVED, Status.STOPPED) or outcome == "refused":
        return "Hồ sơ không được giải quyết: không có kết quả để chuyển phát."
    if status == Status.RETURNED or any(order.status == "delivered" for order in same):
        return "Kết quả của hồ sơ đã được trả: không còn kết quả để chuyển phát."
    return ""


def _event_note(order: PostalOrder) -> str:
    """The history's words for a final report: the order, its tracking number, the carrier's note."""
    words = f"Đơn {order.reference}"
    if order.tracking_number:
        words += f", số hiệu bưu gửi {order.tracking_number}"
    return words + (f"; bưu điện ghi: {order.note}" if order.note else "")


_view = view
