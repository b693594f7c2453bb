"""Timers and reminders with a controllable clock: the overdue appraisal escalates to the
leader through the diagram's boundary timer, reminders reach a real SMTP server, and two
workers racing on one timer fire it once."""

from __future__ import annotations

import shutil
import socket
import threading
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from engine.core.clock import VN_TZ, FixedClock
from engine.core.models import Event, Notification, Task, Timer
from engine.dossiers.timers import due_timers, fire_timer
from engine.records.outbox import Gateways, NullGateway, SmtpEmail, deliver_pending
from engine.wiring import Platform
from tests.conftest import Inbox
from tests.helpers import counted_statements, import_and_publish
from tests.service.test_legal_clock import Desk

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def fire_all(platform: Platform) -> list[str]:
    with platform.uow() as uow:
        ids = due_timers(uow)
    results = []
    for timer_id in ids:
        with platform.uow() as uow:
            results.append(fire_timer(uow, timer_id=timer_id))
    return results


def open_steps(platform: Platform) -> list[tuple[str, str]]:
    with platform.uow() as uow:
        return [(t.bpmn_id, t.role) for t in uow.session.scalars(
            select(Task).where(Task.state == "open").order_by(Task.id))]


def test_an_overdue_appraisal_escalates_to_the_leader(platform: Platform, clock: FixedClock) -> None:
    desk = Desk(platform, clock)
    desk.receive()  # Wed 25 Nov 08:00; appraisal P10D → due Wed 9 Dec 08:00
    with platform.uow() as uow:
        bpmn_timer = uow.session.scalar(select(Timer).where(Timer.kind == "bpmn"))
        assert bpmn_timer is not None and bpmn_timer.bpmn_id == "tham_dinh_qua_han"
        assert bpmn_timer.due_at == at("2026-12-09 08:00")
    clock.set(at("2026-12-09 07:59"))
    fire_all(platform)  # only the due-soon reminder is due yet
    assert open_steps(platform) == [("tham_dinh", "chuyen_vien")]
    clock.set(at("2026-12-09 08:00"))
    fire_all(platform)
    assert open_steps(platform) == [("tham_dinh", "chuyen_vien"), ("don_doc", "lanh_dao")]
    kinds = [e["kind"] for e in desk.view()["events"]]
    assert "timer_fired" in kinds and "reminder_overdue" in kinds
    # The appraisal goes on; finishing the dossier cancels the pending escalation.
    desk.complete("chuyenvien.minhxuan", {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện."})
    desk.complete("lanhdao.minhxuan", {"quyet_dinh": "cap_phep", "so_giay_phep": "7/GPXD"},
                  step="phe_duyet")
    desk.complete("motcua.minhxuan", {"hinh_thuc_tra": "truc_tiep"})
    view = desk.view()
    assert view["status"] == 10
    assert [t["state"] for t in view["tasks"] if t["step"] == "don_doc"] == ["cancelled"]
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Timer)
                                  .where(Timer.state == "pending")) == 0


def _escalation_due(platform: Platform, clock: FixedClock) -> int:
    """A received permit whose appraisal's escalation (the BPMN boundary timer) is due."""
    desk = Desk(platform, clock)
    desk.receive()  # appraisal P10D → due Wed 9 Dec 08:00
    clock.set(at("2026-12-09 08:00"))
    with platform.uow() as uow:
        return uow.session.scalars(select(Timer.id).where(Timer.kind == "bpmn")).one()


def test_an_escalation_fires_in_few_statements_and_stays_fired(
    platform: Platform, clock: FixedClock
) -> None:
    # A burst of due timers is fired as fast as each firing's statements go (on PostgreSQL
    # each is a round trip). Before: 8, one of them cancelling the timer that had just fired.
    timer_id = _escalation_due(platform, clock)
    with counted_statements(platform) as seen, platform.uow() as uow:
        assert fire_timer(uow, timer_id=timer_id) == "fired"
    firing = [s for s in seen if "audit_head" not in s and "INTO events" not in s
              and "INTO audit_log" not in s and "INTO outbox" not in s and "external_code" not in s]
    assert len(firing) <= 7, firing  # the commit's own (events, audit, portal) left out
    with platform.uow() as uow:
        assert uow.session.get_one(Timer, timer_id).state == "fired"
    assert open_steps(platform) == [("tham_dinh", "chuyen_vien"), ("don_doc", "lanh_dao")]


