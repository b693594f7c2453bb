"""Package tests bound a case by its own `max_steps` (default 10,000), not by a fixed 200
steps: a long legitimate rework loop can be tested, a real loop still stops with a reason,
and a case whose run raises fails alone instead of ending the suite in a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bpmn.package import Package, read_package
from bpmn.package_tests import DEFAULT_MAX_STEPS, MAX_STEPS_LIMIT, Suite, run_package_tests
from bpmn.validation import validate_package

ROOT = Path(__file__).resolve().parents[2]
PERMIT = ROOT / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def rework_package() -> dict[str, bytes]:
    """The building-permit package with a rework loop: at approval, "thẩm định lại" sends
    the dossier back to appraisal (a back-edge), as often as the approver decides."""
    files = {name: data for name, data in read_package(PERMIT).files.items()
             if not name.startswith("tests/")}
    bpmn = files["process.bpmn"].decode("utf-8")
    for old, new in [
        ("<bpmn:incoming>f_hop_le</bpmn:incoming>",
         "<bpmn:incoming>f_hop_le</bpmn:incoming>\n      <bpmn:incoming>f_tham_dinh_lai</bpmn:incoming>"),
        ("<bpmn:outgoing>f_tu_choi</bpmn:outgoing>",
         "<bpmn:outgoing>f_tu_choi</bpmn:outgoing>\n      <bpmn:outgoing>f_tham_dinh_lai</bpmn:outgoing>"),
        ('<bpmn:sequenceFlow id="f_da_tra"',
         '<bpmn:sequenceFlow id="f_tham_dinh_lai" name="Thẩm định lại" sourceRef="gw_phe_duyet" '
         'targetRef="tham_dinh">\n      <bpmn:conditionExpression>quyet_dinh == "tham_dinh_lai"'
         '</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>\n    <bpmn:sequenceFlow id="f_da_tra"'),
    ]:
        assert bpmn.count(old) == 1
        bpmn = bpmn.replace(old, new)
    files["process.bpmn"] = bpmn.encode("utf-8")
    schema = json.loads(files["forms/phe_duyet.schema.json"])
    schema["properties"]["quyet_dinh"]["oneOf"].append(
        {"const": "tham_dinh_lai", "title": "Trả lại để thẩm định lại"})
    files["forms/phe_duyet.schema.json"] = json.dumps(schema, ensure_ascii=False).encode("utf-8")
    return files


def rework_case(rounds: int, **extra: Any) -> dict[str, Any]:
    """A case where the approver sends the dossier back `rounds` times, then grants it."""
    case: dict[str, Any] = json.loads((PERMIT / "tests" / "cap-phep.json").read_text(encoding="utf-8"))
    tasks = case["tasks"]
    tasks["tham_dinh"] = [tasks["tham_dinh"]] * (rounds + 1)
    tasks["phe_duyet"] = [{"quyet_dinh": "tham_dinh_lai", "ly_do_tu_choi": "Cần thẩm định lại."}
                          ] * rounds + [tasks["phe_duyet"]]
    case["name"] = f"Thẩm định lại {rounds} lần rồi cấp phép"
    case["expect"]["path"] = ["tiep_nhan", *["tham_dinh", "phe_duyet"] * (rounds + 1), "tra_giay_phep"]
    case.update(extra)
    return case


def with_cases(files: dict[str, bytes], *cases: dict[str, Any]) -> dict[str, bytes]:
    """The package with these cases as `tests/ca.json`."""
    return {**files, "tests/ca.json": json.dumps(list(cases), ensure_ascii=False).encode("utf-8")}


def long_suite() -> dict[str, bytes]:
    """The rework package with forty seconds or more of loop work in three case files (each
    under the 5 MB file limit): with flat history a loop step costs about a millisecond, so
    a suite that must outlast a time limit takes many rounds."""
    files = rework_package()
    for number in range(3):
        files[f"tests/vong-{number}.json"] = json.dumps(
            [rework_case(1000)] * 8, ensure_ascii=False).encode("utf-8")
    return files


def _run(files: dict[str, bytes]) -> Suite:
    report, compiled = validate_package(Package("vong-lap", files))
    assert compiled is not None, report.as_text()
    return run_package_tests(compiled, files)


def test_a_rework_loop_taken_200_times_can_be_tested() -> None:
    # 402 completed tasks: the old fixed limit of 200 steps failed this legitimate case.
    suite = _run(with_cases(rework_package(), rework_case(200)))
    [result] = suite.results
    assert suite.passed, result.as_text()
    assert len(result.path) == 2 + 2 * 201 and result.end == "ket_thuc_cap_phep"


def test_a_rework_loop_taken_300_times_passes() -> None:
    # SpiffWorkflow walks at most 1000 levels of its task tree: before flat history
    # (bpmn/runtime.py prunes it) a loop of ~250 rounds broke the process itself.
    suite = _run(with_cases(rework_package(), rework_case(300)))
    assert suite.passed, suite.results[0].message if suite.results else suite.problems


def nested(depth: int) -> dict[str, Any]:
    """An object nested `depth` levels deep (JSON reads it; copying it recurses past Python's limit)."""
    root: dict[str, Any] = {}
    inner = root
    for _ in range(depth):
        inner["a"] = {}
        inner = inner["a"]
    return root


def test_a_case_whose_run_raises_fails_alone_with_the_reason() -> None:
    # Data nested 600 deep in a field the form leaves open: copying it into the process
    # raised RecursionError out of the whole suite (an upload's 500, a CLI traceback).
    deep = rework_case(1)
    deep["tasks"]["tiep_nhan"] = {**deep["tasks"]["tiep_nhan"], "ghi_chu_them": nested(600)}
    suite = _run(with_cases(rework_package(), deep, rework_case(1)))
    broken, fine = suite.results
    assert not broken.passed and broken.message.startswith("lỗi khi chạy ca kiểm thử: RecursionError")
    assert fine.passed, fine.as_text()
    assert not suite.passed


def test_a_case_file_nested_too_deep_is_a_problem_of_that_file() -> None:
    files = {**with_cases(rework_package(), rework_case(1)),
             "tests/sau.json": b"[" * 100_000 + b"]" * 100_000}
    suite = _run(files)
    [problem] = suite.problems
    assert (problem.code, problem.file) == ("test.json", "tests/sau.json")
    assert problem.message == "Tệp kiểm thử lồng nhau quá sâu."
    [kept] = suite.results
    assert kept.passed


def test_a_case_stops_at_its_own_max_steps_with_a_hint() -> None:
    suite = _run(with_cases(rework_package(), rework_case(10, max_steps=15), rework_case(10)))
    stopped, fine = suite.results
    assert not stopped.passed and "chưa kết thúc sau 15 bước" in stopped.message
    assert "max_steps" in stopped.message
    assert len(stopped.path) == 15
    assert fine.passed, fine.as_text()


def test_the_default_limit_is_high_and_a_case_may_use_exactly_its_limit() -> None:
    assert DEFAULT_MAX_STEPS == 10_000 and MAX_STEPS_LIMIT == 100_000
    exact = rework_case(3, max_steps=2 + 2 * 4)
    suite = _run(with_cases(rework_package(), exact))
    assert suite.passed, suite.results[0].as_text()


@pytest.mark.parametrize("steps", [0, -1, MAX_STEPS_LIMIT + 1, "100", 1.5, True, None])
def test_max_steps_out_of_range_is_a_shape_problem_naming_the_bounds(steps: object) -> None:
    suite = _run(with_cases(rework_package(), rework_case(1, max_steps=steps), rework_case(1)))
    [problem] = suite.problems
    assert problem.code == "test.shape" and problem.file == "tests/ca.json"
    assert "'max_steps' phải là số nguyên từ 1 đến 100.000" in problem.message
    [kept] = suite.results  # the well-formed case still runs
    assert kept.passed and not suite.passed


def test_a_suite_comes_back_whole_from_its_dictionary() -> None:
    suite = _run(with_cases(rework_package(), rework_case(2), rework_case(1, max_steps=0)))
    again = Suite.from_dict(json.loads(json.dumps(suite.as_dict())))
    assert again.as_dict() == suite.as_dict() and again.passed == suite.passed


def test_a_timer_that_ends_the_process_or_leads_to_another_never_stalls_a_case() -> None:
    # Found by the property tests (issue 13): the sandbox fired one round of timers, then
    # called a process with no task waiting "stalled" although a timer had ended it or a
    # second timer waited.
    from tests.property.test_validated_packages_sandbox import (
        TIMER_ENDS_THE_PROCESS,
        TWO_TIMERS_IN_A_ROW,
        _sandbox_result,
    )

    for plan in (TIMER_ENDS_THE_PROCESS, TWO_TIMERS_IN_A_ROW):
        text, passed = _sandbox_result(plan)
        assert passed == "True", text


def test_a_case_whose_applicant_would_not_fit_the_dossier_fails_as_the_submission_would() -> None:
    # The liên thông form does not bound the name: the package test must not pass a case
    # the engine then refuses ("Họ tên dài quá 200 ký tự."), or validate a case it crashes on.
    folder = ROOT / "tests" / "packages" / "lien-thong"
    files = read_package(folder).files
    case = json.loads(files["tests/lien-thong.json"])[0]
    case["start"]["ho_ten"] = "Lý " + "Văn " * 60
    suite = _run(with_cases({n: d for n, d in files.items() if not n.startswith("tests/")}, case))
    [result] = suite.results
    assert not result.passed
    assert "ho_ten: Họ tên dài quá 200 ký tự." in result.message
