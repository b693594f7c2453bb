"""A step shorter than a working day is reminded too: at the start of its last quarter,
when the inbox starts showing it «Sắp đến hạn» (the desk's four-hour reception of an online
dossier, at its third working hour; a one-day consultation at its sixth); a long step still
one working day before its due time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.core.clock import FixedClock
from engine.core.models import Notification, Task, Timer
from engine.dossiers import consult
from engine.dossiers.actions import CONSULT_STEP
from engine.wiring import Platform
from tests.service.test_legal_clock import Desk
from tests.service.test_timers import at, fire_all


def _reminder(platform: Platform, step: str) -> datetime | None:
    """When the step's due-soon reminder is set to go out (None: it has none)."""
    with platform.uow() as uow:
        return uow.session.scalar(select(Timer.due_at).join(Task, Timer.task_id == Task.id).where(
            Task.bpmn_id == step, Timer.kind == "due_soon"))


def _emails(platform: Platform) -> list[tuple[str, str, str]]:
    with platform.uow() as uow:
        return [(row[0], row[1], row[2]) for row in uow.session.execute(
            select(Notification.recipient, Notification.subject, Notification.body)
            .where(Notification.channel == "email").order_by(Notification.id))]


def test_a_four_hour_step_is_reminded_after_three_working_hours(
    platform: Platform, clock: FixedClock
) -> None:
    desk = Desk(platform, clock)  # Wed 25 Nov 08:00: reception PT4H → due 14:00 (lunch)
    assert _reminder(platform, "tiep_nhan") == at("2026-11-25 11:00")
    clock.set(at("2026-11-25 10:59"))
    assert fire_all(platform) == []
    clock.set(at("2026-11-25 11:00"))  # three working hours in, one left
    assert fire_all(platform) == ["fired"]
    [(recipient, subject, body)] = _emails(platform)
    assert recipient == "motcua.minhxuan@tuyenquang.example"  # the unassigned step's desk
    assert subject == (f"[Cổng dịch vụ công một cửa] Hồ sơ {desk.code} sắp đến hạn bước "
                       "«Tiếp nhận, kiểm tra hồ sơ»")
    assert (f"Bước «Tiếp nhận, kiểm tra hồ sơ» của hồ sơ {desk.code} sắp đến hạn xử lý "
            "(2026-11-25 14:00).") in body
    assert "01 ngày làm việc" not in body


def test_a_long_step_is_still_reminded_one_working_day_ahead(
    platform: Platform, clock: FixedClock
) -> None:
    desk = Desk(platform, clock)
    desk.receive()  # appraisal P10D → due Wed 9 Dec 08:00
    assert _reminder(platform, "tham_dinh") == at("2026-12-08 08:00")
    clock.set(at("2026-12-08 07:59"))
    assert fire_all(platform) == []
    clock.set(at("2026-12-08 08:00"))
    assert fire_all(platform) == ["fired"]
    [(_, _, body)] = _emails(platform)
    assert "còn không quá 01 ngày làm việc (2026-12-09 08:00)" in body


def test_a_one_day_consultation_is_reminded_in_its_last_quarter_not_at_once(
    platform: Platform, clock: FixedClock
) -> None:
    desk = Desk(platform, clock)
    desk.receive()
    specialist = desk.actor("chuyenvien.minhxuan")
    with platform.uow() as uow:
        appraisal = uow.session.execute(select(Task.id).where(Task.bpmn_id == "tham_dinh")).scalar_one()
        asked = consult(uow, actor=specialist, task_id=appraisal,
                        agency_code="000.05.00.H64", question="Có phù hợp quy chuẩn không?",
                        days=1)
    assert asked["due_at"] == "2026-11-26T08:00:00+07:00"
    # Two working hours before Thursday 08:00: Wednesday 16:00 (was Wednesday 08:00, at once).
    assert _reminder(platform, CONSULT_STEP) == at("2026-11-25 16:00")
    assert fire_all(platform) == []
