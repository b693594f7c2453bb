"""Files attached to a dossier, one per paper of the procedure's list.

Everything a user uploads is bounded and checked before anything is stored: the size,
the type read from the content itself (never trusted from the name or the browser), the
name cleaned of paths, control and direction characters. The bytes go to the configured
store (`storage.py`: the database, or S3) with the record, in one transaction: a refusal
leaves nothing behind. A paper
uploaded again replaces the earlier file, which stays in the history.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from bpmn.paper_channels import asked_on
from engine.applicants import datastore
from engine.applicants.storage import storage_for
from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, FormInvalid, Invalid, NotFound
from engine.core.models import Attachment, Dossier, Task
from engine.core.permissions import is_officer, is_officer_of, may_work_task
from engine.core.statuses import FINAL_STATUSES, Status
from engine.core.uow import UnitOfWork
from engine.dossiers.appraisal import PREVIEWABLE, STEP_DOCUMENT, is_step_document
from engine.dossiers.submit import find_visible
from engine.procedures.cache import loaded_version

OTHER_PAPER = "Giấy tờ khác"
RESULT_PAPER = "Kết quả giải quyết"
# An officer's working document (draft permit, minutes): no paper of the dossier, so the
# applicant never sees it and reception never copies it; its step's event points at it.
STEP_PAPER = "Tài liệu xử lý"
NAME_LIMIT = 120
# Leading bytes that identify each accepted type.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
EXTENSIONS = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg",
              "jpeg": "image/jpeg"}
TYPE_LABELS = {"application/pdf": "PDF", "image/png": "ảnh PNG", "image/jpeg": "ảnh JPEG"}


@dataclass(frozen=True)
class AttachmentPolicy:
    """What an upload may be: at most `max_bytes`, of the `media_types` accepted."""

    max_bytes: int = 5 * 1024 * 1024
    media_types: frozenset[str] = field(default_factory=lambda: frozenset(SIGNATURES))


POLICY = AttachmentPolicy()
READ_LIMIT = 10 * 1024 * 1024 + 1  # the largest limit a procedure may set, plus one byte


def sniff(content: bytes) -> str | None:
    """The media type the content's first bytes show, if it is one we know."""
    for media_type, signatures in SIGNATURES.items():
        if content.startswith(signatures):
            return media_type
    return None


def clean_filename(name: str) -> str:
    """A name safe to store and show: the last path part, NFC, without control, format
    (e.g. right-to-left override) or reserved characters, no leading dots, bounded."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*')
    name = re.sub(r"\s+", " ", name).strip().lstrip(". ")
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_LIMIT - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else (
            name[:NAME_LIMIT])
    return name or "tep-dinh-kem"


def _refuse(message: str) -> FormInvalid:
    return FormInvalid(message, [{"field": "file", "message": message}])


def _size(count: int) -> str:
    """5242880 → "5 MB", 6815744 → "6,5 MB", 20 → "20 byte" (Vietnamese decimal comma)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"
    return f"{count} byte"


def check_file(filename: str, content: bytes, policy: AttachmentPolicy = POLICY) -> str:
    """The media type of an acceptable upload; `FormInvalid` naming what is wrong."""
    if not content:
        raise _refuse("Tệp rỗng.")
    if len(content) > policy.max_bytes:
        raise _refuse(f"Tệp lớn quá {_size(policy.max_bytes)} ({_size(len(content))}).")
    accepted = ", ".join(sorted(TYPE_LABELS[t] for t in policy.media_types))
    sniffed = sniff(content)
    if sniffed is None or sniffed not in policy.media_types:
        raise _refuse(f"Nội dung tệp không phải loại được chấp nhận ({accepted}).")
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if EXTENSIONS.get(extension) != sniffed:
        raise _refuse(f"Tên tệp có đuôi «.{extension}» nhưng nội dung là {TYPE_LABELS[sniffed]}; "
                      "hãy chọn đúng tệp.")
    return sniffed


