"""The engine's side of a result handed back by post, on both databases: the carrier's
«delivered» report on a result order completes the hand-over through the engine's one path
(the system completing the step whoever holds it; the return time is the delivery's; a
refusal letter without a step is handed back too; a repeated report changes nothing); a
report of the result sent back tells the desk and leaves the step open; a hand-over another
way while the order is open is refused until confirmed, then cancels the order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.core.actors import Actor
from engine.core.errors import Conflict
from engine.core.models import Dossier, Event, Notification, PostalOrder, Task
from engine.dossiers import record_postal_status, request_postal_order, tasks
from engine.identity.accounts import authenticate
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.functional.test_citizen_area import _granted, citizen_client, officer, submit_on_page
from tests.functional.test_post_connector import ORDER
from tests.helpers import collect_fee, complete, task_for

ADDRESS = {k: ORDER[k] for k in ("name", "address", "phone")}


def _actor(platform: Platform, username: str) -> Actor:
    with platform.uow() as uow:
        return authenticate(uow, username=username, password=DEMO_PASSWORD)


def _at_hand_over(app: Flask, platform: Platform) -> tuple[str, str, int]:
    """A granted dossier (status 9) whose applicant ordered the result by post: its code,
    the order's reference and the hand-over step's id."""
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    with platform.uow() as uow:
        made = request_postal_order(uow, actor=_actor(platform, "congdan"), code=code,
                                    kind="delivery", **ADDRESS)
    desk = _granted(app, code)
    collect_fee(platform, _actor(platform, "motcua.minhxuan"), code)  # the hand-over waits for it
    return code, made["reference"], int(task_for(desk, code)["id"])


def _report(platform: Platform, reference: str, status: str) -> bool | None:
    with platform.uow() as uow:
        return record_postal_status(uow, reference=reference, status=status, commit=True)


def _dossier(platform: Platform, code: str) -> tuple[int, Any, int]:
    """(status, return time, number of its events)."""
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        events = uow.session.scalar(select(func.count()).select_from(Event).where(
            Event.dossier_id == dossier.id))
        return dossier.status, dossier.returned_at, int(events or 0)


def test_delivery_completes_the_claimed_hand_over_as_the_system_once(
    app: Flask, platform: Platform, clock: Any
) -> None:
    code, reference, step = _at_hand_over(app, platform)
    with platform.uow() as uow:
        tasks.claim_task(uow, actor=_actor(platform, "motcua.minhxuan"), task_id=step)
    assert _report(platform, reference, "in_transit") is True
    assert _dossier(platform, code)[0] == 9
    clock.advance(timedelta(hours=2))
    delivered_at = clock.now()
    assert _report(platform, reference, "delivered") is True
    status, returned_at, events = _dossier(platform, code)
    assert status == 10 and returned_at is not None
    assert returned_at == delivered_at  # the same instant, whatever its zone
    with platform.uow() as uow:
        task = uow.session.get_one(Task, step)
        assert (task.state, task.completed_by_id) == ("completed", None)  # by the system
        assert task.data["hinh_thuc_tra"] == "buu_chinh" and reference in task.data["ghi_chu"]
    clock.advance(timedelta(minutes=1))
    assert _report(platform, reference, "delivered") is False
    assert _dossier(platform, code) == (status, returned_at, events)


def test_a_refusal_letter_delivered_by_post_is_handed_back(
    app: Flask, platform: Platform
) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = officer(app, "chuyenvien.minhxuan")
    refused = specialist.post(f"/api/v1/tasks/{task_for(specialist, code)['id']}/refuse",
                              json={"reasons": "Công trình vượt chỉ giới xây dựng."})
    assert refused.status_code == 200, refused.json
    assert _dossier(platform, code)[0] == 9
    with platform.uow() as uow:  # the desk sends the refusal letter by post
        reference = request_postal_order(uow, actor=_actor(platform, "motcua.minhxuan"),
                                         code=code, kind="delivery", **ADDRESS)["reference"]
    assert _report(platform, reference, "delivered") is True
    assert _dossier(platform, code)[0] == 10
    with platform.uow() as uow:
        kinds = list(uow.session.scalars(select(Event.kind).join(Dossier).where(
            Dossier.code == code).order_by(Event.id)))
    assert kinds[-2:] == ["postal_result_delivered", "returned"]


def test_a_result_sent_back_tells_the_desk_and_the_step_stays_open(
    app: Flask, platform: Platform
) -> None:
    code, reference, step = _at_hand_over(app, platform)
    desk_id = _actor(platform, "motcua.minhxuan").account_id
    assert _report(platform, reference, "returned") is True
    assert _dossier(platform, code)[0] == 9
    with platform.uow() as uow:
        assert uow.session.get_one(Task, step).state == "open"
        told = list(uow.session.scalars(select(Notification.subject).where(
            Notification.account_id == desk_id, Notification.subject.contains(code))))
    assert told == [f"Bưu điện chuyển hoàn kết quả hồ sơ {code}"]


def test_another_way_is_refused_until_confirmed_then_cancels_the_order(
    app: Flask, platform: Platform
) -> None:
    code, reference, step = _at_hand_over(app, platform)
    desk = _actor(platform, "motcua.minhxuan")
    data = {"hinh_thuc_tra": "truc_tiep"}
    with platform.uow() as uow, pytest.raises(Conflict) as refused:
        tasks.complete_task(uow, actor=desk, task_id=step, data=data)
    assert f"Đơn chuyển phát kết quả {reference} của người nộp vẫn đang thực hiện" in refused.value.message
    assert _dossier(platform, code)[0] == 9
    with platform.uow() as uow:
        done = tasks.complete_task(uow, actor=desk, task_id=step, data=data,
                                   confirm_other_delivery=True)
    assert done["cancelled_postal_order"] == reference and done["dossier"]["status"] == 10
    with platform.uow() as uow:
        order = uow.session.scalar(select(PostalOrder).where(PostalOrder.reference == reference))
        assert order is not None and order.status == "cancelled"
    assert _report(platform, reference, "delivered") is False  # a late report changes nothing
