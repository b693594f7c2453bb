"""Package tests (`tests/*.json` in a package) run by `motcua procedure test` in the
sandbox: every shipped procedure's cases pass and reach each of its end events; a wrong
expectation, missing data, data its form refuses and a malformed case file all fail
with the path actually taken and the reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bpmn.validation import validate_path
from engine.procedures.catalogue import run_tests_at as run_tests
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [*sorted(p for p in (ROOT / "procedures").iterdir() if p.is_dir()),
           ROOT / "tests" / "packages" / "lien-thong"]
PERMIT = ROOT / "procedures" / "cap-giay-phep-xay-dung-nha-o"


@pytest.mark.parametrize("package", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_package_passes_its_cases_and_reaches_each_end_event(package: Path) -> None:
    result = CliRunner().invoke(main, ["procedure", "test", str(package)])
    assert result.exit_code == 0, result.output
    assert "KHÔNG ĐẠT" not in result.output
    _, suite = run_tests(package)
    assert suite is not None and suite.results
    _, compiled = validate_path(package)
    assert compiled is not None
    assert set(compiled.end_events) <= suite.ends_reached(), (
        f"end events no case reaches: {set(compiled.end_events) - suite.ends_reached()}")


def _copy_with_case(tmp_path: Path, case: object) -> Path:
    package = tmp_path / "goi"
    shutil.copytree(PERMIT, package)
    shutil.rmtree(package / "tests")
    (package / "tests").mkdir()
    (package / "tests" / "ca.json").write_text(json.dumps(case, ensure_ascii=False),
                                               encoding="utf-8")
    return package


def _case(**changes: object) -> dict[str, object]:
    case = json.loads((PERMIT / "tests" / "cap-phep.json").read_text(encoding="utf-8"))
    case.update(changes)
    return case


def _run(package: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["procedure", "test", str(package)])
    return result.exit_code, result.output


def test_a_wrong_expectation_fails_and_shows_the_path_taken(tmp_path: Path) -> None:
    code, output = _run(_copy_with_case(tmp_path, _case(expect={
        "path": ["tiep_nhan", "tham_dinh", "phe_duyet", "tra_van_ban_tu_choi"],
        "end": "ket_thuc_tu_choi"})))
    assert code == 1
    assert ("KHÔNG ĐẠT tests/ca.json «Đủ điều kiện: cấp giấy phép và trả kết quả»: tiep_nhan → "
            "tham_dinh → phe_duyet → tra_giay_phep ⇒ ket_thuc_cap_phep") in output
    assert "mong đợi: tiep_nhan → tham_dinh → phe_duyet → tra_van_ban_tu_choi" in output
    assert "0/1 ca đạt" in output


def test_a_waiting_task_without_data_stops_the_case(tmp_path: Path) -> None:
    case = _case()
    del case["tasks"]["phe_duyet"]  # type: ignore[attr-defined]
    code, output = _run(_copy_with_case(tmp_path, case))
    assert code == 1 and "không có dữ liệu cho tác vụ đang chờ: phe_duyet" in output


def test_task_data_its_form_refuses_fails_the_case(tmp_path: Path) -> None:
    case = _case()
    case["tasks"]["phe_duyet"] = {"quyet_dinh": "cap_phep"}  # type: ignore[index]
    code, output = _run(_copy_with_case(tmp_path, case))
    assert code == 1
    assert "dữ liệu tác vụ phe_duyet không hợp lệ" in output and "so_giay_phep" in output


def test_a_malformed_case_file_is_named(tmp_path: Path) -> None:
    code, output = _run(_copy_with_case(tmp_path, {"name": "Thiếu kỳ vọng", "start": {}}))
    assert code == 1
    assert "LỖI tests/ca.json: Ca kiểm thử số 1: 'expect' phải có 'path'" in output


def test_a_package_without_cases_does_not_pass(tmp_path: Path) -> None:
    package = _copy_with_case(tmp_path, [])
    code, output = _run(package)
    assert code == 1 and "không có ca kiểm thử nào" in output
