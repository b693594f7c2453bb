"""The one-stop desk (Bộ phận Một cửa): receiving a paper dossier on a citizen's behalf.

The desk enters the form, ticks the papers handed over against the procedure's list
(thành phần hồ sơ), scans or uploads each of them (digitisation at reception is
mandatory: Đồng Tháp seed art. 12 and 32, Trà Vinh seed art. 10.3), writes the
applicant's phone and e-mail so they are told what happens as online applicants are,
and at once accepts, refuses or asks for a supplement (NĐ 61/2018 art. 18). Any desk of
the province receives for any of its agencies (Tuyên Quang seed, art. 22): the dossier
belongs to the competent agency, whichever desk took it. A dossier that came by post is
entered the same way, its channel `post`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from fpdf import FPDF
from sqlalchemy import Table, select, update

from engine.applicants.attachments import POLICY, AttachmentPolicy, check_file, policy_for, store_file
from engine.core.actors import Actor
from engine.core.errors import Forbidden, FormInvalid, Invalid
from engine.core.models import Agency, Dossier, Task
from engine.core.permissions import DESK, desk_agencies, is_desk_of, may_receive_paper
from engine.core.uow import UnitOfWork
from engine.dossiers.deadlines import SupplementRequest, request_supplement
from engine.dossiers.submit import create_dossier
from engine.dossiers.tasks import complete_task
from engine.procedures.cache import loaded_version
from engine.procedures.catalogue import published_version
from forms import FormValidator

DECISIONS = ("complete", "supplement")
PAPER_CHANNELS = ("desk", "post")
IMAGES = frozenset({"image/png", "image/jpeg"})
MAX_PAGES = 30  # pages of one paper combined into one PDF
CONTACT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "lien_he_dien_thoai": {"type": "string", "title": "Số điện thoại nhận thông báo",
                               "format": "vn-phone", "maxLength": 20},
        "lien_he_email": {"type": "string", "title": "Thư điện tử nhận thông báo",
                          "format": "email", "maxLength": 200},
    },
}
_DOSSIERS = cast(Table, Dossier.__table__)


@dataclass(frozen=True)
class Contact:
    """Where to tell an applicant without an account: phone (SMS) and e-mail."""

    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Scan:
    """A page (or a whole file) of one paper handed over: `paper` is its component's name."""

    paper: str
    filename: str
    content: bytes


def _check_desk(uow: UnitOfWork, actor: Actor, agency_id: int) -> None:
    """Refuse a paper reception by anyone but a desk of the agency's province."""
    target = uow.session.get(Agency, agency_id)
    provinces = set(uow.session.scalars(
        select(Agency.province_id).where(Agency.id.in_(desk_agencies(actor)))))
    if not may_receive_paper(actor, agency_id, None if target is None else target.province_id,
                             provinces):
        raise Forbidden("Chỉ Bộ phận Một cửa trong tỉnh được tiếp nhận hồ sơ giấy.")


def missing_papers(components: list[dict[str, Any]], handed: list[str]) -> list[str]:
    """Required papers of the procedure that were not handed over."""
    return [c["name"] for c in components if c.get("required") and c["name"] not in handed]


def check_contact(contact: Contact) -> Contact:
    """The contact trimmed, or `FormInvalid` naming the field that is wrong."""
    values = {"lien_he_dien_thoai": contact.phone.strip().replace(" ", ""),
              "lien_he_email": contact.email.strip()}
    errors = FormValidator(CONTACT_SCHEMA).validate_submission(
        {k: v for k, v in values.items() if v})
    if errors:
        raise FormInvalid("Thông tin liên hệ chưa hợp lệ.", details=[e.as_dict() for e in errors])
    return Contact(values["lien_he_dien_thoai"], values["lien_he_email"])


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


