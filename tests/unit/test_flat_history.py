"""Flat history: a dossier may loop through a back-edge thousands of times; SpiffWorkflow's
task tree, the stored state and the cost of a step stay flat (bpmn/runtime.py `_prune`),
and what pruning drops stays answerable (path, ends reached, end event, send-back)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bpmn.package import Package, read_package
from bpmn.runtime import ProcessInstance, ProcessModel, TaskNotWaiting
from bpmn.validation import validate_package

PACKAGES = Path(__file__).resolve().parents[1] / "packages"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _model(files: dict[str, bytes]) -> ProcessModel:
    report, compiled = validate_package(Package("vong-lap", files))
    assert compiled is not None, report.as_text()
    return ProcessModel(compiled.spec)


@pytest.fixture(scope="module")
def rework() -> ProcessModel:
    return _model(read_package(PACKAGES / "rework-loop").files)


@pytest.fixture(scope="module")
def case() -> dict[str, Any]:
    cases = json.loads((PACKAGES / "rework-loop" / "tests" / "tham-dinh-lai.json")
                       .read_text(encoding="utf-8"))
    return dict(cases[0])


AGAIN = {"quyet_dinh": "tham_dinh_lai", "ly_do_tu_choi": "Cần thẩm định lại."}


def _do(instance: ProcessInstance, bpmn_id: str, data: dict[str, Any]) -> None:
    [task] = [t for t in instance.waiting() if t.bpmn_id == bpmn_id]
    instance.complete(task.id, data)


def _reload(model: ProcessModel, instance: ProcessInstance) -> ProcessInstance:
    """What the engine does between requests: store the state as JSON, restore it."""
    return model.restore(json.loads(json.dumps(instance.state())))


def _size(instance: ProcessInstance) -> int:
    return len(json.dumps(instance.state(), ensure_ascii=False).encode("utf-8"))


def _depth(instance: ProcessInstance) -> int:
    return max(task.depth for task in instance.workflow.tasks.values())


def _round(instance: ProcessInstance, case: dict[str, Any]) -> None:
    _do(instance, "tham_dinh", case["tasks"]["tham_dinh"][0])
    _do(instance, "phe_duyet", AGAIN)


def _grant(instance: ProcessInstance, case: dict[str, Any]) -> None:
    _do(instance, "tham_dinh", case["tasks"]["tham_dinh"][0])
    _do(instance, "phe_duyet", case["tasks"]["phe_duyet"][-1])
    _do(instance, "tra_giay_phep", case["tasks"]["tra_giay_phep"])


def test_a_dossier_looping_10000_times_neither_breaks_nor_grows(
        rework: ProcessModel, case: dict[str, Any]) -> None:
    # Before flat history SpiffWorkflow raised RecursionError (or called the process
    # completed with no end) near round 490, each step costing more and storing more.
    instance = rework.start(case["start"])
    _do(instance, "tiep_nhan", case["tasks"]["tiep_nhan"])
    sizes: dict[int, int] = {}
    depths = []
    for step in range(1, 10_001):
        _round(instance, case)
        if step in (1, 1000, 10_000):
            sizes[step] = _size(instance)
        if step == 300:  # in memory from the start: the whole path is there
            assert instance.path() == ["tiep_nhan", *["tham_dinh", "phe_duyet"] * 300]
        if step % 500 == 0:
            depths.append(_depth(instance))
            instance = _reload(rework, instance)
    _grant(instance, case)
    assert instance.completed and instance.end_event() == "ket_thuc_cap_phep"
    assert instance.ends_reached() == ["ket_thuc_cap_phep"]
    assert sizes[1000] <= 2 * sizes[1] and sizes[10_000] <= 2 * sizes[1], sizes
    assert max(depths) <= 30, depths
    # The stored path is a bounded tail; the count says how much came before it.
    path = instance.path()
    assert path[-3:] == ["tham_dinh", "phe_duyet", "tra_giay_phep"]
    assert instance.path_before() + len(path) == 1 + 2 * 10_001 + 1
    assert len(path) <= 50 + 2 * 500 + 3


def test_the_boundary_timer_of_the_looping_task_still_fires_after_500_rounds(
        rework: ProcessModel, case: dict[str, Any]) -> None:
    instance = rework.start(case["start"])
    _do(instance, "tiep_nhan", case["tasks"]["tiep_nhan"])
    for step in range(500):
        [timer] = instance.pending_timers()  # each round's appraisal has its own timer
        assert timer.bpmn_id == "tham_dinh_qua_han"
        instance.hold_timer(timer.id, "2026-01-01T08:00:00+07:00")
        _round(instance, case)
        if step % 100 == 0:
            instance = _reload(rework, instance)
    [timer] = instance.pending_timers()
    assert instance.fire_timer(timer.id)
    instance = _reload(rework, instance)
    assert sorted(t.bpmn_id for t in instance.waiting()) == ["don_doc", "tham_dinh"]
    _do(instance, "don_doc", {"y_kien_chi_dao": "Đề nghị khẩn trương."})
    assert instance.ends_reached()[-1] == "ket_thuc_don_doc" and not instance.completed
    for _ in range(20):
        _round(instance, case)
    _grant(instance, case)
    assert instance.end_event() == "ket_thuc_cap_phep"
    assert instance.ends_reached()[-2:] == ["ket_thuc_don_doc", "ket_thuc_cap_phep"]
    assert _depth(instance) <= 30


def test_a_reminder_left_open_does_not_hold_the_loop_in_the_tree(
        rework: ProcessModel, case: dict[str, Any]) -> None:
    # The overdue timer opened a reminder for the leader, who leaves it open while the
    # appraisal loops on: the loop must stay flat beside it, and the reminder still works.
    instance = rework.start(case["start"])
    _do(instance, "tiep_nhan", case["tasks"]["tiep_nhan"])
    [timer] = instance.pending_timers()
    assert instance.fire_timer(timer.id)
    for step in range(600):
        for timer in instance.pending_timers():
            if not timer.held:
                instance.hold_timer(timer.id, "2026-01-01T08:00:00+07:00")
        _round(instance, case)
        if step % 100 == 0:
            instance = _reload(rework, instance)
    assert _depth(instance) <= 30 and _size(instance) < 30_000
    assert sorted(t.bpmn_id for t in instance.waiting()) == ["don_doc", "tham_dinh"]
    _do(instance, "don_doc", {"y_kien_chi_dao": "Đề nghị khẩn trương."})
    _grant(instance, case)
    assert instance.end_event() == "ket_thuc_cap_phep"
    assert instance.ends_reached() == ["ket_thuc_don_doc", "ket_thuc_cap_phep"]


def test_a_send_back_after_many_rounds_returns_to_the_previous_step(
        rework: ProcessModel, case: dict[str, Any]) -> None:
    # The engine sends back to the last completed step (engine/actions.py send_back):
    # pruning keeps it, so the reset still finds it, with its data.
    instance = rework.start(case["start"])
    _do(instance, "tiep_nhan", case["tasks"]["tiep_nhan"])
    for _ in range(300):
        _round(instance, case)
    _do(instance, "tham_dinh", {**case["tasks"]["tham_dinh"][0], "ghi_chu": "lần cuối"})
    instance = _reload(rework, instance)
    [approval] = instance.waiting()
    assert approval.bpmn_id == "phe_duyet"
    appraisal = _last_completed(instance, "tham_dinh")
    instance.reset_to(appraisal)
    instance = _reload(rework, instance)
    assert [t.bpmn_id for t in instance.waiting()] == ["tham_dinh"]
    assert [t.id for t in instance.waiting()] == [appraisal]
    assert len(instance.pending_timers()) == 1  # its boundary timer waits again, once
    # Twice in a row: the step before the appraisal is the previous approval.
    before = _last_completed(instance, "phe_duyet")
    instance.reset_to(before)
    assert [t.bpmn_id for t in instance.waiting()] == ["phe_duyet"]
    _do(instance, "phe_duyet", AGAIN)
    _grant(instance, case)
    assert instance.end_event() == "ket_thuc_cap_phep"


def test_a_send_back_to_a_step_pruned_long_ago_is_refused_not_crashed(
        rework: ProcessModel, case: dict[str, Any]) -> None:
    instance = rework.start(case["start"])
    [reception] = instance.waiting()
    _do(instance, "tiep_nhan", case["tasks"]["tiep_nhan"])
    for _ in range(20):
        _round(instance, case)
    with pytest.raises(TaskNotWaiting):
        instance.reset_to(reception.id)
    assert [t.bpmn_id for t in instance.waiting()] == ["tham_dinh"]  # nothing lost
    _grant(instance, case)
    assert instance.end_event() == "ket_thuc_cap_phep"


def _last_completed(instance: ProcessInstance, bpmn_id: str) -> str:
    done = [t for t in instance.workflow.tasks.values()
            if t.task_spec.bpmn_id == bpmn_id and t.state == 64]  # COMPLETED
    return str(max(done, key=lambda t: t.last_state_change).id)


def test_a_state_stored_before_flat_history_restores_and_continues(
        rework: ProcessModel, case: dict[str, Any]) -> None:
    # Saved by the runtime of format 1 (before this change): 5 rounds, appraisal waiting.
    old = json.loads((FIXTURES / "rework_loop_format1.json").read_text(encoding="utf-8"))
    assert old["format"] == 1 and "history" not in old
    instance = rework.restore(old)
    assert [t.bpmn_id for t in instance.waiting()] == ["tham_dinh"]
    assert instance.path() == ["tiep_nhan", *["tham_dinh", "phe_duyet"] * 5]
    tasks_before = len(instance.workflow.tasks)
    _round(instance, case)  # its next step prunes it
    assert len(instance.workflow.tasks) < tasks_before
    assert instance.state()["format"] == 2
    instance = _reload(rework, instance)
    _grant(instance, case)
    assert instance.end_event() == "ket_thuc_cap_phep"
    assert instance.path_before() + len(instance.path()) == 1 + 2 * 7 + 1


def test_a_state_of_an_unknown_format_is_refused_in_vietnamese(rework: ProcessModel) -> None:
    from bpmn.runtime import ProcessError
    with pytest.raises(ProcessError, match="định dạng không hỗ trợ"):
        rework.restore({"format": 3, "workflow": {}})


def _lien_thong(*edits: tuple[str, str]) -> dict[str, bytes]:
    files = dict(read_package(PACKAGES / "lien-thong").files)
    text = files["process.bpmn"].decode("utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    files["process.bpmn"] = text.encode("utf-8")
    return files


START = {"ho_ten": "Lý Văn Bình", "so_dinh_danh": "008090005555"}
OPINION = {"y_kien": "Thống nhất."}


@pytest.fixture(scope="module")
def branch_loop() -> ProcessModel:
    """lien-thong where the department's opinion may be asked again (a loop inside one
    branch of the parallel split), before the join waits for the province's opinion."""
    return _model(_lien_thong(
        ('<bpmn:sequenceFlow id="f_phong_xong" sourceRef="y_kien_phong" targetRef="gop" />',
         '<bpmn:sequenceFlow id="f_phong_xong" sourceRef="y_kien_phong" targetRef="gw_phong" />'
         '<bpmn:sequenceFlow id="f_phong_lai" sourceRef="gw_phong" targetRef="y_kien_phong">'
         '<bpmn:conditionExpression>y_kien == "làm lại"</bpmn:conditionExpression></bpmn:sequenceFlow>'
         '<bpmn:sequenceFlow id="f_phong_gop" sourceRef="gw_phong" targetRef="gop" />'),
        ('<bpmn:parallelGateway id="gop"><bpmn:incoming>f_phong_xong</bpmn:incoming>',
         '<bpmn:exclusiveGateway id="gw_phong" default="f_phong_gop"><bpmn:incoming>f_phong_xong'
         '</bpmn:incoming><bpmn:outgoing>f_phong_lai</bpmn:outgoing><bpmn:outgoing>f_phong_gop'
         '</bpmn:outgoing></bpmn:exclusiveGateway>'
         '<bpmn:parallelGateway id="gop"><bpmn:incoming>f_phong_gop</bpmn:incoming>'),
        ('<bpmn:incoming>f_phong</bpmn:incoming>',
         '<bpmn:incoming>f_phong</bpmn:incoming><bpmn:incoming>f_phong_lai</bpmn:incoming>'),
        ('<bpmn:flowNodeRef>gw</bpmn:flowNodeRef>',
         '<bpmn:flowNodeRef>gw</bpmn:flowNodeRef><bpmn:flowNodeRef>gw_phong</bpmn:flowNodeRef>'),
    ))


