"""Contract tests of the connectors' outbox against the portal simulator on loopback: every
status change and log entry arrives, in order, signed, with an idempotency key; a failure is
retried with back-off; a duplicate is applied once; a delivered message is never sent again;
nothing is lost while the portal is down for an hour; a dead letter waits for an
administrator's "gửi lại"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.core.actors import Actor
from engine.core.clock import VN_TZ, FixedClock
from engine.core.errors import Forbidden
from engine.core.models import OutboxMessage
from engine.identity.accounts import authenticate
from engine.records import dead_letters, deliver_messages, resend_dead_letter
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from integrations import Connectors, deliver, registry, sender
from tests.service.test_legal_clock import Desk
from tests.simulators.portal import SECRET, PortalState, running_portal


@pytest.fixture
def portal(clock: FixedClock) -> Iterator[tuple[str, PortalState]]:
    with running_portal(PortalState(now=clock.now)) as running:
        yield running


@pytest.fixture
def connectors(portal: tuple[str, PortalState]) -> Connectors:
    return registry().build({"portal": {"implementation": "real", "url": portal[0], "secret": SECRET,
                                        "timeout": 5}})


def drain(platform: Platform, connectors: Connectors, clock: FixedClock) -> dict[str, int]:
    """Deliver until nothing is due now (as the worker's task does)."""
    total = {"sent": 0, "failed": 0, "dead": 0}
    for _ in range(50):
        done = deliver(platform.uow, connectors, clock.now, limit=50, workers=4)
        for key in total:
            total[key] += done[key]
        if not done["sent"] and not done["failed"]:
            break
    return total


def waiting(platform: Platform) -> int:
    with platform.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.delivered_at.is_(None))) or 0)


def login(platform: Platform, username: str) -> Actor:
    with platform.uow() as uow:
        return authenticate(uow, username=username, password=DEMO_PASSWORD)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def test_every_status_change_reaches_the_portal_in_order_with_its_times(
    platform: Platform, clock: FixedClock, connectors: Connectors, portal: tuple[str, PortalState]
) -> None:
    state = portal[1]
    desk = Desk(platform, clock)
    desk.receive()
    clock.set(at("2026-11-26 10:00"))
    desk.request_supplement("Bản vẽ mặt cắt công trình")
    clock.set(at("2026-12-01 09:00"))
    desk.supplement()
    assert drain(platform, connectors, clock)["failed"] == 0
    assert waiting(platform) == 0
    statuses = state.statuses(desk.code)
    assert statuses[0] == 1 and statuses[1] == 2 and 5 in statuses
    assert statuses.index(5) < len(statuses) - 1 and statuses[-1] != 5  # answered after asked
    held = state.held[desk.code]
    assert held["received_at"].startswith("2026-11-25T08:00") and held["due_at"]
    assert held["procedure_code"] and held["agency_code"]
    kinds = [entry["kind"] for entry in state.log[desk.code]]
    assert kinds[0] == "submitted" and "received" in kinds
    asked = next(e for e in state.log[desk.code] if e["kind"] == "supplement_requested")
    answered = next(e for e in state.log[desk.code] if e["kind"] == "supplemented")
    assert asked["supplement"]["missing"] == ["Bản vẽ mặt cắt công trình"]
    assert answered["supplement"]["due_before"] == asked["supplement"]["due_before"]
    assert answered["supplement"]["due_after"] != answered["supplement"]["due_before"]
    assert all(call.status == 200 and call.key for call in state.calls)  # signed, keyed
    assert len({call.key for call in state.calls}) == len(state.calls)