def test_a_step_done_in_time_cancels_its_reminders_and_escalation(
    platform: Platform, clock: FixedClock
) -> None:
    desk = Desk(platform, clock)
    desk.receive()
    desk.complete("chuyenvien.minhxuan", {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện."})
    with platform.uow() as uow:
        appraisal = uow.session.scalar(select(Task.id).where(Task.bpmn_id == "tham_dinh"))
        states = uow.session.execute(
            select(Timer.kind, Timer.state).where(
                (Timer.task_id == appraisal) | (Timer.kind == "bpmn"))
            .order_by(Timer.id)).all()
    assert sorted(tuple(r) for r in states) == [("bpmn", "cancelled"), ("due_soon", "cancelled"),
                                                ("overdue", "cancelled")]
    clock.set(at("2026-12-10 08:00"))
    fire_all(platform)  # only the approval step's reminders remain
    with platform.uow() as uow:
        subjects = uow.session.scalars(select(Notification.subject)).all()
    assert subjects and all("«Xem xét, ký duyệt»" in s for s in subjects)


def test_reminders_are_received_by_a_real_smtp_server(
    platform: Platform, clock: FixedClock, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    desk = Desk(platform, clock)
    desk.receive()
    clock.set(at("2026-12-08 08:00"))  # one working day before the appraisal's due time
    assert fire_all(platform) == ["fired"]
    gateways = Gateways(email=SmtpEmail("127.0.0.1", port, sender="motcua@tuyenquang.example"),
                        sms=NullGateway("sms"))
    assert deliver_pending(platform.uow, gateways) == {"sent": 1, "failed": 0}
    [(recipients, message)] = inbox.messages
    assert recipients == ["chuyenvien.minhxuan@tuyenquang.example"]
    assert message["Subject"] == (f"[Cổng dịch vụ công một cửa] Hồ sơ {desk.code} sắp đến hạn bước "
                                  "«Thẩm định hồ sơ, đề xuất»")
    assert "2026-12-09 08:00" in message.get_content()
    assert message.get_content().rstrip().endswith("— Cổng dịch vụ công một cửa")
    assert deliver_pending(platform.uow, gateways) == {"sent": 0, "failed": 0}  # sent once
    clock.set(at("2026-12-09 08:00"))
    fire_all(platform)
    deliver_pending(platform.uow, gateways)
    overdue = sorted(r[0] for r, m in inbox.messages[1:])
    assert overdue == ["chuyenvien.minhxuan@tuyenquang.example",
                       "lanhdao.minhxuan@tuyenquang.example"]
    assert {m["Subject"] for _, m in inbox.messages[1:]} == {
        f"[Cổng dịch vụ công một cửa] Hồ sơ {desk.code} quá hạn ở bước «Thẩm định hồ sơ, đề xuất»"}


def test_an_unreachable_smtp_server_is_retried_later(platform: Platform, clock: FixedClock) -> None:
    desk = Desk(platform, clock)
    desk.receive()
    clock.set(at("2026-12-08 08:00"))
    fire_all(platform)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = int(sock.getsockname()[1])
    broken = Gateways(email=SmtpEmail("127.0.0.1", closed_port, timeout=2), sms=NullGateway("sms"))
    assert deliver_pending(platform.uow, broken) == {"sent": 0, "failed": 1}
    with platform.uow() as uow:
        [row] = uow.session.scalars(select(Notification)).all()
        assert row.sent_at is None and row.attempts == 1 and row.last_error
    working = Gateways(email=NullGateway("email"), sms=NullGateway("sms"))
    assert deliver_pending(platform.uow, working) == {"sent": 0, "failed": 0}  # waits
    clock.set(at("2026-12-08 08:03"))
    assert deliver_pending(platform.uow, working) == {"sent": 1, "failed": 0}


def test_two_workers_racing_on_one_due_timer_fire_it_once(
    platform: Platform, clock: FixedClock
) -> None:
    timer_id = _escalation_due(platform, clock)
    second = Platform(platform.database_url, clock=clock)  # another worker process
    barrier = threading.Barrier(2)
    results: list[str] = []

    def work(target: Platform) -> None:
        barrier.wait()
        with target.uow() as uow:
            results.append(fire_timer(uow, timer_id=timer_id))

    threads = [threading.Thread(target=work, args=(p,)) for p in (platform, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    second.dispose()
    assert sorted(results) == ["fired", "skipped"]
    assert open_steps(platform).count(("don_doc", "lanh_dao")) == 1
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Event)
                                  .where(Event.kind == "timer_fired")) == 1


def test_an_intermediate_timer_waits_in_working_time_then_moves_on(
    platform: Platform, clock: FixedClock, tmp_path: Path
) -> None:
    """A designer puts a 4-working-hour public notice period before the appraisal."""
    package = tmp_path / "goi"
    shutil.copytree(PACKAGE, package)
    bpmn = package / "process.bpmn"
    notice = """<bpmn:intermediateCatchEvent id="niem_yet" name="Niêm yết công khai">
      <bpmn:incoming>f_hop_le</bpmn:incoming>
      <bpmn:outgoing>f_het_niem_yet</bpmn:outgoing>
      <bpmn:timerEventDefinition id="niem_yet_timer">
        <bpmn:timeDuration>PT4H</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f_het_niem_yet" sourceRef="niem_yet" targetRef="tham_dinh" />
    """
    text = (bpmn.read_text(encoding="utf-8")
            .replace('sourceRef="gw_tiep_nhan" targetRef="tham_dinh"',
                     'sourceRef="gw_tiep_nhan" targetRef="niem_yet"')
            .replace('<bpmn:userTask id="tham_dinh"', notice + '<bpmn:userTask id="tham_dinh"')
            .replace("<bpmn:flowNodeRef>tham_dinh</bpmn:flowNodeRef>",
                     "<bpmn:flowNodeRef>tham_dinh</bpmn:flowNodeRef>"
                     "<bpmn:flowNodeRef>niem_yet</bpmn:flowNodeRef>"))
    bpmn.write_text(text, encoding="utf-8")
    import_and_publish(platform, package)
    clock.set(at("2026-11-25 10:00"))
    desk = Desk(platform, clock)
    desk.receive()
    assert open_steps(platform) == []  # waiting for the notice period
    with platform.uow() as uow:
        notice = uow.session.scalar(select(Timer).where(Timer.bpmn_id == "niem_yet"))
        assert notice is not None and notice.due_at == at("2026-11-25 16:00")  # lunch skipped
    clock.set(at("2026-11-25 15:59"))
    fire_all(platform)
    assert open_steps(platform) == []
    clock.set(at("2026-11-25 16:00"))
    fire_all(platform)
    assert open_steps(platform) == [("tham_dinh", "chuyen_vien")]
