"""The desk receives a supplement for the applicant who comes back with the papers (nhận
bổ sung tại Bộ phận Một cửa): the desk scans what was asked for (form 02), may correct the
form, and the dossier goes on through the applicant's own answer (`dossiers.supplement`:
the clock restarts or resumes, the code never changes). A paper dossier asked for a
supplement at the counter was never received: once complete, the desk receives it at
once (the reception step accepted, form 01), as NĐ 61/2018 art. 18 asks of a complete
dossier. `dossiers.supplement` lets the desk answer for the applicant
(`may_answer_supplement`). The scans go with the answer or not at all, as the applicant's
own (`supplement.py`): a refused answer stores nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine.applicants.attachments import current_files, policy_for, store_file
from engine.applicants.desk_scans import Scan, digitise_each
from engine.core.actors import Actor
from engine.core.errors import Conflict, Forbidden, FormInvalid
from engine.core.models import Dossier, Task
from engine.core.permissions import is_desk_of
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.deadlines import open_request
from engine.dossiers.deadlines import supplement as answer_supplement
from engine.dossiers.submit import find_visible
from engine.dossiers.supplement_answer import (
    UNCHANGED_FIELD,
    UNCHANGED_WORDS,
    answer_problems,
    last_request,
    new_files,
)
from engine.dossiers.tasks import complete_task
from engine.procedures.cache import loaded_version

__all__ = ["UNCHANGED_FIELD", "UNCHANGED_WORDS", "desk_supplement_page",
           "receive_supplement_at_desk"]
ACCEPTED = {"ket_qua_kiem_tra": "tiep_nhan"}  # the reception form's convention (desk page)
# A good scan of an answer not received: the page cannot keep a chosen file, so it says so.
NOT_KEPT = ("Bản quét «{file}» chưa được lưu: bản quét chỉ được lưu khi nhận bổ sung thành "
            "công. Hãy chọn lại tệp này trước khi bấm «Nhận bổ sung».")


def _waiting(uow: UnitOfWork, actor: Actor, code: str) -> Dossier:
    """The dossier, if it waits for a supplement and the actor is its agency's desk."""
    dossier = find_visible(uow, actor=actor, code=code)
    if not is_desk_of(actor, dossier.agency_id):
        raise Forbidden("Chỉ Bộ phận Một cửa của cơ quan giải quyết nhận bổ sung tại quầy.")
    if dossier.status != Status.SUPPLEMENT:
        raise Conflict("Hồ sơ không ở trạng thái chờ bổ sung.")
    return dossier


