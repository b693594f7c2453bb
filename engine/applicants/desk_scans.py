"""The desk's scans (bản số hóa) of the papers handed over at the counter: several images
of one paper become one PDF, and the scans are held for the reception form between its
tries, so a form sent back for a wrong field keeps what was already scanned.

The hold is a draft (`Draft`) owned by the desk officer, the files attachments pointing at
it; the reception moves them to the dossier (`take_held`). A hold nobody finishes goes
with the stale drafts (`drafts.forget_stale_drafts`).
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF
from sqlalchemy import select, update

from engine.applicants.attachments import (
    AttachmentPolicy,
    check_file,
    current_files,
    describe_file,
    policy_for,
    store_file,
)
from engine.applicants.storage import StorageError
from engine.core.actors import Actor
from engine.core.errors import FormInvalid
from engine.core.models import Attachment, Draft
from engine.core.uow import UnitOfWork

IMAGES = frozenset({"image/png", "image/jpeg"})
MAX_PAGES = 30  # pages of one paper combined into one PDF


@dataclass(frozen=True)
class Scan:
    """A page (or a whole file) of one paper handed over: `paper` is its component's name."""

    paper: str
    filename: str
    content: bytes



def digitise(components: list[dict[str, Any]], scans: Sequence[Scan]) -> dict[str, tuple[str, bytes]]:
    """One file per paper from what the desk scanned: a single file as it is, several
    images (the pages of one paper) combined into one PDF. Refuses, naming the paper, a
    paper not in the procedure's list, a file of the wrong type or size, or several files
    that are not all images."""
    by_name = {str(c["name"]): c for c in components}
    pages: dict[str, list[Scan]] = {}
    for scan in scans:
        if scan.paper not in by_name:
            raise FormInvalid("Giấy tờ không có trong danh mục của thủ tục.", [
                {"field": "scan", "message": f"«{scan.paper[:80]}» không có trong danh mục."}])
        pages.setdefault(scan.paper, []).append(scan)
    files = {}
    for index, component in enumerate(components):
        found = pages.get(str(component["name"]))
        if found:
            files[str(component["name"])] = _one_file(index, found, policy_for(component))
    return files


def _one_file(index: int, pages: list[Scan], policy: AttachmentPolicy) -> tuple[str, bytes]:
    field = f"scan.{index}"
    try:
        if len(pages) == 1:
            check_file(pages[0].filename, pages[0].content, policy)
            return pages[0].filename, pages[0].content
        if len(pages) > MAX_PAGES:
            raise FormInvalid("Quá nhiều trang.", [{"field": field, "message": (
                f"Mỗi giấy tờ ghép tối đa {MAX_PAGES} trang ảnh.")}])
        image_policy = AttachmentPolicy(policy.max_bytes, IMAGES)
        for page in pages:
            check_file(page.filename, page.content, image_policy)
        combined = combine_pages([p.content for p in pages])
        check_file("ghep.pdf", combined, AttachmentPolicy(policy.max_bytes, policy.media_types))
    except FormInvalid as exc:
        message = exc.details[0]["message"] if exc.details else exc.message
        if len(pages) > 1 and "loại được chấp nhận" in message:
            message = ("Nhiều tệp của một giấy tờ chỉ ghép được khi đều là ảnh (PNG, JPEG) và "
                       "giấy tờ nhận PDF; hãy quét thành một tệp PDF.")
        raise FormInvalid(message, [{"field": field, "message": message}]) from exc
    stem = pages[0].filename.rpartition(".")[0] or "giay-to"
    return f"{stem}.pdf", combined


def combine_pages(images: Sequence[bytes]) -> bytes:
    """Images (PNG, JPEG), one per A4 page, fitted within the margins, as one PDF."""
    pdf = FPDF(format="A4")
    pdf.set_margins(0, 0, 0)
    pdf.set_auto_page_break(False)
    for number, image in enumerate(images, start=1):
        pdf.add_page()
        try:
            pdf.image(io.BytesIO(image), x=10, y=10, w=190, h=277, keep_aspect_ratio=True)
        except Exception as exc:  # a broken image: the library's error names no page
            raise FormInvalid("Không đọc được ảnh.", [{"field": "scan", "message": (
                f"Không đọc được ảnh trang {number}; hãy quét lại.")}]) from exc
    return bytes(pdf.output())