def test_a_failed_message_waits_with_backoff_then_goes_once(
    platform: Platform, clock: FixedClock, connectors: Connectors, portal: tuple[str, PortalState]
) -> None:
    state = portal[1]
    state.fail_next = 1
    desk = Desk(platform, clock)
    first = deliver(platform.uow, connectors, clock.now, limit=50)
    assert first["failed"] == 1 and first["sent"] == 0  # the dossier's later messages wait for it
    assert deliver(platform.uow, connectors, clock.now)["sent"] == 0  # not due yet
    with platform.uow() as uow:
        failed = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.attempts == 1)).one()
        wait = failed.next_attempt_at - clock.now()
        assert timedelta(seconds=1) <= wait <= timedelta(seconds=2)
        assert "503" in failed.last_error
    clock.advance(timedelta(seconds=5))
    assert drain(platform, connectors, clock)["sent"] >= 2
    assert state.statuses(desk.code)[0] == 1
    assert drain(platform, connectors, clock)["sent"] == 0  # never sent again
    assert state.keys_acknowledged_twice() == []


def test_a_message_the_portal_applied_but_did_not_acknowledge_is_applied_once(
    platform: Platform, clock: FixedClock, connectors: Connectors, portal: tuple[str, PortalState]
) -> None:
    state = portal[1]
    state.fail_after_apply = 1
    Desk(platform, clock)
    deliver(platform.uow, connectors, clock.now)
    clock.advance(timedelta(seconds=10))
    drain(platform, connectors, clock)
    first_key = state.calls[0].key
    assert [c.status for c in state.calls if c.key == first_key] == [500, 200]  # sent again, same key
    assert len(state.applied) == len({c.key for c in state.calls})  # each key applied once
    assert state.keys_acknowledged_twice() == []
    assert waiting(platform) == 0


def test_nothing_is_lost_or_doubled_while_the_portal_is_down_for_an_hour(
    platform: Platform, clock: FixedClock, connectors: Connectors, portal: tuple[str, PortalState]
) -> None:
    state = portal[1]
    state.down = True
    desks = [Desk(platform, clock) for _ in range(3)]
    desks[0].receive()
    for _ in range(120):  # an hour, the worker trying every 30 s
        deliver(platform.uow, connectors, clock.now)
        clock.advance(timedelta(seconds=30))
    with platform.uow() as uow:
        assert dead_letters(uow, actor=login(platform, "quantri")) == []
    assert waiting(platform) > 0 and not state.applied
    state.down = False
    clock.advance(timedelta(minutes=15))
    drain(platform, connectors, clock)
    assert waiting(platform) == 0
    with platform.uow() as uow:
        written = set(uow.session.scalars(select(OutboxMessage.event_id)))
    assert set(state.applied) == written
    assert state.keys_acknowledged_twice() == []
    assert state.statuses(desks[0].code) == [1, 2, 4]  # received, then being processed


def test_a_dead_letter_is_sent_again_with_the_same_key_when_an_administrator_asks(
    platform: Platform, clock: FixedClock, connectors: Connectors, portal: tuple[str, PortalState]
) -> None:
    state = portal[1]
    state.down = True
    Desk(platform, clock)
    send = sender(connectors, clock.now)
    for _ in range(3):
        deliver_messages(platform.uow, send, max_attempts=3)
        clock.advance(timedelta(minutes=1))
    admin, officer = login(platform, "quantri"), login(platform, "lanhdao.minhxuan")
    with platform.uow() as uow:
        dead = dead_letters(uow, actor=admin)
    assert len(dead) == 1 and dead[0]["attempts"] == 3 and "503" in dead[0]["last_error"]
    deliver_messages(platform.uow, send)  # the dossier's next messages may go (and fail) now
    with platform.uow() as uow:
        assert uow.session.get(OutboxMessage, dead[0]["id"]).attempts == 3  # not retried alone
    state.down = False
    with platform.uow() as uow, pytest.raises(Forbidden):
        resend_dead_letter(uow, actor=officer, message_id=dead[0]["id"])
    with platform.uow() as uow:
        assert resend_dead_letter(uow, actor=admin, message_id=dead[0]["id"])
    with platform.uow() as uow:
        assert not resend_dead_letter(uow, actor=admin, message_id=dead[0]["id"])  # not dead now
    drain(platform, connectors, clock)
    assert dead[0]["event_id"] in state.applied
    clock.advance(timedelta(minutes=10))  # the messages that failed meanwhile are due again
    drain(platform, connectors, clock)
    assert waiting(platform) == 0