def attach(
    uow: UnitOfWork, *, actor: Actor, code: str, paper: str, filename: str, content: bytes,
    policy: AttachmentPolicy | None = None,
) -> dict[str, Any]:
    """Attach a file as one paper of a dossier its owner or its officers can see, while
    the dossier is still open. Returns the stored attachment.

    The result paper (`RESULT_PAPER`) is attached by the agency's officers once the
    dossier is resolved (done or returned); it goes to the applicant's data store."""
    dossier = find_visible(uow, actor=actor, code=code)
    if paper == RESULT_PAPER:
        if not is_officer_of(actor, dossier.agency_id):
            raise Forbidden("Chỉ cán bộ của cơ quan giải quyết được đính kèm kết quả.")
        if dossier.status not in (Status.DONE, Status.RETURNED):
            raise Conflict("Chỉ đính kèm kết quả khi hồ sơ đã giải quyết xong.")
    elif dossier.status in FINAL_STATUSES:
        raise Conflict("Hồ sơ đã kết thúc; không thể đính kèm thêm giấy tờ.")
    elif paper not in _paper_names(uow, dossier):
        raise FormInvalid("Giấy tờ không có trong danh mục của thủ tục.", [
            {"field": "paper", "message": "Hãy chọn một giấy tờ trong danh mục của thủ tục."}])
    if policy is None:
        components = loaded_version(uow, dossier.version_id).compiled.manifest.get("components", [])
        policy = next((policy_for(c) for c in components if c["name"] == paper), POLICY)
    stored = store_file(uow, actor=actor, paper=paper, filename=filename, content=content,
                        policy=policy, dossier_id=dossier.id)
    uow.audit("dossier.attachment", actor_id=actor.account_id, object_type="dossier",
              object_id=str(dossier.id), summary={"paper": paper, "file": stored.filename,
                                                  "size": stored.size})
    if paper == RESULT_PAPER:
        datastore.keep_result(uow, dossier, stored)
    uow.commit()
    return _view(stored)


def store_file(
    uow: UnitOfWork, *, actor: Actor, paper: str, filename: str, content: bytes,
    policy: AttachmentPolicy = POLICY, dossier_id: int | None = None, draft_id: int | None = None,
) -> Attachment:
    """Check a file and store it as the current `paper` of a dossier or a draft, marking
    the earlier file of that paper replaced (in the caller's transaction)."""
    return add_current(uow, _checked(uow, actor, paper, filename, content, policy,
                                     dossier_id=dossier_id, draft_id=draft_id))


def _checked(
    uow: UnitOfWork, actor: Actor, paper: str, filename: str, content: bytes,
    policy: AttachmentPolicy, *, dossier_id: int | None = None, draft_id: int | None = None,
) -> Attachment:
    """A checked file's record (not yet added), its bytes stored once per content."""
    name = clean_filename(filename)
    media_type = check_file(name, content, policy)
    digest = storage_for(uow).put(uow.session, content)  # once per content, before the record
    return Attachment(dossier_id=dossier_id, draft_id=draft_id, paper=paper, filename=name,
                      media_type=media_type, size=len(content), sha256=digest,
                      uploaded_by_id=actor.account_id, uploaded_at=uow.clock.now())


def attach_step_document(
    uow: UnitOfWork, *, actor: Actor, task_id: int, filename: str, content: bytes
) -> dict[str, Any]:
    """An officer attaches a working document (draft permit, minutes) to the open step
    they may work on: checked like any upload, shown in that step's entry to the officers
    of the dossier, never to the applicant."""
    task = uow.session.get(Task, task_id)
    if task is None or not may_work_task(actor, task.agency_id, task.role, task.assignee_id):
        raise NotFound("Không tìm thấy công việc.")
    if task.state != "open":
        raise Conflict("Bước này không còn mở; không đính kèm thêm tài liệu được.")
    stored = _checked(uow, actor, STEP_PAPER, filename, content, POLICY)
    uow.session.add(stored)
    uow.session.flush()
    dossier = task.dossier
    uow.add_event({
        "dossier_id": dossier.id, "kind": STEP_DOCUMENT, "at": uow.clock.now(),
        "actor_id": actor.account_id, "status": dossier.status, "channel": dossier.channel,
        "task_id": task.id, "step": task.bpmn_id, "step_due_at": task.due_at,
        "due_at": dossier.due_at, "note": stored.filename,
        "details": {"attachment": stored.id, "filename": stored.filename}})
    uow.commit()
    return _view(stored)


def add_current(uow: UnitOfWork, attachment: Attachment) -> Attachment:
    """Add `attachment` as its paper's current file, the earlier one becoming history."""
    owner = (Attachment.dossier_id == attachment.dossier_id if attachment.dossier_id is not None
             else Attachment.draft_id == attachment.draft_id)
    for earlier in uow.session.scalars(select(Attachment).where(
            owner, Attachment.paper == attachment.paper, Attachment.replaced_at.is_(None))):
        earlier.replaced_at = attachment.uploaded_at
    uow.session.add(attachment)
    uow.session.flush()
    return attachment


def _paper_names(uow: UnitOfWork, dossier: Dossier) -> set[str]:
    components = loaded_version(uow, dossier.version_id).compiled.manifest.get("components", [])
    return {str(c["name"]) for c in components} | {OTHER_PAPER}


