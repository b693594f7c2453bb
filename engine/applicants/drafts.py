"""Online submission through a draft: the start form's data and its papers are saved as
the citizen goes (every post saves), so a refused upload, a row added or a session closed
loses nothing; submitting turns the draft into a dossier in one transaction.

A draft opens with its random key; one started by a signed-in citizen opens only for
them. Papers are uploaded per component of the procedure with that component's limits,
or taken from the citizen's data store (marked as reused).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update

from bpmn.paper_channels import asked_on
from engine.applicants import datastore
from engine.applicants.attachments import add_current, current_files, paper_slots, policy_for, store_file
from engine.applicants.storage import StorageError
from engine.core.actors import Actor
from engine.core.errors import DraftSubmitted, FormInvalid, NotFound, RateLimited
from engine.core.models import Account, Agency, Attachment, Draft, Procedure
from engine.core.permissions import is_anonymous, is_citizen, may_open_draft
from engine.core.uow import UnitOfWork
from engine.dossiers.postal_choice import ResultDelivery
from engine.dossiers.submit import SubmissionLimits, create_dossier
from engine.identity.ratelimit import hit, in_minutes
from engine.procedures.cache import LoadedVersion, loaded_version
from engine.procedures.catalogue import published_version
from forms import field_schema, keep_read_only
from forms.limits import MAX_DATA_BYTES, data_size

# Where the applicant's known facts go in a start form, unless the manifest's `applicant`
# names other fields: account attribute → form field.
PREFILL_DEFAULTS = {"name": "ho_ten", "id_number": "so_dinh_danh", "phone": "dien_thoai",
                    "email": "email"}
_ACCOUNT_FIELDS = {"name": "full_name", "id_number": "id_number", "phone": "phone",
                   "email": "email"}


@dataclass(frozen=True)
class Upload:
    """A file posted for one paper: `slot` is the component's position in the manifest."""

    slot: str
    filename: str
    content: bytes


def _form(uow: UnitOfWork, procedure_code: str, agency_code: str | None) -> tuple[Any, Any]:
    version = published_version(uow, code=procedure_code, agency_code=agency_code)
    return version, loaded_version(uow, version.version_id)


def prefill(uow: UnitOfWork, *, actor: Actor, procedure_code: str,
            agency_code: str | None = None) -> dict[str, Any]:
    """The start form's fields the signed-in citizen's account already knows (name, ID
    number, phone, e-mail), where the form has them."""
    if not is_citizen(actor):
        return {}
    account = uow.session.get(Account, actor.account_id)
    _, loaded = _form(uow, procedure_code, agency_code)
    compiled = loaded.compiled
    schema = compiled.forms[compiled.start_form]
    mapping = {**PREFILL_DEFAULTS, **compiled.manifest.get("applicant", {})}
    data: dict[str, Any] = {}
    for fact, path in mapping.items():
        value = getattr(account, _ACCOUNT_FIELDS.get(fact, ""), None)
        parts = str(path).split(".")
        if value and field_schema(schema, parts).get("type") == "string":
            node = data
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
    return data


def open_draft(uow: UnitOfWork, *, actor: Actor, key: str,
               procedure_code: str | None = None) -> Draft:
    """The draft with `key` (of that procedure, when given), if the actor may open it
    (`NotFound` otherwise)."""
    draft = uow.session.scalar(select(Draft).where(Draft.key == key))
    if draft is None or not may_open_draft(actor, draft.account_id) or (
            procedure_code is not None and draft.procedure_code != procedure_code):
        raise NotFound("Không tìm thấy bản nháp (đường dẫn sai hoặc bản nháp của người khác).")
    if draft.submitted_code is not None:
        raise DraftSubmitted(draft.submitted_code)
    return draft


def save_draft(
    uow: UnitOfWork, *, actor: Actor, key: str | None, procedure_code: str,
    agency_code: str | None, data: dict[str, Any], uploads: list[Upload] | None = None,
    reuse: dict[str, int] | None = None, client: str | None = None,
    limits: SubmissionLimits | None = None,
) -> dict[str, Any]:
    """Save the form's data and papers, whatever their state; returns the draft's key and
    the papers' problems (`_paper.<slot>`), each refused file leaving the rest saved.
    An anonymous caller (`client` is its address) starts at most `limits.anonymous_drafts`
    new drafts in the window (`RateLimited`, nothing saved)."""
    version, loaded = _form(uow, procedure_code, agency_code)
    compiled = loaded.compiled
    now = uow.clock.now()
    if key:
        draft = open_draft(uow, actor=actor, key=key, procedure_code=procedure_code)
    else:
        _count_new_draft(uow, actor=actor, client=client, limits=limits or SubmissionLimits())
        draft = Draft(key=secrets.token_urlsafe(32),
                      account_id=actor.account_id if is_citizen(actor) else None,
                      procedure_code=procedure_code, data={}, created_at=now, updated_at=now)
        uow.session.add(draft)
    known = draft.data if draft.data else prefill(uow, actor=actor, procedure_code=procedure_code,
                                                  agency_code=agency_code)
    errors: list[dict[str, str]] = []
    kept = keep_read_only(compiled.forms[compiled.start_form],
                          compiled.ui_for(compiled.start_form), data, known)
    if data_size(kept) > MAX_DATA_BYTES:  # a draft is not a free store: keep the last one
        errors.append({"field": "", "message": f"Dữ liệu tờ khai quá lớn (tối đa "
                                               f"{MAX_DATA_BYTES // 1024} KB); bản nháp chưa "
                                               "lưu nội dung vừa nhập."})
    else:
        draft.data = kept
    draft.agency_code = agency_code or version.agency_code
    draft.updated_at = now
    uow.session.flush()
    errors += _attach(uow, actor, draft, compiled.manifest.get("components", []), uploads or [],
                      reuse or {})
    uow.commit()
    return {"key": draft.key, "errors": errors}


