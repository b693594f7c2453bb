"""A test run by forms kept as a package test case («Lưu thành ca kiểm thử»).

Changing a process (a step added in the modeler, a required field added to a form) breaks
the package's own test cases: they lack data for the new step or field, so the version may
not be submitted. A designer who does not write JSON fixes them here: run the changed
process to its end by forms, then keep that run as a case — replacing the case it started
from, or as a new one. The case holds what the run was given (the start form's data, each
step's data, the timers let fire) and expects the path and end the run took; the package so
changed is imported like any save (validated, its tests run) as a new draft version.
"""

from __future__ import annotations

import json
from typing import Any

from engine.core.actors import Actor
from engine.core.errors import Conflict, Invalid, NotFound
from engine.core.models import ProcedureVersion, SandboxRun
from engine.core.permissions import may_design, may_see_sandbox_run
from engine.core.uow import UnitOfWork
from engine.procedures.cache import loaded_version
from engine.procedures.drafts import MAX_EDITED_TEXT, SAVED, import_keeping, zip_of

NEW_CASE = "moi"
NEW_FILE = "tests/chay-thu.json"


def _cases(text: str) -> list[Any]:
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError:
        return []
    return loaded if isinstance(loaded, list) else [loaded]


def case_list(package: dict[str, str]) -> list[dict[str, str]]:
    """The package's test cases: `key` (file#index), the file and the case's name."""
    listed = []
    for path, text in sorted(package.items()):
        if path.startswith("tests/") and path.endswith(".json"):
            for index, case in enumerate(_cases(text)):
                name = case.get("name") if isinstance(case, dict) else None
                listed.append({"key": f"{path}#{index}", "file": path,
                               "name": str(name or f"Ca số {index + 1}")})
    return listed


def _run(uow: UnitOfWork, actor: Actor, run_id: int) -> tuple[SandboxRun, ProcedureVersion]:
    run = uow.session.get(SandboxRun, run_id)
    if run is None or not may_see_sandbox_run(actor, run.account_id):
        raise NotFound("Không có lượt chạy thử này.")
    version = uow.session.get(ProcedureVersion, run.version_id)
    assert version is not None  # foreign key
    return run, version


def case_choices(uow: UnitOfWork, *, actor: Actor, run_id: int) -> dict[str, Any]:
    """What «Lưu thành ca kiểm thử» offers for a run: whether the actor may save a version
    of it, the cases it may replace, and whether the run recorded its data."""
    run, version = _run(uow, actor, run_id)
    return {"may_design": may_design(actor, version.procedure.agency_id),
            "cases": case_list(dict(version.package or {})),
            "recorded": bool(run.log) and "data" in run.log[0]}


def case_of_run(log: list[dict[str, Any]], end: str | None, name: str) -> dict[str, Any]:
    """A package test case from a finished run's log (pure)."""
    if not log or log[0].get("what") != "start" or not isinstance(log[0].get("data"), dict):
        raise Conflict("Lượt chạy này được tạo trước khi hệ thống ghi lại dữ liệu từng bước; "
                       "hãy chạy thử lại rồi lưu.")
    if end is None:
        raise Conflict("Lượt chạy chưa tới điểm kết thúc: hãy chạy đến hết rồi lưu.")
    tasks: dict[str, list[dict[str, Any]]] = {}
    path: list[str] = []
    fire: list[str] = []
    for entry in log[1:]:
        if entry.get("what") == "complete":
            task = str(entry.get("task"))
            tasks.setdefault(task, []).append(dict(entry.get("data") or {}))
            path.append(task)
        elif entry.get("what") == "timer":
            fire.append(str(entry.get("timer")))
    case: dict[str, Any] = {
        "name": name, "start": log[0]["data"],
        "tasks": {task: data[0] if len(data) == 1 else data for task, data in tasks.items()}}
    if fire:
        case["fire"] = fire
    case["expect"] = {"path": path, "end": end}
    return case


def _placed(package: dict[str, str], target: str, case: dict[str, Any]) -> tuple[str, str]:
    """(path, new text) of the test file that receives the case."""
    if target == NEW_CASE:
        files = sorted(p for p in package if p.startswith("tests/") and p.endswith(".json"))
        path = files[0] if files else NEW_FILE
        return path, json.dumps([*_cases(package.get(path, "[]")), case], ensure_ascii=False,
                                indent=2) + "\n"
    path, _, index = target.rpartition("#")
    cases = _cases(package[path]) if path in package and path.startswith("tests/") else []
    if not index.isdigit() or int(index) >= len(cases):
        raise Invalid("Không có ca kiểm thử này trong gói.")
    cases[int(index)] = case
    return path, json.dumps(cases, ensure_ascii=False, indent=2) + "\n"


def save_run_as_case(
    uow: UnitOfWork, *, actor: Actor, run_id: int, target: str, name: str,
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """Keep a finished run as a test case of its version's package (`target`: a case's key
    from `case_list` to replace, or `NEW_CASE`): a new draft version, validated and tested
    like any save. Returns (report, the new version or None, the invalid draft kept)."""
    run, version = _run(uow, actor, run_id)
    name = " ".join(name.split())[:200]
    if len(name) < 2:
        raise Invalid("Hãy đặt tên cho ca kiểm thử.", details={"name": "Cần tên ca kiểm thử."})
    instance = loaded_version(uow, version.id).model.restore(run.state)
    case = case_of_run(list(run.log or []), instance.end_event() if instance.completed else None,
                       name)
    package = dict(version.package or {})
    path, text = _placed(package, target, case)
    if len(text) > MAX_EDITED_TEXT:
        raise Invalid("Ca kiểm thử quá lớn.")
    package[path] = text
    agency, code, number = version.procedure.agency.code, version.procedure.code, version.number
    uow.session.rollback()  # only reads so far: the import runs the tests with no transaction
    report, created, kept = import_keeping(uow, actor=actor, agency_code=agency,
                                           zip_bytes=zip_of(package),
                                           filename=f"{code}-v{number}-ca-kiem-thu.zip",
                                           based_on_id=version.id, action=SAVED)
    return report.as_dict(), created, kept
