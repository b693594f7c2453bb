"""The citizen's personal data store (kho dữ liệu): results issued to them and papers of
theirs an agency accepted, kept so that a later dossier reuses them instead of asking for
them again (NĐ 45/2020; DOMAIN.md "kho dữ liệu"). Reuse is recorded on the attachment
(`reused_from_id`), which the QĐ 766 indicator 4.3 counts. Papers enter the store at
reception (`engine.dossiers.papers`) and results when they are issued (`keep_result`).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, select

from engine.applicants.storage import storage_for
from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import NotFound
from engine.core.models import Attachment, Dossier, StoredPaper
from engine.core.permissions import owns
from engine.core.uow import UnitOfWork
from engine.dossiers.papers import RESULT_NAME

STORED = cast(Table, StoredPaper.__table__)


def keep_result(uow: UnitOfWork, dossier: Dossier, attachment: Attachment) -> None:
    """Put an electronic result into its applicant's store (caller's transaction)."""
    if dossier.owner_id is None:
        return
    procedure = dossier.version.procedure.name
    uow.session.add(StoredPaper(
        account_id=dossier.owner_id, kind="result", name=f"{RESULT_NAME}: {procedure}"[:500],
        filename=attachment.filename, media_type=attachment.media_type, size=attachment.size,
        sha256=attachment.sha256, dossier_code=dossier.code, stored_at=uow.clock.now()))


def stored_papers(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """The signed-in citizen's stored papers, newest first."""
    if actor.account_id is None:
        return []
    rows = uow.session.scalars(select(StoredPaper).where(StoredPaper.account_id == actor.account_id)
                               .order_by(StoredPaper.id.desc()))
    return [view(p) for p in rows]


def view(paper: StoredPaper) -> dict[str, Any]:
    """A stored paper as plain data."""
    return {"id": paper.id, "kind": paper.kind, "name": paper.name, "filename": paper.filename,
            "media_type": paper.media_type, "size": paper.size, "dossier": paper.dossier_code,
            "stored_at": local_iso(paper.stored_at)}


def download(uow: UnitOfWork, *, actor: Actor, paper_id: int) -> tuple[dict[str, Any], bytes]:
    """One of the signed-in citizen's stored papers and its bytes."""
    paper = own_paper(uow, actor=actor, paper_id=paper_id)
    return view(paper), storage_for(uow).get(uow.session, paper.sha256)


def own_paper(uow: UnitOfWork, *, actor: Actor, paper_id: int) -> StoredPaper:
    """One of the signed-in citizen's stored papers (`NotFound` for anyone else's)."""
    paper = uow.session.get(StoredPaper, paper_id)
    if paper is None or not owns(actor, paper.account_id):
        raise NotFound("Không có giấy tờ này trong kho dữ liệu của bạn.")
    return paper
