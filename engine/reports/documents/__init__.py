"""Legal documents built from engine data: receipt (01), supplement request (02),
refusal (03), apology and new date (04), process control slip (05) and tracking book
(06), numbered as in TT 01/2018/TT-VPCP; the stop notice of the 2025 set (Mẫu 05 of
TT 03/2025/TT-VPCP) and the desk's cash receipt (biên lai thu phí, lệ phí). Each is
returned as data (`layout.Document`: heading, blocks with their texts filled in, file
name); `Document.pdf()` draws the PDF, the web layer renders the printable HTML. The
engine writes no HTML.

Document sets live in `sets/<name>/documents.json`, one per legal basis; the set in use
is chosen by configuration, so the TT 03/2025 numbering is a folder to add, not code.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.clock import VN_TZ
from engine.core.errors import Conflict, Forbidden, NotFound
from engine.core.models import (
    Account,
    Agency,
    Attachment,
    DeadlineChange,
    Dossier,
    Event,
    Province,
    RoleGrant,
    Task,
)
from engine.core.permissions import LEADER, may_read_tracking_book
from engine.core.statuses import STATUS_LEGAL_LABELS
from engine.core.uow import UnitOfWork
from engine.dossiers.offered import RESULT_PAPER
from engine.dossiers.submit import find_visible
from engine.legal_clock.lateness import CLASS_LABELS, classify
from engine.procedures.cache import loaded_version
from engine.reports.documents.extra import (
    TRACKING_ORDER,
    applicant_context,
    book_entry,
    delivery_context,
    receipt_context,
    stop_context,
)
from engine.reports.documents.layout import Document, Page, build

__all__ = ["DEFAULT_SET", "DOSSIER_KINDS", "FORMATS", "Document", "available_sets",
           "document_set", "render_dossier_document", "render_submission_receipt",
           "render_tracking_book"]

SETS = Path(__file__).with_name("sets")
DEFAULT_SET = "tt01-2018"
DOSSIER_KINDS = ("submission", "receipt", "supplement", "refusal", "apology", "control_slip",
                 "stop_notice", "fee_receipt")
FORMATS = ("pdf", "html")
_STEP_STATES = {"cancelled": "Không thực hiện", "open": "Đang xử lý", "suspended": "Chờ bổ sung"}


@lru_cache(maxsize=8)
def document_set(name: str) -> dict[str, Any]:
    """The documents of one set (folder name under `sets/`)."""
    path = SETS / name / "documents.json"
    if not path.is_file() or "/" in name or name.startswith("."):
        raise NotFound(f"Không có bộ biểu mẫu '{name}'.")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def available_sets() -> list[str]:
    """The document sets shipped (folder names)."""
    return sorted(p.name for p in SETS.iterdir() if (p / "documents.json").is_file())


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(VN_TZ).strftime("%H giờ %M phút, ngày %d/%m/%Y")


def _day(value: datetime | date | None) -> str:
    if value is None:
        return ""
    day = value.astimezone(VN_TZ).date() if isinstance(value, datetime) else value
    return day.strftime("%d/%m/%Y")


def _sentence(text: str) -> str:
    """Words the document's own sentence ends: without their closing full stop, so a
    reason typed «… điện.» is not printed «… điện..»."""
    return text.strip().rstrip(".").rstrip()


def _place_date(uow: UnitOfWork, agency: Agency) -> str:
    province = uow.session.get(Province, agency.province_id) if agency.province_id else None
    today = uow.clock.now().astimezone(VN_TZ)
    place = province.name if province else agency.name
    return f"{place}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}"


def _name(uow: UnitOfWork, account_id: int | None) -> str:
    account = uow.session.get(Account, account_id) if account_id else None
    return account.full_name if account else ""


def _events(uow: UnitOfWork, dossier: Dossier, kind: str) -> list[Event]:
    return list(uow.session.scalars(
        select(Event).where(Event.dossier_id == dossier.id, Event.kind == kind)
        .order_by(Event.id)))


def render_dossier_document(
    uow: UnitOfWork, *, actor: Actor, code: str, kind: str, fmt: str, tracking_base: str,
    set_name: str = DEFAULT_SET,
) -> Document:
    """One legal document of a dossier, for its owner and the competent officers, to be
    sent as `fmt` (pdf or html; recorded in the audit log)."""
    if kind not in DOSSIER_KINDS:
        raise NotFound(f"Không có loại văn bản '{kind}'.")
    dossier = find_visible(uow, actor=actor, code=code)
    documents = document_set(set_name)["documents"]
    spec = documents[kind]
    context = _dossier_context(uow, dossier, tracking_base)
    if kind == "refusal" and context.get("refusal_at_reception") is False:
        # refused after appraisal: the agency's notice, not the desk's form 03
        spec = documents.get("refusal_decision", spec)
    _require(spec.get("needs", ""), dossier, context)
    agency = uow.session.get(Agency, dossier.agency_id)
    assert agency is not None  # foreign key
    page = Page(agency=agency.name, agency_code=agency.code, form=spec["form"], title=spec["title"],
                place_date=_place_date(uow, agency), landscape=bool(spec.get("landscape")))
    _check_format(fmt)
    document = build(page, spec["blocks"], context, f"{code}-{kind}")
    uow.audit("dossier.document", actor_id=actor.account_id, object_type="dossier",
              object_id=str(dossier.id), summary={"kind": kind, "format": fmt})
    uow.commit()
    return document


def render_submission_receipt(
    uow: UnitOfWork, *, code: str, tracking_base: str, set_name: str = DEFAULT_SET
) -> Document:
    """The online submission receipt (sent as a PDF). The caller has checked the requester
    may have it (the browser that just submitted the dossier, or its signed-in applicant)."""
    dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    spec = document_set(set_name)["documents"]["submission"]
    agency = uow.session.get(Agency, dossier.agency_id)
    assert agency is not None  # foreign key
    page = Page(agency=agency.name, agency_code=agency.code, form=spec["form"], title=spec["title"],
                place_date=_place_date(uow, agency))
    return build(page, spec["blocks"], _dossier_context(uow, dossier, tracking_base),
                 f"bien-nhan-{code}")


def _require(needs: str, dossier: Dossier, context: dict[str, Any]) -> None:
    if needs == "received" and dossier.received_at is None:
        raise Conflict("Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận và hẹn trả kết quả.")
    if needs == "supplement" and not context.get("missing"):
        raise Conflict("Hồ sơ chưa có yêu cầu bổ sung nào.")
    if needs == "refused" and not context.get("refusal_reasons"):
        raise Conflict("Hồ sơ không bị từ chối.")
    if needs == "extended" and not context.get("new_due_at"):
        raise Conflict("Hồ sơ chưa được hẹn lại ngày trả kết quả.")
    if needs == "stopped" and not context.get("stop_reasons"):
        raise Conflict("Hồ sơ không bị dừng xử lý.")
    if needs == "cash_paid" and not context.get("receipt_number"):
        raise Conflict("Hồ sơ chưa nộp phí, lệ phí bằng tiền mặt tại Bộ phận Một cửa.")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound(f"Không hỗ trợ định dạng '{fmt}' (html hoặc pdf).")


def _files(uow: UnitOfWork, dossier: Dossier) -> list[str]:
    """The applicant's papers as filed: «paper: file name» — not the result the agency
    attaches at the end (the submission's receipt listed it as a paper the applicant sent)."""
    return [f"{a.paper}: {a.filename}" for a in uow.session.scalars(
        select(Attachment).where(Attachment.dossier_id == dossier.id,
                                 Attachment.replaced_at.is_(None),
                                 Attachment.paper != RESULT_PAPER).order_by(Attachment.id))]


def _dossier_context(uow: UnitOfWork, dossier: Dossier, tracking_base: str) -> dict[str, Any]:
    version = dossier.version
    manifest = loaded_version(uow, dossier.version_id).compiled.manifest
    received = _events(uow, dossier, "received")
    context: dict[str, Any] = {
        "code": dossier.code,
        "procedure_name": version.procedure.name,
        "procedure_code": version.procedure.code,
        "agency_name": dossier.agency.name,
        "applicant_name": dossier.applicant_name,
        "applicant_id_number": dossier.applicant_id_number,
        "submitted_at": _when(dossier.submitted_at),
        "received_at": _when(dossier.received_at),
        "received_day": _day(dossier.received_at),
        "received_or_submitted_at": _when(dossier.received_at or dossier.submitted_at),
        "received_or_submitted": (f"tiếp nhận lúc {_when(dossier.received_at)}"
                                  if dossier.received_at else
                                  f"nộp lúc {_when(dossier.submitted_at)}, chưa được tiếp nhận"),
        "due_at": _when(dossier.due_at),
        "received_by": _name(uow, received[-1].actor_id) if received else "",
        "tracking_url": f"{tracking_base.rstrip('/')}/tra-cuu?ma={dossier.code}",
        "components": [
            f"{c['name']} — {c['originals']} bản chính, {c['copies']} bản sao"
            for c in manifest.get("components", [])],
        "files": _files(uow, dossier),
        "dossier_class": CLASS_LABELS.get(classify(dossier.ended_at, dossier.due_at) or "", "")
        if dossier.ended_at else STATUS_LEGAL_LABELS[dossier.status],
        **applicant_context(dossier, manifest),
        **book_entry(uow.session, dossier),
    }
    requests = _events(uow, dossier, "supplement_requested")
    if requests:
        details = requests[-1].details or {}
        context["missing"] = details.get("missing", [])
        context["supplement_note"] = details.get("note", "")
        context["supplement_by"] = _name(uow, requests[-1].actor_id)
    context.update(_refusal(uow, dossier))
    extension = uow.session.scalar(
        select(DeadlineChange).where(DeadlineChange.dossier_id == dossier.id,
                                     DeadlineChange.kind == "extended"))
    if extension is not None:
        context.update(old_due_at=_when(extension.old_due_at),
                       new_due_at=_when(extension.new_due_at),
                       extension_reason=_sentence(extension.reason),
                       extended_by=_name(uow, extension.actor_id))
    context["slip_rows"] = _slip_rows(uow, dossier)
    context.update(stop_context(uow.session, dossier, lambda a: _name(uow, a)))
    context.update(receipt_context(uow.session, dossier, lambda a: _name(uow, a)))
    context.update(delivery_context(uow, dossier))
    return context


def _refusal(uow: UnitOfWork, dossier: Dossier) -> dict[str, Any]:
    """The refusal's reasons and who refused: the `refused` event every way of refusing
    records (before it existed for a step's form: the last step that wrote reasons).
    `refusal_at_reception`: the dossier was never received (form 03 of the desk); else the
    competent agency refused after appraisal (its notice, `refusal_decision`)."""
    refused = _events(uow, dossier, "refused")
    reasons, by = [], ""
    if refused and refused[-1].note:
        reasons, by = [refused[-1].note.strip()], _name(uow, refused[-1].actor_id)
    elif dossier.outcome == "refused":
        for task in uow.session.scalars(
            select(Task).where(Task.dossier_id == dossier.id, Task.state == "completed")
            .order_by(Task.completed_at)
        ):
            reason = (task.data or {}).get("ly_do_tu_choi")
            if reason:
                reasons, by = [str(reason)], _name(uow, task.completed_by_id)
    if not reasons:
        return {}
    refuser = refused[-1].actor_id if refused else None
    leader = refuser is not None and uow.session.scalar(select(RoleGrant.id).where(
        RoleGrant.account_id == refuser, RoleGrant.agency_id == dossier.agency_id,
        RoleGrant.role == LEADER).limit(1)) is not None
    return {"refusal_reasons": reasons, "refused_by": by,
            "refused_title": "THỦ TRƯỞNG CƠ QUAN" if leader else "NGƯỜI XỬ LÝ HỒ SƠ",
            "refusal_at_reception": dossier.received_at is None,
            "refused_at": _day(refused[-1].at) if refused else _day(dossier.ended_at)}


def _slip_rows(uow: UnitOfWork, dossier: Dossier) -> list[dict[str, str]]:
    """One row per hand-over: the process control slip is the dossier's task history."""
    manifest = loaded_version(uow, dossier.version_id).compiled.manifest
    labels = {v["role"]: v["label"] for v in manifest["roles"].values()}
    rows = []
    for task in uow.session.scalars(
        select(Task).where(Task.dossier_id == dossier.id).order_by(Task.id)
    ):
        if task.state == "completed":
            done = classify(task.completed_at, task.due_at) if task.completed_at else None
            result = CLASS_LABELS[done] if done else "Hoàn thành"
        else:
            result = _STEP_STATES.get(task.state, task.state)
        rows.append({
            "unit": f"{labels.get(task.role, task.role)} — {task.name}",
            "handed_at": _when(task.created_at),
            "step_due_at": _when(task.due_at),
            "done_at": _when(task.completed_at),
            "result": result,
            "note": _name(uow, task.completed_by_id),
        })
    return rows


def render_tracking_book(
    uow: UnitOfWork, *, actor: Actor, agency_code: str, start: date, end: date, fmt: str,
    set_name: str = DEFAULT_SET,
) -> Document:
    """The tracking book (sổ theo dõi) of an agency: dossiers received in [start, end], to
    be sent as `fmt` (pdf or html)."""
    agency = uow.session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {agency_code}.")
    if not may_read_tracking_book(actor, agency.id):
        raise Forbidden("Chỉ cán bộ của cơ quan được xem sổ theo dõi hồ sơ.")
    low = datetime.combine(start, time(0), VN_TZ)
    high = datetime.combine(end, time(0), VN_TZ) + timedelta(days=1)
    dossiers = uow.session.scalars(
        select(Dossier).where(Dossier.agency_id == agency.id, Dossier.submitted_at >= low,
                              Dossier.submitted_at < high).order_by(*TRACKING_ORDER))
    rows = []
    for number, dossier in enumerate(dossiers, start=1):
        rows.append({
            "index": str(number), "code": dossier.code,
            "procedure": dossier.version.procedure.name, "applicant": dossier.applicant_name,
            "received_at": _day(dossier.received_at or dossier.submitted_at),
            "due_at": _day(dossier.due_at), "ended_at": _day(dossier.ended_at),
            "result": CLASS_LABELS.get(classify(dossier.ended_at, dossier.due_at) or "", "")
            if dossier.ended_at else "",
            "status": STATUS_LEGAL_LABELS[dossier.status],
        })
    spec = document_set(set_name)["documents"]["tracking_book"]
    context = {"agency_name": agency.name, "period_start": _day(start), "period_end": _day(end),
               "book_rows": rows, "code": agency.code}
    page = Page(agency=agency.name, agency_code=agency.code, form=spec["form"], title=spec["title"],
                place_date=_place_date(uow, agency), landscape=bool(spec.get("landscape")))
    _check_format(fmt)
    return build(page, spec["blocks"], context,
                 f"so-theo-doi-{agency.code}-{start.isoformat()}-{end.isoformat()}")
