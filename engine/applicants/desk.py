"""The one-stop desk (Bộ phận Một cửa): receiving a paper dossier on a citizen's behalf.

The desk enters the form, ticks the papers handed over against the procedure's list
(thành phần hồ sơ), and at once accepts, refuses or asks for a supplement (NĐ 61/2018
art. 18). Any desk of the province receives for any of its agencies (Tuyên Quang seed,
art. 22): the dossier belongs to the competent agency, whichever desk took it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.errors import Forbidden, Invalid
from engine.core.models import Agency, Task
from engine.core.permissions import DESK, desk_agencies, is_desk_of, may_receive_paper
from engine.core.uow import UnitOfWork
from engine.dossiers.deadlines import SupplementRequest, request_supplement
from engine.dossiers.submit import submit_dossier
from engine.dossiers.tasks import complete_task
from engine.procedures.cache import loaded_version
from engine.procedures.catalogue import published_version

DECISIONS = ("complete", "supplement")


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


def receive_paper_dossier(
    uow_factory: Any, *, actor: Actor, procedure_code: str, agency_code: str | None,
    data: dict[str, Any], papers: list[str], decision: str, reception: dict[str, Any],
    channel: str = "desk",
) -> dict[str, Any]:
    """Enter a paper dossier and decide at the counter: `complete` the reception step with
    the reception form (accept, or refuse with reasons), or ask for a `supplement` listing
    every required paper missing (form 02). Returns the dossier's code and status.

    Takes a factory of units of work: creating the dossier and deciding on it are two
    transactions, so the dossier exists (with its code) even if the decision is refused.
    """
    if decision not in DECISIONS:
        raise Invalid(f"Quyết định không hợp lệ: {decision}")
    with uow_factory() as uow:
        version = published_version(uow, code=procedure_code, agency_code=agency_code)
        _check_desk(uow, actor, version.agency_id)
        components = loaded_version(uow, version.version_id).compiled.manifest.get("components", [])
        missing = missing_papers(components, papers)
        if decision == "complete" and missing and _accepts(reception):
            raise Invalid("Thiếu giấy tờ bắt buộc: " + "; ".join(missing)
                          + ". Hãy yêu cầu bổ sung.", details=missing)
        if decision == "supplement" and not missing and not reception.get("note"):
            raise Invalid("Hồ sơ đủ giấy tờ bắt buộc; không cần yêu cầu bổ sung.")
    desk = _as_desk(actor, version.agency_id)
    with uow_factory() as uow:
        submitted = submit_dossier(uow, actor=desk, procedure_code=procedure_code,
                                   agency_code=version.agency_code, data=data, channel=channel)
    code = submitted["code"]
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
