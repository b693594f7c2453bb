"""The life of a procedure version, with four eyes (Tuyên Quang seed, art. 16: the
internal procedure is reviewed, approved, then configured and tested in the system):

    draft ──submit──▶ in_review ──review(accept)──▶ reviewed ──approve──▶ approved
      ▲                   │ review(reject) or reject, with a note                     │ publish
      └───────────────────┴──────────── reject (from approved) ◀──────────────────────┤
                                                                  (effective date)   ▼
                                                                   retired ◀──── published

- the author (who uploaded it) submits it, only when its package tests pass;
- a reviewer of the agency, not the author, accepts it or sends it back with a note;
- an approver of the agency, neither the author nor its reviewer, approves and publishes,
  with the date it takes effect; new dossiers use the version in force at submission,
  running dossiers stay on theirs; a published version is never modified;
- administrators act in any agency but the four-eyes rules bind them too; only the
  installer (`SYSTEM`: seeding, `motcua procedure import --publish`) goes straight on.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bpmn.diff_words import timers
from bpmn.duration_words import OFFERED, UNITS, words_or_text
from bpmn.package import Package
from bpmn.problem_words import report_in_words
from bpmn.validation import validate_package
from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, Invalid, NotFound
from engine.core.models import Account, Agency, Procedure, ProcedureVersion
from engine.core.permissions import (
    APPROVER,
    DESIGNER,
    REVIEWER,
    breaks_four_eyes,
    has_process_role,
    is_system,
    may_approve_version,
    may_design,
    may_review_version,
    may_see_versions,
    may_submit_version,
)
from engine.core.uow import UnitOfWork
from engine.procedures.bench_decisions import decision_choices
from engine.procedures.cache import loaded_version
from engine.procedures.catalogue import end_transaction
from engine.procedures.drafts import MAX_EDITED_TEXT, SAVED, apply_changes, import_keeping, zip_of
from engine.procedures.in_force import in_force_numbers, standing_label
from engine.procedures.queues import VERSION_STATUS_LABELS, tell_next
from forms import PaperSlot, check_schema, render_form

STATUS_LABELS = VERSION_STATUS_LABELS
ACTIONS = ("submit", "review", "approve", "reject", "publish", "retire")


DURATION_UNITS = [{"key": u.key, "label": u.label, "designator": u.designator,
                   "time": u.time_part, "offered": u.key in OFFERED} for u in UNITS]


def role_labels(manifest: dict[str, Any]) -> dict[str, str]:
    """Lane name → the role's human label ("Bộ phận một cửa" for `mot_cua`)."""
    roles = manifest.get("roles") or {}
    return {lane: str(role.get("label") or lane) for lane, role in roles.items()
            if isinstance(role, dict)}


def find_version(uow: UnitOfWork, *, agency_code: str, code: str, number: int) -> ProcedureVersion:
    """One version of an agency's procedure."""
    version = uow.session.scalar(
        select(ProcedureVersion).join(Procedure).join(Agency)
        .where(Agency.code == agency_code, Procedure.code == code, ProcedureVersion.number == number))
    if version is None:
        raise NotFound(f"Không có phiên bản {number} của thủ tục {code}.")
    return version


def _visible(uow: UnitOfWork, actor: Actor, agency_code: str, code: str, number: int) -> ProcedureVersion:
    version = find_version(uow, agency_code=agency_code, code=code, number=number)
    if not may_see_versions(actor, version.procedure.agency_id):
        raise NotFound(f"Không có phiên bản {number} của thủ tục {code}.")
    return version


def _not_author(actor: Actor, version: ProcedureVersion, what: str) -> None:
    if breaks_four_eyes(actor, version.created_by_id):
        raise Forbidden(f"Nguyên tắc bốn mắt: người soạn phiên bản không được {what} chính "
                        "phiên bản của mình.")


def _state(version: ProcedureVersion, *allowed: str) -> None:
    if version.status not in allowed:
        raise Conflict(f"Phiên bản đang ở trạng thái «{STATUS_LABELS[version.status]}», "
                       "không thực hiện được thao tác này.")


