"""The stored workflow state (bpmn/state_codec.py): a restored state is the state it was
restored from, inside a called process too, and two instances restored from one state
share no task, though their ids are parsed once and kept."""

from __future__ import annotations

import json
from pathlib import Path

from bpmn.package import Package, read_package
from bpmn.runtime import ProcessInstance, ProcessModel
from bpmn.validation import validate_package

LINKED = Path(__file__).resolve().parents[1] / "packages" / "lien-thong"


def _linked() -> ProcessModel:
    report, compiled = validate_package(Package("lien-thong", read_package(LINKED).files))
    assert compiled is not None, report.as_text()
    return ProcessModel(compiled.spec)


def _stored(instance: ProcessInstance) -> dict:
    return json.loads(json.dumps(instance.state()))


def _step(instance: ProcessInstance, bpmn_id: str, data: dict) -> None:
    [task] = [w for w in instance.waiting() if w.bpmn_id == bpmn_id]
    instance.complete(task.id, data)


def test_a_state_inside_a_called_process_restores_to_itself_and_goes_on() -> None:
    model = _linked()
    instance = model.start({"ho_ten": "Vũ Văn Minh", "so_dinh_danh": "008090005678"})
    _step(instance, "tiep_nhan", {"hop_le": True})
    _step(instance, "y_kien_phong", {"y_kien": "Phù hợp quy hoạch."})
    _step(instance, "y_kien_so", {"y_kien": "Thống nhất."})
    assert "so_tham_dinh" in {w.bpmn_id for w in instance.waiting()}  # in the called process
    state = _stored(instance)
    restored = model.restore(json.loads(json.dumps(state)))
    assert _stored(restored) == state
    assert [(w.id, w.bpmn_id) for w in restored.waiting()] == \
        [(w.id, w.bpmn_id) for w in instance.waiting()]
    _step(restored, "so_tham_dinh", {"y_kien": "Đạt yêu cầu."})
    _step(restored, "phe_duyet", {"dong_y": True})
    assert [w.bpmn_id for w in restored.waiting()] == ["tra_ket_qua"]


def test_two_instances_restored_from_one_state_move_apart() -> None:
    model = _linked()
    instance = model.start({"ho_ten": "Vũ Văn Minh", "so_dinh_danh": "008090005678"})
    state = _stored(instance)
    first = model.restore(json.loads(json.dumps(state)))
    second = model.restore(json.loads(json.dumps(state)))
    _step(first, "tiep_nhan", {"hop_le": True})
    assert [w.bpmn_id for w in second.waiting()] == ["tiep_nhan"]
    assert _stored(second) == state
    assert "hop_le" not in json.dumps(_stored(second))
