"""The legal rules of the clock as pure functions: no database, milliseconds each.

Dates are real 2026 ones: Tuesday 24 November is a day off, Lunar New Year runs 16–20
February (Friday 13 to Monday 23 is one working day), Saturday 22 August is worked.
The permit procedure takes 15 working days; its extension cap is 0.3333.
"""

from __future__ import annotations

import ast
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from engine.core.clock import VN_TZ
from engine.core.errors import Conflict, Invalid
from engine.legal_clock import (
    LATE_SUPPLEMENT_WARNING,
    BusinessCalendar,
    check_extension,
    due_at_reception,
    extension_asked_in_time,
    late_supplement_request,
    resume_after_supplement,
    steps_start,
)
from engine.legal_clock.rules import ONCE_ONLY, PAUSED, RESTARTED

CAL = BusinessCalendar()
PERMIT_TIME = {"value": 15, "unit": "working_days"}
PERMIT_CAP = 0.3333


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


RECEIVED_DUE = at("2026-12-16 08:00")  # received Wed 25 Nov 2026 08:00


def extend(
    now: datetime, new_due: datetime, reason: str = "Chờ ý kiến cơ quan quản lý đê điều", *,
    due: datetime | None = RECEIVED_DUE, extended: bool = False, cap: float = PERMIT_CAP,
) -> datetime:
    """The limit `check_extension` allows, or its refusal raised as the service raises it."""
    checked = check_extension(CAL, now=now, due=due, extended=extended, new_due=new_due,
                              reason=reason, processing_time=PERMIT_TIME, cap=cap)
    if isinstance(checked, datetime):
        return checked
    raise checked


# Due time at reception and the 15:00 paper cut-off

def test_the_due_time_counts_the_processing_time_from_reception_whatever_the_channel() -> None:
    assert due_at_reception(CAL, at("2026-11-25 08:00"), PERMIT_TIME) == RECEIVED_DUE
    # A paper dossier received at 15:30: its steps wait for the next day, its due does not.
    assert due_at_reception(CAL, at("2026-11-25 15:30"), PERMIT_TIME) == at("2026-12-16 15:30")
    assert due_at_reception(CAL, at("2026-02-12 09:00"), {"value": 1, "unit": "same_day"}) == at(
        "2026-02-12 17:00")
    assert due_at_reception(CAL, at("2026-08-21 16:00"), {"value": 4, "unit": "working_hours"}
                            ) == at("2026-08-22 10:00")  # the Saturday swapped in is worked


@pytest.mark.parametrize(("received", "channel", "start", "why"), [
    ("2026-11-27 16:00", "online", "2026-11-27 16:00", "online: the steps start at once"),
    ("2026-11-27 16:00", "desk", "2026-11-30 07:00", "Friday 16:00 on paper: Monday morning"),
    ("2026-11-27 14:59", "post", "2026-11-27 14:59", "by post before 15:00: at once"),
    ("2026-11-27 15:00", "post", "2026-11-30 07:00", "15:00 itself is after the cut-off"),
    ("2026-11-23 15:30", "desk", "2026-11-25 07:00", "Monday late, Tuesday 24 Nov is off"),
    ("2026-02-13 16:00", "desk", "2026-02-23 07:00", "Friday before Tết: after Tết"),
    ("2026-08-21 16:00", "desk", "2026-08-22 07:00", "the Saturday swapped in is worked"),
    ("2026-11-28 10:00", "desk", "2026-11-30 07:00", "received on a Saturday off"),
])
def test_steps_of_a_paper_dossier_received_after_15h_count_from_the_next_working_day(
    received: str, channel: str, start: str, why: str
) -> None:
    assert steps_start(CAL, at(received), channel) == at(start), why


# The 3-working-day supplement window

@pytest.mark.parametrize(("received", "asked", "late", "why"), [
    ("2026-11-25 07:00", "2026-11-27 17:00", False, "close of working day 3 (Friday)"),
    ("2026-11-25 07:00", "2026-11-30 07:01", True, "working day 4 (Monday)"),
    ("2026-11-25 08:00", "2026-11-30 08:00", False, "exactly three working days"),
    ("2026-11-25 08:00", "2026-11-30 08:01", True, "a minute more"),
    ("2026-11-23 09:00", "2026-11-27 09:00", False, "Tuesday 24 Nov does not count"),
    ("2026-02-12 09:00", "2026-02-24 09:00", False, "twelve calendar days over Tết"),
    ("2026-02-12 09:00", "2026-02-24 09:01", True, "then late"),
])
def test_a_supplement_asked_after_three_working_days_is_flagged(
    received: str, asked: str, late: bool, why: str
) -> None:
    assert late_supplement_request(CAL, at(received), at(asked)) is late, why