def act(
    uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str, number: int, action: str,
    decision: str = "", note: str = "", effective_from: datetime | None = None,
) -> dict[str, Any]:
    """Move a version along its life (`ACTIONS`); every move is in the audit trail."""
    if action not in ACTIONS:
        raise NotFound(f"Không có thao tác «{action}».")
    version = _visible(uow, actor, agency_code, code, number)
    now = uow.clock.now()
    if action == "submit":
        _submit(actor, version)
    elif action == "review":
        _review(actor, version, decision, note)
    elif action == "approve":
        _approve(actor, version)
    elif action == "reject":
        _reject(actor, version, note)
    elif action == "publish":
        _publish(uow, actor, version, effective_from or now)
    else:
        if not has_process_role(actor, version.procedure.agency_id, APPROVER):
            raise Forbidden("Chỉ người phê duyệt được ngừng áp dụng phiên bản.")
        _state(version, "published")
        version.status = "retired"
    stamp = {"submit": "submitted", "review": "reviewed", "approve": "approved"}.get(action)
    if stamp and version.status != "draft":
        setattr(version, f"{stamp}_by_id", actor.account_id)
        setattr(version, f"{stamp}_at", now)
    uow.audit(f"procedure.{action}", actor_id=actor.account_id, object_type="procedure",
              object_id=f"{agency_code}/{code}",
              summary={"version": number, "status": version.status, "decision": decision,
                       "note": note[:500]})
    tell_next(uow, version, action, decision, note)
    uow.commit()
    return detail_of(uow, version, actor)


def _submit(actor: Actor, version: ProcedureVersion) -> None:
    if not has_process_role(actor, version.procedure.agency_id, DESIGNER):
        raise Forbidden("Chỉ người thiết kế quy trình của cơ quan được gửi phiên bản đi xem xét.")
    _state(version, "draft")
    if _tests_fail(version):
        raise Conflict(f"Phiên bản có {(version.test_results or {}).get('failed', 0)} ca kiểm thử "
                       "không đạt: hãy chạy thử quy trình đến hết rồi bấm «Lưu thành ca kiểm thử» "
                       "trước khi gửi xem xét.")
    version.status = "in_review"
    version.reviewed_by_id = version.reviewed_at = None
    version.review_note = ""


def _tests_fail(version: ProcedureVersion) -> bool:
    tests = version.test_results or {}
    return bool(tests) and not tests.get("passed")


def _review(actor: Actor, version: ProcedureVersion, decision: str, note: str) -> None:
    if not has_process_role(actor, version.procedure.agency_id, REVIEWER):
        raise Forbidden("Chỉ người xem xét của cơ quan được xem xét phiên bản.")
    _not_author(actor, version, "xem xét")
    _state(version, "in_review")
    if not decision.strip():  # the review page's words (admin_version.html)
        raise Invalid("Chọn «Đồng ý» hoặc «Yêu cầu sửa».")
    if decision not in ("accept", "reject"):  # a client's wrong code: name the codes
        raise Invalid(f"Chọn «Đồng ý» (accept) hoặc «Yêu cầu sửa» (reject), không có «{decision[:40]}».")
    if decision == "reject":
        if not note.strip():
            raise Invalid("Trả lại phiên bản cần ghi rõ lý do.")
        version.status = "draft"
    else:
        version.status = "reviewed"
    version.review_note = note.strip()[:4000]


def _approve(actor: Actor, version: ProcedureVersion) -> None:
    if not has_process_role(actor, version.procedure.agency_id, APPROVER):
        raise Forbidden("Chỉ người phê duyệt của cơ quan được phê duyệt phiên bản.")
    _not_author(actor, version, "phê duyệt")
    if version.status == "in_review" or version.reviewed_by_id is None:
        raise Conflict("Phiên bản chưa được xem xét.")
    _state(version, "reviewed")
    if breaks_four_eyes(actor, version.reviewed_by_id):
        raise Forbidden("Nguyên tắc bốn mắt: người đã xem xét không được tự phê duyệt.")
    version.status = "approved"


def _reject(actor: Actor, version: ProcedureVersion, note: str) -> None:
    """A reviewer or approver sends a version in review (or approved, not yet published)
    back to its author as a draft, saying why."""
    agency_id = version.procedure.agency_id
    if not (has_process_role(actor, agency_id, REVIEWER)
            or has_process_role(actor, agency_id, APPROVER)):
        raise Forbidden("Chỉ người xem xét hoặc người phê duyệt được trả lại phiên bản.")
    _not_author(actor, version, "trả lại")
    _state(version, "in_review", "reviewed", "approved")
    if not note.strip():
        raise Invalid("Trả lại phiên bản cần ghi rõ lý do.")
    version.status, version.review_note = "draft", note.strip()[:4000]
    version.reviewed_by_id = version.reviewed_at = None
    version.approved_by_id = version.approved_at = None


