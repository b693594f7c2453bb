"""Histories in words for officers and administrators: the audit page names a dossier's step
and a file by name (not «Activity_16zk4gr», not «Tệp: 8») and keeps the events' hash to the
chain's check; the officers' history says an ending's outcome in words (not «granted»); a
save from the web designer is audited as such, not as an upload."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine import records
from engine.applicants import attachments
from engine.core.actors import SYSTEM
from engine.core.clock import FixedClock
from engine.core.models import AuditEntry, Task
from engine.identity import authenticate
from engine.procedures import versions
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT
from tests.service.test_legal_clock import Desk

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def _audit_page(platform: Platform, log: str = "") -> list[dict[str, object]]:
    with platform.uow() as uow:
        admin = authenticate(uow, username="quantri", password=DEMO_PASSWORD)
    with platform.uow() as uow:
        entries: list[dict[str, object]] = records.search_audit(
            uow, actor=admin, filters=records.AuditFilter(log=log))["entries"]
    return entries


def test_the_audit_names_a_dossiers_step_and_file_and_shows_no_hash(
        platform: Platform, clock: FixedClock) -> None:
    desk = Desk(platform, clock)
    desk.receive()
    specialist = desk.actor("chuyenvien.minhxuan")
    with platform.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.state == "open")).one()
        step_name, step_id = task.name, task.bpmn_id
        stored = attachments.attach_step_document(uow, actor=specialist, task_id=task.id,
                                                  filename="du-thao-giay-phep.pdf",
                                                  content=b"%PDF-1.4\n%%EOF\n")
    with platform.uow() as uow:
        attachments.download(uow, actor=specialist, code=desk.code, attachment_id=stored["id"])
    page = _audit_page(platform)
    read = next(e for e in page if e["action"] == "dossier.attachment_read")
    assert ("Tệp", "du-thao-giay-phep.pdf") in read["details"]  # type: ignore[operator]
    attached = next(e for e in page if e["action"] == "dossier.step_document_attached")
    assert attached["label"] == "Hồ sơ: Đính kèm tài liệu xử lý"
    assert ("Bước", step_name) in attached["details"]  # type: ignore[operator]
    assert ("Sự kiện", "Đính kèm tài liệu xử lý") in attached["details"]  # type: ignore[operator]
    shown = repr([e["details"] for e in page])
    for internal in (step_id, "tiep_nhan", "Mã băm", "mã trong quy trình",
                     "step_document_attached"):
        assert internal not in shown


def test_the_officers_history_says_the_outcome_in_words() -> None:
    from engine.dossiers.appraisal import _event_words

    assert _event_words("finished", "", "granted", None) == "Giải quyết, cấp kết quả"
    assert _event_words("finished", "", "refused", None) == "Từ chối giải quyết"
    assert _event_words("timer_fired", "Chờ bổ sung", "Timer_0x9k", None) == "«Chờ bổ sung»"


def test_a_save_from_the_web_designer_is_audited_as_such(platform: Platform) -> None:
    bpmn = (PACKAGE / "process.bpmn").read_text(encoding="utf-8").replace(
        'value="P10D"', 'value="P8D"', 1)
    with platform.uow() as uow:
        _, version, _ = versions.save_as_draft(uow, actor=SYSTEM, agency_code=MINH_XUAN,
                                            code=PERMIT, number=1,
                                            changes={"process.bpmn": bpmn})
    assert version is not None
    with platform.uow() as uow:
        action = uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_id == f"{MINH_XUAN}/{PERMIT}").order_by(AuditEntry.id.desc())).first()
    assert action == "procedure.save_draft"
    assert records.AUDIT_LABELS[action] == "Lưu bản nháp từ trình thiết kế"
