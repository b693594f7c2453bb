"""A closed dossier's archive package (lưu trữ hồ sơ): one self-contained ZIP holding its data,
its papers, its history, the legal documents it produced and a manifest with the SHA-256 of
every file, so the package can be kept outside the platform and checked later.

Only a dossier that has ended (refused, withdrawn, stopped, done or returned) is archived,
by a leader of its competent agency (personal data stays with that agency, NĐ 13/2023);
each export is audited.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.applicants.storage import storage_for
from engine.core.actors import Actor
from engine.core.errors import Conflict, Forbidden, NotFound, ServiceError
from engine.core.models import Attachment, AuditEntry, DeadlineChange, Dossier, Event, Task
from engine.core.permissions import leads
from engine.core.statuses import FINAL_STATUSES, Status
from engine.core.uow import UnitOfWork
from engine.reports.documents import DOSSIER_KINDS, render_dossier_document

MANIFEST = "manifest.json"
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # ZIP entries' own times: the same dossier, the same bytes


def _json(value: Any) -> bytes:
    def plain(item: Any) -> Any:
        if isinstance(item, datetime):
            return item.isoformat()
        raise TypeError(type(item).__name__)

    return json.dumps(value, ensure_ascii=False, indent=2, default=plain).encode("utf-8")


def _closed(uow: UnitOfWork, actor: Actor, code: str) -> Dossier:
    dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    if not leads(actor, dossier.agency_id):
        raise Forbidden("Chỉ lãnh đạo cơ quan giải quyết được xuất hồ sơ lưu trữ.")
    if dossier.status not in [int(s) for s in FINAL_STATUSES]:
        raise Conflict("Hồ sơ chưa kết thúc; chỉ lưu trữ hồ sơ đã kết thúc.")
    return dossier


def _data(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "procedure": dossier.version.procedure.code,
        "procedure_name": dossier.version.procedure.name,
        "version": dossier.version.number,
        "agency": {"code": dossier.agency.code, "name": dossier.agency.name},
        "applicant": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.contact_phone,
            "email": dossier.contact_email,
        },
        "channel": dossier.channel,
        "status": dossier.status,
        "status_label": Status(dossier.status).label,
        "outcome": dossier.outcome,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "ended_at": dossier.ended_at,
        "returned_at": dossier.returned_at,
        "form": dossier.data,
    }


def _history(uow: UnitOfWork, dossier: Dossier) -> dict[str, Any]:
    events = uow.session.scalars(select(Event).where(Event.dossier_id == dossier.id).order_by(Event.id))
    tasks = uow.session.scalars(select(Task).where(Task.dossier_id == dossier.id).order_by(Task.id))
    changes = uow.session.scalars(
        select(DeadlineChange).where(DeadlineChange.dossier_id == dossier.id).order_by(DeadlineChange.id)
    )
    audit = uow.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "dossier", AuditEntry.object_id == str(dossier.id))
        .order_by(AuditEntry.id)
    )
    return {
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "status": e.status,
                "step": e.step,
                "actor_id": e.actor_id,
                "due_at": e.due_at,
                "note": e.note,
            }
            for e in events
        ],
        "steps": [
            {
                "step": t.bpmn_id,
                "name": t.name,
                "role": t.role,
                "state": t.state,
                "due_at": t.due_at,
                "completed_at": t.completed_at,
            }
            for t in tasks
        ],
        "deadline_changes": [
            {
                "at": c.at,
                "kind": c.kind,
                "old_due_at": c.old_due_at,
                "new_due_at": c.new_due_at,
                "reason": c.reason,
            }
            for c in changes
        ],
        "audit": [
            {"id": a.id, "at": a.at, "action": a.action, "actor_id": a.actor_id, "hash": a.hash}
            for a in audit
        ],
    }


def _papers(uow: UnitOfWork, dossier: Dossier) -> dict[str, bytes]:
    storage = storage_for(uow)
    files = {}
    for attachment in uow.session.scalars(
        select(Attachment).where(Attachment.dossier_id == dossier.id).order_by(Attachment.id)
    ):
        state = "cu-" if attachment.replaced_at else ""
        name = f"papers/{attachment.id:06d}-{state}{attachment.filename}"
        files[name] = storage.get(uow.session, attachment.sha256)
    return files


def _documents(uow_factory: Callable[[], UnitOfWork], actor: Actor, code: str) -> dict[str, bytes]:
    """Every legal document the dossier produced (those it has no grounds for are skipped)."""
    files = {}
    for kind in DOSSIER_KINDS:
        try:
            with uow_factory() as uow:
                document = render_dossier_document(
                    uow, actor=actor, code=code, kind=kind, fmt="pdf", tracking_base=""
                )
        except ServiceError:
            continue
        files[f"documents/{kind}.pdf"] = document.pdf()
    return files


def export_archive(uow_factory: Callable[[], UnitOfWork], *, actor: Actor, code: str) -> bytes:
    """The archive ZIP of the closed dossier `code`: `dossier.json`, `history.json`,
    `papers/…`, `documents/…` and `manifest.json` (each file's size and SHA-256)."""
    with uow_factory() as uow:
        dossier = _closed(uow, actor, code)
        dossier_id = dossier.id
        files = {
            "dossier.json": _json(_data(dossier)),
            "history.json": _json(_history(uow, dossier)),
            **_papers(uow, dossier),
        }
    files.update(_documents(uow_factory, actor, code))
    with uow_factory() as uow:
        exported_at = uow.clock.now()
        manifest = {
            "dossier": code,
            "exported_at": exported_at,
            "exported_by": actor.name,
            "files": {
                name: {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
                for name, content in sorted(files.items())
            },
        }
        uow.audit(
            "dossier.archive_export",
            actor_id=actor.account_id,
            object_type="dossier",
            object_id=str(dossier_id),
            summary={"files": len(files)},
        )
        uow.commit()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in sorted({**files, MANIFEST: _json(manifest)}.items()):
            package.writestr(zipfile.ZipInfo(name, _FIXED_TIME), content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def verify_archive(content: bytes) -> list[str]:
    """The problems of an archive package: a file missing, added or changed since export."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        names = set(package.namelist()) - {MANIFEST}
        listed = json.loads(package.read(MANIFEST))["files"]
        problems = [f"thiếu {n}" for n in sorted(set(listed) - names)]
        problems += [f"thừa {n}" for n in sorted(names - set(listed))]
        problems += [
            f"sai mã băm {n}"
            for n in sorted(names & set(listed))
            if hashlib.sha256(package.read(n)).hexdigest() != listed[n]["sha256"]
        ]
    return problems
