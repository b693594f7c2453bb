"""Never lose a designer's work: what does not pass validation — an upload, a save from
the modeler — is kept as a draft marked invalid (`ProcedureDraft`), with its problems, to
be opened in the modeler, fixed and saved again in place; once valid it becomes the next
draft version of its procedure. Drafts may be discarded (audited)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from sqlalchemy import select

from bpmn.problem_words import report_in_words
from bpmn.problems import Report
from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, Invalid, NotFound
from engine.core.models import Agency, Procedure, ProcedureDraft, ProcedureVersion
from engine.core.permissions import is_admin_account, may_design, process_agencies
from engine.core.uow import UnitOfWork
from engine.procedures.bench_decisions import decision_choices
from engine.procedures.catalogue import TestRunner, content_hash, import_and_read

MAX_EDITED_TEXT = 5 * 1024 * 1024


def zip_of(texts: dict[str, str]) -> bytes:
    """A package's files (path → text) as a .zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(texts.items()):
            archive.writestr(path, text.encode("utf-8"))
    return buffer.getvalue()


def _manifest(texts: dict[str, str]) -> dict[str, Any]:
    try:
        manifest = json.loads(texts.get("procedure.json", "{}"))
    except json.JSONDecodeError:
        return {}
    return manifest if isinstance(manifest, dict) else {}


def summary_of(draft: ProcedureDraft) -> dict[str, Any]:
    """A kept draft as pages list it."""
    report = draft.report or {}
    return {"id": draft.id, "agency": draft.agency.code, "agency_name": draft.agency.name,
            "code": draft.code, "name": draft.name or "(chưa đặt tên)",
            "errors": report.get("errors", 0), "warnings": report.get("warnings", 0),
            "created_at": local_iso(draft.created_at), "updated_at": local_iso(draft.updated_at),
            "open": draft.closed_at is None}


def _keep(uow: UnitOfWork, actor: Actor, agency_id: int, texts: dict[str, str], report: Report,
          based_on_id: int | None, draft: ProcedureDraft | None) -> ProcedureDraft:
    """Store (or update in place) the invalid files with their problems; the same files as
    an open draft of the agency make no second one."""
    digest, now = content_hash(texts), uow.clock.now()
    if draft is None:
        draft = uow.session.scalar(select(ProcedureDraft).where(
            ProcedureDraft.agency_id == agency_id, ProcedureDraft.content_hash == digest,
            ProcedureDraft.closed_at.is_(None)).limit(1))
    manifest = _manifest(texts)
    if draft is None:
        draft = ProcedureDraft(agency_id=agency_id, created_by_id=actor.account_id, created_at=now,
                               based_on_id=based_on_id, package=texts, report={},
                               content_hash=digest, updated_at=now)
        uow.session.add(draft)
    draft.package, draft.content_hash, draft.updated_at = texts, digest, now
    draft.report = report.as_dict()
    draft.code = str(manifest.get("code") or "")[:40]
    draft.name = str(manifest.get("name") or "")[:500]
    uow.session.flush()
    uow.audit("procedure.keep_invalid", actor_id=actor.account_id, object_type="procedure_draft",
              object_id=str(draft.id), summary={"code": draft.code, "errors": len(report.errors)})
    uow.commit()
    return draft


# The audit's action of a version saved from the web designer («Lưu thành bản nháp mới»,
# a kept draft saved), told apart from a package uploaded (`procedure.import`).
SAVED = "procedure.save_draft"


def import_keeping(
    uow: UnitOfWork, *, actor: Actor, agency_code: str, zip_bytes: bytes | None = None,
    filename: str = "upload.zip", files: list[tuple[str, bytes]] | None = None,
    based_on_id: int | None = None, draft_id: int | None = None, runner: TestRunner | None = None,
    any_version: bool = False, action: str = "procedure.import",
) -> tuple[Report, dict[str, Any] | None, dict[str, Any] | None]:
    """Import a package like `import_package`; when it is refused but its files could be
    read, keep them as an invalid draft (or update draft `draft_id` in place); `any_version`,
    `action`: see `import_and_read`. Returns the
    report, the version (valid) and the kept draft (invalid)."""
    report, version, texts = import_and_read(uow, actor=actor, agency_code=agency_code,
                                             zip_bytes=zip_bytes, filename=filename, files=files,
                                             runner=runner, any_version=any_version,
                                             action=action)
    draft = _draft(uow, actor, draft_id) if draft_id is not None else None
    if version is not None:
        if draft is not None:  # fixed: the draft lives on as the version
            draft.closed_at = uow.clock.now()
            draft.version_id = _version_id(uow, version)
            uow.commit()
        return report, version, None
    # A file that is not text (a UTF-16 diagram, a binary) cannot be edited nor stored as
    # text: the draft keeps the others, the report says what was wrong with it.
    texts = {name: text for name, text in (texts or {}).items() if "\x00" not in text}
    if not texts or actor.account_id is None:
        return report, None, None
    agency_id = uow.session.scalar(select(Agency.id).where(Agency.code == agency_code))
    if agency_id is None:
        raise NotFound(f"Không có cơ quan mã {agency_code}.")
    kept = _keep(uow, actor, agency_id, texts, report, based_on_id, draft)
    return report, None, summary_of(kept)


