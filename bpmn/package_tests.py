"""Package tests: the cases a designer ships in `tests/*.json`, run in a sandbox against
the compiled procedure — the real SpiffWorkflow process, gateways, call activities and
timers (fired on simulated time), forms checked as the engine checks them.

A case:

    {"name": "Đồng ý cấp phép",
     "start": {start form data},
     "tasks": {"<user task id>": {data}, "<task reached twice>": [{first}, {second}]},
     "fire": ["<timer event id>", ...],          # optional: these timers' time passes
     "max_steps": 20000,                         # optional: tasks completed before "loop?"
     "expect": {"path": ["<user task ids in the order completed>"], "end": "<end event id>"}}

Timers not named in `fire` never fire; a named one fires as soon as it waits. When
several tasks wait at once, the one the expected path names next is worked first.

A case that has not ended after `max_steps` completed tasks (default 10,000, at most
100,000) fails as a probable loop; a long legitimate rework loop raises it. The whole
suite is also bounded in wall time and memory by whoever runs it (the engine runs it in
a separate process, `engine/package_runner.py`). A case that raises anything other than
a process error fails with the reason instead of stopping the suite.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from bpmn.compiled import CompiledProcedure
from bpmn.limits import applicant_problems
from bpmn.problems import Problem
from bpmn.runtime import ProcessError, ProcessInstance, ProcessModel, WaitingTask
from forms import validate_data

TESTS_FOLDER = "tests/"
DEFAULT_MAX_STEPS = 10_000  # a case that has not ended after this many tasks loops
MAX_STEPS_LIMIT = 100_000  # what a case may ask for: each step costs the runner time


@dataclass(frozen=True)
class CaseResult:
    """How one case went: the path actually taken beside the one expected."""

    file: str
    name: str
    passed: bool
    path: list[str]
    end: str | None
    ends: list[str]
    expected_path: list[str]
    expected_end: str | None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain dictionary for JSON output and storage."""
        return asdict(self)

    def as_text(self) -> str:
        """One line (two on failure) a designer reads."""
        mark = "ĐẠT" if self.passed else "KHÔNG ĐẠT"
        line = f"  {mark} {self.file} «{self.name}»: {' → '.join(self.path) or '(chưa bước nào)'}"
        line += f" ⇒ {self.end or '(chưa kết thúc)'}"
        if not self.passed:
            line += (f"\n      mong đợi: {' → '.join(self.expected_path)} ⇒ {self.expected_end}"
                     + (f"; {self.message}" if self.message else ""))
        return line


