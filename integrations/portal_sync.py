"""The national portal's inbound side: dossiers submitted on the portal become local dossiers
(their portal code kept as `external_code`), and the daily reconciliation lists what the
portal holds differently from us."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, cast

from engine import dossiers, records
from engine.core import SYSTEM, VN_TZ, ServiceError, UnitOfWork
from integrations.registry import Connectors

log = logging.getLogger("motcua.portal")
FIELDS = {"status": "Trạng thái", "due_at": "Hạn giải quyết", "ended_at": "Ngày kết thúc"}


class PortalReads(Protocol):
    """What the inbound side asks of a portal connector."""

    def submitted(self, *, now: datetime) -> list[dict[str, Any]]:
        """Dossiers submitted on the portal."""
        ...

    def dossiers(self, *, day: date, now: datetime) -> list[dict[str, Any]]:
        """The portal's view of our dossiers changed on `day`."""
        ...


def _portals(connectors: Connectors) -> list[tuple[str, PortalReads]]:
    return [(province, cast(PortalReads, c)) for province, c in connectors.each("portal")]


@dataclass
class Pulled:
    """What one pull did."""

    taken: list[tuple[str, str]] = field(default_factory=list)  # (portal code, our code)
    already: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (portal code, reason)


def pull_submitted(
    new_uow: Callable[[], UnitOfWork], connectors: Connectors, now: Callable[[], datetime]
) -> Pulled:
    """Take every dossier submitted on the portal that is not here yet: each created on its
    procedure's published version at its agency, in one transaction with its portal code, so
    a pull repeated (or run by two workers) never creates it twice (the unique index on
    `external_code` refuses the second). A dossier whose form or procedure is wrong here is
    refused by name and left on the portal; the others go on."""
    pulled = Pulled()
    for _, portal in _portals(connectors):
        for item in portal.submitted(now=now()):
            external = str(item.get("external_code") or "")[:100]
            if not external:
                pulled.refused.append(("", "thiếu mã hồ sơ trên Cổng"))
                continue
            try:
                with new_uow() as uow:
                    if records.dossier_with_external_code(uow, external) is not None:
                        pulled.already += 1
                        continue
                    created = dossiers.create_dossier(
                        uow,
                        actor=SYSTEM,
                        procedure_code=str(item.get("procedure_code") or ""),
                        agency_code=item.get("agency_code") or None,
                        data=cast(dict[str, Any], item.get("data")),  # checked by the service
                        channel="online",
                    )
                    records.link_external_code(uow, dossier_id=created.dossier_id, external_code=external)
                    uow.commit()
            except ServiceError as exc:
                pulled.refused.append((external, exc.message))
                log.warning("portal dossier %s refused: %s", external, exc.message)
            except Exception as exc:  # a race with another pull: the unique index refused it
                if "external_code" not in str(exc):
                    raise
                pulled.already += 1
            else:
                pulled.taken.append((external, created.summary["code"]))
                log.info("portal dossier %s taken as %s", external, created.summary["code"])
    return pulled


@dataclass(frozen=True)
class Difference:
    """One thing the portal holds differently from us."""

    code: str
    field: str  # "missing" (not on the portal), "unknown" (not here), or a compared field
    ours: str | None
    portal: str | None
    waiting: bool  # messages of this dossier still wait in the outbox

    @property
    def label(self) -> str:
        """What differs, in Vietnamese."""
        if self.field == "missing":
            return "Cổng chưa có hồ sơ"
        if self.field == "unknown":
            return "Cổng có hồ sơ mà hệ thống không có"
        return FIELDS.get(self.field, self.field)


def reconcile(
    new_uow: Callable[[], UnitOfWork], connectors: Connectors, *, day: date, now: Callable[[], datetime]
) -> list[Difference]:
    """The daily reconciliation: for the dossiers changed on `day` (Vietnam time) here or on the
    portal, every difference of status, due time and end time, and every dossier one side
    lacks; a difference of a dossier whose messages still wait in the outbox says so."""
    start = datetime.combine(day, time(0), tzinfo=VN_TZ)
    theirs: dict[str, dict[str, Any]] = {}
    for _, portal in _portals(connectors):
        for item in portal.dossiers(day=day, now=now()):
            if item.get("code"):
                theirs[str(item["code"])] = item
    with new_uow() as uow:
        changed = records.changed_between(uow, start, start + timedelta(days=1))
        ours = records.expected_on_portal(uow, set(changed) | set(theirs))
        waiting = records.waiting_codes(uow)
    found: list[Difference] = []
    for code in sorted(set(ours) | set(theirs)):
        mine, held = ours.get(code), theirs.get(code)
        if held is None:
            if code in changed:
                found.append(Difference(code, "missing", str(mine and mine["status"]), None, code in waiting))
            continue
        if mine is None:
            found.append(Difference(code, "unknown", None, str(held.get("status")), False))
            continue
        for name in FIELDS:
            a, b = mine.get(name), held.get(name)
            if _norm(a) != _norm(b):
                found.append(Difference(code, name, _text(a), _text(b), code in waiting))
    return found


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return value
    return value


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
