"""Back-entry after an outage (nhập bù): a dossier the desk received on paper while the
system was down is entered afterwards with its true reception time (Đồng Tháp art. 21.4;
Tuyên Quang art. 11.3).

The true time must lie inside a declared outage's window (`engine.records.announcements`)
and not in the future. The dossier goes through the desk's one reception path
(`receive_paper_dossier` → `create_dossier` → `advance_dossier`) with the units of work's
clock set to the true time, so its code, submission and reception times, the legal clock's
start and due date are those of the counter, not of the typing. A separate audit entry,
written at the real time, says who entered it, when, and for which outage.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.applicants.desk import receive_paper_dossier
from engine.core.actors import Actor
from engine.core.clock import VN_TZ, Clock
from engine.core.errors import Forbidden, Invalid
from engine.core.models import Dossier
from engine.core.permissions import desk_agencies
from engine.core.uow import UnitOfWork
from engine.records.announcements import outage_window


class BackdatedClock:
    """The real clock shifted back to `start`: time still flows within the entry's
    transactions, but from the true reception time."""

    def __init__(self, real: Clock, start: datetime) -> None:
        self._real, self._offset = real, start - real.now()

    def now(self) -> datetime:
        """The true reception time plus whatever elapsed since the entry began."""
        return self._real.now() + self._offset


def check_true_time(window: dict[str, Any], received_at: datetime, now: datetime) -> None:
    """Refuse, in Vietnamese, a true reception time outside the outage or in the future."""
    if received_at.tzinfo is None:
        raise Invalid("Thời điểm tiếp nhận phải có múi giờ.")
    if received_at > now:
        raise Invalid("Thời điểm tiếp nhận thực tế không được ở tương lai.")
    if not window["starts_at"] <= received_at <= window["ends_at"]:
        raise Invalid(
            "Thời điểm tiếp nhận thực tế phải nằm trong đợt gián đoạn "
            f"({window['window']}); hồ sơ nhận ngoài đợt này được tiếp nhận như bình thường."
        )


def back_enter_paper_dossier(
    uow_factory: Callable[[], UnitOfWork],
    *,
    actor: Actor,
    outage_id: int,
    received_at: datetime,
    **reception: Any,
) -> dict[str, Any]:
    """Enter a paper dossier received during outage `outage_id` at `received_at` (its true
    time); `reception` are `receive_paper_dossier`'s arguments (procedure, data, papers,
    decision, scans, contact…). Returns its code, status, due date and both times."""
    if not desk_agencies(actor):
        raise Forbidden("Chỉ Bộ phận Một cửa được nhập bù hồ sơ giấy.")
    with uow_factory() as uow:
        window = outage_window(uow, outage_id)
        entered_at = uow.clock.now()
        check_true_time(window, received_at, entered_at)

    def backdated() -> UnitOfWork:
        work = uow_factory()
        work.clock = BackdatedClock(work.clock, received_at)
        return work

    result = receive_paper_dossier(backdated, actor=actor, **reception)
    with uow_factory() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == result["code"]))
        uow.audit(
            "dossier.back_entered",
            actor_id=actor.account_id,
            object_type="dossier",
            object_id=str(dossier_id),
            summary={
                "code": result["code"],
                "outage": outage_id,
                "received_at": received_at.astimezone(VN_TZ).isoformat(),
                "entered_at": uow.clock.now().astimezone(VN_TZ).isoformat(),
                "entered_by": actor.name,
            },
        )
        uow.commit()
    return {**result, "received_at": received_at, "entered_at": entered_at, "outage": outage_id}
