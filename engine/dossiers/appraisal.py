"""The task page as an appraisal desk (read model): the papers of a dossier with their
versions, every earlier step's decision and opinion in words with the documents officers
attached at it, the consultations and their answers, the history in words, and the units
that may be consulted.

Plain values only; the pages decide how to show them. An officer's working documents are
stored as attachments that belong to no paper of the dossier (the applicant never sees
them) and are tied to their step by a `STEP_DOCUMENT` event.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bpmn.words import OUTCOMES
from engine.core.clock import local_iso
from engine.core.models import Account, Agency, Attachment, Dossier, Event, Task
from engine.core.statuses import STATUS_LABELS
from engine.core.uow import UnitOfWork
from engine.dossiers.actions import CONSULT_STEP, OPINION_SCHEMA
from engine.dossiers.submit import EVENT_LABELS
from forms import describe_data

# The event tying an officer's working document to the step it was attached at.
STEP_DOCUMENT = "step_document_attached"
PREVIEWABLE = frozenset({"application/pdf", "image/png", "image/jpeg"})
# Titles of what a step records outside its form (a refusal's reasons).
_OUTSIDE_FORM = {"ly_do_tu_choi": "Lý do từ chối"}
_LABELS = {**EVENT_LABELS, STEP_DOCUMENT: "Đính kèm tài liệu xử lý"}


def _file(attachment: Attachment, uploader: str | None) -> dict[str, Any]:
    kind = ("pdf" if attachment.media_type == "application/pdf"
            else "image" if attachment.media_type in PREVIEWABLE else None)
    return {"id": attachment.id, "filename": attachment.filename,
            "media_type": attachment.media_type, "size": attachment.size, "preview": kind,
            "uploaded_at": local_iso(attachment.uploaded_at), "uploaded_by": uploader or "",
            "replaced_at": local_iso(attachment.replaced_at),
            "reused": attachment.reused_from_id is not None}


def papers(uow: UnitOfWork, dossier: Dossier, components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every paper of the dossier in the procedure's order (others after), each file with
    who attached it and when. By the replaced mark, never by the newest row: `currents`
    are the files in use (every one not replaced, newest first; several for a paper of
    several files), `current` the first of them (None when all were replaced), `earlier`
    the replaced versions, newest first."""
    rows = uow.session.execute(
        select(Attachment, Account.full_name)
        .outerjoin(Account, Attachment.uploaded_by_id == Account.id)
        .where(Attachment.dossier_id == dossier.id).order_by(Attachment.id.desc())).all()
    grouped: dict[str, dict[bool, list[dict[str, Any]]]] = defaultdict(
        lambda: {True: [], False: []})
    for attachment, uploader in rows:
        grouped[attachment.paper][attachment.replaced_at is None].append(
            _file(attachment, uploader or dossier.applicant_name))
    order = [str(c["name"]) for c in components]
    names = [n for n in order if n in grouped] + [n for n in grouped if n not in order]
    return [{"paper": name, "current": next(iter(grouped[name][True]), None),
             "currents": grouped[name][True], "earlier": grouped[name][False]}
            for name in names]


def step_documents(uow: UnitOfWork, dossier_id: int) -> dict[int, list[dict[str, Any]]]:
    """The working documents officers attached, by the task they were attached at."""
    events = uow.session.execute(
        select(Event.task_id, Event.details).where(Event.dossier_id == dossier_id,
                                                   Event.kind == STEP_DOCUMENT)
        .order_by(Event.id)).all()
    wanted = {int(d["attachment"]): task_id for task_id, d in events
              if task_id is not None and isinstance(d, dict) and "attachment" in d}
    if not wanted:
        return {}
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for attachment, uploader in uow.session.execute(
            select(Attachment, Account.full_name)
            .outerjoin(Account, Attachment.uploaded_by_id == Account.id)
            .where(Attachment.id.in_(list(wanted)), Attachment.dossier_id.is_(None),
                   Attachment.draft_id.is_(None)).order_by(Attachment.id)).all():
        found[wanted[attachment.id]].append(_file(attachment, uploader))
    return dict(found)


def is_step_document(uow: UnitOfWork, dossier_id: int, attachment_id: int) -> bool:
    """Whether `attachment_id` is a working document attached at a step of the dossier."""
    return attachment_id in {
        int(d["attachment"]) for d in uow.session.scalars(
            select(Event.details).where(Event.dossier_id == dossier_id,
                                        Event.kind == STEP_DOCUMENT))
        if isinstance(d, dict) and "attachment" in d}


def _role_labels(manifest: dict[str, Any]) -> dict[str, str]:
    roles = manifest.get("roles")
    if not isinstance(roles, dict):
        return {}
    return {str(r["role"]): str(r.get("label") or r["role"]) for r in roles.values()
            if isinstance(r, dict) and "role" in r}


