"""Steps held while the dossier waits for its applicant (a supplement asked, a fee asked):
`hold` suspends its open steps and keeps the status it had, `release` gives both back."""

from __future__ import annotations

from typing import Protocol, cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value

from engine.core.models import Task
from engine.core.prepared import Prepared
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork


class Held(Protocol):
    """A dossier as `hold` and `release` see it: an ORM `Dossier` (the flush writes it) or a
    row its caller writes (`fee_rows.FeeDossier`)."""

    id: int
    status: int
    status_before_supplement: int | None


def hold(uow: UnitOfWork, dossier: Held, status: int) -> None:
    """The dossier waits for its applicant (`WAITING_FOR_APPLICANT`): its open steps are
    held, the status it had is kept for `release`."""
    dossier.status_before_supplement = dossier.status
    dossier.status = status
    _move_tasks(uow, dossier.id, "open", "suspended")


def release(uow: UnitOfWork, dossier: Held) -> None:
    """The applicant answered: back to the status before `hold`, the held steps open."""
    dossier.status = dossier.status_before_supplement or Status.REGISTERED
    _move_tasks(uow, dossier.id, "suspended", "open")


def _move_tasks(uow: UnitOfWork, dossier_id: int, frm: str, to: str) -> None:
    """Move a dossier's steps from one state to another in one UPDATE; the steps this
    session already loaded are moved too, as if read afresh."""
    uow.session.flush()  # a step changed in this transaction is moved as it now stands
    _MOVE_TASKS.run(uow.connection, {"b_dossier": dossier_id, "b_from": frm, "b_to": to})
    for loaded in list(uow.session.identity_map.values()):
        if isinstance(loaded, Task) and loaded.dossier_id == dossier_id and loaded.state == frm:
            set_committed_value(loaded, "state", to)


_TASKS = cast(Table, Task.__table__)
_MOVE_TASKS = Prepared(update(_TASKS).where(_TASKS.c.dossier_id == bindparam("b_dossier"),
                                             _TASKS.c.state == bindparam("b_from"))
                        .values(state=bindparam("b_to")))
