"""The one-stop desk (Bộ phận Một cửa): receiving a paper dossier on a citizen's behalf.

The desk enters the form, ticks the papers handed over against the procedure's list
(thành phần hồ sơ), scans or uploads each of them (digitisation at reception is
mandatory: Đồng Tháp seed art. 12 and 32, Trà Vinh seed art. 10.3), writes the
applicant's phone and e-mail so they are told what happens as online applicants are,
records how the result is returned (at the desk, or by post to an address: the same
delivery order an online submission places, `engine.dossiers.postal_choice`), and at once
accepts, refuses or asks for a supplement (NĐ 61/2018 art. 18). Any desk of the province
receives for any of its agencies (Tuyên Quang seed, art. 22): the dossier belongs to the
competent agency, whichever desk took it. A dossier that came by post is entered the same
way, its channel `post`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select, update

from engine.applicants.attachments import POLICY, policy_for, store_file
from engine.applicants.desk_scans import Scan, digitise, digitise_each, held_papers, take_held
from engine.core.actors import Actor
from engine.core.errors import Forbidden, FormInvalid, Invalid
from engine.core.models import Agency, Dossier, Task
from engine.core.permissions import DESK, desk_agencies, is_desk_of, may_receive_paper
from engine.core.uow import UnitOfWork
from engine.dossiers.deadlines import SupplementRequest, request_supplement
from engine.dossiers.postal import ADDRESS_FIELDS
from engine.dossiers.postal_choice import ResultDelivery, checked_delivery
from engine.dossiers.reception_check import accepts
from engine.dossiers.submit import create_dossier
from engine.dossiers.tasks import complete_task
from engine.procedures.cache import loaded_version
from engine.procedures.catalogue import catalogue, published_version
from forms import FormValidator

DECISIONS = ("complete", "supplement")
PAPER_CHANNELS = ("desk", "post")
NOTHING_MISSING = "Hồ sơ đủ giấy tờ bắt buộc; không cần yêu cầu bổ sung."
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


def _check_desk(uow: UnitOfWork, actor: Actor, agency_id: int) -> None:
    """Refuse a paper reception by anyone but a desk of the agency's province."""
    target = uow.session.get(Agency, agency_id)
    provinces = set(uow.session.scalars(
        select(Agency.province_id).where(Agency.id.in_(desk_agencies(actor)))))
    if not may_receive_paper(actor, agency_id, None if target is None else target.province_id,
                             provinces):
        raise Forbidden("Chỉ Bộ phận Một cửa trong tỉnh được tiếp nhận hồ sơ giấy.")


def desk_catalogue(uow: UnitOfWork, *, actor: Actor, province_wide: bool = False
                   ) -> list[dict[str, Any]]:
    """The published procedures the desk officer receives on paper: those of the agencies
    whose desk they staff, or (`province_wide`) of every agency of those agencies'
    provinces, which any desk of the province may receive for (Tuyên Quang seed, art. 22)."""
    own = desk_agencies(actor)
    agencies = select(Agency.code).where(Agency.id.in_(own))
    if province_wide:
        provinces = select(Agency.province_id).where(Agency.id.in_(own))
        agencies = select(Agency.code).where(Agency.province_id.in_(provinces))
    codes = set(uow.session.scalars(agencies))
    return [e for e in catalogue(uow) if e["agency"]["code"] in codes]


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