def policy_for(component: dict[str, Any]) -> AttachmentPolicy:
    """The upload limits of one paper of a procedure (`accept`, `max_size_mb`), else the
    default ones."""
    accept = component.get("accept")
    types = frozenset(EXTENSIONS[e] for e in accept) if isinstance(accept, list) else (
        POLICY.media_types)
    size = component.get("max_size_mb")
    limit = int(float(size) * 1024 * 1024) if isinstance(size, int | float) else POLICY.max_bytes
    return AttachmentPolicy(max_bytes=limit, media_types=types)


def describe_policy(policy: AttachmentPolicy) -> tuple[str, str]:
    """The limits in words ("PDF, ảnh PNG; tối đa 5 MB") and a file input's accept list."""
    kinds = sorted(policy.media_types)
    words = ", ".join(TYPE_LABELS[t] for t in kinds)
    accept = ",".join(f".{e}" for e, t in EXTENSIONS.items() if t in policy.media_types)
    return f"{words}; tối đa {_size(policy.max_bytes)}", accept


def describe_file(attachment: Attachment) -> str:
    """"so-do.pdf (120 KB)", saying so when the file came from the data store."""
    reused = " — lấy từ kho dữ liệu" if attachment.reused_from_id else ""
    return f"{attachment.filename} ({_size(attachment.size)}){reused}"


def paper_slots(
    components: list[dict[str, Any]], current: dict[str, Attachment],
    stored: Sequence[tuple[str, str]] = (), channel: str | None = None,
) -> list[dict[str, Any]]:
    """The papers of a procedure as a form offers them (`forms.PaperSlot` fields): the
    limits in words, the current file of each (by paper name), the stored papers that may
    stand in for an upload. With a `channel`, only the papers asked for on it (the key
    stays the paper's place in the procedure)."""
    slots = []
    for index, component in enumerate(components):
        if channel is not None and not asked_on(component, channel):
            continue
        limits, accept = describe_policy(policy_for(component))
        attached = current.get(component["name"])
        slots.append({"key": str(index), "name": component["name"],
                      "required": bool(component.get("required")), "limits": limits,
                      "accept": accept, "stored": list(stored),
                      "current": describe_file(attached) if attached is not None else None})
    return slots


def current_files(uow: UnitOfWork, *, dossier_id: int | None = None,
                  draft_id: int | None = None) -> dict[str, Attachment]:
    """The current file of each paper of a dossier or a draft, by paper name."""
    owner = (Attachment.dossier_id == dossier_id if dossier_id is not None
             else Attachment.draft_id == draft_id)
    return {a.paper: a for a in uow.session.scalars(select(Attachment).where(
        owner, Attachment.replaced_at.is_(None)))}


def _view(attachment: Attachment) -> dict[str, Any]:
    return {"id": attachment.id, "paper": attachment.paper, "filename": attachment.filename,
            "media_type": attachment.media_type, "size": attachment.size,
            "sha256": attachment.sha256, "uploaded_at": local_iso(attachment.uploaded_at),
            "replaced_at": local_iso(attachment.replaced_at)}


def list_attachments(uow: UnitOfWork, *, actor: Actor, code: str) -> list[dict[str, Any]]:
    """Every file of a dossier, current and replaced, oldest first."""
    dossier = find_visible(uow, actor=actor, code=code)
    rows = uow.session.scalars(select(Attachment).where(Attachment.dossier_id == dossier.id)
                               .order_by(Attachment.id))
    return [_view(a) for a in rows]


def download(
    uow: UnitOfWork, *, actor: Actor, code: str, attachment_id: int, inline: bool = False
) -> tuple[dict[str, Any], bytes]:
    """One file of a dossier and its bytes (reading it is recorded: it is personal data).

    The dossier's papers for whoever may read the dossier; the working documents of its
    steps for its officers only. `inline` (shown in the page) only for PDF and images."""
    dossier = find_visible(uow, actor=actor, code=code)
    attachment = uow.session.get(Attachment, attachment_id)
    if attachment is None or not _belongs(uow, actor, dossier, attachment):
        raise NotFound("Không có tệp này trong hồ sơ.")
    if inline and attachment.media_type not in PREVIEWABLE:
        raise Invalid("Chỉ xem trực tiếp được tệp PDF và ảnh; hãy tải tệp về.")
    content = storage_for(uow).get(uow.session, attachment.sha256)
    uow.audit("dossier.attachment_read", actor_id=actor.account_id, object_type="dossier",
              object_id=str(dossier.id), summary={"attachment": attachment.id, "inline": inline})
    uow.commit()
    return _view(attachment), content


def _belongs(uow: UnitOfWork, actor: Actor, dossier: Dossier, attachment: Attachment) -> bool:
    if attachment.dossier_id == dossier.id:
        return True
    return (attachment.dossier_id is None and attachment.draft_id is None
            and attachment.paper == STEP_PAPER and is_officer(actor)
            and is_step_document(uow, dossier.id, attachment.id))
