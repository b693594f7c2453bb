"""On SQLite an instant is written as the text SQLAlchemy's DATETIME writes, character for
character (queries compare these texts), by a faster path of our own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite

from engine.core.models.base import UtcDateTime

DIALECT = sqlite.dialect()
OURS = UtcDateTime().bind_processor(DIALECT)
SQLALCHEMY = DateTime().dialect_impl(DIALECT).bind_processor(DIALECT)  # sqlite.DATETIME


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=7)),
                                               timezone(timedelta(hours=-5, minutes=-30))])))
def test_an_instant_is_written_as_sqlalchemy_writes_it(instant: datetime) -> None:
    assert OURS is not None and SQLALCHEMY is not None
    assert OURS(instant) == SQLALCHEMY(instant.astimezone(UTC).replace(tzinfo=None))


def test_whole_seconds_keep_their_microseconds_and_none_stays_none() -> None:
    assert OURS is not None
    assert OURS(datetime(2026, 12, 1, 9, 30, tzinfo=timezone(timedelta(hours=7)))) == \
        "2026-12-01 02:30:00.000000"
    assert OURS(None) is None


def test_a_naive_instant_is_still_refused() -> None:
    assert OURS is not None
    with pytest.raises(ValueError, match="naive"):
        OURS(datetime(2026, 12, 1, 9, 30))