@pytest.mark.parametrize("so_first", [False, True])
def test_a_loop_inside_a_parallel_branch_stays_flat_and_the_join_still_waits(
        branch_loop: ProcessModel, so_first: bool) -> None:
    # The other branch is still open (so_first=False) or has reached the join, which
    # waits (True): either way 600 rounds in this branch broke SpiffWorkflow before.
    instance = branch_loop.start(START)
    _do(instance, "tiep_nhan", {"hop_le": True})
    if so_first:
        _do(instance, "y_kien_so", OPINION)
    for step in range(600):
        _do(instance, "y_kien_phong", {"y_kien": "làm lại"})
        if step % 100 == 0:
            instance = _reload(branch_loop, instance)
    assert _depth(instance) <= 30
    _do(instance, "y_kien_phong", OPINION)
    if not so_first:  # the join waits for the province's opinion
        assert [t.bpmn_id for t in instance.waiting()] == ["y_kien_so"]
        instance = _reload(branch_loop, instance)
        _do(instance, "y_kien_so", OPINION)
    # The join fired once: the called process's appraisal waits, alone.
    assert [t.bpmn_id for t in instance.waiting()] == ["so_tham_dinh"]
    _do(instance, "so_tham_dinh", {"y_kien": "Đủ điều kiện."})
    _do(instance, "phe_duyet", {"dong_y": True})
    _do(instance, "tra_ket_qua", OPINION)
    assert instance.end_event() == "xong"
    assert instance.path()[-3:] == ["so_tham_dinh", "phe_duyet", "tra_ket_qua"]