def _publish(uow: UnitOfWork, actor: Actor, version: ProcedureVersion, effective: datetime) -> None:
    if is_system(actor):
        _state(version, "draft", "approved")
    else:
        if not has_process_role(actor, version.procedure.agency_id, APPROVER):
            raise Forbidden("Chỉ người phê duyệt mới được công bố phiên bản.")
        _not_author(actor, version, "công bố")
        _state(version, "approved")
    now = uow.clock.now()
    if effective < now.replace(second=0, microsecond=0) and not is_system(actor):
        raise Invalid("Ngày hiệu lực không được ở quá khứ.")
    if effective <= now:
        for old in uow.session.scalars(select(ProcedureVersion).where(
                ProcedureVersion.procedure_id == version.procedure_id,
                ProcedureVersion.status == "published", ProcedureVersion.id != version.id)):
            old.status = "retired"
    version.status = "published"
    version.published_at, version.published_by_id = now, actor.account_id
    version.effective_from = effective if is_system(actor) else max(effective, now)
    version.procedure.name = loaded_version(uow, version.id).compiled.manifest["name"]


def discard(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
            number: int) -> dict[str, Any]:
    """Drop a draft its designers no longer want (audited): it leaves the lists, keeps its
    number (never given again) and stays readable by its link."""
    version = _visible(uow, actor, agency_code, code, number)
    discard_one(uow, actor, version)
    uow.commit()
    return detail_of(uow, version, actor)


def discard_one(uow: UnitOfWork, actor: Actor, version: ProcedureVersion) -> None:
    """Mark a draft discarded, audited (the caller commits); only its agency's designers."""
    if not may_design(actor, version.procedure.agency_id):
        raise Forbidden("Chỉ người thiết kế quy trình của cơ quan được bỏ bản nháp.")
    _state(version, "draft")
    version.status = "discarded"
    uow.audit("procedure.discard", actor_id=actor.account_id, object_type="procedure",
              object_id=f"{version.procedure.agency.code}/{version.procedure.code}",
              summary={"version": version.number})


def may_do(actor: Actor, version: ProcedureVersion) -> dict[str, bool]:
    """Which of the version's buttons the actor may press, in its present state."""
    agency, status = version.procedure.agency_id, version.status
    author, reviewer = version.created_by_id, version.reviewed_by_id
    approves = may_approve_version(actor, agency, author, reviewer)
    return {
        "submit": status == "draft" and may_submit_version(actor, agency) and not _tests_fail(version),
        "review": status == "in_review" and may_review_version(actor, agency, author),
        "approve": status == "reviewed" and approves,
        "reject": status in ("reviewed", "approved") and approves,
        "publish": status == "approved" and approves,
        "retire": status == "published" and has_process_role(actor, agency, APPROVER),
        "edit": may_design(actor, agency),
        "discard": status == "draft" and may_design(actor, agency),
    }


def detail_of(uow: UnitOfWork, version: ProcedureVersion,
              actor: Actor | None = None) -> dict[str, Any]:
    """A version as the admin pages and the API show it (with the buttons `actor` may press)."""
    people = {version.created_by_id, version.submitted_by_id, version.reviewed_by_id,
              version.approved_by_id, version.published_by_id} - {None}
    names = {account_id: name for account_id, name in uow.session.execute(
        select(Account.id, Account.full_name).where(Account.id.in_(people)))} if people else {}

    def who(account_id: int | None) -> str | None:
        return names.get(account_id) if account_id is not None else None

    in_force = in_force_numbers(uow, {version.procedure_id}).get(version.procedure_id)
    return {
        "code": version.procedure.code, "agency": version.procedure.agency.code,
        "agency_name": version.procedure.agency.name, "number": version.number,
        "name": version.procedure.name, "status": version.status,
        "status_label": standing_label(version, in_force, uow.clock.now(), STATUS_LABELS),
        "in_force": version.number == in_force,
        "author": who(version.created_by_id), "created_at": local_iso(version.created_at),
        "submitted_at": local_iso(version.submitted_at),
        "reviewer": who(version.reviewed_by_id), "reviewed_at": local_iso(version.reviewed_at),
        "review_note": version.review_note,
        "approver": who(version.approved_by_id), "approved_at": local_iso(version.approved_at),
        "publisher": who(version.published_by_id),
        "published_at": local_iso(version.published_at),
        "effective_from": local_iso(version.effective_from),
        "tests": version.test_results,
        **({"may": may_do(actor, version)} if actor is not None else {}),
    }


def version_detail(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                   number: int) -> dict[str, Any]:
    """One version with its people, dates and test results, for its agency's designers,
    reviewers and approvers."""
    return detail_of(uow, _visible(uow, actor, agency_code, code, number), actor)


