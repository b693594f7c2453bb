"""Inter-agency routing (liên thông): a parallel consultation of a commune department and
the provincial Department of Construction, one unit late and escalated, then a call
activity into the Department's own process — one dossier code throughout."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import dossiers, procedures, tasks, versions
from engine.accounts import authenticate
from engine.actors import ANONYMOUS, SYSTEM, Actor
from engine.calendar import VN_TZ
from engine.clock import FixedClock
from engine.inbox import inbox
from engine.models import Agency, Task
from engine.platform import Platform
from engine.seed import DEMO_PASSWORD, MINH_XUAN, SO_XAY_DUNG
from engine.timers import due_timers, fire_timer

PACKAGE = Path(__file__).resolve().parents[1] / "packages" / "lien-thong"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


class Officers:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.cache: dict[str, Actor] = {}

    def actor(self, username: str) -> Actor:
        if username not in self.cache:
            with self.platform.uow() as uow:
                self.cache[username] = authenticate(uow, username=username,
                                                     password=DEMO_PASSWORD)
        return self.cache[username]

    def inbox(self, username: str) -> list[dict[str, Any]]:
        with self.platform.uow() as uow:
            return list(inbox(uow, actor=self.actor(username))["tasks"])

    def complete(self, username: str, step: str, data: dict[str, Any]) -> None:
        task = next(t for t in self.inbox(username) if t["step"] == step)
        with self.platform.uow() as uow:
            tasks.complete_task(uow, actor=self.actor(username), task_id=task["id"], data=data)


def test_consultation_escalation_and_call_activity_across_agencies(
    platform: Platform, clock: FixedClock
) -> None:
    with platform.uow() as uow:
        report, version = procedures.import_package(uow, actor=SYSTEM, agency_code=MINH_XUAN,
                                                    path=PACKAGE)
    assert version is not None, report.as_text()
    with platform.uow() as uow:
        versions.act(uow, actor=SYSTEM, agency_code=MINH_XUAN, code="TEST.LT.01",
                                   number=1, action="publish")
    with platform.uow() as uow:
        code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code="TEST.LT.01",
                                       data={"ho_ten": "Vũ Văn Minh", "so_dinh_danh": "008090005678"}
                                       )["code"]
    people = Officers(platform)
    people.complete("motcua.minhxuan", "tiep_nhan", {"hop_le": True})  # Wed 25 Nov 08:00

    commune = people.inbox("chuyenvien.minhxuan")
    department = people.inbox("chuyenvien.soxaydung")
    assert [(t["dossier"], t["step"]) for t in commune] == [(code, "y_kien_phong")]
    assert [(t["dossier"], t["step"]) for t in department] == [(code, "y_kien_so")]
    assert department[0]["due_at"] == "2026-11-27T08:00:00+07:00"  # its own step deadline
    with platform.uow() as uow:
        agency_of = {t.bpmn_id: t.agency_id for t in uow.session.scalars(select(Task))}
        so_id = uow.session.scalar(select(Agency.id).where(Agency.code == SO_XAY_DUNG))
    assert agency_of["y_kien_so"] == so_id
    with platform.uow() as uow:  # the department reads the dossier it was handed
        assert dossiers.get_dossier(uow, actor=people.actor("chuyenvien.soxaydung"),
                                    code=code)["code"] == code

    people.complete("chuyenvien.minhxuan", "y_kien_phong", {"y_kien": "Phù hợp quy hoạch."})
    clock.set(at("2026-11-27 08:30"))  # the department is late: escalate to the leader
    with platform.uow() as uow:
        due = due_timers(uow)
    for timer_id in due:
        with platform.uow() as uow:
            fire_timer(uow, timer_id=timer_id)
    assert [t["step"] for t in people.inbox("lanhdao.minhxuan")] == ["don_doc_so"]
    assert people.inbox("chuyenvien.soxaydung")[0]["urgency"] == "overdue"

    people.complete("chuyenvien.soxaydung", "y_kien_so", {"y_kien": "Thống nhất."})
    [handed] = people.inbox("chuyenvien.soxaydung")  # the call activity's step
    assert (handed["dossier"], handed["step"]) == (code, "so_tham_dinh")
    people.complete("chuyenvien.soxaydung", "so_tham_dinh", {"y_kien": "Đạt yêu cầu."})
    assert {t["step"] for t in people.inbox("lanhdao.minhxuan")} == {"don_doc_so", "phe_duyet"}
    people.complete("lanhdao.minhxuan", "phe_duyet", {"dong_y": True})
    people.complete("motcua.minhxuan", "tra_ket_qua", {"y_kien": "Đã trả."})

    with platform.uow() as uow:
        view = dossiers.get_dossier(uow, actor=people.actor("motcua.minhxuan"), code=code)
    assert view["status"] == 10 and view["code"] == code
    steps = [(t["step"], t["state"]) for t in view["tasks"]]
    assert ("don_doc_so", "cancelled") in steps and ("so_tham_dinh", "completed") in steps