@pytest.fixture(scope="module")
def call_loop() -> ProcessModel:
    """lien-thong where an approval that does not agree sends the dossier back through
    the call activity (the province appraises again, in a new called process)."""
    return _model(_lien_thong(
        ('<bpmn:sequenceFlow id="f_duyet" sourceRef="phe_duyet" targetRef="tra_ket_qua" />',
         '<bpmn:sequenceFlow id="f_duyet" sourceRef="phe_duyet" targetRef="gw_duyet" />'
         '<bpmn:sequenceFlow id="f_dong_y" sourceRef="gw_duyet" targetRef="tra_ket_qua">'
         '<bpmn:conditionExpression>dong_y == True</bpmn:conditionExpression></bpmn:sequenceFlow>'
         '<bpmn:sequenceFlow id="f_lai" sourceRef="gw_duyet" targetRef="tham_dinh_so" />'),
        ('<bpmn:userTask id="tra_ket_qua" name="Trả kết quả">',
         '<bpmn:exclusiveGateway id="gw_duyet" default="f_lai"><bpmn:incoming>f_duyet'
         '</bpmn:incoming><bpmn:outgoing>f_dong_y</bpmn:outgoing><bpmn:outgoing>f_lai'
         '</bpmn:outgoing></bpmn:exclusiveGateway>'
         '<bpmn:userTask id="tra_ket_qua" name="Trả kết quả">'),
        ('<bpmn:incoming>f_duyet</bpmn:incoming><bpmn:outgoing>f_xong</bpmn:outgoing>',
         '<bpmn:incoming>f_dong_y</bpmn:incoming><bpmn:outgoing>f_xong</bpmn:outgoing>'),
        ('<bpmn:incoming>f_goi</bpmn:incoming>',
         '<bpmn:incoming>f_goi</bpmn:incoming><bpmn:incoming>f_lai</bpmn:incoming>'),
        ('<bpmn:flowNodeRef>gw</bpmn:flowNodeRef>',
         '<bpmn:flowNodeRef>gw</bpmn:flowNodeRef><bpmn:flowNodeRef>gw_duyet</bpmn:flowNodeRef>'),
    ))