def export(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
           number: int) -> tuple[str, bytes]:
    """The version's package as a .zip (file name, bytes), exactly as it was uploaded."""
    version = _visible(uow, actor, agency_code, code, number)
    if version.package is None:
        raise Conflict("Phiên bản được nạp trước khi lưu gói gốc; không xuất được.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(version.package.items()):
            archive.writestr(path, text.encode("utf-8"))
    uow.audit("procedure.export", actor_id=actor.account_id, object_type="procedure",
              object_id=f"{agency_code}/{code}", summary={"version": number})
    uow.commit()
    return f"{code}-v{number}.zip", buffer.getvalue()


def workbench(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
              number: int) -> dict[str, Any]:
    """What the designer's page shows of a version: its detail, the validation report of
    its package (re-run: checks improve between releases), each user task's lane, form and
    deadline, and its diagrams and forms as text."""
    version = _visible(uow, actor, agency_code, code, number)
    texts = dict(version.package or {})
    end_transaction(uow)  # validating a large package must not hold the write lock meanwhile
    report, _ = validate_package(Package(f"{code} v{number}", {k: v.encode() for k, v in texts.items()}))
    compiled = loaded_version(uow, version.id).compiled
    labels = role_labels(compiled.manifest)
    return {
        **detail_of(uow, version, actor),
        "report": report_in_words(texts, report.as_dict()),
        "tasks": {task_id: {"name": t.name, "lane": t.lane, "lane_label": labels.get(t.lane, t.lane),
                            "form": t.form, "deadline": t.deadline or "",
                            "deadline_words": words_or_text(t.deadline or ""), "status": t.status}
                  for task_id, t in compiled.tasks.items()},
        "role_labels": labels,
        "start_form": compiled.start_form,
        "timers": timers(texts),
        "names": {**{i: t.name or i for i, t in compiled.tasks.items()},
                  **{i: e.name or i for i, e in compiled.end_events.items()}},
        "ends": {end_id: {"name": e.name, "status": e.status, "outcome": e.outcome}
                 for end_id, e in compiled.end_events.items()},
        "diagrams": {name: text for name, text in texts.items() if name.endswith(".bpmn")},
        "forms": {name: text for name, text in texts.items()
                  if name.startswith("forms/") and name.endswith(".schema.json")},
        "decisions": decision_choices(texts),
        "roles": sorted(compiled.manifest.get("roles", {})),
        "versions": [n for (n,) in uow.session.execute(
            select(ProcedureVersion.number).where(
                ProcedureVersion.procedure_id == version.procedure_id)
            .order_by(ProcedureVersion.number))],
    }


def save_as_draft(
    uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str, number: int,
    changes: dict[str, str],
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """A new draft version: this version's package with some files replaced (a diagram
    edited in the modeler, a form edited beside its preview). Validated and tested like
    any upload; the same files as a version of the procedure (a draft, or one in review,
    approved or published) make no new one. Returns (report, the new
    version or None when invalid, the invalid draft kept instead)."""
    version = _visible(uow, actor, agency_code, code, number)
    texts = apply_changes(dict(version.package or {}), changes)
    report, created, kept = import_keeping(
        uow, actor=actor, agency_code=agency_code, zip_bytes=zip_of(texts),
        filename=f"{code}-v{number}-sua.zip", based_on_id=version.id, any_version=True,
        action=SAVED)
    return report.as_dict(), created, kept


def preview_form(schema_text: str, ui_text: str = "",
                 papers: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """A form as citizens or officers would see it, from JSON Schema text being edited:
    the generated HTML (the renderer escapes every value) — with the papers to attach after
    the fields, as the citizen's form asks for them (`papers`: `forms.PaperSlot` fields) —
    or why it cannot be a form."""
    if len(schema_text) > MAX_EDITED_TEXT:
        return {"html": "", "problems": ["Biểu mẫu quá lớn."]}
    try:
        schema = json.loads(schema_text)
        ui = json.loads(ui_text) if ui_text.strip() else None
    except json.JSONDecodeError as exc:
        return {"html": "", "problems": [f"JSON không hợp lệ (dòng {exc.lineno}, cột {exc.colno}): "
                                         f"{exc.msg}"]}
    problems = check_schema(schema)
    if problems:
        return {"html": "", "problems": [f"{p.pointer or '(gốc)'}: {p.message}" for p in problems]}
    try:
        return {"html": render_form(schema, ui if isinstance(ui, dict) else None,
                                    papers=[PaperSlot(**p) for p in papers]), "problems": []}
    except (TypeError, ValueError, KeyError, RecursionError) as exc:
        return {"html": "", "problems": [f"Không dựng được biểu mẫu: {exc}"]}
