"""Inter-agency routing (liên thông): a parallel consultation of a commune department and
the provincial Department of Construction, one unit late and escalated, then a call
activity into the Department's own process — one dossier code throughout."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from engine.core.actors import ANONYMOUS
from engine.core.clock import VN_TZ, FixedClock
from engine.core.models import Agency, Task
from engine.dossiers import submit as dossiers
from engine.dossiers.timers import due_timers, fire_timer
from engine.seed import SO_XAY_DUNG
from engine.wiring import Platform
from tests.helpers import Officers, import_and_publish

PACKAGE = Path(__file__).resolve().parents[1] / "packages" / "lien-thong"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def test_consultation_escalation_and_call_activity_across_agencies(
    platform: Platform, clock: FixedClock
) -> None:
    import_and_publish(platform, PACKAGE)
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