def test_a_loop_around_a_call_activity_drops_finished_called_processes(
        call_loop: ProcessModel) -> None:
    instance = call_loop.start(START)
    _do(instance, "tiep_nhan", {"hop_le": True})
    _do(instance, "y_kien_phong", OPINION)
    _do(instance, "y_kien_so", OPINION)
    sizes = []
    for step in range(600):
        _do(instance, "so_tham_dinh", {"y_kien": f"Lần {step}."})
        _do(instance, "phe_duyet", {"dong_y": False})
        if step % 100 == 0:
            sizes.append(_size(instance))
            instance = _reload(call_loop, instance)
    assert len(instance.workflow.subprocesses) <= 3  # not one per round
    assert max(sizes) <= 2 * sizes[0], sizes
    _do(instance, "so_tham_dinh", {"y_kien": "Đủ điều kiện."})
    assert instance.workflow.last_task is None or instance.workflow.last_task.data
    _do(instance, "phe_duyet", {"dong_y": True})
    _do(instance, "tra_ket_qua", OPINION)
    assert instance.end_event() == "xong"
    # The called process's ends are answered too (a bounded tail after a restore).
    ends = instance.ends_reached()
    assert ends[-2:] == ["so_xong", "xong"] and instance.ends_before() + len(ends) == 602
    assert instance.path()[-3:] == ["so_tham_dinh", "phe_duyet", "tra_ket_qua"]


