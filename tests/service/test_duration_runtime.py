"""Durations validation accepts are durations the engine computes: a package whose timer or
step deadline is in weeks, months, seconds or a mixed form is imported, published, and a
dossier submitted against it gets the right due times (on SQLite and PostgreSQL) instead
of a server error on every submission."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import func, select

from engine.core.actors import ANONYMOUS
from engine.core.clock import VN_TZ, FixedClock
from engine.core.errors import Invalid
from engine.core.models import Dossier, Procedure, ProcedureVersion, Task, Timer
from engine.dossiers import submit as dossiers
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, import_and_publish, permit_data
from tests.service.test_legal_clock import Desk

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
TIMER = "<bpmn:timeDuration>P10D</bpmn:timeDuration>"
RECEPTION_DEADLINE = '<spiffworkflow:property name="deadline" value="PT4H" />'


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def publish(platform: Platform, tmp_path: Path, old: str, new: str) -> None:
    """Import the building-permit package with `old` replaced by `new`, and publish it."""
    package = tmp_path / "goi"
    shutil.copytree(PACKAGE, package)
    bpmn = package / "process.bpmn"
    source = bpmn.read_text(encoding="utf-8")
    assert old in source
    bpmn.write_text(source.replace(old, new), encoding="utf-8")
    import_and_publish(platform, package)


def timer_due(platform: Platform) -> datetime:
    with platform.uow() as uow:
        timer = uow.session.scalar(select(Timer).where(Timer.bpmn_id == "tham_dinh_qua_han"))
        assert timer is not None
        return timer.due_at


def step_due(platform: Platform, step: str) -> datetime | None:
    with platform.uow() as uow:
        return uow.session.scalar(select(Task.due_at).where(Task.bpmn_id == step))


@pytest.mark.parametrize(("timer", "received", "due"), [
    ("P1W", "2026-11-25 08:00", "2026-12-02 08:00"),         # five working days
    ("P1M", "2026-11-25 08:00", "2026-12-25 08:00"),         # a calendar month
    ("P1M", "2026-12-31 09:00", "2027-02-01 09:00"),         # Sun 31 Jan 2027 → Monday
    ("PT30S", "2026-11-25 08:00", "2026-11-25 08:00:30"),    # thirty working seconds
    ("P1M2DT3H", "2026-11-25 08:00", "2026-12-29 11:00"),    # month, then working time
])
def test_a_timer_in_weeks_months_or_seconds_gets_its_due_time_instead_of_a_server_error(
    platform: Platform, clock: FixedClock, tmp_path: Path, timer: str, received: str, due: str
) -> None:
    publish(platform, tmp_path, TIMER, f"<bpmn:timeDuration>{timer}</bpmn:timeDuration>")
    clock.set(at(received))
    desk = Desk(platform, clock)
    desk.receive()
    assert timer_due(platform) == at(due)


@pytest.mark.parametrize(("deadline", "due"), [
    ("P1W", "2026-12-02 08:00"),
    ("PT30S", "2026-11-25 08:00:30"),
    ("P1DT4H", "2026-11-26 14:00"),  # one working day, then 4 h across lunch
])
def test_a_step_deadline_in_any_accepted_unit_gets_its_due_time_at_submission(
    platform: Platform, clock: FixedClock, tmp_path: Path, deadline: str, due: str
) -> None:
    publish(platform, tmp_path, RECEPTION_DEADLINE,
            f'<spiffworkflow:property name="deadline" value="{escape(deadline)}" />')
    Desk(platform, clock)  # submitted Wed 25 Nov 2026 08:00
    assert step_due(platform, "tiep_nhan") == at(due)


def test_a_step_deadline_in_months_is_computed_on_the_calendar(
    platform: Platform, clock: FixedClock, tmp_path: Path
) -> None:
    """A deadline in months needs a legal time long enough (3× cap): a 365-working-day procedure."""
    package_time = '"processing_time": {"value": 15, "unit": "working_days"}'
    package = tmp_path / "goi"
    shutil.copytree(PACKAGE, package)
    manifest = package / "procedure.json"
    text = manifest.read_text(encoding="utf-8")
    assert package_time in text
    manifest.write_text(text.replace(package_time,
                                     '"processing_time": {"value": 365, "unit": "working_days"}'),
                        encoding="utf-8")
    bpmn = package / "process.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(
        '<spiffworkflow:property name="deadline" value="P10D" />',
        '<spiffworkflow:property name="deadline" value="P1Y" />'), encoding="utf-8")
    import_and_publish(platform, package)
    clock.set(at("2027-02-27 10:00"))  # a Saturday: the year ends on Sun 27 Feb 2028 → Monday
    Desk(platform, clock).receive()
    assert step_due(platform, "tham_dinh") == at("2028-02-28 10:00")


def test_a_version_stored_before_the_bounds_refuses_a_submission_instead_of_a_server_error(
    platform: Platform, clock: FixedClock, tmp_path: Path
) -> None:
    """A version validated before the ceiling existed may hold a step deadline of P99999D:
    a submission is refused in Vietnamese naming the step, and nothing is stored."""
    publish(platform, tmp_path, RECEPTION_DEADLINE, RECEPTION_DEADLINE)
    with platform.uow() as uow:
        version = uow.session.scalars(select(ProcedureVersion).join(Procedure).where(
            Procedure.code == PERMIT, ProcedureVersion.status == "published")
            .order_by(ProcedureVersion.id.desc())).first()
        assert version is not None
        compiled = json.loads(json.dumps(version.compiled))
        compiled["tasks"]["tiep_nhan"]["deadline"] = "P99999D"
        version.compiled = compiled
        uow.commit()
    with platform.uow() as uow:
        before = uow.session.scalar(select(func.count()).select_from(Dossier))
    fresh = Platform(platform.database_url, clock=clock)  # no cached copy of the version
    try:
        with fresh.uow() as uow, pytest.raises(Invalid) as refused:
            dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                    agency_code=MINH_XUAN, data=permit_data())
    finally:
        fresh.dispose()
    assert "tiep_nhan" in refused.value.message and "quá dài" in refused.value.message
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Dossier)) == before