def earlier_steps(
    uow: UnitOfWork, dossier: Dossier, compiled: Any, *, current_task_id: int | None = None
) -> list[dict[str, Any]]:
    """Every completed step in the order it was done — who (with the role's label), when,
    what they decided and wrote in words (the form's titles and the labels of its choices),
    the documents they attached — and the consultations, answered or still awaited."""
    done_by, agency = aliased(Account), aliased(Agency)
    rows = uow.session.execute(
        select(Task, done_by.full_name, agency.name)
        .outerjoin(done_by, Task.completed_by_id == done_by.id)
        .join(agency, Task.agency_id == agency.id)
        .where(Task.dossier_id == dossier.id, Task.id != (current_task_id or 0),
               (Task.state == "completed") | (Task.bpmn_id == CONSULT_STEP))
        .order_by(Task.completed_at.is_(None), Task.completed_at, Task.id)).all()
    documents = step_documents(uow, dossier.id)
    roles = _role_labels(compiled.manifest)
    steps = []
    for task, who, unit in rows:
        consultation = task.bpmn_id == CONSULT_STEP
        if consultation:
            schema, ui = OPINION_SCHEMA, None
        else:
            schema, ui = compiled.forms.get(task.form, {}), compiled.ui_for(task.form)
        words = [(_OUTSIDE_FORM.get(title, title), text)
                 for title, text in describe_data(schema, ui, task.data or {})]
        steps.append({
            "task_id": task.id, "name": task.name, "consultation": consultation,
            "state": task.state, "agency": unit,
            "role": "" if consultation else roles.get(task.role, ""),
            "who": who or "", "at": local_iso(task.completed_at), "due_at": local_iso(task.due_at),
            "entries": [{"title": t, "text": x} for t, x in words],
            "documents": documents.get(task.id, []),
        })
    return steps


def _status_words(note: str) -> str:
    """"1 → 4" as "Mới đăng ký → Đang xử lý" (a note of another shape is kept)."""
    parts = [p.strip() for p in note.split("→")]
    if len(parts) == 2 and all(p.isdigit() and int(p) in STATUS_LABELS for p in parts):
        return " → ".join(STATUS_LABELS[int(p)] for p in parts)
    return note


_BARE_AMOUNT = re.compile(r"\d{4,}(?= đồng)")


def _event_words(kind: str, step_name: str, note: str, details: Any) -> str:
    """What an event's note says, in words: status names, the outcome, the step opened, what
    was asked (never an id of the diagram), a fee's amount with its thousands separator
    (notes recorded before it had one)."""
    if kind == "status_changed":
        return _status_words(note)
    if kind == "finished":  # the end event's outcome: «granted» in words
        return OUTCOMES.get(note, note)
    if kind == "timer_fired":  # the note is the timer's id in the diagram
        return f"«{step_name}»" if step_name else ""
    if kind in ("payment_requested", "paid"):
        return _BARE_AMOUNT.sub(lambda m: f"{int(m[0]):,}".replace(",", "."), note, count=1)
    if kind in ("task_opened", "task_completed", "task_claimed", "task_released") and step_name:
        return f"«{step_name}»" + (f": {note}" if note else "")
    if kind == "task_assigned" and step_name:  # the note is the officer's name
        return f"«{step_name}» cho {note}" if note else f"«{step_name}»"
    if kind == "supplement_requested" and isinstance(details, dict):
        asked = "; ".join(str(m) for m in details.get("missing") or [])
        extra = [str(details[k]) for k in ("note", "warning") if details.get(k)]
        return ". ".join([f"Cần bổ sung: {asked}" if asked else "", *extra]).strip(". ")
    if kind == STEP_DOCUMENT and isinstance(details, dict):
        return f"«{step_name}»: {details.get('filename', '')}" if step_name else str(
            details.get("filename", ""))
    return note


def history(uow: UnitOfWork, dossier_id: int) -> list[dict[str, Any]]:
    """The dossier's history in words, oldest first: each event's label, who, when and what
    it says — status names instead of codes, the step a move opened or completed, what a
    supplement request asked for."""
    rows = uow.session.execute(
        select(Event, Account.full_name, Task.name)
        .outerjoin(Account, Event.actor_id == Account.id)
        .outerjoin(Task, Event.task_id == Task.id)
        .where(Event.dossier_id == dossier_id).order_by(Event.id)).all()
    return [{"kind": e.kind, "label": _LABELS.get(e.kind, e.kind), "at": local_iso(e.at),
             "status": e.status, "status_label": STATUS_LABELS.get(e.status, ""),
             "step": e.step, "step_name": step or "", "actor": name or "",
             "note": _event_words(e.kind, step or "", e.note or "", e.details)}
            for e, name, step in rows]


def consultable_agencies(uow: UnitOfWork, *, besides: int) -> list[dict[str, str]]:
    """The units an officer may ask for an opinion, by name (every agency but their own)."""
    rows = uow.session.execute(select(Agency.code, Agency.name).where(Agency.id != besides)
                               .order_by(Agency.name)).all()
    return [{"code": code, "name": name} for code, name in rows]


def appraisal(uow: UnitOfWork, task: Task, compiled: Any) -> dict[str, Any]:
    """What the task page shows besides the form: papers, earlier steps with their
    documents (this step's own documents apart), history in words, units to consult."""
    dossier = task.dossier
    components = compiled.manifest.get("components", [])
    return {
        "papers": papers(uow, dossier, components if isinstance(components, list) else []),
        "steps": earlier_steps(uow, dossier, compiled, current_task_id=task.id),
        "own_documents": step_documents(uow, dossier.id).get(task.id, []),
        "timeline": history(uow, dossier.id),
        "agencies": consultable_agencies(uow, besides=task.agency_id),
    }
