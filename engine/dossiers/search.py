"""The dossiers of my agency: a searchable, filterable list with keyset paging.

Scope (`permissions.listed_agencies`): an officer sees the dossiers of the agencies they
hold a role in — or, with `scope="consulted"`, those of other agencies that handed one
of theirs a step (xin ý kiến, liên thông); administrators every agency. Newest
submission first; a page ends with a cursor (`after`) naming its last row, so the next
page is a range scan, never an OFFSET. There is no total: counting every match cost more
than the page itself.
Indexes (migration 0016): `ix_dossiers_agency_submitted` (agency, submitted, id),
`ix_dossiers_agency_status` (agency, status, submitted, id), `ix_dossiers_agency_received`
(agency, received), `ix_dossiers_submitted` (submitted, id) for administrators,
`ix_dossiers_id_number`, and `ix_tasks_completed_by` (completed_by, agency, dossier) for
"done by me" and the officer filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, tuple_

from engine.core.actors import Actor
from engine.core.clock import VN_TZ, local_iso
from engine.core.errors import Forbidden, Invalid
from engine.core.models import (
    Account,
    DeadlineChange,
    Dossier,
    Payment,
    Procedure,
    ProcedureVersion,
    RoleGrant,
    Task,
)
from engine.core.permissions import is_officer, listed_agencies, may_list_dossiers, may_see_task
from engine.core.statuses import STATUS_LABELS, WAITING_FOR_APPLICANT, Status
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.dossiers.appraisal import history, papers
from engine.dossiers.codes import code_ending
from engine.dossiers.submit import find_visible, get_dossier
from engine.procedures.cache import loaded_version

LIST_LIMIT = 100
VIEWS = ("processing", "done_by_me", "supplement")
TIMELINESS = ("late", "on_time")
SCOPES = ("agency", "consulted")
PROCESSING_STATUSES = (Status.RECEIVED, Status.PROCESSING)
MAX_MICROS = 253_402_300_799_000_000  # 9999-12-31T23:59:59Z


@dataclass(frozen=True)
class DossierQuery:
    """What the officer narrowed the list to (None: no narrowing)."""

    search: str | None = None  # a dossier code, an ID number, or part of the applicant's name
    procedure: str | None = None  # procedure code
    status: int | None = None  # national status code
    view: str | None = None  # a quick view: VIEWS
    received_from: date | None = None  # local dates, both ends included
    received_to: date | None = None
    timeliness: str | None = None  # TIMELINESS
    step: str | None = None  # the step (BPMN id) a task of the dossier waits at
    officer: int | None = None  # an account that holds or completed a step of the dossier
    scope: str = "agency"  # SCOPES
    after: str | None = None  # the cursor of the previous page
    limit: int = 50


def encode_cursor(submitted_at: datetime, dossier_id: int) -> str:
    """The position after a row: its submission instant (µs since the epoch) and its id."""
    micros = (submitted_at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return f"{micros}.{dossier_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (instant, id) a cursor names; `Invalid` when it names nothing."""
    micros, _, dossier_id = cursor.partition(".")
    if not (micros.isdigit() and dossier_id.isdigit() and len(micros) <= 18
            and len(dossier_id) <= 18):
        raise Invalid("Tham số 'after' không phải vị trí trang hợp lệ.")
    if int(micros) > MAX_MICROS:
        raise Invalid("Tham số 'after' không phải vị trí trang hợp lệ.")
    instant = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))
    return instant, int(dossier_id)


def _local_day_start(day: date) -> datetime:
    """Midnight of a Vietnamese day."""
    return datetime.combine(day, time(), VN_TZ)


def _scope(agencies: set[int] | None, scope: str) -> list[ColumnElement[bool]]:
    if agencies is None:
        return []
    if scope == "consulted":
        handed = select(Task.dossier_id).where(Task.agency_id.in_(sorted(agencies)))
        return [Dossier.agency_id.not_in(sorted(agencies)), Dossier.id.in_(handed)]
    return [Dossier.agency_id.in_(sorted(agencies))]


def _search(text: str) -> ColumnElement[bool]:
    """A dossier code or its end (`261130-0003`, any letter case), an ID number (exactly),
    or part of the applicant's name without diacritics: one of the three, so that each
    uses its own index or scan. A code's end is looked for within the day its `YYMMDD`
    names (`codes.code_ending`): a range of the agency's submission index, not a scan."""
    needle = text.strip()
    ending = code_ending(needle)
    if ending is not None:
        return ending
    if needle.isdigit():
        return or_(Dossier.applicant_id_number == needle, Dossier.code == needle)
    if any(c.isdigit() for c in needle) and " " not in needle and ("-" in needle or "." in needle):
        return Dossier.code == needle
    return Dossier.applicant_search.contains(fold(needle), autoescape=True)