def _diagram(tasks: list[str], flows: list[tuple[str, str, str | None]],
             gateways: dict[str, str]) -> dict[str, bytes]:
    """A package of lien-thong's forms and roles whose process is these user tasks (each
    with the opinion form), gateways (id: kind) and flows (source, target, condition)."""
    files = {name: data for name, data in read_package(PACKAGES / "lien-thong").files.items()
             if not name.startswith("tests/") and name != "so_xay_dung.bpmn"}
    # The end is a refusal's notice: a granted result would need a hand-over step.
    nodes = ['<bpmn:startEvent id="bat_dau" />', '<bpmn:endEvent id="xong"><bpmn:extensionElements>'
             '<spiffworkflow:properties><spiffworkflow:property name="outcome" value="refused" />'
             '</spiffworkflow:properties></bpmn:extensionElements></bpmn:endEvent>']
    for task in tasks:
        nodes.append(
            f'<bpmn:userTask id="{task}" name="Bước {task}"><bpmn:extensionElements>'
            '<spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" '
            'value="y_kien.schema.json" /></spiffworkflow:properties></bpmn:extensionElements>'
            '</bpmn:userTask>')
    for gateway, kind in gateways.items():
        default = next((f"f_{s}_{t}" for s, t, c in flows if s == gateway and c is None), None)
        attribute = f' default="{default}"' if kind == "exclusiveGateway" and default else ""
        nodes.append(f'<bpmn:{kind} id="{gateway}"{attribute} />')
    for source, target, condition in flows:
        body = (f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>"
                if condition else "")
        nodes.append(f'<bpmn:sequenceFlow id="f_{source}_{target}" sourceRef="{source}" '
                     f'targetRef="{target}">{body}</bpmn:sequenceFlow>')
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>"
                   for n in ["bat_dau", "xong", *tasks, *gateways])
    files["process.bpmn"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" '
        'targetNamespace="https://motcua.example/tests"><bpmn:process id="lien_thong" '
        'isExecutable="true"><bpmn:laneSet id="ls"><bpmn:lane id="l" name="mot_cua">'
        f'{refs}</bpmn:lane></bpmn:laneSet>{"".join(nodes)}</bpmn:process></bpmn:definitions>'
    ).encode()
    return files


def test_a_waiting_join_keeps_the_branches_that_reached_it_while_another_loops() -> None:
    # Three branches join at `gop`: `y` has arrived (its join task waits, then is
    # cancelled when `z` arrives — the join still counts it), `z` loops 300 times first,
    # `x` is still open. Cutting the loop's history must not cut `y`'s arrival away.
    model = _model(_diagram(
        tasks=["a", "p1", "p2", "p3", "y", "z", "x", "w"],
        gateways={"tach": "parallelGateway", "tach_p": "parallelGateway",
                  "gw_z": "exclusiveGateway", "gop": "parallelGateway"},
        flows=[("bat_dau", "a", None), ("a", "tach", None), ("tach", "x", None),
               ("tach", "p1", None), ("p1", "p2", None), ("p2", "p3", None),
               ("p3", "tach_p", None), ("tach_p", "y", None), ("tach_p", "z", None),
               ("z", "gw_z", None), ("gw_z", "z", 'y_kien == "làm lại"'),
               ("gw_z", "gop", None), ("y", "gop", None), ("x", "gop", None),
               ("gop", "w", None), ("w", "xong", None)]))
    instance = model.start(START)
    for step in ["a", "p1", "p2", "p3", "y"]:
        _do(instance, step, OPINION)
    for step in range(300):
        _do(instance, "z", {"y_kien": "làm lại"})
        if step % 100 == 0:
            instance = _reload(model, instance)
    _do(instance, "z", OPINION)
    instance = _reload(model, instance)
    assert _depth(instance) <= 30
    assert [t.bpmn_id for t in instance.waiting()] == ["x"]  # the join waits for x only
    _do(instance, "x", OPINION)
    assert [t.bpmn_id for t in instance.waiting()] == ["w"]  # y's and z's arrivals counted
    _do(instance, "w", OPINION)
    assert instance.end_event() == "xong"