def test_a_supplement_asked_before_reception_is_never_flagged() -> None:
    assert late_supplement_request(CAL, None, at("2027-01-01 09:00")) is False
    assert LATE_SUPPLEMENT_WARNING.startswith("Yêu cầu bổ sung sau 3 ngày làm việc")


# Restart vs pause after a supplement

def resume(mode: str, requested: str, answered: str, *, paused: timedelta = timedelta(0),
           extended: bool = False) -> tuple[datetime | None, timedelta, datetime | None, str]:
    resumed = resume_after_supplement(
        CAL, mode=mode, started=at("2026-11-25 08:00"), paused=paused, requested=at(requested),
        answered=at(answered), extended=extended, processing_time=PERMIT_TIME)
    return resumed.started, resumed.paused, resumed.due, resumed.reason


def test_restart_counts_the_full_time_again_from_the_complete_dossier() -> None:
    # Asked Friday 16:00, answered Monday 09:00: 15 working days from Monday 09:00.
    assert resume("restart", "2026-11-27 16:00", "2026-11-30 09:00", paused=timedelta(hours=5)) == (
        at("2026-11-30 09:00"), timedelta(0), at("2026-12-21 09:00"), RESTARTED)


def test_pause_adds_back_only_the_working_time_waited_over_a_weekend() -> None:
    # Friday 16:00–17:00 and Monday 07:00–09:00: three working hours, not 65 hours.
    assert resume("pause", "2026-11-27 16:00", "2026-11-30 09:00") == (
        at("2026-11-25 08:00"), timedelta(hours=3), at("2026-12-16 11:00"), PAUSED)
    # A second pause adds to the first.
    assert resume("pause", "2026-11-27 16:00", "2026-11-30 09:00", paused=timedelta(hours=5))[1:3] == (
        timedelta(hours=8), at("2026-12-17 08:00"))


def test_pause_over_tet_adds_back_no_holiday() -> None:
    assert resume("pause", "2026-02-13 16:00", "2026-02-23 08:00")[1] == timedelta(hours=2)


def test_pause_keeps_whole_seconds_of_waiting() -> None:
    assert resume("pause", "2026-11-27 16:59:59.400000", "2026-11-30 07:00")[1] == timedelta(0)


def test_any_other_mode_restarts() -> None:
    assert resume("", "2026-11-27 16:00", "2026-11-30 09:00")[3] == RESTARTED


def test_after_the_extension_a_supplement_does_not_move_the_due_time() -> None:
    assert resume("pause", "2026-11-27 16:00", "2026-11-30 09:00", extended=True)[1:3] == (
        timedelta(hours=3), None)
    assert resume("restart", "2026-11-27 16:00", "2026-11-30 09:00", extended=True)[:3] == (
        at("2026-11-30 09:00"), timedelta(0), None)


def test_a_clock_that_never_started_gets_no_due_time_when_paused() -> None:
    resumed = resume_after_supplement(
        CAL, mode="pause", started=None, paused=timedelta(0), requested=at("2026-11-27 16:00"),
        answered=at("2026-11-30 09:00"), extended=False, processing_time=PERMIT_TIME)
    assert (resumed.started, resumed.due) == (None, None)


# The one extension

def test_an_extension_within_the_cap_returns_the_limit() -> None:
    # A third of 15 working days is 5 working days after the due time.
    assert extend(at("2026-12-10 09:00"), at("2026-12-21 17:00")) == at("2026-12-23 08:00")
    assert extend(at("2026-12-10 09:00"), at("2026-12-23 08:00")) == at("2026-12-23 08:00")


def test_an_extension_asked_on_the_last_day_needs_one_full_working_day_left() -> None:
    assert extension_asked_in_time(CAL, at("2026-12-15 08:00"), RECEIVED_DUE)
    assert extend(at("2026-12-15 08:00"), at("2026-12-18 17:00")) == at("2026-12-23 08:00")
    for now in ("2026-12-15 08:01", "2026-12-16 07:30"):
        with pytest.raises(Conflict, match="chậm nhất 01 ngày làm việc"):
            extend(at(now), at("2026-12-18 17:00"))


def test_tet_is_no_working_day_when_an_extension_is_asked() -> None:
    due = at("2026-02-24 10:00")
    assert extension_asked_in_time(CAL, at("2026-02-13 11:00"), due)  # Friday before Tết
    assert not extension_asked_in_time(CAL, at("2026-02-23 11:00"), due)


def test_an_extension_past_the_cap_is_refused_with_the_latest_allowed_time() -> None:
    with pytest.raises(Invalid, match=r"vượt quá 1/3 .* muộn nhất là 08:00 ngày 23/12/2026"):
        extend(at("2026-12-10 09:00"), at("2026-12-23 08:01"))
    # Half of 15 working days: the 7 whole working days that fit (not 7½, ending at 14:00).
    with pytest.raises(Invalid, match=r"vượt quá 1/2 .* muộn nhất là 08:00 ngày 25/12/2026"):
        extend(at("2026-12-10 09:00"), at("2026-12-28 08:00"), cap=0.5)


