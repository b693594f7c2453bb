"""Flat history: the cost of a step and the stored state of a dossier looping through a
back-edge (approval → "thẩm định lại" → appraisal …, tests/packages/rework-loop), at step 1,
1000 and 300 of its history, beside bare SpiffWorkflow at step 300.

A step is what the engine does per request: restore the stored state (JSON text), complete
the waiting task, store the state again. Each side is driven through the loop once, keeping
the stored state before each step around the points measured; then those steps are timed
again from their stored states, in alternating rounds (so machine noise hits every point
alike), and the median CPU time of each point is compared. Bare SpiffWorkflow does the same with its own
`BpmnWorkflowSerializer`, which writes (and reads) the whole workflow each step, as a naive
integration would. Prints `history-step-ratio-1000/1`, `history-state-bytes-1000` (and at
step 1) and `history-vs-bare-300`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import TaskState

from bpmn.runtime import ProcessModel, SafeEnvironment
from bpmn.validation import validate_path

PACKAGE = Path(__file__).resolve().parents[1] / "tests" / "packages" / "rework-loop"
PROCESS_ID = "cap_gpxd_nha_o_rieng_le"
CASE: dict[str, Any] = json.loads((PACKAGE / "tests" / "tham-dinh-lai.json")
                                  .read_text(encoding="utf-8"))[0]
AGAIN = {"quyet_dinh": "tham_dinh_lai", "ly_do_tu_choi": "Cần thẩm định lại."}
WINDOW = 4  # steps on each side of a point: 2 × WINDOW + 1 steps per point
ROUNDS = 5  # times each of those steps is timed again


def data_for(bpmn_id: str) -> dict[str, Any]:
    """The form data of a step of the loop (approval always sends back)."""
    if bpmn_id == "phe_duyet":
        return AGAIN
    task = CASE["tasks"][bpmn_id]
    return dict(task if isinstance(task, dict) else task[0])


def timed(stored: str, points: list[int], step: Callable[[str], str]) -> dict[int, float]:
    """Drive steps 1.. up to the last point; then time again the steps around each point
    from their stored states, point after point in each round: median CPU seconds."""
    wanted = {n: p for p in points for n in range(max(1, p - WINDOW), p + WINDOW + 1)}
    before: dict[int, list[str]] = {p: [] for p in points}
    for number in range(1, max(wanted) + 1):
        if number in wanted:
            before[wanted[number]].append(stored)
        stored = step(stored)
    samples: dict[int, list[float]] = {p: [] for p in points}
    for _ in range(ROUNDS):
        for point in points:
            for state in before[point]:
                began = time.process_time()
                step(state)
                samples[point].append(time.process_time() - began)
    return {p: statistics.median(s) for p, s in samples.items()}


class Ours:
    """The motcua runtime: state without the spec, pruned to the live part of the tree."""

    def __init__(self) -> None:
        report, compiled = validate_path(PACKAGE)
        assert compiled is not None, report.as_text()
        self.model = ProcessModel(compiled.spec)
        self.start = json.dumps(self.model.start(CASE["start"]).state())
        self.sizes: list[int] = [len(self.start.encode("utf-8"))]  # by step, when first run

    def step(self, stored: str) -> str:
        """Restore, complete the waiting task, store: one request of the engine."""
        instance = self.model.restore(json.loads(stored))
        [task] = instance.waiting()
        instance.complete(task.id, data_for(task.bpmn_id))
        stored = json.dumps(instance.state())
        self.sizes.append(len(stored.encode("utf-8")))
        return stored


class Bare:
    """Bare SpiffWorkflow: its serializer writes and reads the whole workflow each step."""

    def __init__(self) -> None:
        parser = SpiffBpmnParser()
        parser.add_bpmn_file(str(PACKAGE / "process.bpmn"))
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.script_engine = PythonScriptEngine(environment=SafeEnvironment())
        workflow = BpmnWorkflow(parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID),
                                script_engine=self.script_engine)
        workflow.task_tree.data.update(CASE["start"])
        workflow.do_engine_steps()
        self.start: str = self.serializer.serialize_json(workflow)

    def step(self, stored: str) -> str:
        """Restore, complete the waiting task, store."""
        workflow = self.serializer.deserialize_json(stored)
        workflow.script_engine = self.script_engine
        [task] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                  if t.task_spec.bpmn_id in CASE["tasks"]]
        task.data.update(data_for(task.task_spec.bpmn_id))
        task.run()
        workflow.do_engine_steps()
        return str(self.serializer.serialize_json(workflow))


def main() -> None:
    """Drive both sides through the loop in one run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=1000)
    args, _ = parser.parse_known_args()
    ours, base = Ours(), Bare()
    mine = timed(ours.start, [1, 300, args.steps], ours.step)
    sizes = list(ours.sizes)  # the first run's: sizes[k] is the state stored after step k
    bare = timed(base.start, [300], base.step)
    print(f"history: rework loop (tests/packages/rework-loop), step = restore + complete + store; "
          f"median CPU of {2 * WINDOW + 1} steps around each point, each timed {ROUNDS} times")
    print(f"ours: step 1 {mine[1] * 1000:.2f} ms, step 300 {mine[300] * 1000:.2f} ms, "
          f"step {args.steps} {mine[args.steps] * 1000:.2f} ms; "
          f"bare SpiffWorkflow: step 300 {bare[300] * 1000:.2f} ms")
    print(f"history-state-bytes-1: {sizes[1]}")
    print(f"history-step-ratio-{args.steps}/1: {mine[args.steps] / mine[1]:.2f}")
    print(f"history-state-bytes-{args.steps}: {sizes[args.steps]}")
    print(f"history-vs-bare-300: {bare[300] / mine[300]:.1f}")


if __name__ == "__main__":
    main()