def receive_paper_dossier(
    uow_factory: Any, *, actor: Actor, procedure_code: str, agency_code: str | None,
    data: dict[str, Any], papers: list[str], decision: str, reception: dict[str, Any],
    channel: str = "desk", scans: Sequence[Scan] = (), contact: Contact | None = None,
    held: str | None = None, require_scans: bool = False, delivery: ResultDelivery | None = None,
) -> dict[str, Any]:
    """Enter a paper dossier and decide at the counter: `complete` the reception step with
    the reception form (accept, or refuse with reasons), or ask for a `supplement` listing
    every required paper missing (form 02). The scanned papers (`scans`, and those kept on
    the officer's hold `held`, `desk_scans.hold_scans`) are stored as the dossier's
    attachments (a paper scanned counts as handed over), the contact on the dossier.
    `delivery`: the result by post to that address (blank address or phone: the form's,
    `_delivery_or_from_form`), checked as an online submission's and ordered with the
    dossier — unless the counter refuses it (no result to send: neither checked nor
    ordered). Returns the dossier's code and status, and `result_delivery` (the order's
    address and phone, or None).

    With `require_scans` (the desk page) every paper ticked as handed over needs its scan
    unless the dossier is refused (digitisation at reception, Đồng Tháp seed art. 12), and
    every problem — fields, contact, papers — comes at once in one `FormInvalid`.

    Takes a factory of units of work: creating the dossier and deciding on it are two
    transactions, so the dossier exists (with its code) even if the decision is refused.
    """
    if decision not in DECISIONS:
        raise Invalid(f"Quyết định không hợp lệ: {decision}")
    if channel not in PAPER_CHANNELS:
        raise Invalid("Hồ sơ giấy nhận trực tiếp (desk) hoặc qua bưu chính (post).")
    if decision == "complete" and not accepts(reception):
        delivery = None  # refused at the counter: Mẫu 03 is handed over there, nothing to send
    delivery = _delivery_or_from_form(delivery, contact or Contact(), data)
    if require_scans:
        contact, missing, files, version, components = _check_all(
            uow_factory, actor, procedure_code, agency_code, data, papers, decision,
            reception, scans, contact, held, _delivery_problems(delivery))
    else:
        delivery = None if delivery is None else checked_delivery(delivery)
        contact, missing, files, version, components = _check_first(
            uow_factory, actor, procedure_code, agency_code, data, papers, decision,
            reception, scans, contact)
    desk = _as_desk(actor, version.agency_id)
    with uow_factory() as uow:
        code = _create(uow, desk, version.agency_code, procedure_code, data, channel, files,
                       contact, components, held, delivery)
    decided = _decide(uow_factory, desk, code, decision, reception, missing)
    return {**decided, "result_delivery": None if delivery is None else {
        "address": delivery.address, "phone": delivery.phone}}


def _check_first(uow_factory: Any, actor: Actor, procedure_code: str, agency_code: str | None,
                 data: dict[str, Any], papers: list[str], decision: str,
                 reception: dict[str, Any], scans: Sequence[Scan], contact: Contact | None
                 ) -> tuple[Contact, list[str], dict[str, tuple[str, bytes]], Any,
                            list[dict[str, Any]]]:
    """The API's check: the first problem refused (`FormInvalid` or `Invalid`), else what
    `_check_all` returns."""
    checked = check_contact(_or_from_form(contact or Contact(), data))
    with uow_factory() as uow:
        version = published_version(uow, code=procedure_code, agency_code=agency_code)
        _check_desk(uow, actor, version.agency_id)
        components = loaded_version(uow, version.version_id).compiled.manifest.get(
            "components", [])
        files = digitise(components, scans)
        missing = missing_papers(components, [*papers, *files])
        if decision == "complete" and missing and accepts(reception):
            raise Invalid("Thiếu giấy tờ bắt buộc: " + "; ".join(missing)
                          + ". Hãy yêu cầu bổ sung.", details=missing)
        if decision == "supplement" and not missing and not reception.get("note"):
            raise Invalid(NOTHING_MISSING)
    return checked, missing, files, version, components


def _check_all(uow_factory: Any, actor: Actor, procedure_code: str, agency_code: str | None,
               data: dict[str, Any], papers: list[str], decision: str,
               reception: dict[str, Any], scans: Sequence[Scan], contact: Contact | None,
               held: str | None, delivery_problems: list[dict[str, str]]
               ) -> tuple[Contact, list[str], dict[str, tuple[str, bytes]], Any,
                          list[dict[str, Any]]]:
    """The desk page's check: every problem of the form, the contact, the result's delivery
    and the papers at once, or the trimmed contact, the missing papers, the files, version
    and components."""
    problems: list[dict[str, Any]] = list(delivery_problems)
    try:
        checked = check_contact(_or_from_form(contact or Contact(), data))
    except FormInvalid as exc:
        checked, problems = Contact(), list(exc.details or [])
    with uow_factory() as uow:
        version = published_version(uow, code=procedure_code, agency_code=agency_code)
        _check_desk(uow, actor, version.agency_id)
        loaded = loaded_version(uow, version.version_id)
        compiled = loaded.compiled
        problems += [e.as_dict() for e in
                     loaded.validator(compiled.start_form).validate_submission(data)]
        components = compiled.manifest.get("components", [])
        files, wrong = digitise_each(components, scans)
        scanned = {*files, *held_papers(uow, actor=actor, key=held,
                                        procedure_code=procedure_code)}
    missing = missing_papers(components, [*papers, *scanned])
    problems += wrong + paper_problems(components, papers, scanned, missing, decision,
                                       reception)
    if problems:
        raise FormInvalid("Hồ sơ chưa ghi nhận được: xem từng mục được đánh dấu bên dưới.",
                          details=problems)
    return checked, missing, files, version, components