def _attach(
    uow: UnitOfWork, actor: Actor, draft: Draft, components: list[dict[str, Any]],
    uploads: list[Upload], reuse: dict[str, int],
) -> list[dict[str, str]]:
    """Store the uploaded files and the papers reused from the applicant's data store on
    the draft; each refused file is a problem of its slot, the rest saved."""
    errors: list[dict[str, str]] = []
    for upload in uploads:
        component = _component(components, upload.slot)
        try:
            store_file(uow, actor=actor, paper=component["name"], filename=upload.filename,
                       content=upload.content, policy=policy_for(component), draft_id=draft.id)
        except (FormInvalid, StorageError) as exc:  # the store down: the rest still saved
            errors.append({"field": f"_paper.{upload.slot}", "message": exc.message})
    for slot, paper_id in reuse.items():
        component = _component(components, slot)
        stored = datastore.own_paper(uow, actor=actor, paper_id=paper_id)
        add_current(uow, Attachment(
            draft_id=draft.id, paper=component["name"], filename=stored.filename,
            media_type=stored.media_type, size=stored.size, sha256=stored.sha256,
            uploaded_by_id=actor.account_id, uploaded_at=uow.clock.now(),
            reused_from_id=stored.id))
    return errors


def _count_new_draft(
    uow: UnitOfWork, *, actor: Actor, client: str | None, limits: SubmissionLimits
) -> None:
    if not is_anonymous(actor) or client is None:
        return
    try:
        hit(uow, bucket=f"draft:anonymous:{client}", limit=limits.anonymous_drafts,
            window=limits.window, message="")
    except RateLimited as exc:
        raise RateLimited(
            f"Đã mở {limits.anonymous_drafts} bản nháp mới trong "
            f"{in_minutes(limits.window.total_seconds())} phút từ địa chỉ này, mức tối đa cho "
            f"phép; vui lòng thử lại sau khoảng {in_minutes(exc.retry_after)} phút (nội dung "
            "vừa nhập chưa được lưu).", exc.retry_after) from exc


def _component(components: list[dict[str, Any]], slot: str) -> dict[str, Any]:
    # ASCII digits, short: "²" passes isdigit() but not int(), nor do 5,000 digits
    # a paper asked for at the counter only is not offered online either
    if not (slot.isascii() and slot.isdigit() and len(slot) <= 9) or int(slot) >= len(
            components) or not asked_on(components[int(slot)], "online"):
        raise FormInvalid("Giấy tờ không có trong danh mục của thủ tục.", [
            {"field": "paper", "message": "Hãy chọn một giấy tờ trong danh mục của thủ tục."}])
    return components[int(slot)]


def papers(
    uow: UnitOfWork, *, actor: Actor, procedure_code: str, agency_code: str | None,
    key: str | None,
) -> list[dict[str, Any]]:
    """The procedure's papers as the form offers them: limits, the draft's current file,
    and the citizen's stored papers that may stand in for an upload."""
    _, loaded = _form(uow, procedure_code, agency_code)
    current = current_files(uow, draft_id=open_draft(uow, actor=actor, key=key).id) if key else {}
    stored = datastore.stored_papers(uow, actor=actor) if is_citizen(actor) else []
    offered = [(str(p["id"]), f"{p['name']} — {p['filename']} (hồ sơ {p['dossier']})")
               for p in stored]
    return paper_slots(loaded.compiled.manifest.get("components", []), current, offered,
                       channel="online")


