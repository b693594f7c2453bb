"""Dossier services: submit, read (owner and competent officers), public tracking."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from bpmn.limits import applicant_problems
from bpmn.runtime import ProcessError
from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import FormInvalid, Invalid, NotFound, RateLimited
from engine.core.models import Account, Dossier, Event, Task
from engine.core.permissions import (
    is_anonymous,
    is_citizen,
    is_desk_of,
    is_officer,
    may_read_dossier,
)
from engine.core.statuses import STATUS_LABELS, Status
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.dossiers.advance import advance_dossier
from engine.dossiers.codes import code_ending, next_dossier_code
from engine.dossiers.decision import decision_of
from engine.dossiers.postal_choice import ResultDelivery, checked_delivery, order_at_submission
from engine.dossiers.rows import DOSSIERS, DossierRow, record
from engine.dossiers.standing import standing, was_refused
from engine.identity.ratelimit import hit, in_minutes
from engine.legal_clock.calendars import calendar_for
from engine.legal_clock.lateness import classify, urgency
from engine.procedures.cache import LoadedVersion, loaded_version
from engine.procedures.catalogue import InForce, published_version
from engine.records.audit_search import EVENT_LABELS as EVENT_LABELS  # the timeline's

CHANNELS = ("online", "desk", "post")
_INSERT_DOSSIER = insert(DOSSIERS).returning(DOSSIERS.c.id)  # its state: the model's default


@dataclass(frozen=True)
class SubmissionLimits:
    """How many dossiers one caller may submit online within `window`: an anonymous caller
    per client address, a signed-in citizen per account. Officers (desk, post) and
    integrations (limited per API key) are not counted."""

    anonymous: int = 10
    citizen: int = 30
    window: timedelta = timedelta(minutes=10)
    # New drafts an anonymous caller may start in the window (each post of the form
    # without a draft key starts one, with its papers): generous, but not unbounded.
    anonymous_drafts: int = 30


def count_submission(
    uow: UnitOfWork, *, actor: Actor, client: str | None, limits: SubmissionLimits
) -> None:
    """Count one online submission; `RateLimited` when the caller already submitted its
    limit within the window. The hit joins the caller's transaction, so a refused form
    (rolled back) costs nothing: only dossiers actually created count."""
    if is_anonymous(actor) and client is not None:
        bucket, limit = f"submit:anonymous:{client}", limits.anonymous
    elif is_citizen(actor):
        bucket, limit = f"submit:citizen:{actor.account_id}", limits.citizen
    else:
        return
    try:
        hit(uow, bucket=bucket, limit=limit, window=limits.window, message="")
    except RateLimited as exc:
        window = in_minutes(limits.window.total_seconds())
        raise RateLimited(f"Đã nộp {limit} hồ sơ trong {window} phút, mức tối đa cho phép; vui "
                          f"lòng thử lại sau khoảng {in_minutes(exc.retry_after)} phút. Bản nháp "
                          "của bạn vẫn được giữ.", exc.retry_after) from exc


def submit_dossier(
    uow: UnitOfWork,
    *,
    actor: Actor,
    procedure_code: str,
    data: dict[str, Any],
    agency_code: str | None = None,
    channel: str = "online",
    client: str | None = None,
    limits: SubmissionLimits | None = None,
    delivery: ResultDelivery | None = None,
) -> dict[str, Any]:
    """Create a dossier on the published version, start its process, and commit.

    Online submissions come from anyone (the applicant is identified by the form's ID
    number), at most `limits` per caller (`client` is the caller's address); desk and
    post channels are entered by a one-stop desk officer. `delivery`: the result by post
    to that address (`postal_choice`), else at the desk.
    """
    created = create_dossier(uow, actor=actor, procedure_code=procedure_code, data=data,
                             agency_code=agency_code, channel=channel, client=client,
                             limits=limits, delivery=delivery)
    uow.commit()
    return created.summary


@dataclass(frozen=True)
class Created:
    """A dossier created in the caller's transaction (its live process instance is kept
    for the next step once that transaction commits)."""

    dossier_id: int
    summary: dict[str, Any]


def create_dossier(
    uow: UnitOfWork,
    *,
    actor: Actor,
    procedure_code: str,
    data: dict[str, Any],
    agency_code: str | None = None,
    channel: str = "online",
    client: str | None = None,
    limits: SubmissionLimits | None = None,
    delivery: ResultDelivery | None = None,
) -> Created:
    """`submit_dossier` without the commit, for callers that add to the same transaction."""
    actor.require("dossiers:submit")  # an API key needs the scope; people pass
    delivery = checked_delivery(delivery) if delivery is not None else None
    if channel not in CHANNELS:
        raise Invalid(f"Kênh nộp không hợp lệ: {channel}")
    version = published_version(uow, code=procedure_code, agency_code=agency_code)
    if version.closed:  # a closed agency keeps its history but takes no new dossier
        raise Invalid(f"{version.agency_name} đã ngừng tiếp nhận hồ sơ (cơ quan đã đóng).")
    if channel != "online" and not is_desk_of(actor, version.agency_id):
        raise Invalid("Chỉ cán bộ Bộ phận Một cửa được nhập hồ sơ nộp trực tiếp hoặc qua bưu chính.")
    if channel == "online":
        count_submission(uow, actor=actor, client=client, limits=limits or SubmissionLimits())
    loaded = loaded_version(uow, version.version_id)
    _check_form(loaded, data)
    try:
        instance = loaded.model.start(data)
    except ProcessError as exc:
        raise Invalid(f"Quy trình không chạy được với dữ liệu này: {exc}") from exc
    now = uow.clock.now()
    dossier = _insert(uow, actor, version, channel=channel, data=data,
                      applicant=loaded.compiled.manifest.get("applicant", {}), now=now)
    record(uow, dossier, "submitted", actor=actor)
    advance_dossier(uow, dossier, actor, lambda step: step.synchronise(), instance=instance,
                    commit=False)
    summary = _summary(dossier, procedure=(version.code, version.name),
                       agency=(version.agency_code, version.agency_name), submitted_at=now)
    summary["result_delivery"] = None if delivery is None else order_at_submission(
        uow, actor=actor, dossier=dossier, delivery=delivery)
    return Created(dossier.id, summary)


def _check_form(loaded: LoadedVersion, data: Any) -> None:
    """Refuse a start form that fails its schema or the platform's limits (no undeclared
    field, no oversized text, list or document), or an over-long applicant, by field."""
    if not isinstance(data, dict):
        raise Invalid("Dữ liệu tờ khai phải là một đối tượng JSON.")
    errors = loaded.validator(loaded.compiled.start_form).validate_submission(data)
    if errors:
        raise FormInvalid("Tờ khai chưa hợp lệ.", details=[e.as_dict() for e in errors])
    _check_applicant_widths(data, loaded.compiled.manifest)


def _insert(
    uow: UnitOfWork, actor: Actor, version: InForce, *, channel: str,
    data: dict[str, Any], applicant: dict[str, Any], now: datetime,
) -> DossierRow:
    """The new dossier's row (status 1, its code taken from the unit's daily counter)."""
    code = next_dossier_code(uow, unit_code=version.agency_code, at=now)
    name = str(pick(data, applicant.get("name", "ho_ten")) or "")
    owner_id = actor.account_id if is_citizen(actor) else None
    dossier_id = uow.connection.execute(_INSERT_DOSSIER, {
        "code": code, "agency_id": version.agency_id, "version_id": version.version_id,
        "owner_id": owner_id,
        "applicant_name": name, "applicant_search": fold(name),
        "applicant_id_number": str(pick(data, applicant.get("id_number", "so_dinh_danh")) or ""),
        "channel": channel, "data": data, "status": Status.REGISTERED,
        "submitted_at": now, "row_version": 1,
    }).scalar_one()
    return DossierRow(
        id=dossier_id, code=code, agency_id=version.agency_id, version_id=version.version_id,
        channel=channel, status=Status.REGISTERED, outcome=None, row_version=1,
        received_at=None, clock_started_at=None, due_at=None, original_due_at=None,
        ended_at=None, returned_at=None, owner_id=owner_id,
        province_id=version.province_id, calendar_version=version.calendar_version,
    )


def _check_applicant_widths(data: dict[str, Any], manifest: dict[str, Any]) -> None:
    """Refuse, by field and in Vietnamese, an applicant name or ID number longer than its
    column (the form may not limit it), instead of failing the insert."""
    errors = [{"field": path, "message": message}
              for path, message in applicant_problems(manifest, data)]
    if errors:
        raise FormInvalid("Tờ khai chưa hợp lệ.", details=errors)


def pick(data: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of form data (None when absent)."""
    node: Any = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _summary(
    dossier: Dossier | DossierRow,
    *,
    procedure: tuple[str, str],
    agency: tuple[str, str],
    submitted_at: datetime,
) -> dict[str, Any]:
    """The dossier's public summary; `procedure` and `agency` are (code, name)."""
    return {
        "code": dossier.code,
        "procedure": procedure[0],
        "procedure_name": procedure[1],
        "agency": {"code": agency[0], "name": agency[1]},
        "status": dossier.status,
        "status_label": STATUS_LABELS[dossier.status],
        "channel": dossier.channel,
        "submitted_at": local_iso(submitted_at),
        "received_at": local_iso(dossier.received_at),
        "due_at": local_iso(dossier.due_at),
        "ended_at": local_iso(dossier.ended_at),
        "returned_at": local_iso(dossier.returned_at),
        "outcome": dossier.outcome,
    }


