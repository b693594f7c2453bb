"""The SpiffWorkflow facade: state without the spec, restore and continue, safe conditions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bpmn.package import Package
from bpmn.runtime import ProcessError, ProcessModel, TaskNotWaiting
from bpmn.validation import validate_package, validate_path

SAMPLE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


@pytest.fixture(scope="module")
def model() -> ProcessModel:
    _, compiled = validate_path(SAMPLE)
    assert compiled is not None
    return ProcessModel(compiled.spec)


# What the fee table (le_phi.dmn) reads before reception: a small house, no fire consultation.
HOUSE = {"cong_trinh": {"dien_tich_xay_dung": 80, "so_tang": 3}}


def _roundtrip(model: ProcessModel, state: dict) -> dict:
    return json.loads(json.dumps(model.restore(json.loads(json.dumps(state))).state()))


def test_state_is_stored_without_the_spec_and_restores_to_continue(model: ProcessModel) -> None:
    instance = model.start({"ho_ten": "An", **HOUSE})
    state = json.loads(json.dumps(instance.state()))
    text = json.dumps(state)
    assert "spec" not in state["workflow"] and "subprocess_specs" not in state["workflow"]
    assert "conditionExpression" not in text and "Thẩm định" not in text  # no diagram inside
    restored = model.restore(state)
    [waiting] = restored.waiting()
    assert (waiting.bpmn_id, waiting.lane) == ("tiep_nhan", "mot_cua")
    assert waiting.properties["deadline"] == "PT4H"
    restored.complete(waiting.id, {"ket_qua_kiem_tra": "tiep_nhan"})
    assert [w.bpmn_id for w in restored.waiting()] == ["tham_dinh"]
    assert _roundtrip(model, restored.state()) == json.loads(json.dumps(restored.state()))


def test_gateway_conditions_choose_the_path(model: ProcessModel) -> None:
    instance = model.start(HOUSE)
    for data in ({"ket_qua_kiem_tra": "tiep_nhan"}, {"de_xuat": "tu_choi"},
                 {"quyet_dinh": "tu_choi"}, {"hinh_thuc_tra": "truc_tiep"}):
        instance = model.restore(instance.state())
        instance.complete(instance.waiting()[0].id, data)
    assert instance.completed
    assert instance.end_event() == "ket_thuc_tu_choi"
    assert instance.path() == ["tiep_nhan", "tham_dinh", "phe_duyet", "tra_van_ban_tu_choi"]


def test_completing_a_task_that_is_not_waiting_is_refused(model: ProcessModel) -> None:
    instance = model.start(HOUSE)
    done = instance.waiting()[0].id
    instance.complete(done, {"ket_qua_kiem_tra": "tiep_nhan"})
    with pytest.raises(TaskNotWaiting):
        instance.complete(done, {"ket_qua_kiem_tra": "tiep_nhan"})
    with pytest.raises(TaskNotWaiting):
        instance.complete("not-a-uuid", {})


def test_a_condition_failing_at_run_time_is_a_process_error() -> None:
    files = {p.relative_to(SAMPLE).as_posix(): p.read_bytes() for p in SAMPLE.rglob("*") if p.is_file()}
    files["process.bpmn"] = files["process.bpmn"].replace(
        b'ket_qua_kiem_tra == "tiep_nhan"', b"ket_qua_kiem_tra * 2 > 5")
    _, compiled = validate_package(Package("inline", files))
    assert compiled is not None
    instance = ProcessModel(compiled.spec).start(HOUSE)
    with pytest.raises(ProcessError, match="chỉ nhận số"):
        instance.complete(instance.waiting()[0].id, {"ket_qua_kiem_tra": "tiep_nhan"})