def paper_problems(components: list[dict[str, Any]], papers: list[str], scanned: set[str],
                   missing: list[str], decision: str, reception: dict[str, Any]
                   ) -> list[dict[str, str]]:
    """Each paper ticked without its scan (unless refused), each required paper missing
    from an acceptance, or a supplement asked of a complete dossier."""
    refused = decision == "complete" and not accepts(reception)
    problems = []
    for index, component in enumerate(components):
        name = str(component["name"])
        if name in papers and name not in scanned and not refused:
            problems.append({"field": f"scan.{index}", "message": (
                "Đã đánh dấu đã nhận nhưng chưa có bản số hóa: quét hoặc chụp giấy tờ này "
                "(bắt buộc số hóa khi tiếp nhận).")})
        elif name in missing and decision == "complete" and not refused:
            problems.append({"field": f"scan.{index}", "message": (
                "Giấy tờ bắt buộc chưa nhận. Nếu người nộp chưa có, chọn «Yêu cầu bổ sung "
                "(Mẫu 02)».")})
    if decision == "supplement" and not missing and not reception.get("note"):
        problems.append({"field": "scan", "message": NOTHING_MISSING})
    return problems


def _create(uow: UnitOfWork, desk: Actor, agency_code: str, procedure_code: str,
            data: dict[str, Any], channel: str, files: dict[str, tuple[str, bytes]],
            contact: Contact, components: list[dict[str, Any]], held: str | None = None,
            delivery: ResultDelivery | None = None) -> str:
    """The dossier, its scanned papers (with those held), its contact and the result's
    delivery order, in one transaction."""
    created = create_dossier(uow, actor=desk, procedure_code=procedure_code,
                             agency_code=agency_code, data=data, channel=channel,
                             delivery=delivery)
    uow.connection.execute(update(_DOSSIERS).where(_DOSSIERS.c.id == created.dossier_id).values(
        contact_phone=contact.phone or None, contact_email=contact.email or None))
    code = str(created.summary["code"])
    kept = take_held(uow, actor=desk, key=held, procedure_code=procedure_code,
                     dossier_id=created.dossier_id, code=code)
    policies = {str(c["name"]): policy_for(c) for c in components}
    stored = kept + [store_file(uow, actor=desk, paper=paper, filename=filename, content=content,
                                policy=policies.get(paper, POLICY), dossier_id=created.dossier_id)
                     for paper, (filename, content) in files.items()]
    for one in stored:
        uow.audit("dossier.attachment", actor_id=desk.account_id, object_type="dossier",
                  object_id=str(created.dossier_id),
                  summary={"paper": one.paper, "file": one.filename, "size": one.size,
                           "scanned_at": "desk"})
    uow.commit()
    return code


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


def _delivery_or_from_form(delivery: ResultDelivery | None, contact: Contact,
                           data: dict[str, Any]) -> ResultDelivery | None:
    """What the desk left blank of a delivery by post: the form's contact address
    (`postal.ADDRESS_FIELDS`) and the phone for notices (else the form's `dien_thoai`)."""
    if delivery is None:
        return None
    address = next((data[key] for key in ADDRESS_FIELDS if isinstance(data.get(key), str)), "")
    phone = _or_from_form(contact, data).phone
    return ResultDelivery(delivery.address.strip() or address, delivery.phone.strip() or phone)


def _delivery_problems(delivery: ResultDelivery | None) -> list[dict[str, str]]:
    """What is wrong with the delivery by post, by field ("delivery.address",
    "delivery.phone"), as an online submission is told (`postal_choice.checked_delivery`)."""
    if delivery is None:
        return []
    try:
        checked_delivery(delivery)
    except Invalid as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        return [{"field": str(field), "message": str(message)} for field, message in details.items()]
    return []


def _as_desk(actor: Actor, agency_id: int) -> Actor:
    """The desk officer acting for the competent agency's desk (province-wide reception)."""
    if is_desk_of(actor, agency_id):
        return actor
    return Actor(account_id=actor.account_id, kind=actor.kind, name=actor.name,
                 grants=actor.grants | {(agency_id, DESK)}, id_number=actor.id_number)