def _version_id(uow: UnitOfWork, version: dict[str, Any]) -> int | None:
    return uow.session.scalar(
        select(ProcedureVersion.id).join(Procedure).join(Agency)
        .where(Agency.code == version["agency"], Procedure.code == version["code"],
               ProcedureVersion.number == version["number"]))


def _draft(uow: UnitOfWork, actor: Actor, draft_id: int, *, open_only: bool = True) -> ProcedureDraft:
    draft = uow.session.get(ProcedureDraft, draft_id)
    if draft is None or not may_design(actor, draft.agency_id):
        raise NotFound("Không có bản nháp này.")
    if open_only and draft.closed_at is not None:
        raise Conflict("Bản nháp đã được bỏ hoặc đã thành phiên bản.")
    return draft


def draft_bench(uow: UnitOfWork, *, actor: Actor, draft_id: int) -> dict[str, Any]:
    """What the modeler shows of a kept draft: its diagrams, forms, roles and problems."""
    draft = _draft(uow, actor, draft_id)
    texts = dict(draft.package)
    roles = _manifest(texts).get("roles")
    return {
        **summary_of(draft), "report": report_in_words(texts, draft.report or {}), "tasks": {},
        "ends": {},
        "diagrams": {name: text for name, text in texts.items() if name.endswith(".bpmn")},
        "forms": {name: text for name, text in texts.items()
                  if name.startswith("forms/") and name.endswith(".schema.json")},
        "decisions": decision_choices(texts),
        "roles": sorted(roles) if isinstance(roles, dict) else [],
        "role_labels": {k: str(v.get("label") or k) for k, v in roles.items()
                        if isinstance(v, dict)} if isinstance(roles, dict) else {},
    }


def save_draft(
    uow: UnitOfWork, *, actor: Actor, draft_id: int, changes: dict[str, str],
    runner: TestRunner | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """Save edited files of a kept draft: valid, it becomes the procedure's next draft
    version; still invalid, the draft is updated in place with its new problems."""
    draft = _draft(uow, actor, draft_id)
    texts, agency_code = apply_changes(dict(draft.package), changes), draft.agency.code
    report, version, kept = import_keeping(uow, actor=actor, agency_code=agency_code,
                                           zip_bytes=zip_of(texts), filename="ban-nhap.zip",
                                           draft_id=draft_id, runner=runner, action=SAVED)
    return report.as_dict(), version, kept


def apply_changes(texts: dict[str, str], changes: dict[str, str]) -> dict[str, str]:
    """The package's files with some replaced: only diagrams, decision tables and forms it
    already has (a form's UI schema may be added beside it: the form builder writes one)."""
    for path, text in changes.items():
        added_ui = path.endswith(".ui.json") and (
            path.removesuffix(".ui.json") + ".schema.json") in texts
        if (path not in texts and not added_ui) or not path.endswith((".bpmn", ".dmn", ".json")):
            raise Invalid(f"Chỉ sửa được sơ đồ và biểu mẫu (cả bảng quyết định .dmn) có sẵn trong "
                          f"gói (không có «{path}»).")
        if len(text) > MAX_EDITED_TEXT:
            raise Invalid(f"«{path}» quá lớn.")
        texts[path] = text
    return texts


def discard_draft(uow: UnitOfWork, *, actor: Actor, draft_id: int) -> None:
    """Drop a kept draft (audited)."""
    draft = _draft(uow, actor, draft_id)
    if not may_design(actor, draft.agency_id):
        raise Forbidden("Chỉ người thiết kế quy trình của cơ quan được bỏ bản nháp.")
    draft.closed_at = uow.clock.now()
    uow.audit("procedure.discard_invalid", actor_id=actor.account_id,
              object_type="procedure_draft", object_id=str(draft.id),
              summary={"code": draft.code, "name": draft.name[:200]})
    uow.commit()


def list_drafts(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """The open invalid drafts of the agencies the actor designs for, newest first."""
    query = select(ProcedureDraft).where(ProcedureDraft.closed_at.is_(None)).order_by(
        ProcedureDraft.updated_at.desc(), ProcedureDraft.id.desc())
    if not is_admin_account(actor):
        query = query.where(ProcedureDraft.agency_id.in_(process_agencies(actor) or {0}))
    return [summary_of(d) for d in uow.session.scalars(query) if may_design(actor, d.agency_id)]


def design_agencies(uow: UnitOfWork, *, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the agencies the actor may upload packages for, by name."""
    return [(a.code, a.name) for a in uow.session.scalars(select(Agency).order_by(Agency.name))
            if may_design(actor, a.id)]