def problems(uow: UnitOfWork, *, actor: Actor, key: str) -> list[dict[str, str]]:
    """What keeps the draft from being submitted: every invalid field and every required
    paper without a file, all at once (empty when it can be submitted). A paper asked
    for at the counter only (`channels`) is not asked for here."""
    draft = open_draft(uow, actor=actor, key=key)
    _, loaded = _form(uow, draft.procedure_code, draft.agency_code)
    attached = set(uow.session.scalars(select(Attachment.paper).where(
        Attachment.draft_id == draft.id, Attachment.replaced_at.is_(None))))
    return form_problems(loaded, draft.data, attached)


def form_problems(loaded: LoadedVersion, data: dict[str, Any], attached: set[str]
                  ) -> list[dict[str, str]]:
    """What keeps answers `data` with papers `attached` (their names) from being submitted
    on this version's start form: every invalid field, every required online paper missing."""
    compiled = loaded.compiled
    errors = [e.as_dict() for e in loaded.validator(compiled.start_form).validate_submission(data)]
    for index, component in enumerate(compiled.manifest.get("components", [])):
        if (component.get("required") and asked_on(component, "online")
                and component["name"] not in attached):
            errors.append({"field": f"_paper.{index}",
                           "message": "Vui lòng đính kèm giấy tờ này (tải lên hoặc chọn "
                                      "từ kho dữ liệu)."})
    return errors


def submit_draft(uow: UnitOfWork, *, actor: Actor, key: str, client: str | None = None,
                 limits: SubmissionLimits | None = None,
                 delivery: ResultDelivery | None = None) -> dict[str, Any]:
    """Turn the draft into a dossier when nothing in `problems` stands in the way; its
    files move to the dossier, in the same transaction. At most `limits` submissions per
    caller (`client` is its address); a refused submission leaves the draft as it was.
    `delivery`: the result by post to that address, ordered in the same transaction."""
    errors = problems(uow, actor=actor, key=key)
    if errors:
        raise FormInvalid("Hồ sơ chưa đủ để nộp.", details=errors)
    draft = open_draft(uow, actor=actor, key=key)
    version, _ = _form(uow, draft.procedure_code, draft.agency_code)
    created = create_dossier(uow, actor=actor, procedure_code=draft.procedure_code,
                             data=draft.data, agency_code=version.agency_code, client=client,
                             limits=limits, delivery=delivery)
    uow.session.execute(update(Attachment).where(Attachment.draft_id == draft.id)
                        .values(dossier_id=created.dossier_id, draft_id=None))
    draft.submitted_code = created.summary["code"]
    uow.commit()
    return created.summary


def my_drafts(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """The signed-in citizen's drafts not yet submitted, newest first, each with its
    procedure's name (`procedure_name`: the draft's agency's, else any agency's of that
    code), also when no version of it is published any more."""
    if actor.account_id is None:
        return []
    rows = list(uow.session.scalars(select(Draft).where(
        Draft.account_id == actor.account_id, Draft.submitted_code.is_(None))
        .order_by(Draft.updated_at.desc())))
    if not rows:
        return []
    names: dict[tuple[str, str | None], str] = {}
    for code, agency, name in uow.session.execute(
            select(Procedure.code, Agency.code, Procedure.name)
            .join(Agency, Procedure.agency_id == Agency.id)
            .where(Procedure.code.in_({d.procedure_code for d in rows}))
            .order_by(Procedure.id)):
        names[(code, agency)] = name
        names.setdefault((code, None), name)
    return [{"key": d.key, "procedure": d.procedure_code, "agency": d.agency_code,
             "procedure_name": names.get((d.procedure_code, d.agency_code))
             or names.get((d.procedure_code, None), f"Thủ tục {d.procedure_code}"),
             "updated_at": d.updated_at} for d in rows]


def delete_draft(uow: UnitOfWork, *, actor: Actor, key: str) -> None:
    """Delete one of the signed-in citizen's drafts not yet submitted, with its files'
    records (the stored bytes stay: other records may share them)."""
    draft = open_draft(uow, actor=actor, key=key)
    if draft.account_id is None or draft.account_id != actor.account_id:
        raise NotFound("Không tìm thấy bản nháp (đường dẫn sai hoặc bản nháp của người khác).")
    uow.session.execute(delete(Attachment).where(Attachment.draft_id == draft.id))
    uow.session.delete(draft)
    uow.commit()


DRAFT_LIFETIME = timedelta(days=30)


def forget_stale_drafts(uow: UnitOfWork, *, lifetime: timedelta = DRAFT_LIFETIME) -> int:
    """Delete drafts not touched for `lifetime`, with their files' records (the stored
    bytes stay: other records may share them). Returns how many drafts went."""
    stale = select(Draft.id).where(Draft.submitted_code.is_(None),
                                   Draft.updated_at < uow.clock.now() - lifetime)
    uow.session.execute(delete(Attachment).where(Attachment.draft_id.in_(stale)))
    gone = uow.session.execute(delete(Draft).where(Draft.id.in_(stale)))
    uow.commit()
    return int(getattr(gone, "rowcount", 0) or 0)
