"""What a citizen does with their own account: register, list their dossiers, withdraw one
before its result, rate the service, read their notices.

Local accounts use the 12-digit personal ID number as the login name (as the national
e-ID does); an OIDC connector for VNeID can later create the same accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from engine.applicants.attachments import current_files, list_attachments, paper_slots
from engine.applicants.fees import fee_lines, fees_of
from engine.applicants.payments import payments_of
from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, FormInvalid, NotFound
from engine.core.models import Account, Dossier, Event, Notification, Rating
from engine.core.permissions import owns
from engine.core.statuses import OPEN_STATUSES, RATABLE_STATUSES, STATUS_LABELS, Status
from engine.core.uow import UnitOfWork
from engine.dossiers.advance import Advance, advance_dossier
from engine.dossiers.deadlines import open_request
from engine.dossiers.decision import DECIDED_MESSAGE, is_decided
from engine.dossiers.postal import postal_choices, postal_orders
from engine.dossiers.rows import DossierRow, record
from engine.dossiers.submit import find_visible, get_dossier
from engine.identity.accounts import create_account
from engine.identity.passwords import problems
from engine.identity.ratelimit import hit
from engine.legal_clock.lateness import classify
from engine.procedures.cache import loaded_version
from engine.records.notices import is_fee_notice, is_result_notice
from forms import FormValidator

REGISTRATION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["ho_ten", "so_dinh_danh", "dien_thoai", "mat_khau", "nhap_lai", "dong_y"],
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên", "minLength": 2, "maxLength": 100},
        "so_dinh_danh": {"type": "string", "title": "Số định danh cá nhân", "format": "cccd",
                         "description": "12 chữ số trên thẻ căn cước; dùng để đăng nhập."},
        "dien_thoai": {"type": "string", "title": "Số điện thoại", "format": "vn-phone"},
        "email": {"type": "string", "title": "Thư điện tử", "format": "email", "maxLength": 200},
        "mat_khau": {"type": "string", "title": "Mật khẩu", "maxLength": 128},
        "nhap_lai": {"type": "string", "title": "Nhập lại mật khẩu", "maxLength": 128},
        "dong_y": {"type": "boolean", "const": True,
                   "title": "Tôi đồng ý để cơ quan nhà nước dùng thông tin này để giải quyết "
                            "thủ tục hành chính của tôi"},
    },
}
REGISTRATION_UI: dict[str, Any] = {"fields": {"mat_khau": {"widget": "password"},
                                              "nhap_lai": {"widget": "password"}}}
REGISTRATIONS_PER_HOUR = 5
DEFAULT_RATING_LABELS = {3: "Rất hài lòng", 2: "Hài lòng", 1: "Chưa hài lòng"}
LOWEST_RATING = 1
# A refused dossier's status as its applicant reads it (list, page), whatever its national
# status (3, 9 or 10): after appraisal, or at reception (form 03).
REFUSED_LABEL, NOT_RECEIVED_LABEL = "Từ chối giải quyết", "Không được tiếp nhận"


def register(uow: UnitOfWork, *, data: dict[str, Any], client: str) -> int:
    """Create a citizen account; every problem is named against its field (422)."""
    hit(uow, bucket=f"register:{client}", limit=REGISTRATIONS_PER_HOUR,
        window=timedelta(hours=1), message="Đăng ký quá nhiều lần; vui lòng thử lại sau.")
    uow.commit()
    errors = [e.as_dict() for e in FormValidator(REGISTRATION_SCHEMA).validate_submission(data)]
    password = str(data.get("mat_khau", ""))
    id_number = str(data.get("so_dinh_danh", ""))
    if password:
        errors += [{"field": "mat_khau", "message": m}
                   for m in problems(password, username=id_number)][:1]
        if data.get("nhap_lai") and data.get("nhap_lai") != password:
            errors.append({"field": "nhap_lai", "message": "Hai lần nhập mật khẩu không khớp."})
    if id_number and uow.session.scalar(select(Account.id).where(Account.username == id_number)):
        errors.append({"field": "so_dinh_danh",
                       "message": "Số định danh này đã có tài khoản; hãy đăng nhập hoặc lấy "
                                  "lại mật khẩu."})
    if errors:
        raise FormInvalid("Thông tin đăng ký chưa hợp lệ.", details=errors)
    account_id = create_account(
        uow, username=id_number, password=password, full_name=str(data["ho_ten"]).strip(),
        kind="citizen", id_number=id_number, phone=str(data["dien_thoai"]),
        email=str(data["email"]) if data.get("email") else None)
    uow.audit("account.register", actor_id=account_id, object_type="account",
              object_id=str(account_id))
    uow.commit()
    return account_id


def my_dossiers(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """The signed-in citizen's dossiers, newest first, with status and due time."""
    if actor.account_id is None:
        return []
    rows = uow.session.scalars(select(Dossier).where(Dossier.owner_id == actor.account_id)
                               .order_by(Dossier.id.desc()).limit(200)).all()
    refused = refused_among(uow, rows)
    return [{"code": d.code, "procedure_name": d.version.procedure.name,
             "agency": d.agency.name, "status": d.status,
             "status_label": applicant_status_label(d, d.id in refused),
             "refused": d.id in refused,
             "submitted_at": local_iso(d.submitted_at), "due_at": local_iso(d.due_at),
             "ended_at": local_iso(d.ended_at),
             "result": classify(d.ended_at, d.due_at) if d.ended_at and d.due_at else None}
            for d in rows]


