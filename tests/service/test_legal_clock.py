"""The legal clock with a controllable clock: reception, supplements in both modes, the one
extension, calendar changes, lateness — on SQLite and PostgreSQL. These check the rows,
events, locks and history around the rules; the rules' arithmetic and refusals are tested
without a database in tests/unit/test_legal_rules.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from engine.core.actors import ANONYMOUS, SYSTEM, Actor
from engine.core.clock import VN_TZ, FixedClock
from engine.core.errors import Conflict, Invalid
from engine.core.models import ProcedureVersion
from engine.dossiers import FeeNotCollected, deadlines, tasks
from engine.dossiers import submit as dossiers
from engine.dossiers.deadlines import SupplementRequest
from engine.dossiers.inbox import InboxFilter, inbox
from engine.identity.accounts import authenticate
from engine.seed import DEMO_PASSWORD, PROVINCE
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, collect_fee, permit_data


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


class Desk:
    """Drives one building-permit dossier through the engine."""

    def __init__(self, platform: Platform, clock: FixedClock) -> None:
        self.platform, self.clock = platform, clock
        self.officers: dict[str, Actor] = {}
        with platform.uow() as uow:
            self.code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                                agency_code=MINH_XUAN, data=permit_data())["code"]

    def actor(self, username: str) -> Actor:
        if username not in self.officers:
            with self.platform.uow() as uow:
                self.officers[username] = authenticate(uow, username=username,
                                                       password=DEMO_PASSWORD)
        return self.officers[username]

    def complete(self, username: str, data: dict[str, Any], step: str | None = None) -> dict[str, Any]:
        actor = self.actor(username)
        with self.platform.uow() as uow:
            task = next(t for t in inbox(uow, actor=actor)["tasks"]
                        if t["dossier"] == self.code and step in (None, t["step"]))
        try:
            with self.platform.uow() as uow:
                return tasks.complete_task(uow, actor=actor, task_id=task["id"], data=data)
        except FeeNotCollected:  # a hand-over: the desk takes the fee first, as it must
            collect_fee(self.platform, actor, self.code)
            with self.platform.uow() as uow:
                return tasks.complete_task(uow, actor=actor, task_id=task["id"], data=data)

    def receive(self) -> dict[str, Any]:
        return self.complete("motcua.minhxuan", {"ket_qua_kiem_tra": "tiep_nhan"})

    def view(self) -> dict[str, Any]:
        with self.platform.uow() as uow:
            return dossiers.get_dossier(uow, actor=self.actor("motcua.minhxuan"), code=self.code)

    def history(self) -> list[dict[str, Any]]:
        with self.platform.uow() as uow:
            return deadlines.deadline_history(uow, actor=self.actor("motcua.minhxuan"),
                                              code=self.code)

    def request_supplement(self, *missing: str) -> dict[str, Any]:
        with self.platform.uow() as uow:
            return deadlines.request_supplement(
                uow, actor=self.actor("chuyenvien.minhxuan"), code=self.code,
                request=SupplementRequest(list(missing)))

    def supplement(self) -> dict[str, Any]:
        with self.platform.uow() as uow:
            return deadlines.supplement(uow, actor=self.actor("motcua.minhxuan"), code=self.code,
                                        data=permit_data(dien_thoai="0987654321"))

    def extend(self, new_due: datetime, reason: str = "Chờ ý kiến cơ quan quản lý đê điều") -> dict:
        with self.platform.uow() as uow:
            return deadlines.extend(uow, actor=self.actor("lanhdao.minhxuan"), code=self.code,
                                    new_due=new_due, reason=reason)


@pytest.fixture
def desk(platform: Platform, clock: FixedClock) -> Desk:
    return Desk(platform, clock)


def _set_mode(platform: Platform, mode: str) -> None:
    with platform.uow() as uow:
        for version in uow.session.scalars(select(ProcedureVersion)):
            compiled = dict(version.compiled)
            compiled["manifest"] = {**compiled["manifest"], "supplement_mode": mode}
            uow.session.execute(update(ProcedureVersion).where(ProcedureVersion.id == version.id)
                                .values(compiled=compiled))
        uow.commit()
    platform.versions = type(platform.versions)()  # drop cached packages


def test_restart_mode_counts_the_full_time_again_from_the_complete_dossier(
    desk: Desk, clock: FixedClock
) -> None:
    desk.receive()  # Wed 25 Nov 2026 08:00 → due Wed 16 Dec 08:00
    clock.set(at("2026-11-26 10:00"))
    asked = desk.request_supplement("Bản vẽ mặt cắt công trình", "Bản sao giấy chứng nhận QSDĐ")
    assert (asked["status"], asked["warning"], asked["supplement_rounds"]) == (5, None, 1)
    assert desk.view()["tasks"][-1]["state"] == "suspended"
    clock.set(at("2026-12-01 09:00"))
    answered = desk.supplement()
    # NĐ 61 art. 19.4: 15 working days from Tue 1 Dec 09:00 → Tue 22 Dec 09:00.
    assert answered == {"code": desk.code, "status": 4, "due_at": "2026-12-22T09:00:00+07:00"}
    assert [c["kind"] for c in desk.history()] == ["received", "supplemented"]
    assert desk.view()["data"]["dien_thoai"] == "0987654321"


def test_pause_mode_adds_the_waiting_time_back(platform: Platform, clock: FixedClock) -> None:
    _set_mode(platform, "pause")
    desk = Desk(platform, clock)
    desk.receive()  # due Wed 16 Dec 08:00
    clock.set(at("2026-11-26 10:00"))
    desk.request_supplement("Bản vẽ mặt cắt")
    clock.set(at("2026-11-27 10:00"))  # one working day of waiting (8 h)
    answered = desk.supplement()
    assert answered["due_at"] == "2026-12-17T08:00:00+07:00"


def test_asking_after_three_working_days_is_warned_and_rounds_are_counted(
    desk: Desk, clock: FixedClock
) -> None:
    desk.receive()
    clock.set(at("2026-12-01 09:00"))  # Wed, Thu, Fri, Mon = more than 3 working days
    first = desk.request_supplement("Bản vẽ móng")
    assert first["warning"] == ("Yêu cầu bổ sung sau 3 ngày làm việc kể từ khi tiếp nhận "
                                "(NĐ 61/2018, Điều 19 khoản 4).")
    desk.supplement()
    second = desk.request_supplement("Bản cam kết an toàn công trình liền kề")
    assert second["supplement_rounds"] == 2


def test_a_dossier_waiting_for_a_supplement_cannot_be_worked_on(desk: Desk) -> None:
    desk.receive()
    desk.request_supplement("Bản vẽ móng")
    actor = desk.actor("chuyenvien.minhxuan")
    with desk.platform.uow() as uow:
        assert inbox(uow, actor=actor)["tasks"] == []  # suspended tasks leave the inbox
    with desk.platform.uow() as uow, pytest.raises(Conflict, match="đang chờ bổ sung"):
        deadlines.request_supplement(uow, actor=actor, code=desk.code,
                                     request=SupplementRequest(["x"]))


def test_extension_is_granted_once_within_the_cap(desk: Desk, clock: FixedClock) -> None:
    desk.receive()  # due Wed 16 Dec 2026 08:00; cap 1/3 × 15 days = 5 working days
    clock.set(at("2026-12-10 09:00"))
    granted = desk.extend(at("2026-12-21 17:00"))
    assert granted == {"code": desk.code, "old_due_at": "2026-12-16T08:00:00+07:00",
                       "due_at": "2026-12-21T17:00:00+07:00"}
    with pytest.raises(Conflict, match="không quá một lần"):
        desk.extend(at("2026-12-22 17:00"))
    history = desk.history()
    assert [c["kind"] for c in history] == ["received", "extended"]
    assert history[-1]["reason"] == "Chờ ý kiến cơ quan quản lý đê điều"
    assert desk.view()["due_at"] == "2026-12-21T17:00:00+07:00"


def test_changing_the_calendar_moves_open_dossiers_and_records_why(
    desk: Desk, platform: Platform
) -> None:
    desk.receive()  # due Wed 16 Dec 08:00
    with platform.uow() as uow:
        changed = deadlines.set_calendar_day(uow, actor=SYSTEM, province=PROVINCE,
                                             day=date(2026, 12, 7), kind="off",
                                             reason="Nghỉ bù ngày bầu cử")
    assert changed["moved_dossiers"] == 1
    assert desk.view()["due_at"] == "2026-12-17T08:00:00+07:00"
    last = desk.history()[-1]
    assert last["kind"] == "calendar" and "07/12/2026 — Ngày nghỉ (Nghỉ bù ngày bầu cử)" in last["reason"]
    with platform.uow() as uow:
        deadlines.set_calendar_day(uow, actor=SYSTEM, province=PROVINCE, day=date(2026, 12, 7),
                                   kind=None, reason="Hủy nghỉ bù")
    assert desk.view()["due_at"] == "2026-12-16T08:00:00+07:00"


def test_steps_and_dossiers_are_classified_early_on_time_or_late(
    desk: Desk, clock: FixedClock, platform: Platform
) -> None:
    from engine.legal_clock.lateness import classify, urgency

    received = desk.receive()
    assert received["dossier"]["due_at"] == "2026-12-16T08:00:00+07:00"
    due = at("2026-12-16 08:00")
    assert classify(at("2026-12-15 16:00"), due) == "early"
    assert classify(at("2026-12-16 07:30"), due) == "on_time"
    assert classify(at("2026-12-16 08:01"), due) == "late"
    calendar = platform.calendars.default
    assert urgency(calendar, at("2026-12-15 08:00"), due) == "due_soon"
    assert urgency(calendar, at("2026-12-14 08:00"), due) is None
    assert urgency(calendar, at("2026-12-16 09:00"), due) == "overdue"
    clock.set(at("2026-12-07 10:00"))  # the specialist's P10D step is due Wed 9 Dec 08:00
    actor = desk.actor("chuyenvien.minhxuan")
    with platform.uow() as uow:
        [item] = inbox(uow, actor=actor)["tasks"]
    assert item["urgency"] is None
    clock.set(at("2026-12-08 10:00"))
    with platform.uow() as uow:
        [item] = inbox(uow, actor=actor)["tasks"]
    assert item["urgency"] == "due_soon"
    clock.set(at("2026-12-09 10:00"))
    with platform.uow() as uow:
        [item] = inbox(uow, actor=actor, filters=InboxFilter(urgency="overdue"))["tasks"]
    assert item["urgency"] == "overdue"
    assert timedelta(0) < calendar.measure(at("2026-12-09 08:00"), at("2026-12-09 10:00"))


def test_a_paper_dossier_received_after_15h_reaches_the_agency_the_next_working_day(
    platform: Platform, clock: FixedClock
) -> None:
    clock.set(at("2026-11-25 15:30"))
    desk_officer = Desk.__new__(Desk)
    desk_officer.platform, desk_officer.clock, desk_officer.officers = platform, clock, {}
    with platform.uow() as uow:
        desk_officer.code = dossiers.submit_dossier(
            uow, actor=desk_officer.actor("motcua.minhxuan"), procedure_code=PERMIT,
            agency_code=MINH_XUAN, data=permit_data(), channel="desk")["code"]
    received = desk_officer.receive()
    # The legal clock starts at reception (15:30), the appraisal step the next morning.
    assert received["dossier"]["due_at"] == "2026-12-16T15:30:00+07:00"
    appraisal = next(t for t in desk_officer.view()["tasks"] if t["step"] == "tham_dinh")
    assert appraisal["due_at"] == "2026-12-09T17:00:00+07:00"  # 10 working days from 26 Nov 07:00


def test_provincial_working_hours_move_open_dossiers(desk: Desk, platform: Platform) -> None:
    desk.receive()  # 15 days of 8 h from Wed 25 Nov 08:00 → Wed 16 Dec 08:00
    with platform.uow() as uow:
        result = deadlines.set_working_hours(
            uow, actor=SYSTEM, province=PROVINCE, periods=[["08:30", "12:00"], ["13:30", "18:00"]],
            reason="Quyết định giờ làm việc mùa đông")
    assert result["moved_dossiers"] == 1
    # Received at 08:00, before the new opening time: 15 full days from 08:30 end at the
    # close of the 15th working day.
    assert desk.view()["due_at"] == "2026-12-15T18:00:00+07:00"
    assert "08:30–12:00, 13:30–18:00" in desk.history()[-1]["reason"]
    with platform.uow() as uow, pytest.raises(Invalid, match="tăng dần"):
        deadlines.set_working_hours(uow, actor=SYSTEM, province=PROVINCE,
                                    periods=[["13:00", "17:00"], ["07:00", "11:00"]], reason="x")