def receive_paper_dossier(
    uow_factory: Any, *, actor: Actor, procedure_code: str, agency_code: str | None,
    data: dict[str, Any], papers: list[str], decision: str, reception: dict[str, Any],
    channel: str = "desk", scans: Sequence[Scan] = (), contact: Contact | None = None,
) -> dict[str, Any]:
    """Enter a paper dossier and decide at the counter: `complete` the reception step with
    the reception form (accept, or refuse with reasons), or ask for a `supplement` listing
    every required paper missing (form 02). The scanned papers are stored as the dossier's
    attachments (a paper scanned counts as handed over), the contact on the dossier.
    Returns the dossier's code and status.

    Takes a factory of units of work: creating the dossier and deciding on it are two
    transactions, so the dossier exists (with its code) even if the decision is refused.
    """
    if decision not in DECISIONS:
        raise Invalid(f"Quyết định không hợp lệ: {decision}")
    if channel not in PAPER_CHANNELS:
        raise Invalid("Hồ sơ giấy nhận trực tiếp (desk) hoặc qua bưu chính (post).")
    contact = check_contact(_or_from_form(contact or Contact(), data))
    with uow_factory() as uow:
        version = published_version(uow, code=procedure_code, agency_code=agency_code)
        _check_desk(uow, actor, version.agency_id)
        components = loaded_version(uow, version.version_id).compiled.manifest.get("components", [])
        files = digitise(components, scans)
        missing = missing_papers(components, [*papers, *files])
        if decision == "complete" and missing and _accepts(reception):
            raise Invalid("Thiếu giấy tờ bắt buộc: " + "; ".join(missing)
                          + ". Hãy yêu cầu bổ sung.", details=missing)
        if decision == "supplement" and not missing and not reception.get("note"):
            raise Invalid("Hồ sơ đủ giấy tờ bắt buộc; không cần yêu cầu bổ sung.")
    desk = _as_desk(actor, version.agency_id)
    with uow_factory() as uow:
        code = _create(uow, desk, version.agency_code, procedure_code, data, channel, files,
                       contact, components)
    return _decide(uow_factory, desk, code, decision, reception, missing)


def _create(uow: UnitOfWork, desk: Actor, agency_code: str, procedure_code: str,
            data: dict[str, Any], channel: str, files: dict[str, tuple[str, bytes]],
            contact: Contact, components: list[dict[str, Any]]) -> str:
    """The dossier, its scanned papers and its contact, in one transaction."""
    created = create_dossier(uow, actor=desk, procedure_code=procedure_code,
                             agency_code=agency_code, data=data, channel=channel)
    uow.connection.execute(update(_DOSSIERS).where(_DOSSIERS.c.id == created.dossier_id).values(
        contact_phone=contact.phone or None, contact_email=contact.email or None))
    policies = {str(c["name"]): policy_for(c) for c in components}
    for paper, (filename, content) in files.items():
        stored = store_file(uow, actor=desk, paper=paper, filename=filename, content=content,
                            policy=policies.get(paper, POLICY), dossier_id=created.dossier_id)
        uow.audit("dossier.attachment", actor_id=desk.account_id, object_type="dossier",
                  object_id=str(created.dossier_id),
                  summary={"paper": paper, "file": stored.filename, "size": stored.size,
                           "scanned_at": "desk"})
    uow.commit()
    return str(created.summary["code"])


def _decide(uow_factory: Any, desk: Actor, code: str, decision: str, reception: dict[str, Any],
            missing: list[str]) -> dict[str, Any]:
    with uow_factory() as uow:
        if decision == "supplement":
            result = request_supplement(uow, actor=desk, code=code, request=SupplementRequest(
                missing or [str(reception.get("note"))], str(reception.get("note", ""))))
            return {"code": code, "status": result["status"], "missing": missing}
        task_id = uow.session.scalar(
            select(Task.id).join(Task.dossier).where(Task.state == "open",
                                                     Task.dossier.has(code=code)))
    with uow_factory() as uow:
        done = complete_task(uow, actor=desk, task_id=int(task_id or 0), data=reception)
    return {"code": code, "status": done["dossier"]["status"], "due_at": done["dossier"]["due_at"],
            "missing": missing}


def _or_from_form(contact: Contact, data: dict[str, Any]) -> Contact:
    """What the desk left blank, from the form's own `dien_thoai` and `email` fields (the
    sample forms' names), so an applicant who wrote them is told without retyping."""
    phone, email = data.get("dien_thoai"), data.get("email")
    return Contact(contact.phone.strip() or (phone if isinstance(phone, str) else ""),
                   contact.email.strip() or (email if isinstance(email, str) else ""))


def _accepts(reception: dict[str, Any]) -> bool:
    """A reception form accepts unless it says it refuses (the sample forms' conventions)."""
    return reception.get("ket_qua_kiem_tra", "tiep_nhan") != "tu_choi" and reception.get(
        "hop_le", True) is not False


def _as_desk(actor: Actor, agency_id: int) -> Actor:
    """The desk officer acting for the competent agency's desk (province-wide reception)."""
    if is_desk_of(actor, agency_id):
        return actor
    return Actor(account_id=actor.account_id, kind=actor.kind, name=actor.name,
                 grants=actor.grants | {(agency_id, DESK)}, id_number=actor.id_number)