def digitise_each(components: list[dict[str, Any]], scans: Sequence[Scan]
                  ) -> tuple[dict[str, tuple[str, bytes]], list[dict[str, str]]]:
    """`digitise` paper by paper: the good files, and each wrong paper's problem
    (`scan.<index>`) instead of stopping at the first."""
    files: dict[str, tuple[str, bytes]] = {}
    errors: list[dict[str, str]] = []
    for index, component in enumerate(components):
        pages = [s for s in scans if s.paper == str(component["name"])]
        if not pages:
            continue
        try:
            files[str(component["name"])] = _one_file(index, pages, policy_for(component))
        except FormInvalid as exc:
            errors += exc.details or [{"field": f"scan.{index}", "message": exc.message}]
    return files, errors


def _hold(uow: UnitOfWork, actor: Actor, key: str | None, procedure_code: str,
          agency_code: str) -> Draft:
    """The desk officer's hold with `key` for this procedure, or a new one."""
    found = held(uow, actor=actor, key=key, procedure_code=procedure_code)
    if found is not None:
        return found
    now = uow.clock.now()
    hold = Draft(key=secrets.token_urlsafe(32), account_id=actor.account_id,
                 procedure_code=procedure_code, agency_code=agency_code, data={},
                 created_at=now, updated_at=now)
    uow.session.add(hold)
    uow.session.flush()
    return hold


def held(uow: UnitOfWork, *, actor: Actor, key: str | None,
         procedure_code: str | None = None) -> Draft | None:
    """The open hold with `key` (of that procedure, when given), only for the officer who
    made it (None otherwise)."""
    if not key or actor.account_id is None:
        return None
    found = uow.session.scalar(select(Draft).where(
        Draft.key == key[:43], Draft.account_id == actor.account_id,
        Draft.submitted_code.is_(None)))
    if found is None or procedure_code not in (None, found.procedure_code):
        return None
    return found


def hold_scans(uow: UnitOfWork, *, actor: Actor, key: str | None, procedure_code: str,
               agency_code: str, components: list[dict[str, Any]],
               scans: Sequence[Scan]) -> dict[str, Any]:
    """Keep the good scans of this try on the officer's hold (a paper scanned again
    replaces its earlier file); returns the hold's key and each wrong paper's problem."""
    files, errors = digitise_each(components, scans)
    if not files and not key:
        return {"key": None, "errors": errors}
    hold = _hold(uow, actor, key, procedure_code, agency_code)
    policies = {str(c["name"]): policy_for(c) for c in components}
    names = [str(c["name"]) for c in components]
    for paper, (filename, content) in files.items():
        try:
            store_file(uow, actor=actor, paper=paper, filename=filename, content=content,
                       policy=policies[paper], draft_id=hold.id)
        except (FormInvalid, StorageError) as exc:
            errors.append({"field": f"scan.{names.index(paper)}", "message": exc.message})
    hold.updated_at = uow.clock.now()
    uow.commit()
    return {"key": hold.key, "errors": errors}


def held_papers(uow: UnitOfWork, *, actor: Actor, key: str | None,
                procedure_code: str) -> dict[str, str]:
    """The papers of the procedure already scanned on the hold, each with its file in words."""
    hold = held(uow, actor=actor, key=key, procedure_code=procedure_code)
    if hold is None:
        return {}
    return {paper: describe_file(a) for paper, a in current_files(uow, draft_id=hold.id).items()}


def take_held(uow: UnitOfWork, *, actor: Actor, key: str | None, procedure_code: str,
              dossier_id: int, code: str) -> list[Attachment]:
    """Move the held scans to the new dossier (in the caller's transaction)."""
    hold = held(uow, actor=actor, key=key, procedure_code=procedure_code)
    if hold is None:
        return []
    files = list(current_files(uow, draft_id=hold.id).values())
    uow.session.execute(update(Attachment).where(Attachment.draft_id == hold.id)
                        .values(dossier_id=dossier_id, draft_id=None))
    hold.submitted_code = code
    return files
