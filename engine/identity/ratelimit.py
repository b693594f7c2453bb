"""Per-client request limits kept in the database (so every web process shares them):
public tracking, password-reset requests. A sliding window over recorded hits."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, func, select

from engine.core.errors import RateLimited
from engine.core.models import RateHit
from engine.core.uow import UnitOfWork


def hit(uow: UnitOfWork, *, bucket: str, limit: int, window: timedelta, message: str) -> None:
    """Count one request in `bucket`; `RateLimited` (with the seconds to wait) when
    `limit` requests were already made within `window`. The caller commits."""
    now = uow.clock.now()
    since = now - window
    bucket = bucket[:120]
    recent, oldest = uow.session.execute(
        select(func.count(RateHit.id), func.min(RateHit.at))
        .where(RateHit.bucket == bucket, RateHit.at > since)).one()
    if recent >= limit:
        wait = max(1, math.ceil((oldest + window - now).total_seconds()))
        raise RateLimited(message, wait)
    uow.session.add(RateHit(bucket=bucket, at=now))


def in_minutes(seconds: float) -> int:
    """Seconds as whole minutes, rounded up and at least one (for a message's "wait N minutes")."""
    return max(1, math.ceil(seconds / 60))


def forget_old_hits(uow: UnitOfWork, *, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete hits no window looks at any more (the daily job); returns how many."""
    done = uow.session.execute(delete(RateHit).where(RateHit.at < uow.clock.now() - older_than))
    uow.commit()
    return int(getattr(done, "rowcount", 0) or 0)