def _timeliness(kind: str, now: datetime) -> ColumnElement[bool]:
    """Late: ended after its due time, or still open past it while the agency holds it
    (a dossier waiting for the applicant's supplement or fee is not late: its clock waits)."""
    held = Dossier.status.not_in(WAITING_FOR_APPLICANT)
    if kind == "late":
        return or_(and_(Dossier.ended_at.is_not(None), Dossier.ended_at > Dossier.due_at),
                   and_(Dossier.ended_at.is_(None), Dossier.due_at < now, held))
    return or_(and_(Dossier.ended_at.is_not(None), Dossier.ended_at <= Dossier.due_at),
               and_(Dossier.ended_at.is_(None), Dossier.due_at.is_not(None),
                    or_(Dossier.due_at >= now, ~held)))


def _tasks(agencies: set[int] | None, scope: str, *where: ColumnElement[bool]) -> Any:
    """Dossiers having a task that matches: among the agency's own tasks when the list
    shows the agency's dossiers (the task table's agency indexes narrow it first)."""
    tasks = select(Task.dossier_id).where(*where)
    if agencies is not None and scope == "agency":
        tasks = tasks.where(Task.agency_id.in_(sorted(agencies)))
    return Dossier.id.in_(tasks)


def _view(view: str, actor: Actor, agencies: set[int] | None, scope: str) -> Any:
    if view == "processing":
        return Dossier.status.in_(PROCESSING_STATUSES)
    if view == "supplement":
        return Dossier.status == Status.SUPPLEMENT
    return _handled(Task.completed_by_id == actor.account_id)