def test_a_portal_answer_with_a_forged_signature_is_refused(
    clock: FixedClock, connectors: Connectors, portal: tuple[str, PortalState]
) -> None:
    from integrations import DeliveryFailed
    from integrations.portal import HttpPortal

    state = portal[1]
    state.submitted = [{"external_code": "G22.99-261125-0001", "procedure_code": "x", "data": {}}]
    connector = connectors.get("portal")
    assert isinstance(connector, HttpPortal)
    assert len(connector.submitted(now=clock.now())) == 1
    state.forge_answers = True
    with pytest.raises(DeliveryFailed, match=r"(?i)chữ ký"):
        connector.submitted(now=clock.now())
    forged = HttpPortal(url=portal[0], secret="someone-else-secret-123456")
    with pytest.raises(DeliveryFailed, match="401"):
        forged.submitted(now=clock.now())


def test_an_inbound_call_seen_once_is_refused_the_second_time(platform: Platform, clock: FixedClock) -> None:
    from engine.records import remember_inbound_call

    signature, keep = "ab" * 32, timedelta(minutes=5)
    with platform.uow() as uow:
        assert remember_inbound_call(uow, connector="portal", signature=signature, keep=keep)
        uow.commit()
    with platform.uow() as uow:
        assert not remember_inbound_call(uow, connector="portal", signature=signature, keep=keep)
        assert remember_inbound_call(uow, connector="payment", signature=signature, keep=keep)
        uow.commit()
    clock.advance(timedelta(minutes=6))  # past the window: the timestamp check refuses it now
    with platform.uow() as uow:
        assert remember_inbound_call(uow, connector="portal", signature=signature, keep=keep)


def test_with_random_failures_each_dossiers_messages_arrive_in_the_order_written(
    platform: Platform, clock: FixedClock, connectors: Connectors, portal: tuple[str, PortalState]
) -> None:
    state = portal[1]
    state.fail_rate = 0.3
    desks = [Desk(platform, clock) for _ in range(3)]
    for desk in desks:
        desk.receive()
    for _ in range(100):
        deliver(platform.uow, connectors, clock.now)
        if not waiting(platform):
            break
        clock.advance(timedelta(minutes=1))
    assert waiting(platform) == 0 and any(call.status == 503 for call in state.calls)
    with platform.uow() as uow:
        for desk in desks:
            written = list(uow.session.scalars(select(OutboxMessage.event_id).where(
                OutboxMessage.ordering_key == desk.code).order_by(OutboxMessage.id)))
            taken = [c.key for c in state.calls if c.status == 200 and c.key in set(written)]
            assert taken == written
    assert state.keys_acknowledged_twice() == []


def test_a_paper_dossier_nobody_is_told_about_still_reaches_the_portal(platform: Platform) -> None:
    from engine.core.models import Notification
    from engine.dossiers import submit_dossier
    from tests.helpers import MINH_XUAN, PERMIT, permit_data

    desk = login(platform, "motcua.minhxuan")
    with platform.uow() as uow:
        code = submit_dossier(uow, actor=desk, procedure_code=PERMIT, agency_code=MINH_XUAN,
                              data=permit_data(), channel="desk")["code"]
    with platform.uow() as uow:
        kinds = list(uow.session.scalars(select(OutboxMessage.kind).where(
            OutboxMessage.ordering_key == code).order_by(OutboxMessage.id)))
        told = uow.session.scalar(select(func.count()).select_from(Notification))
    assert "dossier-sync" in kinds and "progress-update" in kinds
    assert told == 0  # no account, no contact: no notice, yet the portal is told
