"""The applicant sends a supplement (bổ sung hồ sơ) with its files, all or nothing.

The files posted with «Gửi bổ sung» and the answer itself (`dossiers.supplement`) go in
one transaction: each file is checked and stored as its paper's current file, then the
answer is checked with them. Anything refused — a file of the wrong type or size, a paper
the request named still missing, the declaration — refuses the whole answer and the
transaction is rolled back: no file stored, no earlier file marked replaced, the dossier's
papers exactly as before. Every problem comes at once, and each good file is named as not
kept, so the applicant knows to choose it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bpmn.paper_channels import asked_on
from engine.applicants.attachments import policy_for, store_file
from engine.applicants.drafts import Upload
from engine.applicants.storage import StorageError
from engine.core.actors import Actor
from engine.core.errors import FormInvalid
from engine.core.uow import UnitOfWork
from engine.dossiers.deadlines import supplement
from engine.dossiers.submit import find_visible
from engine.procedures.cache import loaded_version

# A good file of an answer not sent: the page cannot keep a chosen file, so it says so.
NOT_KEPT = ("Tệp «{file}» chưa được lưu: tệp chỉ được lưu khi gửi bổ sung thành công. Hãy chọn "
            "lại tệp này trước khi bấm «Gửi bổ sung».")


def send_supplement(
    uow: UnitOfWork, *, actor: Actor, code: str, data: dict[str, Any],
    uploads: Sequence[Upload], confirmed_unchanged: bool = False,
) -> dict[str, Any]:
    """Answer the supplement request with `data` and the `uploads` (slot: the paper's
    place in the procedure's list) in one transaction (see the module). Returns what
    `dossiers.supplement` returns; `FormInvalid` with every problem (`_paper.<slot>` for a
    file) and nothing changed otherwise."""
    dossier = find_visible(uow, actor=actor, code=code)
    components: list[dict[str, Any]] = loaded_version(
        uow, dossier.version_id).compiled.manifest.get("components", [])
    refused: list[dict[str, str]] = []
    kept: list[dict[str, str]] = []
    for upload in uploads:
        component = _offered(components, upload.slot)
        field = f"_paper.{upload.slot}"
        try:
            stored = store_file(uow, actor=actor, paper=str(component["name"]),
                                filename=upload.filename, content=upload.content,
                                policy=policy_for(component), dossier_id=dossier.id)
        except (FormInvalid, StorageError) as exc:
            refused.append({"field": field, "paper": str(component["name"]),
                            "message": exc.message})
        else:
            kept.append({"field": field, "paper": str(component["name"]),
                         "message": NOT_KEPT.format(file=stored.filename)})
            uow.audit("dossier.attachment", actor_id=actor.account_id, object_type="dossier",
                      object_id=str(dossier.id), summary={
                          "paper": stored.paper, "file": stored.filename, "size": stored.size,
                          "supplement": True})  # written with the answer, or never
    try:
        return supplement(uow, actor=actor, code=code, data=data,
                          confirmed_unchanged=confirmed_unchanged, refused=refused)
    except FormInvalid as exc:  # the caller's unit of work rolls the files back
        details = list(exc.details or [])
        told = {str(p.get("field")) for p in details if isinstance(p, dict)}
        raise FormInvalid(exc.message, details=[
            *details, *(k for k in kept if k["field"] not in told)]) from None


def _offered(components: list[dict[str, Any]], slot: str) -> dict[str, Any]:
    """The paper of a posted slot (its place in the list), if it is offered online."""
    if not (slot.isascii() and slot.isdigit() and len(slot) <= 9) or int(slot) >= len(
            components) or not asked_on(components[int(slot)], "online"):
        raise FormInvalid("Giấy tờ không có trong danh mục của thủ tục.", [
            {"field": "paper", "message": "Hãy chọn một giấy tờ trong danh mục của thủ tục."}])
    return components[int(slot)]