def desk_supplement_page(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """What the desk's «Nhận bổ sung» form shows: the request (form 02), whether the
    dossier was ever received, the form and its data, each paper with its current file and
    whether the request named it."""
    dossier = _waiting(uow, actor, code)
    compiled = loaded_version(uow, dossier.version_id).compiled
    asked = open_request(uow, dossier.id) or {"missing": [], "note": "", "at": None}
    current = current_files(uow, dossier_id=dossier.id)
    papers = [{"index": i, "name": str(c["name"]), "required": bool(c.get("required")),
               "originals": c.get("originals", 0), "copies": c.get("copies", 0),
               "asked": str(c["name"]) in asked.get("papers", []),
               "current": current[c["name"]].filename if c["name"] in current else None}
              for i, c in enumerate(compiled.manifest.get("components", []))]
    return {"code": dossier.code, "applicant": dossier.applicant_name,
            "procedure_name": dossier.version.procedure.name,
            "received": dossier.received_at is not None, "request": asked, "papers": papers,
            "data": dossier.data, "start_form": compiled.forms[compiled.start_form],
            "start_form_ui": compiled.ui_for(compiled.start_form)}


def receive_supplement_at_desk(
    uow_factory: Any, *, actor: Actor, code: str, data: dict[str, Any], papers: list[str],
    scans: Sequence[Scan], confirmed_unchanged: bool = False,
) -> dict[str, Any]:
    """The desk answers the supplement request for the applicant at the counter, all or
    nothing, as the applicant's own answer (`supplement.py`).

    Every problem comes at once, found before anything is stored: a scan of the wrong type
    or size, a field of the form, a paper ticked without its scan, a paper the request named
    without a scan since the request (or, for a dossier never received, any required paper
    without a file), an answer to a request naming no paper that changes nothing and is not
    confirmed so; each good scan is then named as not kept. Only a complete answer stores
    the scans, in the answer's own transaction (`dossiers.supplement`): a refusal leaves
    the dossier's papers as they were and writes no bytes. Then, for a dossier never
    received, the reception accepted. Returns the code, status, due time and whether it
    was received now."""
    with uow_factory() as uow:
        dossier = _waiting(uow, actor, code)
        never_received = dossier.received_at is None
        files = _checked_answer(uow, dossier, data, papers, scans,
                                confirmed_unchanged=confirmed_unchanged)
        _store_scans(uow, actor, dossier, files)
        answered = answer_supplement(uow, actor=actor, code=code, data=data,
                                     confirmed_unchanged=confirmed_unchanged)
    if not never_received:
        return {**answered, "received_now": False}
    with uow_factory() as uow:
        task_id = uow.session.scalar(select(Task.id).join(Task.dossier).where(
            Task.state == "open", Task.dossier.has(code=code)))
    try:
        with uow_factory() as uow:
            done = complete_task(uow, actor=actor, task_id=int(task_id or 0),
                                 data=dict(ACCEPTED))
    except FormInvalid:  # a reception form asking more than the desk page's convention
        return {**answered, "received_now": False, "reception_task": task_id}
    return {"code": code, "status": done["dossier"]["status"],
            "due_at": done["dossier"]["due_at"], "received_now": True}


def _checked_answer(uow: UnitOfWork, dossier: Dossier, data: dict[str, Any], papers: list[str],
                    scans: Sequence[Scan], *, confirmed_unchanged: bool
                    ) -> dict[str, tuple[str, bytes]]:
    """The answer's files, one per paper scanned, once nothing stands in the way; else
    `FormInvalid` with every problem and each good scan named as not kept (nothing stored)."""
    loaded = loaded_version(uow, dossier.version_id)
    components: list[dict[str, Any]] = loaded.compiled.manifest.get("components", [])
    files, problems = digitise_each(components, scans)
    problems += [e.as_dict() for e in
                 loaded.validator(loaded.compiled.start_form).validate_submission(data)]
    problems += _paper_problems(components, papers, Files(
        set(current_files(uow, dossier_id=dossier.id)) | set(files),
        new_files(uow, dossier.id, last_request(uow, dossier.id)) | set(files)),
        open_request(uow, dossier.id), never_received=dossier.received_at is None)
    if not files:  # a scan is a change: only an answer without one may change nothing
        problems += [p for p in answer_problems(uow, dossier, components, data,
                                                confirmed_unchanged=confirmed_unchanged)
                     if p["field"] == UNCHANGED_FIELD]
    if not problems:
        return files
    told = {str(p.get("field")) for p in problems}
    names = [str(c["name"]) for c in components]
    problems += [{"field": f"scan.{names.index(paper)}", "message": NOT_KEPT.format(file=name)}
                 for paper, (name, _) in files.items()
                 if f"scan.{names.index(paper)}" not in told]
    raise FormInvalid("Chưa nhận bổ sung được: xem từng mục được đánh dấu bên dưới.",
                      details=problems)


def _store_scans(uow: UnitOfWork, actor: Actor, dossier: Dossier,
                 files: dict[str, tuple[str, bytes]]) -> None:
    """Store the answer's scans as their papers' current files, in the caller's
    transaction (the answer commits them, or its refusal rolls them back)."""
    components: list[dict[str, Any]] = loaded_version(
        uow, dossier.version_id).compiled.manifest.get("components", [])
    policies = {str(c["name"]): policy_for(c) for c in components}
    for paper, (filename, content) in files.items():
        stored = store_file(uow, actor=actor, paper=paper, filename=filename,
                            content=content, policy=policies[paper], dossier_id=dossier.id)
        uow.audit("dossier.attachment", actor_id=actor.account_id, object_type="dossier",
                  object_id=str(dossier.id), summary={
                      "paper": paper, "file": stored.filename, "size": stored.size,
                      "scanned_at": "desk", "supplement": True})


@dataclass(frozen=True)
class Files:
    """The papers with a current file (`current`), and those among them scanned since the
    supplement request (`new`)."""

    current: set[str]
    new: set[str]


def _paper_problems(components: list[dict[str, Any]], papers: list[str], files: Files,
                    asked: dict[str, Any] | None, *, never_received: bool
                    ) -> list[dict[str, str]]:
    """Each paper ticked without a scan, each paper still lacking that must be there: one
    the request named needs a scan made since (the earlier file is what it asked again)."""
    named = set((asked or {}).get("papers", []))
    problems = []
    for index, component in enumerate(components):
        name = str(component["name"])
        if name in files.new or (name in files.current and name not in named):
            continue
        if name in papers:
            problems.append({"field": f"scan.{index}", "message": (
                "Đã đánh dấu đã nhận nhưng chưa có bản số hóa: quét hoặc chụp giấy tờ này.")})
        elif name in named or (never_received and component.get("required")):
            problems.append({"field": f"scan.{index}", "message": (
                "Giấy tờ này còn thiếu: nhận và quét giấy tờ người nộp mang đến.")})
    return problems
