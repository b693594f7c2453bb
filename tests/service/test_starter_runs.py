"""A procedure made with «Tạo thủ tục mới» runs as a province runs it: received at the desk,
its fixed fee asked («Chờ nộp phí») and paid in cash with a receipt, the result handed over
at the desk («Đã trả kết quả»). And a version approved before the legal tail was checked —
the designer's: reception → «Thẩm định hồ sơ» → «Lãnh đạo ký xác nhận» → an end «Trả kết
quả» — no longer reads «Đã trả kết quả» when its leader completes the last step: the dossier
waits «Đã xử lý xong» for the desk, which hands the result back."""

from __future__ import annotations

from pathlib import Path

import pytest

import bpmn.validation
from engine import applicants
from engine.core.actors import ANONYMOUS, SYSTEM
from engine.core.statuses import Status
from engine.dossiers import complete_stage, get_dossier
from engine.dossiers import submit as dossiers
from engine.procedures import catalogue as procedures
from engine.procedures import versions
from engine.procedures.starter import create_procedure
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, Officers
from tests.unit.test_hand_over_checks import _starter, _the_designers_diagram

APPLICANT = {"ho_ten": "Nguyễn Thị Lan", "so_dinh_danh": "008190004321",
             "dien_thoai": "0912345678"}


def _publish(platform: Platform, code: str, number: int) -> None:
    with platform.uow() as uow:
        versions.act(uow, actor=SYSTEM, agency_code=MINH_XUAN, code=code, number=number,
                     action="publish")


def _submit(platform: Platform, code: str) -> str:
    with platform.uow() as uow:
        return str(dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=code,
                                           data=APPLICANT)["code"])


def _dossier(platform: Platform, people: Officers, code: str) -> dict[str, object]:
    with platform.uow() as uow:
        return dict(get_dossier(uow, actor=people.actor("motcua.minhxuan"), code=code))


def test_the_starters_procedure_asks_its_fee_then_hands_the_result_over(
        platform: Platform) -> None:
    people = Officers(platform)
    with platform.uow() as uow:
        report, version, _tests = create_procedure(
            uow, actor=people.actor("thietke.minhxuan"), agency_code=MINH_XUAN, answers={
                "code": "9.900777", "name": "Xác nhận tình trạng nhà ở", "field": "Nhà ở",
                "level": "partial", "time_value": "5", "time_unit": "working_days",
                "roles": ["chuyen_vien"], "fee": "20.000", "papers": "Đơn đề nghị"})
    assert version is not None, report.as_text()
    _publish(platform, "9.900777", 1)
    code = _submit(platform, "9.900777")
    people.complete("motcua.minhxuan", "tiep_nhan", {"y_kien": "Hồ sơ đầy đủ."})
    assert _dossier(platform, people, code)["status"] == Status.DONE  # waits at «Trả kết quả»

    desk = people.actor("motcua.minhxuan")
    with platform.uow() as uow:
        asked = applicants.request_payment(uow, actor=desk, code=code)
    assert asked["amount"] == 20000 and "Lệ phí xác nhận tình trạng nhà ở" in asked["description"]
    assert _dossier(platform, people, code)["status"] == Status.PAYMENT  # «Chờ nộp phí»
    with platform.uow() as uow:
        paid = applicants.record_cash_payment(uow, actor=desk, code=code, amount=20000)
    assert paid["receipt_number"] and paid["status"] == Status.DONE

    people.complete("motcua.minhxuan", "tra_ket_qua", {"hinh_thuc_tra": "truc_tiep"})
    ended = _dossier(platform, people, code)
    assert (ended["status"], ended["outcome"]) == (Status.RETURNED, "granted")
    assert ended["returned_at"] is not None


def _old_version(platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The designer's package, imported as if before its missing hand-over was refused."""
    monkeypatch.setattr(bpmn.validation, "check_hand_over", lambda *args, **kwargs: None)
    folder = tmp_path / "cu"
    for name, text in _the_designers_diagram(_starter()).items():
        if name.startswith("tests/"):
            continue
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    with platform.uow() as uow:
        report, version = procedures.import_package(uow, actor=SYSTEM, agency_code=MINH_XUAN,
                                                    path=folder)
    assert version is not None, report.as_text()
    _publish(platform, version["code"], version["number"])


def test_an_old_version_ending_with_no_hand_over_waits_for_the_desk(
        platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _old_version(platform, tmp_path, monkeypatch)
    code = _submit(platform, "1.000001")
    people = Officers(platform)
    for step in ("tiep_nhan", "tham_dinh", "ky"):
        people.complete("motcua.minhxuan", step, {"y_kien": "Đồng ý."})
    ended = _dossier(platform, people, code)
    assert (ended["status"], ended["outcome"]) == (Status.DONE, "granted")
    assert ended["returned_at"] is None  # nobody handed anything over

    with platform.uow() as uow:
        complete_stage(uow, actor=people.actor("motcua.minhxuan"), code=code, stage="return",
                       data={})
    returned = _dossier(platform, people, code)
    assert returned["status"] == Status.RETURNED and returned["returned_at"] is not None
