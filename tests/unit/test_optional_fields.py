"""A condition or a decision table that does arithmetic on, or orders, a field the applicant
or officer may leave empty is refused at validation: before, such a package validated and
every dossier without the value stopped at run time («Không so sánh thứ tự được giá trị
rỗng (None) với số»), so the applicant could never submit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bpmn import dmn
from bpmn.problems import Problem
from bpmn.runtime import ProcessError, ProcessModel
from bpmn.validation import validate_path
from tests.helpers import edit_text

SAMPLE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
OPTIONAL = "cong_trinh.tong_dien_tich_san"  # a number the start form does not require
REQUIRED = "cong_trinh.dien_tich_xay_dung"
# The sample table reads the optional field only with its fallback when it is left empty.
SAMPLE_INPUT = f"{OPTIONAL} if {OPTIONAL} != None else {REQUIRED} * cong_trinh.so_tang"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "pkg"))


def _problems(path: Path) -> list[Problem]:
    return validate_path(path)[0].problems


def _codes(path: Path) -> set[tuple[str, str | None]]:
    return {(p.code, p.element) for p in _problems(path) if p.severity == "error"}


def _condition(package: Path, text: str) -> None:
    escaped = text.replace("<", "&lt;").replace(">", "&gt;")
    edit_text(package / "process.bpmn", 'ket_qua_kiem_tra == "tiep_nhan"', escaped)


@pytest.mark.parametrize("text", [
    f'{OPTIONAL} > 100', f'{OPTIONAL} * 2 > 100', f'100 <= {OPTIONAL}',
    f'-{OPTIONAL} < 0 and ket_qua_kiem_tra == "tiep_nhan"',
])
def test_a_condition_ordering_an_optional_field_is_refused_naming_field_and_flow(
        package: Path, text: str) -> None:
    _condition(package, text)
    [problem] = [p for p in _problems(package) if p.code == "condition.optional_field"]
    assert problem.element == "f_hop_le" and problem.severity == "error"
    assert OPTIONAL in problem.message and "không bắt buộc" in problem.message


@pytest.mark.parametrize("text", [
    f'{REQUIRED} > 100',  # required: always there
    f'{OPTIONAL} == 100',  # an empty value is simply not equal
    f'{OPTIONAL} != None and {OPTIONAL} > 100',  # guarded first
    f'{OPTIONAL} and {OPTIONAL} > 100',
])
def test_required_compared_for_equality_or_guarded_fields_pass(package: Path, text: str) -> None:
    _condition(package, text)
    assert not any(p.code == "condition.optional_field" for p in _problems(package))


def test_what_a_table_decided_is_always_there(package: Path) -> None:
    """A complete table sets its outputs for every dossier: a condition may order them."""
    edit_text(package / "process.bpmn", "tham_van_pccc == True", "le_phi &gt; 60000")
    assert not any(p.code == "condition.optional_field" for p in _problems(package))


def test_a_guard_after_the_comparison_does_not_count(package: Path) -> None:
    _condition(package, f'{OPTIONAL} > 100 and {OPTIONAL} != None')
    assert ("condition.optional_field", "f_hop_le") in _codes(package)


def test_a_table_reading_an_optional_field_is_refused_and_the_sample_table_passes(
        package: Path) -> None:
    assert _problems(package) == []
    edit_text(package / "le_phi.dmn", SAMPLE_INPUT, OPTIONAL)
    [problem] = [p for p in _problems(package) if p.code == "dmn.optional_field"]
    assert problem.severity == "error" and problem.file == "le_phi.dmn"
    assert "Tổng diện tích sàn" in problem.message and "không bắt buộc" in problem.message


def test_what_the_check_refuses_would_indeed_stop_the_run(
        package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The defect itself: without the check the package validates, and a dossier whose
    applicant left the field empty stops at the table."""
    edit_text(package / "le_phi.dmn", SAMPLE_INPUT, OPTIONAL)
    assert validate_path(package)[1] is None  # refused now
    monkeypatch.setattr(dmn, "surely_filled", lambda *_: True)  # as before the fix
    report, compiled = validate_path(package)
    assert report.valid and compiled is not None
    start = json.loads((package / "tests" / "cap-phep.json").read_text(encoding="utf-8"))["start"]
    start["cong_trinh"].pop("tong_dien_tich_san", None)
    with pytest.raises(ProcessError, match="rỗng"):
        ProcessModel(compiled.spec).start(start).run()