def _handled(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Dossiers with a task an officer held or completed: EXISTS, which PostgreSQL answers
    by hashing the officer's tasks from `ix_tasks_completed_by`/`ix_tasks_assignee`
    against the agency's index (an IN restricted to the agency misjudged how many)."""
    return exists(select(Task.id).where(Task.dossier_id == Dossier.id, condition))


def _dates(query: DossierQuery) -> list[ColumnElement[bool]]:
    found = []
    if query.received_from is not None:
        found.append(Dossier.received_at >= _local_day_start(query.received_from))
    if query.received_to is not None:
        end = _local_day_start(query.received_to + timedelta(days=1))
        # received after submission: the bound holds for both, and lets the newest-first
        # index start at the period's end instead of today
        found.extend([Dossier.received_at < end, Dossier.submitted_at < end])
    return found


def _conditions(query: DossierQuery, actor: Actor, now: datetime) -> list[Any]:
    agencies = listed_agencies(actor)
    found: list[Any] = _scope(agencies, query.scope) + _dates(query)
    if query.search and query.search.strip():
        found.append(_search(query.search))
    if query.procedure:
        found.append(Dossier.version_id.in_(
            select(ProcedureVersion.id).join(Procedure).where(Procedure.code == query.procedure)))
    if query.status is not None:
        found.append(Dossier.status == query.status)
    if query.view:
        found.append(_view(query.view, actor, agencies, query.scope))
    if query.timeliness:
        found.append(_timeliness(query.timeliness, now))
    if query.step:
        found.append(_tasks(agencies, query.scope, Task.state == "open",
                            Task.bpmn_id == query.step))
    if query.officer is not None:
        found.append(_handled(or_(Task.assignee_id == query.officer,
                                  Task.completed_by_id == query.officer)))
    return found


def _check(query: DossierQuery) -> None:
    if query.view is not None and query.view not in VIEWS:
        raise Invalid(f"Tham số 'view' phải là một trong: {', '.join(VIEWS)}.")
    if query.timeliness is not None and query.timeliness not in TIMELINESS:
        raise Invalid(f"Tham số 'timeliness' phải là một trong: {', '.join(TIMELINESS)}.")
    if query.scope not in SCOPES:
        raise Invalid(f"Tham số 'scope' phải là một trong: {', '.join(SCOPES)}.")
    if query.status is not None and query.status not in STATUS_LABELS:
        raise Invalid("Tham số 'status' phải là mã trạng thái từ 1 đến 10.")
    if (query.received_from and query.received_to
            and query.received_to < query.received_from):
        raise Invalid("Ngày tiếp nhận 'đến' phải sau ngày 'từ'.")


def search_dossiers(uow: UnitOfWork, *, actor: Actor, query: DossierQuery) -> dict[str, Any]:
    """One page of the dossiers the actor may list, newest submission first, with the
    cursor of the next page (None on the last). No total: counting the matches cost more
    than the page (every match's row read), so the list pages on without one."""
    if not may_list_dossiers(actor):
        raise Forbidden("Danh sách hồ sơ của cơ quan dành cho cán bộ và quản trị hệ thống.")
    actor.require("dossiers:read")
    _check(query)
    now = uow.clock.now()
    conditions = _conditions(query, actor, now)
    limit = max(1, min(query.limit, LIST_LIMIT))
    keys = select(Dossier.id, Dossier.submitted_at).where(*conditions)
    if query.after:
        keys = keys.where(tuple_(Dossier.submitted_at, Dossier.id) < decode_cursor(query.after))
    chosen = list(uow.session.execute(
        keys.order_by(Dossier.submitted_at.desc(), Dossier.id.desc()).limit(limit + 1)))
    more = len(chosen) > limit
    chosen = chosen[:limit]
    return {"dossiers": _views(uow, _rows(uow, [c.id for c in chosen]), now),
            "next": encode_cursor(chosen[-1].submitted_at, chosen[-1].id) if more else None}


def _rows(uow: UnitOfWork, ids: list[int]) -> list[Any]:
    """The page's rows, in the order chosen. Choosing the ids first lets PostgreSQL answer
    from the indexes alone (the agency's, the officer's tasks) and read 50 rows, where
    selecting every column made it read each match (4,500 for "done by me")."""
    if not ids:
        return []
    found = {r.id: r for r in uow.session.execute(
        select(Dossier.id, Dossier.code, Dossier.applicant_name, Dossier.applicant_id_number,
               Dossier.version_id, Dossier.status, Dossier.channel, Dossier.submitted_at,
               Dossier.received_at, Dossier.due_at, Dossier.ended_at)
        .where(Dossier.id.in_(ids)))}
    return [found[i] for i in ids]


def _timely(row: Any, now: datetime) -> str | None:
    if row.due_at is None:
        return None
    if row.ended_at is not None:
        return "late" if row.ended_at > row.due_at else "on_time"
    return "late" if row.due_at < now and row.status not in WAITING_FOR_APPLICANT else "on_time"


def _views(uow: UnitOfWork, rows: list[Any], now: datetime) -> list[dict[str, Any]]:
    names = _procedures(uow, {r.version_id for r in rows})
    steps = _open_steps(uow, [r.id for r in rows])
    return [{"code": r.code, "applicant": r.applicant_name, "id_number": r.applicant_id_number,
             "procedure": names.get(r.version_id, ("", ""))[0],
             "procedure_name": names.get(r.version_id, ("", ""))[1],
             "status": r.status, "status_label": STATUS_LABELS[r.status], "channel": r.channel,
             "submitted_at": local_iso(r.submitted_at), "received_at": local_iso(r.received_at),
             "due_at": local_iso(r.due_at), "ended_at": local_iso(r.ended_at),
             "timeliness": _timely(r, now), "steps": steps.get(r.id, [])}
            for r in rows]


def _procedures(uow: UnitOfWork, version_ids: set[int]) -> dict[int, tuple[str, str]]:
    if not version_ids:
        return {}
    rows = uow.session.execute(
        select(ProcedureVersion.id, Procedure.code, Procedure.name)
        .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
        .where(ProcedureVersion.id.in_(version_ids)))
    return {int(v): (str(code), str(name)) for v, code, name in rows}


def _open_steps(uow: UnitOfWork, dossier_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The steps each dossier waits at, with the officer holding each (if any)."""
    if not dossier_ids:
        return {}
    found: dict[int, list[dict[str, Any]]] = {}
    rows = uow.session.execute(
        select(Task.dossier_id, Task.bpmn_id, Task.name, Account.full_name)
        .outerjoin(Account, Task.assignee_id == Account.id)
        .where(Task.dossier_id.in_(dossier_ids), Task.state == "open").order_by(Task.id))
    for dossier_id, step, name, officer in rows:
        found.setdefault(int(dossier_id), []).append(
            {"step": step, "name": name, "officer": officer or ""})
    return found


def search_choices(uow: UnitOfWork, *, actor: Actor) -> dict[str, Any]:
    """What the list's filters offer: the procedures, the steps dossiers wait at and the
    officers of the actor's agencies (everything, for administrators)."""
    if not may_list_dossiers(actor):
        raise Forbidden("Danh sách hồ sơ của cơ quan dành cho cán bộ và quản trị hệ thống.")
    agencies = listed_agencies(actor)
    procedures = select(Procedure.code, Procedure.name).distinct().order_by(Procedure.name)
    # every procedure: an agency may run procedures another agency configured
    steps = select(Task.bpmn_id, Task.name).where(Task.state == "open").distinct()
    officers = (select(Account.id, Account.full_name).join(RoleGrant, RoleGrant.account_id == Account.id)
                .distinct().order_by(Account.full_name))
    if agencies is not None:
        steps = steps.where(Task.agency_id.in_(sorted(agencies)))
        officers = officers.where(RoleGrant.agency_id.in_(sorted(agencies)))
    by_step: dict[str, str] = {}
    for step, name in uow.session.execute(steps.limit(500)):
        by_step.setdefault(str(step), str(name))
    return {
        "procedures": [{"code": c, "name": n} for c, n in uow.session.execute(procedures)],
        "steps": [{"step": s, "name": n} for s, n in sorted(by_step.items(), key=lambda i: i[1])],
        "officers": [{"id": int(i), "name": n} for i, n in uow.session.execute(officers)],
        "statuses": [{"code": int(s), "label": label} for s, label in STATUS_LABELS.items()],
    }


DEADLINE_LABELS = {"received": "Tiếp nhận: bắt đầu tính thời hạn",
                   "supplemented": "Tính lại hạn sau khi bổ sung hồ sơ",
                   "extended": "Hẹn lại ngày trả kết quả (Mẫu 04)",
                   "calendar": "Lịch làm việc thay đổi",
                   "paid": "Đã nộp phí, lệ phí: cộng lại thời gian chờ nộp",
                   "payment_request_cancelled": "Hủy yêu cầu nộp phí: cộng lại thời gian chờ nộp"}
# The documents of a dossier an officer may print again: (kind, form, title).
DOCUMENTS = (("receipt", "Mẫu 01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
             ("supplement", "Mẫu 02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
             ("refusal", "Mẫu 03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
             ("apology", "Mẫu 04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
             ("control_slip", "Mẫu 05", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
             ("stop_notice", "Mẫu 05 (TT 03/2025)", "Thông báo dừng xử lý hồ sơ"),
             ("fee_receipt", "Biên lai", "Biên lai thu phí, lệ phí"))


def document_entry(kind: str, form: str, title: str, dossier: Dossier) -> dict[str, str]:
    """A document to print again; a refusal after reception is the agency's notice, not
    the desk's form 03 (`engine.reports.documents`)."""
    if kind == "refusal" and dossier.received_at is not None:
        return {"kind": kind, "form": "Điều 16 NĐ 61/2018", "title": REFUSAL_DECISION}
    return {"kind": kind, "form": form, "title": title}


REFUSAL_DECISION = "Thông báo từ chối giải quyết hồ sơ"


def dossier_file(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """Everything the officers' dossier page shows: the dossier (`get_dossier`: data,
    status, tasks; reading it is recorded), its papers with their versions, the legal
    clock's moves, the history in words and the documents it has to print again
    (`documents`: kind, form, title; `tracking_book`: its agency's Mẫu 06, if the actor
    holds a role there)."""
    if not is_officer(actor):
        raise Forbidden("Trang hồ sơ dành cho cán bộ của cơ quan giải quyết hoặc được "
                        "xin ý kiến; quản trị hệ thống không mở dữ liệu cá nhân của hồ sơ.")
    view = get_dossier(uow, actor=actor, code=code)
    dossier = find_visible(uow, actor=actor, code=code)
    components = loaded_version(uow, dossier.version_id).compiled.manifest.get("components")
    changes = uow.session.scalars(select(DeadlineChange).where(
        DeadlineChange.dossier_id == dossier.id).order_by(DeadlineChange.id))
    events = history(uow, dossier.id)
    open_tasks = uow.session.scalars(select(Task).where(Task.dossier_id == dossier.id,
                                                        Task.state == "open"))
    refusals = [e for e in events if e["kind"] == "refused"]
    available = {"receipt": dossier.received_at is not None,
                 "supplement": any(e["kind"] == "supplement_requested" for e in events),
                 "refusal": bool(refusals) or dossier.outcome == "refused",
                 "apology": dossier.extended_at is not None, "control_slip": True,
                 "stop_notice": dossier.status == Status.STOPPED,
                 "fee_receipt": uow.session.scalar(select(Payment.id).where(
                     Payment.dossier_id == dossier.id, Payment.receipt_number.is_not(None)
                 ).limit(1)) is not None}
    return {
        **view,
        "papers": papers(uow, dossier, components if isinstance(components, list) else []),
        "history": events,
        "deadlines": [{"at": local_iso(c.at), "label": DEADLINE_LABELS.get(c.kind, "Thay đổi thời hạn"),
                       "old_due_at": local_iso(c.old_due_at),
                       "new_due_at": local_iso(c.new_due_at), "reason": c.reason}
                      for c in changes],
        "documents": [document_entry(k, f, t, dossier) for k, f, t in DOCUMENTS if available[k]],
        # every request, at reception too (`supplement_rounds` counts those after it,
        # for the legal clock's statistics)
        "supplement_requests": sum(e["kind"] == "supplement_requested" for e in events),
        "refusal": {"reason": refusals[-1]["note"], "at": refusals[-1]["at"],
                    "actor": refusals[-1].get("actor"),
                    "at_reception": dossier.received_at is None} if refusals else None,
        "tracking_book": dossier.agency_id in actor.agencies(),
        "my_tasks": [t.id for t in open_tasks
                     if may_see_task(actor, t.agency_id, t.role, t.assignee_id)],
    }
