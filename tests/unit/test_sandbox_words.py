"""A timer set to a date is offered in a test run by the date in Vietnam's time, in words."""

from __future__ import annotations

from engine.core.clock import instant_words


def test_an_instant_reads_as_the_hour_and_day_in_vietnam() -> None:
    assert instant_words("2027-01-15T08:00:00+07:00") == "08:00 ngày 15/01/2027"
    assert instant_words("2027-01-15T01:30:00Z") == "08:30 ngày 15/01/2027"
    assert instant_words("2027-01-15") == "00:00 ngày 15/01/2027"


def test_what_is_not_an_instant_is_left_as_it_is() -> None:
    assert instant_words("R3/PT1H") == "R3/PT1H"
