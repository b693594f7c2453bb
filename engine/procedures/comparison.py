"""Two versions of a procedure compared («So sánh»): what changed, as data (`bpmn.diff`) and
as sentences a designer reads (`bpmn.diff_words`), the agencies a lane is given to named."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bpmn.diff import diff_packages
from bpmn.diff_words import describe, lane_agencies
from engine.core.actors import Actor
from engine.core.errors import Conflict
from engine.core.models import Agency
from engine.core.uow import UnitOfWork
from engine.procedures.versions import _visible


def diff(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str, before: int,
         after: int) -> dict[str, Any]:
    """What changed from version `before` to version `after`; `before` 0 is nothing (a
    first version compared with an empty package: everything in it is listed)."""
    new = _visible(uow, actor, agency_code, code, after)
    old_package = {} if before == 0 else _visible(uow, actor, agency_code, code, before).package
    if old_package is None or new.package is None:
        raise Conflict("Phiên bản được nạp trước khi lưu gói gốc; không so sánh được.")
    codes = lane_agencies(old_package) | lane_agencies(new.package)
    agencies = {row.code: row.name for row in uow.session.execute(
        select(Agency.code, Agency.name).where(Agency.code.in_(codes)))}
    return {"before": before, "after": after, **diff_packages(old_package, new.package),
            "sentences": describe(old_package, new.package, agencies), "name": new.procedure.name}