def _stored_summary(dossier: Dossier) -> dict[str, Any]:
    procedure = dossier.version.procedure
    return _summary(dossier, procedure=(procedure.code, procedure.name),
                    agency=(dossier.agency.code, dossier.agency.name),
                    submitted_at=dossier.submitted_at)


def find_visible(uow: UnitOfWork, *, actor: Actor, code: str, lock: bool = False) -> Dossier:
    """The dossier with `code` if the actor may read it; `NotFound` otherwise (no leaking).
    With `lock`, its row is locked for this transaction and read afresh (one statement).

    Besides its owner and the competent agency, officers of an agency that was handed a
    step of it (liên thông) read it too.
    """
    query = select(Dossier).where(Dossier.code == code)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    dossier = uow.session.scalar(query)
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    if may_read_dossier(actor, dossier.agency_id, dossier.owner_id):
        return dossier
    if is_officer(actor) and uow.session.scalar(
            select(Task.id).where(Task.dossier_id == dossier.id,
                                  Task.agency_id.in_(actor.agencies())).limit(1)) is not None:
        return dossier
    raise NotFound("Không tìm thấy hồ sơ.")


def get_dossier(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """The full dossier: data, tasks and history, for its owner and competent officers."""
    actor.require("dossiers:read")
    dossier = find_visible(uow, actor=actor, code=code)
    compiled = loaded_version(uow, dossier.version_id).compiled
    uow.audit("dossier.read", actor_id=actor.account_id, object_type="dossier",
              object_id=str(dossier.id))
    tasks = uow.session.scalars(
        select(Task).where(Task.dossier_id == dossier.id).order_by(Task.id)
    ).all()

    view = {
        **_stored_summary(dossier),
        "applicant": {"name": dossier.applicant_name, "id_number": dossier.applicant_id_number},
        "version": dossier.version.number,
        "original_due_at": local_iso(dossier.original_due_at),
        "supplement_rounds": dossier.supplement_rounds,
        "extended": dossier.extended_at is not None,
        "result": classify(dossier.ended_at, dossier.due_at) if dossier.ended_at else None,
        "urgency": None if dossier.ended_at else urgency(
            calendar_for(uow, dossier.agency_id), uow.clock.now(), dossier.due_at,
            dossier.clock_started_at),
        "data": dossier.data,
        "start_form": compiled.forms[compiled.start_form],
        "start_form_ui": compiled.ui_for(compiled.start_form),
        "tasks": [task_view(t) for t in tasks],
        "standing": standing(uow, dossier),
        "decision": decision_of(uow, dossier, compiled, tasks),  # what the applicant is told
        "events": timeline(uow, dossier.id),
    }
    uow.commit()
    return view


def timeline(uow: UnitOfWork, dossier_id: int) -> list[dict[str, Any]]:
    """The dossier's history, oldest first, with who did what, at which step, and when."""
    rows = uow.session.execute(
        select(Event, Account.full_name, Task.name)
        .outerjoin(Account, Event.actor_id == Account.id)
        .outerjoin(Task, Event.task_id == Task.id)
        .where(Event.dossier_id == dossier_id).order_by(Event.id)).all()
    return [{"kind": e.kind, "label": EVENT_LABELS.get(e.kind, e.kind), "at": local_iso(e.at),
             "status": e.status, "step": e.step, "step_name": step or "", "note": e.note,
             "actor": name or ""}
            for e, name, step in rows]


def task_view(task: Task) -> dict[str, Any]:
    """A task row as plain data."""
    return {
        "id": task.id,
        "dossier": task.dossier.code,
        "step": task.bpmn_id,
        "name": task.name,
        "role": task.role,
        "state": task.state,
        "assignee_id": task.assignee_id,
        "created_at": local_iso(task.created_at),
        "due_at": local_iso(task.due_at),
        "completed_at": local_iso(task.completed_at),
        "result": classify(task.completed_at, task.due_at) if task.completed_at else None,
        "data": task.data,
    }


TRACK_PER_MINUTE = 20


def track(
    uow: UnitOfWork, *, code: str, id_number: str, client: str | None = None,
    per_minute: int = TRACK_PER_MINUTE,
) -> dict[str, Any]:
    """Public tracking: status, due time and the agency, only with the applicant's ID number.

    Each `client` (caller address) may look up `per_minute` times a minute, found or not:
    guessing codes and ID numbers is slowed to a crawl.
    """
    if client is not None:
        hit(uow, bucket=f"track:{client}", limit=per_minute, window=timedelta(minutes=1),
            message="Tra cứu quá nhiều lần trong một phút; vui lòng thử lại sau.")
        uow.commit()
    dossier = _by_code(uow, code)
    given = id_number.strip().encode()
    if dossier is None or not hmac.compare_digest(given, dossier.applicant_id_number.encode()):
        raise NotFound("Không tìm thấy hồ sơ với mã và số định danh đã nhập.")
    view = _public_view(uow, dossier)
    uow.audit("dossier.track", actor_id=None, object_type="dossier", object_id=str(dossier.id))
    uow.commit()
    return view


def track_by_code(uow: UnitOfWork, *, code: str) -> dict[str, Any]:
    """The same minimal view, for the browser that has just submitted the dossier."""
    dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    return _public_view(uow, dossier)


def _by_code(uow: UnitOfWork, code: str) -> Dossier | None:
    """The dossier a typed code names, in any letter case («000.00.12.h64-…» as typed
    from a receipt): the code itself first, else the one code of its day that matches
    ignoring case (`codes.code_ending`, within the submission index's day)."""
    code = code.strip()
    dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
    same = code_ending(code, whole=True)
    if dossier is not None or same is None:
        return dossier
    found = uow.session.scalars(select(Dossier).where(same).limit(2)).all()
    return found[0] if len(found) == 1 else None


def _public_view(uow: UnitOfWork, dossier: Dossier) -> dict[str, Any]:
    now = standing(uow, dossier, post_first=True)
    return {
        "code": dossier.code,
        "procedure_name": dossier.version.procedure.name,
        "status": dossier.status,
        "status_label": STATUS_LABELS[dossier.status],
        "submitted_at": local_iso(dossier.submitted_at),
        "due_at": local_iso(dossier.due_at),
        "agency": dossier.agency.name,
        "current_step": now["label"] if now["kind"] == "step" else None,
        # what the dossier waits for, or how it ended, when no step is open
        "standing": {k: now[k] for k in ("kind", "label", "since")},
        # "refused": the agency refused it (at reception or after appraisal), whatever
        # the national status says (9, 10 also end a granted dossier)
        "outcome": "refused" if was_refused(uow, dossier) else dossier.outcome,
    }
