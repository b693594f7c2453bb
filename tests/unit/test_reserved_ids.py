"""Element ids SpiffWorkflow uses for itself (Start, End, Root, <process>.EndJoin,
<id>.BoundaryEventSplit/Join) work like any other id, and designers see only their own."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bpmn.package import read_package
from bpmn.package_tests import run_package_tests
from bpmn.runtime import ProcessModel
from bpmn.spiff_ids import MARK, is_reserved
from bpmn.validation import validate_package, validate_path

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
PERMIT = PROCEDURES / "cap-giay-phep-xay-dung-nha-o"
PROCESS = "cap_gpxd_nha_o_rieng_le"
# Each of the permit's elements renamed to a name SpiffWorkflow reserves; tham_dinh (now
# "Root") carries the boundary timer, so SpiffWorkflow makes its own Root.BoundaryEvent*
# specs next to the designer's elements of those very names.
RENAMED = {
    "bat_dau": "Start",
    "tiep_nhan": f"{PROCESS}.EndJoin",
    "tham_dinh": "Root",
    "tham_dinh_qua_han": "Root.BoundaryEventSplit",
    "don_doc": "Root.BoundaryEventJoin",
    "ket_thuc_cap_phep": "End",
}
_REFERENCE = re.compile(
    r'((?:id|sourceRef|targetRef|attachedToRef|bpmnElement)="|<bpmn:flowNodeRef>)([^"<]+)')


def _renamed(value: str) -> str:
    return RENAMED.get(value, value)


def reserved_package(target: Path) -> Path:
    """The permit package with its element ids renamed per `RENAMED`, tests included."""
    folder = target / "permit"
    shutil.copytree(PERMIT, folder)
    bpmn = folder / "process.bpmn"
    bpmn.write_text(_REFERENCE.sub(lambda m: m.group(1) + _renamed(m.group(2)),
                                   bpmn.read_text(encoding="utf-8")), encoding="utf-8")
    for case_file in (folder / "tests").glob("*.json"):
        cases = json.loads(case_file.read_text(encoding="utf-8"))
        for case in cases if isinstance(cases, list) else [cases]:
            case["tasks"] = {_renamed(k): v for k, v in case["tasks"].items()}
            case["fire"] = [_renamed(t) for t in case.get("fire", [])]
            case["expect"]["path"] = [_renamed(t) for t in case["expect"]["path"]]
            case["expect"]["end"] = _renamed(case["expect"]["end"])
        case_file.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return reserved_package(tmp_path)


def test_spiffworkflow_reserved_ids_validate_and_keep_the_designers_names(package: Path) -> None:
    report, compiled = validate_path(package)
    assert report.errors == []
    assert compiled is not None
    assert {f"{PROCESS}.EndJoin", "Root", "Root.BoundaryEventJoin"} <= set(compiled.tasks)
    assert "End" in compiled.end_events
    assert compiled.end_events["End"].outcome == "granted"
    assert MARK not in json.dumps({**compiled.to_dict(), "spec": None})


def test_package_tests_with_reserved_ids_pass_with_the_designers_paths(package: Path) -> None:
    loaded = read_package(package)
    _, compiled = validate_package(loaded)
    assert compiled is not None
    suite = run_package_tests(compiled, loaded.files)
    assert suite.passed, [r.as_text() for r in suite.results]
    granted = next(r for r in suite.results if r.end == "End")
    assert granted.path[:2] == [f"{PROCESS}.EndJoin", "Root"]


def test_a_dossier_through_reserved_ids_ends_with_the_right_outcome(package: Path) -> None:
    _, compiled = validate_path(package)
    assert compiled is not None
    model = ProcessModel(compiled.spec)
    instance = model.start({"ho_ten": "An", "cong_trinh": {"dien_tich_xay_dung": 80, "so_tang": 3}})
    [first] = instance.waiting()
    assert first.bpmn_id == f"{PROCESS}.EndJoin"
    instance.complete(first.id, {"ket_qua_kiem_tra": "tiep_nhan"})
    instance = model.restore(json.loads(json.dumps(instance.state())))
    assert [w.bpmn_id for w in instance.waiting()] == ["Root"]
    [timer] = instance.pending_timers()
    assert timer.bpmn_id == "Root.BoundaryEventSplit"
    assert instance.fire_timer(timer.id)
    chase = next(w for w in instance.waiting() if w.bpmn_id == "Root.BoundaryEventJoin")
    instance.complete(chase.id, {"y_kien_chi_dao": "Khẩn trương."})
    for step, data in (("Root", {"de_xuat": "cap_phep"}), ("phe_duyet", {"quyet_dinh": "cap_phep"}),
                       ("tra_giay_phep", {"hinh_thuc_tra": "truc_tiep"})):
        task = next(w for w in instance.waiting() if w.bpmn_id == step)
        instance.complete(task.id, data)
    assert instance.completed
    assert instance.end_event() == "End"
    assert compiled.end_events[instance.end_event() or ""].outcome == "granted"
    assert instance.path() == [f"{PROCESS}.EndJoin", "Root.BoundaryEventJoin", "Root",
                               "phe_duyet", "tra_giay_phep"]
    assert "End" in instance.ends_reached()


def test_a_problem_on_a_reserved_id_names_the_designers_element(package: Path) -> None:
    bpmn = package / "process.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(
        "<bpmn:flowNodeRef>Root</bpmn:flowNodeRef>", ""), encoding="utf-8")
    report, _ = validate_path(package)
    assert [(e.code, e.element) for e in report.errors] == [("task.no_lane", "Root")]


def test_every_name_spiffworkflow_adds_is_known_as_reserved() -> None:
    # Guards an upgrade of SpiffWorkflow: a new internal name would need renaming too.
    _, compiled = validate_path(PERMIT)
    assert compiled is not None
    ids = set(re.findall(r' id="([^"]+)"', compiled.bpmn["process.bpmn"]))
    for spec in (compiled.spec["process"], *compiled.spec["subprocesses"].values()):
        added = set(spec["task_specs"]) - ids
        assert added, "SpiffWorkflow adds its own task specs"
        assert all(is_reserved(name) for name in added), added


@pytest.mark.parametrize("name", ["Start", "End", "Root", "x.EndJoin", "a.BoundaryEventSplit",
                                  "a.BoundaryEventJoin"])
def test_reserved_names_are_recognised(name: str) -> None:
    assert is_reserved(name)
    assert not is_reserved(name.lower() + "_buoc")


def test_a_parser_error_on_a_reserved_id_names_the_designers_element(tmp_path: Path) -> None:
    folder = tmp_path / "extract"
    shutil.copytree(PROCEDURES / "cap-ban-sao-trich-luc-ho-tich", folder)
    bpmn = folder / "process.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(
        '<bpmn:sequenceFlow id="tl_f4" sourceRef="tl_tra_ket_qua" targetRef="tl_da_tra" />',
        '<bpmn:sequenceFlow id="tl_f4" sourceRef="tl_tra_ket_qua" targetRef="End" />'
        '<bpmn:callActivity id="End" name="Gọi quy trình"><bpmn:incoming>tl_f4</bpmn:incoming>'
        '<bpmn:outgoing>tl_f5</bpmn:outgoing></bpmn:callActivity>'
        '<bpmn:sequenceFlow id="tl_f5" sourceRef="End" targetRef="tl_da_tra" />'),
        encoding="utf-8")
    report, _ = validate_path(folder)
    [error] = report.errors
    assert (error.code, error.element) == ("bpmn.spiff", "End")
    assert error.line is not None and MARK not in error.message
