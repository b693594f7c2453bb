"""Claim racing complete, claim racing refuse, complete racing complete: real threads on
separate connections, on both databases. The loser of any race gets the engine's `Conflict`
(HTTP 409 with the JSON error body), never a deadlock or a 500; exactly one effect lands;
a completed task is never claimed again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from engine.core.actors import ANONYMOUS, Actor
from engine.core.errors import Conflict
from engine.core.models import Dossier, Event, Task
from engine.dossiers import actions, tasks
from engine.dossiers import submit as dossiers
from engine.identity.accounts import authenticate, create_account
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, login, permit_data

ROUNDS = 3  # each round is a fresh dossier: the interleaving differs from round to round
RECEIVE = {"ket_qua_kiem_tra": "tiep_nhan"}


def _race(works: list[Callable[[], Any]]) -> list[Any]:
    """Run every work in its own thread, all released at the same instant; results or
    exceptions, in order."""
    barrier = threading.Barrier(len(works))
    results: list[Any] = [None] * len(works)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = works[index]()
        except Exception as exc:  # the losers of the race are the point of the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck: deadlock"
    return results


class Desk:
    """The reception desk of Minh Xuân with one regular officer and `others` colleagues
    holding the same role."""

    def __init__(self, platform: Platform, others: int) -> None:
        self.platform = platform
        names = [f"motcua{i}.minhxuan" for i in range(2, others + 2)]
        with platform.uow() as uow:
            for name in names:
                create_account(uow, username=name, password=DEMO_PASSWORD,
                               full_name="Lý Thị Hoa", kind="officer",
                               roles=((MINH_XUAN, "mot_cua"),))
            uow.commit()
        self.officer = self._actor("motcua.minhxuan")
        self.colleagues = [self._actor(n) for n in names]

    def _actor(self, username: str) -> Actor:
        with self.platform.uow() as uow:
            return authenticate(uow, username=username, password=DEMO_PASSWORD)

    def new_task(self) -> tuple[str, int]:
        """A freshly submitted dossier and its open, unassigned reception task."""
        with self.platform.uow() as uow:
            code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                           agency_code=MINH_XUAN, data=permit_data())["code"]
        with self.platform.uow() as uow:
            task_id = uow.session.scalar(select(Task.id).join(Dossier).where(Dossier.code == code))
        assert task_id is not None
        return code, task_id

    def claim(self, actor: Actor, task_id: int) -> Callable[[], Any]:
        def work() -> Any:
            with self.platform.uow() as uow:
                return tasks.claim_task(uow, actor=actor, task_id=task_id)
        return work

    def complete(self, task_id: int) -> Callable[[], Any]:
        def work() -> Any:
            with self.platform.uow() as uow:
                return tasks.complete_task(uow, actor=self.officer, task_id=task_id, data=RECEIVE)
        return work

    def refuse(self, task_id: int) -> Callable[[], Any]:
        def work() -> Any:
            with self.platform.uow() as uow:
                return actions.refuse(uow, actor=self.officer, task_id=task_id,
                                      reasons="Hồ sơ giả mạo chữ ký.")
        return work


def _outcome(results: list[Any]) -> tuple[list[Any], list[Any]]:
    """Winners and losers; anything but a result or a `Conflict` fails the test."""
    odd = [r for r in results if isinstance(r, BaseException) and not isinstance(r, Conflict)]
    assert not odd, odd
    return ([r for r in results if not isinstance(r, BaseException)],
            [r for r in results if isinstance(r, Conflict)])


def _events(platform: Platform, task_id: int, kind: str) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Event).where(
            Event.task_id == task_id, Event.kind == kind)) or 0


def _task(platform: Platform, task_id: int) -> Task:
    with platform.uow() as uow:
        task = uow.session.get(Task, task_id)
        assert task is not None
        uow.session.expunge(task)  # read after the unit of work ends
        return task


def test_claims_racing_completions_never_deadlock_nor_reclaim_a_completed_task(
    platform: Platform,
) -> None:
    desk = Desk(platform, others=3)
    for _ in range(ROUNDS):
        _, task_id = desk.new_task()
        works = [desk.claim(c, task_id) for c in desk.colleagues]
        works += [desk.complete(task_id) for _ in desk.colleagues]
        winners, losers = _outcome(_race(works))
        assert len(winners) == 1 and len(losers) == len(works) - 1, winners
        task = _task(platform, task_id)
        if "task" in winners[0]:  # the completion won: nobody holds the finished task
            assert task.state == "completed"
            assert task.assignee_id == task.completed_by_id == desk.officer.account_id
            assert _events(platform, task_id, "task_claimed") == 0
        else:  # a colleague's claim won: the task waits for that colleague
            assert task.state == "open" and task.assignee_id == winners[0]["assignee_id"]
            assert _events(platform, task_id, "task_completed") == 0
        assert _events(platform, task_id, "task_claimed") + _events(
            platform, task_id, "task_completed") == 1


def test_claims_racing_a_refusal_never_deadlock_and_only_one_lands(platform: Platform) -> None:
    desk = Desk(platform, others=3)
    for _ in range(ROUNDS):
        code, task_id = desk.new_task()
        works = [desk.claim(c, task_id) for c in desk.colleagues]
        works += [desk.refuse(task_id) for _ in desk.colleagues]
        winners, losers = _outcome(_race(works))
        assert len(winners) == 1 and len(losers) == len(works) - 1, winners
        task = _task(platform, task_id)
        with platform.uow() as uow:
            dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
            assert dossier is not None
            refusals = uow.session.scalar(select(func.count()).select_from(Event).where(
                Event.dossier_id == dossier.id, Event.kind == "refused"))
            status, outcome = dossier.status, dossier.outcome
        if winners[0].get("outcome") == "refused":
            assert (task.state, status, outcome, refusals) == ("completed", 3, "refused", 1)
            assert task.assignee_id == desk.officer.account_id
            assert _events(platform, task_id, "task_claimed") == 0
        else:
            assert (task.state, status, outcome, refusals) == ("open", 1, None, 0)
            assert task.assignee_id == winners[0]["assignee_id"]


def test_the_same_task_completed_by_many_at_once_advances_the_dossier_once(
    platform: Platform,
) -> None:
    desk = Desk(platform, others=0)
    code, task_id = desk.new_task()
    winners, losers = _outcome(_race([desk.complete(task_id) for _ in range(6)]))
    assert len(winners) == 1 and len(losers) == 5
    assert _events(platform, task_id, "task_completed") == 1
    with platform.uow() as uow:
        opened = uow.session.scalars(select(Task.bpmn_id).join(Dossier).where(
            Dossier.code == code, Task.state == "open")).all()
    assert opened == ["tham_dinh"]


def test_the_api_answers_409_with_the_error_body_to_the_loser_of_claim_against_complete(
    app: Flask, platform: Platform,
) -> None:
    desk = Desk(platform, others=1)
    officer, colleague = app.test_client(), app.test_client()
    login(officer, "motcua.minhxuan")
    login(colleague, "motcua2.minhxuan")
    for _ in range(ROUNDS):
        _, task_id = desk.new_task()
        responses = _race([
            lambda t=task_id: colleague.post(f"/api/v1/tasks/{t}/claim"),
            lambda t=task_id: officer.post(f"/api/v1/tasks/{t}/complete", json={"data": RECEIVE}),
        ])
        assert sorted(r.status_code for r in responses) == [200, 409], [
            (r.status_code, r.get_data(as_text=True)[:300]) for r in responses]
        [loser] = [r for r in responses if r.status_code == 409]
        assert loser.is_json and loser.json["error"]["code"] == "conflict"
        assert loser.json["error"]["message"]