def refused_among(uow: UnitOfWork, dossiers: Sequence[Dossier]) -> set[int]:
    """The ids of `dossiers` the agency refused (at reception or after appraisal): a
    `refused` event, or the outcome (`engine.dossiers.standing.was_refused`, in one query)."""
    ids = [d.id for d in dossiers]
    found = {d.id for d in dossiers if d.outcome == "refused"}
    if ids:
        found |= set(uow.session.scalars(select(Event.dossier_id).distinct().where(
            Event.dossier_id.in_(ids), Event.kind == "refused")))
    return found


def applicant_status_label(dossier: Dossier, refused: bool) -> str:
    """The status as the applicant reads it: a refusal is never «Đã xử lý xong» or «Đã trả
    kết quả» (the national status 9, 10 end a granted dossier too)."""
    if not refused:
        return STATUS_LABELS[dossier.status]
    return NOT_RECEIVED_LABEL if dossier.received_at is None else REFUSED_LABEL


def my_dossier(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """Everything the applicant's page of one dossier shows: the dossier with its timeline,
    its files (current and replaced), payments, the rating, the supplement request it waits
    on, its postal orders with the carrier's reports, and which of withdraw, rate and each
    postal order (`postal_refusals`: kind → why not, "" when open) are open to them now."""
    view = get_dossier(uow, actor=actor, code=code)
    dossier = find_visible(uow, actor=actor, code=code)
    refused = bool(refused_among(uow, [dossier]))
    return {
        "dossier": {**view, "status_label": applicant_status_label(dossier, refused),
                    "refused": refused},
        "files": list_attachments(uow, actor=actor, code=code),
        "payments": payments_of(uow, actor=actor, code=code),
        "fee": fees_of(uow, dossier),  # as the procedure's tables decided for this dossier
        "fee_lines": [line.text for line in fee_lines(uow, dossier) if line.count is not None],
        "rating": rating_of(uow, dossier.id),
        "missing": open_request(uow, dossier.id),
        "postal": postal_orders(uow, actor=actor, code=code),
        "postal_refusals": postal_choices(uow, actor=actor, code=code)["refusals"],
        "may_withdraw": dossier.status in OPEN_STATUSES and dossier.ended_at is None
        and not is_decided(uow, dossier),
        "may_rate": dossier.status in RATABLE_STATUSES,
    }


def supplement_page(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """What answering a supplement request shows: the dossier (its form and data), the
    request, and its papers with their current files."""
    view = get_dossier(uow, actor=actor, code=code)
    dossier = find_visible(uow, actor=actor, code=code)
    components = loaded_version(uow, dossier.version_id).compiled.manifest.get("components", [])
    return {"dossier": view, "missing": open_request(uow, dossier.id),
            "papers": paper_slots(components, current_files(uow, dossier_id=dossier.id),
                                  channel="online")}


def _own(uow: UnitOfWork, actor: Actor, code: str) -> Dossier:
    dossier = find_visible(uow, actor=actor, code=code)
    if not owns(actor, dossier.owner_id):
        raise Forbidden("Chỉ người nộp hồ sơ được thực hiện thao tác này.")
    return dossier


def withdraw(uow: UnitOfWork, *, actor: Actor, code: str, reason: str) -> dict[str, Any]:
    """The applicant withdraws a dossier that has no result yet (status 7): its process
    stops, its steps leave the officers' inboxes, its timers are cancelled."""
    if not reason.strip():
        raise FormInvalid("Cần nêu lý do rút hồ sơ.", details=[
            {"field": "reason", "message": "Vui lòng nhập lý do rút hồ sơ."}])
    found = _own(uow, actor, code)
    row = DossierRow.lock(uow, found.id)
    assert row is not None  # found just above, and dossiers are never deleted
    if row.ended_at is not None or row.status not in OPEN_STATUSES:
        raise Conflict("Hồ sơ đã có kết quả hoặc đã kết thúc; không thể rút "
                       f"(trạng thái: {STATUS_LABELS[row.status]}).")
    if is_decided(uow, row):  # granted, the fee asked afterwards (status 6): decided all the same
        raise Conflict(DECIDED_MESSAGE.format(code=row.code, what="rút hồ sơ"))

    def withdraw_here(step: Advance) -> None:
        step.stop(Status.WITHDRAWN, "withdrawn")
        record(uow, row, "withdrawn", actor=actor, note=reason.strip()[:1000])

    advance_dossier(uow, row, actor, withdraw_here)
    return {"code": row.code, "status": row.status, "status_label": STATUS_LABELS[row.status]}


def rate(uow: UnitOfWork, *, actor: Actor, code: str, level: int, reason: str,
         labels: dict[int, str] | None = None) -> dict[str, Any]:
    """The applicant rates the service once the dossier has its result: three levels, the
    lowest needing a reason. Rating again replaces the earlier rating."""
    labels = labels or DEFAULT_RATING_LABELS
    if level not in labels:
        raise FormInvalid("Mức đánh giá không hợp lệ.", details=[
            {"field": "level", "message": "Vui lòng chọn một mức đánh giá."}])
    if level == LOWEST_RATING and len(reason.strip()) < 5:
        raise FormInvalid("Cần nêu lý do chưa hài lòng.", details=[
            {"field": "reason", "message": f"Vui lòng cho biết lý do «{labels[level]}» "
                                           "(ít nhất 5 ký tự)."}])
    dossier = _own(uow, actor, code)
    if dossier.status not in RATABLE_STATUSES:
        raise Conflict("Chỉ đánh giá được khi hồ sơ đã có kết quả.")
    existing = uow.session.scalar(select(Rating).where(Rating.dossier_id == dossier.id))
    now = uow.clock.now()
    assert actor.account_id is not None  # `_own` let only the applicant through
    if existing is None:
        uow.session.add(Rating(dossier_id=dossier.id, account_id=actor.account_id,
                               level=level, reason=reason.strip()[:2000], at=now))
    else:
        existing.level, existing.reason, existing.at = level, reason.strip()[:2000], now
    uow.session.flush()
    uow.audit("dossier.rated", actor_id=actor.account_id, object_type="dossier",
              object_id=str(dossier.id), summary={"level": level})
    uow.commit()
    return {"code": dossier.code, "level": level, "label": labels[level]}


def rating_of(uow: UnitOfWork, dossier_id: int) -> dict[str, Any] | None:
    """The dossier's rating, if it has one."""
    found = uow.session.scalar(select(Rating).where(Rating.dossier_id == dossier_id))
    if found is None:
        return None
    return {"level": found.level, "reason": found.reason, "at": local_iso(found.at)}


def notices(uow: UnitOfWork, *, actor: Actor, mark_read: bool = False) -> list[dict[str, Any]]:
    """The signed-in account's notices (the in-system copies), newest first."""
    if actor.account_id is None:
        raise NotFound("Không có thông báo.")
    rows = uow.session.execute(
        select(Notification, Dossier.code, Dossier.status)
        .outerjoin(Dossier, Notification.dossier_id == Dossier.id)
        .where(Notification.account_id == actor.account_id, Notification.channel == "web")
        .order_by(Notification.id.desc()).limit(100)).all()
    # "pay": a fee notice of a dossier still waiting for its fee (the page offers the payment);
    # "rate": a result notice of a dossier the applicant may rate (linked to the rating form).
    found = [{"id": n.id, "subject": n.subject, "body": n.body, "at": local_iso(n.created_at),
              "read": n.read_at is not None, "dossier": code,
              "pay": status == Status.PAYMENT and is_fee_notice(n.subject, code),
              "rate": status in RATABLE_STATUSES and is_result_notice(n.subject, code)}
             for n, code, status in rows]
    if mark_read:
        uow.session.execute(update(Notification).where(
            Notification.account_id == actor.account_id, Notification.read_at.is_(None))
            .values(read_at=uow.clock.now()))
        uow.commit()
    return found


def unread_count(uow: UnitOfWork, *, actor: Actor) -> int:
    """How many in-system notices the account has not opened yet."""
    if actor.account_id is None:
        return 0
    return int(uow.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.account_id == actor.account_id, Notification.channel == "web",
        Notification.read_at.is_(None))) or 0)
