"""Two officers, one task; many citizens, one second: the engine on real databases
with real threads and separate connections."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from engine.core.actors import ANONYMOUS, Actor
from engine.core.audit import verify
from engine.core.errors import Conflict
from engine.core.models import Event, Task
from engine.dossiers import submit as dossiers
from engine.dossiers import tasks
from engine.dossiers.inbox import inbox
from engine.identity.accounts import authenticate
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, permit_data


def _actor(platform: Platform, username: str) -> Actor:
    with platform.uow() as uow:
        return authenticate(uow, username=username, password=DEMO_PASSWORD)


def _race(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released at the same instant; results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as exc:  # the loser of the race is the point of the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_same_task_completed_twice_in_parallel_succeeds_exactly_once(platform: Platform) -> None:
    with platform.uow() as uow:
        code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                       agency_code=MINH_XUAN, data=permit_data())["code"]
    desk = _actor(platform, "motcua.minhxuan")
    with platform.uow() as uow:
        task_id = inbox(uow, actor=desk)["tasks"][0]["id"]

    def complete(_: int) -> dict[str, Any]:
        with platform.uow() as uow:
            return tasks.complete_task(uow, actor=desk, task_id=task_id,
                                       data={"ket_qua_kiem_tra": "tiep_nhan"})

    results = _race(2, complete)
    wins = [r for r in results if isinstance(r, dict)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(losses) == 1, results

    with platform.uow() as uow:
        rows = uow.session.scalars(select(Task).order_by(Task.id)).all()
        assert [(t.bpmn_id, t.state) for t in rows] == [("tiep_nhan", "completed"),
                                                         ("tham_dinh", "open")]
        completed_events = uow.session.scalar(
            select(func.count()).select_from(Event).where(Event.kind == "task_completed"))
        assert completed_events == 1
        full = dossiers.get_dossier(uow, actor=desk, code=code)
        assert full["status"] == 4


def test_concurrent_submissions_get_unique_consecutive_codes(platform: Platform) -> None:
    count = 12

    def submit(_: int) -> str:
        with platform.uow() as uow:
            view = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                           agency_code=MINH_XUAN, data=permit_data())
            return str(view["code"])

    codes = _race(count, submit)
    assert all(isinstance(c, str) for c in codes), codes
    numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    assert numbers == list(range(1, count + 1))
    with platform.engine.connect() as connection:  # parallel writers never fork the chain
        assert verify(connection)[1] is None
    assert all(re.fullmatch(r"000\.00\.12\.H64-261125-\d{4}", c) for c in codes)