@dataclass
class Suite:
    """All cases of a package, and problems with the case files themselves."""

    results: list[CaseResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Suite:
        """Inverse of `as_dict` (the suite comes back from the process that ran it)."""
        return cls(results=[CaseResult(**r) for r in data.get("results", [])],
                   problems=[Problem(**p) for p in data.get("problems", [])])

    @property
    def passed(self) -> bool:
        """True when every case passed and every case file could be read."""
        return not self.problems and all(r.passed for r in self.results)

    def ends_reached(self) -> set[str]:
        """End events some case reached (coverage)."""
        return {end for r in self.results for end in r.ends}

    def as_dict(self) -> dict[str, Any]:
        """Plain dictionary for JSON output and storage with a version."""
        return {"passed": self.passed, "total": len(self.results),
                "failed": sum(not r.passed for r in self.results),
                "results": [r.as_dict() for r in self.results],
                "problems": [p.as_dict() for p in self.problems]}


def case_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The package's test case files, by path."""
    return {name: data for name, data in sorted(files.items())
            if name.startswith(TESTS_FOLDER) and name.endswith(".json")}


def run_package_tests(compiled: CompiledProcedure, files: Mapping[str, bytes]) -> Suite:
    """Run every case of every `tests/*.json` file of the package."""
    suite = Suite()
    model = ProcessModel(compiled.spec)
    for name, data in case_files(files).items():
        cases = _read_cases(name, data, suite)
        for case in cases:
            suite.results.append(run_case(compiled, model, name, case))
    return suite


def _read_cases(name: str, data: bytes, suite: Suite) -> list[dict[str, Any]]:
    try:
        loaded = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        suite.problems.append(Problem("test.json", f"Tệp kiểm thử không phải JSON hợp lệ: {exc}",
                                      name, getattr(exc, "lineno", None)))
        return []
    except RecursionError:
        suite.problems.append(Problem("test.json", "Tệp kiểm thử lồng nhau quá sâu.", name))
        return []
    cases = loaded if isinstance(loaded, list) else [loaded]
    good = []
    for index, case in enumerate(cases):
        problem = _shape_problem(case)
        if problem:
            suite.problems.append(Problem("test.shape", f"Ca kiểm thử số {index + 1}: {problem}",
                                          name))
        else:
            good.append(case)
    return good


def _shape_problem(case: Any) -> str | None:
    if not isinstance(case, dict):
        return "phải là một đối tượng JSON."
    if not isinstance(case.get("name"), str) or not case["name"].strip():
        return "thiếu 'name'."
    if not isinstance(case.get("start"), dict):
        return "'start' phải là dữ liệu biểu mẫu nộp hồ sơ (đối tượng)."
    tasks = case.get("tasks", {})
    if not isinstance(tasks, dict) or not all(
            isinstance(v, dict) or (isinstance(v, list) and all(isinstance(i, dict) for i in v))
            for v in tasks.values()):
        return "'tasks' phải ánh xạ mã tác vụ → dữ liệu (hoặc danh sách dữ liệu)."
    fire = case.get("fire", [])
    if not isinstance(fire, list) or not all(isinstance(t, str) for t in fire):
        return "'fire' phải là danh sách mã sự kiện hẹn giờ."
    steps = case.get("max_steps", DEFAULT_MAX_STEPS)
    if not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= MAX_STEPS_LIMIT:
        return f"'max_steps' phải là số nguyên từ 1 đến {MAX_STEPS_LIMIT:,}.".replace(",", ".")
    expect = case.get("expect")
    if not isinstance(expect, dict) or not isinstance(expect.get("path"), list) or not isinstance(
            expect.get("end"), str):
        return "'expect' phải có 'path' (danh sách mã tác vụ) và 'end' (mã sự kiện kết thúc)."
    return None


def run_case(compiled: CompiledProcedure, model: ProcessModel, file: str,
             case: dict[str, Any]) -> CaseResult:
    """Run one case to its end (or until it cannot go on) and compare."""
    expect = case["expect"]
    result = {"file": file, "name": case["name"], "expected_path": list(expect["path"]),
              "expected_end": expect["end"]}
    instance: ProcessInstance | None = None
    try:
        _check_form(compiled, compiled.start_form, case["start"], "biểu mẫu nộp hồ sơ")
        _check_applicant(compiled, case["start"])
        instance = model.start(case["start"])
        message = _drive(compiled, instance, case)
    except (ProcessError, _CaseError) as exc:
        message = str(exc)
    except MemoryError:
        raise  # the runner reports the memory limit for the whole suite
    except Exception as exc:  # designer input fails its case, never the whole suite
        message = f"lỗi khi chạy ca kiểm thử: {type(exc).__name__}: {exc}"[:500]
    path = instance.path() if instance else []
    end = instance.end_event() if instance else None
    ends = instance.ends_reached() if instance else []
    passed = not message and path == expect["path"] and end == expect["end"]
    if not message and not passed:
        message = "đường đi hoặc điểm kết thúc khác mong đợi"
        if instance is not None and instance.completed and end is None:
            message = ("quy trình được coi là đã xong mà không tới sự kiện kết thúc nào "
                       "(vòng lặp quá dài so với giới hạn của bộ máy quy trình?)")
    return CaseResult(**result, passed=passed, path=path, end=end, ends=ends, message=message)


class _CaseError(RuntimeError):
    """The case cannot go on (no data for a waiting task, a form refusal, a loop)."""


def _check_form(compiled: CompiledProcedure, form: str, data: dict[str, Any], what: str) -> None:
    errors = validate_data(compiled.forms[form], data)
    if errors:
        raise _CaseError(f"dữ liệu {what} không hợp lệ: "
                         + "; ".join(f"{e.field or '(gốc)'}: {e.message}" for e in errors[:3]))


def _check_applicant(compiled: CompiledProcedure, data: dict[str, Any]) -> None:
    """The dossier keeps the applicant's name and ID number in columns of fixed width: a
    submission with longer ones is refused, so the case is too (`bpmn.limits`)."""
    problems = applicant_problems(compiled.manifest, data)
    if problems:
        raise _CaseError("dữ liệu biểu mẫu nộp hồ sơ không hợp lệ: "
                         + "; ".join(f"{path}: {message}" for path, message in problems))


def _next(ready: list[WaitingTask], expected: list[str], done: int) -> WaitingTask:
    """Of several tasks waiting at once (parallel branches, a timer's branch), the one the
    case expects next — people choose that order, the case says which — else the first."""
    upcoming = expected[done:]
    return min(ready, key=lambda t: upcoming.index(t.bpmn_id) if t.bpmn_id in upcoming
               else len(upcoming))


def _fire_timers(instance: ProcessInstance, to_fire: list[str]) -> bool:
    """Fire the waiting timers the case names, hold the others; again after each firing
    (a timer may end the process, or lead to another timer). True once the process ended."""
    while not instance.completed:
        fired = False
        for timer in instance.pending_timers():
            if timer.bpmn_id in to_fire:
                to_fire.remove(timer.bpmn_id)  # each name fires once: this loop ends
                fired = instance.fire_timer(timer.id) or fired
            elif not timer.held:
                instance.hold_timer(timer.id, "sandbox")
        if not fired:
            return False
    return True


def _drive(compiled: CompiledProcedure, instance: ProcessInstance, case: dict[str, Any]) -> str:
    supplies = {task: list(v) if isinstance(v, list) else [v] for task, v in case.get("tasks", {}).items()}
    to_fire = list(case.get("fire", []))
    max_steps = int(case.get("max_steps", DEFAULT_MAX_STEPS))
    # Each round completes one task, so `done` is the position in the expected path
    # (cheaper than instance.path(), which walks the whole task tree).
    for done in range(max_steps + 1):
        if _fire_timers(instance, to_fire):
            return ""
        waiting = instance.waiting()
        ready = [t for t in waiting if supplies.get(t.bpmn_id)]
        if not ready:
            if not waiting:
                return "quy trình dừng mà không có tác vụ nào chờ và chưa kết thúc"
            return ("không có dữ liệu cho tác vụ đang chờ: "
                    + ", ".join(t.bpmn_id for t in waiting))
        if done == max_steps:
            break
        task = ready[0] if len(ready) == 1 else _next(ready, case["expect"]["path"], done)
        data = supplies[task.bpmn_id].pop(0)
        info = compiled.tasks.get(task.bpmn_id)
        if info is not None:
            _check_form(compiled, info.form, data, f"tác vụ {task.bpmn_id}")
        instance.complete(task.id, data)
    return (f"chưa kết thúc sau {max_steps} bước (vòng lặp? nếu vòng làm lại là có chủ ý, "
            "hãy tăng 'max_steps' của ca)")