def test_a_second_extension_is_refused() -> None:
    with pytest.raises(Conflict, match="không quá một lần") as refused:
        extend(at("2026-12-10 09:00"), at("2026-12-21 17:00"), extended=True)
    assert refused.value.message == ONCE_ONLY


def test_an_extension_needs_a_reason_a_due_time_and_a_later_date() -> None:
    with pytest.raises(Invalid, match="lý do trễ hạn"):
        extend(at("2026-12-10 09:00"), at("2026-12-21 17:00"), reason="  ")
    with pytest.raises(Conflict, match="chưa được tiếp nhận"):
        extend(at("2026-12-10 09:00"), at("2026-12-21 17:00"), due=None)
    with pytest.raises(Invalid, match="phải sau ngày hẹn hiện tại"):
        extend(at("2026-12-10 09:00"), RECEIVED_DUE)


# Moved from tests/service/test_legal_clock.py: they only checked this arithmetic.

def test_extension_asked_less_than_a_working_day_before_the_due_time_is_refused() -> None:
    due = due_at_reception(CAL, at("2026-11-25 08:00"), PERMIT_TIME)
    # 7 working hours left at Tue 15 Dec 09:00
    with pytest.raises(Conflict, match="chậm nhất 01 ngày làm việc"):
        extend(at("2026-12-15 09:00"), at("2026-12-18 17:00"), due=due)


def test_extension_beyond_a_third_of_the_processing_time_is_refused() -> None:
    due = due_at_reception(CAL, at("2026-11-25 08:00"), PERMIT_TIME)
    with pytest.raises(Invalid, match="muộn nhất là 08:00 ngày 23/12/2026"):
        extend(at("2026-12-10 09:00"), at("2026-12-23 09:00"), due=due)
    with pytest.raises(Invalid, match="lý do"):
        extend(at("2026-12-10 09:00"), at("2026-12-18 17:00"), reason=" ", due=due)


# The package's rule

def test_the_rules_never_import_the_database() -> None:
    """calendar, rules and lateness are pure; only calendars.py reads the database (the
    package's face exports both; import-linter holds the same rule in `make test`)."""
    folder = Path(__file__).resolve().parents[2] / "engine" / "legal_clock"
    forbidden = ("sqlalchemy", "engine.core.db", "engine.core.uow", "engine.core.models",
                 "engine.legal_clock.calendars")
    offenders = []
    for name in ("calendar.py", "rules.py", "lateness.py"):
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        for node in tree.body:  # module level only: TYPE_CHECKING blocks are `if` nodes
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{name}: {m}" for m in modules if m.startswith(forbidden)]
    assert offenders == []


# Urgency: «sắp đến hạn» picks out the last quarter of a step, at most its last working day

def test_a_short_step_is_due_soon_only_in_its_last_quarter() -> None:
    from engine.legal_clock import urgency

    opened, due = at("2026-11-25 08:00"), at("2026-11-25 14:00")  # a 4-hour reception
    assert urgency(CAL, opened, due, opened) is None  # a new dossier is not urgent
    assert urgency(CAL, at("2026-11-25 10:00"), due, opened) is None  # 2 h of 4 left
    assert urgency(CAL, at("2026-11-25 11:00"), due, opened) == "due_soon"  # 1 h left
    assert urgency(CAL, at("2026-11-25 14:01"), due, opened) == "overdue"


def test_a_long_step_is_due_soon_on_its_last_working_day() -> None:
    from engine.legal_clock import urgency

    opened = at("2026-11-25 08:00")
    due = CAL.add(opened, 10 * CAL.day_length)  # P10D: a quarter is 2.5 days, capped at one
    assert urgency(CAL, CAL.subtract(due, 2 * CAL.day_length), due, opened) is None
    assert urgency(CAL, CAL.subtract(due, CAL.day_length), due, opened) == "due_soon"


def test_a_step_opened_out_of_hours_counts_its_time_from_the_next_working_period() -> None:
    from engine.legal_clock import due_soon_margin, urgency

    opened = at("2026-11-25 18:31")  # submitted in the evening, reception due next morning
    due = CAL.add(opened, timedelta(hours=4))
    assert due == at("2026-11-26 11:00")
    assert due_soon_margin(CAL, opened, due) == timedelta(hours=1)
    assert urgency(CAL, at("2026-11-26 07:00"), due, opened) is None
    assert urgency(CAL, at("2026-11-26 10:00"), due, opened) == "due_soon"


def test_without_its_start_a_step_is_due_soon_on_its_last_working_day() -> None:
    from engine.legal_clock import urgency

    due = at("2026-11-26 11:00")
    assert urgency(CAL, at("2026-11-25 11:30"), due) == "due_soon"
    assert urgency(CAL, at("2026-11-25 10:30"), due) is None
