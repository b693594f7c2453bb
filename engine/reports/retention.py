"""Retention of closed dossiers (lưu trữ theo chính sách): every dossier that ended more than
`MOTCUA_RETENTION_YEARS` years ago gets its archive package (`archive.py`) written into the
archive folder, checked against its manifest, and recorded once in the audit trail.

Nothing is deleted: removing public records needs a decision under the archives law (Luật
Lưu trữ 2024) and the province's retention schedule, not a setting.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, select

from engine.core.actors import Actor
from engine.core.errors import ServiceError
from engine.core.models import Agency, AuditEntry, Dossier
from engine.core.permissions import LEADER, leads
from engine.core.statuses import FINAL_STATUSES
from engine.core.uow import UnitOfWork
from engine.reports.archive import export_archive, verify_archive

RETAINED = "dossier.retained"  # the audit action that marks a dossier as archived
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ArchiveFolderError(ServiceError):
    """The archive folder is missing or cannot be written: nothing was archived."""

    status = 500
    code = "archive_folder"


@dataclass
class RetentionRun:
    """What one run did (or, dry, would do)."""

    cutoff: datetime
    dry_run: bool
    due: list[str] = field(default_factory=list)  # codes eligible at the start of the run
    archived: list[dict[str, Any]] = field(default_factory=list)  # code, file, sha256, size
    failed: list[dict[str, str]] = field(default_factory=list)  # code, problem


def cutoff_for(now: datetime, years: int) -> datetime:
    """`now` moved back `years` calendar years (29 February → 28 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def _due(uow: UnitOfWork, cutoff: datetime) -> list[tuple[int, str, int, str]]:
    retained = select(AuditEntry.object_id).where(
        AuditEntry.action == RETAINED, AuditEntry.object_type == "dossier"
    )
    rows = uow.session.execute(
        select(Dossier.id, Dossier.code, Dossier.agency_id, Agency.code)
        .join(Agency, Agency.id == Dossier.agency_id)
        .where(
            Dossier.status.in_([int(s) for s in FINAL_STATUSES]),
            Dossier.ended_at.is_not(None),
            Dossier.ended_at < cutoff,
            cast(Dossier.id, String).not_in(retained),
        )
        .order_by(Dossier.ended_at, Dossier.id)
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise ArchiveFolderError(f"Thư mục lưu trữ {folder} không tồn tại (MOTCUA_ARCHIVE_DIR).")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ArchiveFolderError(f"Không ghi được vào thư mục lưu trữ {folder}: {exc.strerror}.") from exc


def _write(target: Path, content: bytes) -> None:
    """Write `content` under a temporary name beside `target`, check it, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        problems = verify_archive(Path(temporary).read_bytes())
        if problems:
            raise ArchiveFolderError(f"Gói lưu trữ ghi ra không toàn vẹn: {', '.join(problems)}.")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _archive_one(
    uow_factory: Callable[[], UnitOfWork], folder: Path, years: int, due: tuple[int, str, int, str]
) -> dict[str, Any]:
    """Export, write, verify and record one dossier's package; its record."""
    dossier_id, code, agency_id, agency_code = due
    archivist = Actor(
        account_id=None,
        kind="system",
        name="Lưu trữ theo chính sách",
        grants=frozenset({(agency_id, LEADER)}),
    )
    content = export_archive(uow_factory, actor=archivist, code=code)
    relative = f"{_UNSAFE.sub('_', agency_code)}/luu-tru-{_UNSAFE.sub('_', code)}.zip"
    try:
        _write(folder / relative, content)
    except OSError as exc:
        raise ArchiveFolderError(f"Không ghi được gói lưu trữ {relative}: {exc.strerror}.") from exc
    record = {
        "code": code,
        "file": relative,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
    }
    with uow_factory() as uow:
        uow.audit(
            RETAINED,
            actor_id=None,
            object_type="dossier",
            object_id=str(dossier_id),
            summary={**record, "years": years},
        )
        uow.commit()
    return record


def apply_retention(
    uow_factory: Callable[[], UnitOfWork], *, years: int, folder: Path, dry_run: bool = False
) -> RetentionRun:
    """Archive every dossier ended more than `years` years ago and not archived yet into
    `folder/<agency code>/luu-tru-<code>.zip`; each file is verified, then recorded
    (audit `dossier.retained` with its SHA-256), so a second run archives nothing again.
    A dossier that cannot be exported is named in `failed` and the run goes on; a folder
    that cannot be written stops the run before anything is archived."""
    if years < 1:
        raise ServiceError("Số năm lưu giữ phải từ 1 trở lên (MOTCUA_RETENTION_YEARS).")
    with uow_factory() as uow:
        cutoff = cutoff_for(uow.clock.now(), years)
        due = _due(uow, cutoff)
    run = RetentionRun(cutoff=cutoff, dry_run=dry_run, due=[code for _, code, _, _ in due])
    if dry_run:
        return run
    _check_folder(folder)
    for dossier_id, code, agency_id, agency_code in due:
        try:
            run.archived.append(
                _archive_one(uow_factory, folder, years, (dossier_id, code, agency_id, agency_code))
            )
        except ArchiveFolderError:
            raise
        except ServiceError as exc:  # this dossier cannot be exported: named, the run goes on
            run.failed.append({"code": code, "problem": exc.message})
    return run


def may_archive(uow: UnitOfWork, *, actor: Actor, code: str) -> bool:
    """True when `actor` may download the archive package of dossier `code`: a leader of
    its competent agency, and the dossier has ended."""
    row = uow.session.execute(select(Dossier.agency_id, Dossier.status).where(Dossier.code == code)).first()
    return row is not None and leads(actor, row[0]) and row[1] in [int(s) for s in FINAL_STATUSES]
