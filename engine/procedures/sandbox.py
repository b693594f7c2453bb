"""Test runs of a procedure version, step by step: the designer gives the start form's
data, then each waiting task's data, lets timers' time pass, and sees the path taken.

A run lives in `sandbox_runs` and nowhere else: it has no dossier code, no task in any
inbox, no event in any report, and it never touches the legal clock. Any version can be
run — drafts above all — by the agency's designers, reviewers and approvers.
"""

from __future__ import annotations

import json
from typing import Any

from bpmn.runtime import ProcessError, ProcessInstance, TaskNotWaiting
from engine.core.actors import Actor
from engine.core.errors import Conflict, FormInvalid, NotFound
from engine.core.models import ProcedureVersion, SandboxRun
from engine.core.permissions import may_see_sandbox_run, may_see_versions
from engine.core.uow import UnitOfWork
from engine.procedures import sandbox_words
from engine.procedures.cache import loaded_version
from engine.procedures.versions import find_version

HELD = "sandbox"  # timers of a run fire only when the designer says so


def _suggestions(version_package: dict[str, str] | None) -> dict[str, Any]:
    """Data from the package's test cases, to prefill the forms of a run."""
    start: dict[str, Any] | None = None
    tasks: dict[str, Any] = {}
    for path, text in sorted((version_package or {}).items()):
        if not (path.startswith("tests/") and path.endswith(".json")):
            continue
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError:
            continue
        for case in loaded if isinstance(loaded, list) else [loaded]:
            if not isinstance(case, dict):
                continue
            if start is None and isinstance(case.get("start"), dict):
                start = case["start"]
            for task, data in (case.get("tasks") or {}).items():
                first = data[0] if isinstance(data, list) and data else data
                if isinstance(first, dict):
                    tasks.setdefault(task, first)
    return {"start": start or {}, "tasks": tasks}


def start_run(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str, number: int,
              data: dict[str, Any]) -> dict[str, Any]:
    """Start a run with the start form's data (checked by the form, as for a dossier)."""
    version = find_version(uow, agency_code=agency_code, code=code, number=number)
    if not may_see_versions(actor, version.procedure.agency_id):
        raise NotFound(f"Không có phiên bản {number} của thủ tục {code}.")
    loaded = loaded_version(uow, version.id)
    _check(loaded.validator(loaded.compiled.start_form).validate_submission(data))
    try:
        instance = loaded.model.start(data)
    except ProcessError as exc:
        raise Conflict(f"Quy trình dừng ngay khi bắt đầu: {exc}") from exc
    _hold_timers(instance)
    now = uow.clock.now()
    run = SandboxRun(version_id=version.id, account_id=actor.account_id, state=instance.state(),
                     log=[{"at": now.isoformat(), "what": "start", "data": data}],
                     created_at=now, updated_at=now)
    uow.session.add(run)
    uow.session.flush()
    uow.audit("procedure.sandbox", actor_id=actor.account_id, object_type="procedure",
              object_id=f"{agency_code}/{code}", summary={"version": number, "run": run.id})
    view = _view(uow, run, instance)
    uow.commit()
    return view


def _check(errors: list[Any]) -> None:
    if errors:
        raise FormInvalid("Dữ liệu chưa hợp lệ với biểu mẫu.", [e.as_dict() for e in errors])


def _hold_timers(instance: ProcessInstance) -> None:
    for timer in instance.pending_timers():
        if not timer.held:
            instance.hold_timer(timer.id, HELD)


def _run_of(uow: UnitOfWork, actor: Actor, run_id: int) -> SandboxRun:
    run = uow.session.get(SandboxRun, run_id)
    if run is None or not may_see_sandbox_run(actor, run.account_id):
        raise NotFound("Không có lượt chạy thử này.")
    return run


def show_run(uow: UnitOfWork, *, actor: Actor, run_id: int) -> dict[str, Any]:
    """Where a run stands: the path so far, what waits, timers, the end if reached."""
    run = _run_of(uow, actor, run_id)
    return _view(uow, run, loaded_version(uow, run.version_id).model.restore(run.state))


def complete_step(uow: UnitOfWork, *, actor: Actor, run_id: int, task_id: str,
                  data: dict[str, Any]) -> dict[str, Any]:
    """Complete a waiting task of the run with data its form accepts."""
    run = _run_of(uow, actor, run_id)
    loaded = loaded_version(uow, run.version_id)
    instance = loaded.model.restore(run.state)
    waiting = {t.id: t for t in instance.waiting()}
    if task_id not in waiting:
        raise Conflict("Tác vụ này không còn chờ trong lượt chạy thử.")
    info = loaded.compiled.tasks.get(waiting[task_id].bpmn_id)
    if info is not None:
        _check(loaded.validator(info.form).validate_submission(data))
    try:
        instance.complete(task_id, data)
    except (ProcessError, TaskNotWaiting) as exc:
        raise Conflict(f"Quy trình không đi tiếp được: {exc}") from exc
    return _save(uow, run, instance, {"what": "complete", "task": waiting[task_id].bpmn_id,
                                      "data": data})


def fire_timer(uow: UnitOfWork, *, actor: Actor, run_id: int, timer_id: str) -> dict[str, Any]:
    """Let a waiting timer's time pass (simulated time: the run has no clock of its own)."""
    run = _run_of(uow, actor, run_id)
    instance = loaded_version(uow, run.version_id).model.restore(run.state)
    timers = {t.id: t for t in instance.pending_timers()}
    if timer_id not in timers or not instance.fire_timer(timer_id):
        raise Conflict("Sự kiện hẹn giờ này không còn chờ.")
    return _save(uow, run, instance, {"what": "timer", "timer": timers[timer_id].bpmn_id})


def _save(uow: UnitOfWork, run: SandboxRun, instance: ProcessInstance,
          entry: dict[str, Any]) -> dict[str, Any]:
    _hold_timers(instance)
    now = uow.clock.now()
    run.state, run.updated_at = instance.state(), now
    run.log = [*run.log, {"at": now.isoformat(), **entry}]
    view = _view(uow, run, instance)
    uow.commit()
    return view


def _view(uow: UnitOfWork, run: SandboxRun, instance: ProcessInstance) -> dict[str, Any]:
    loaded = loaded_version(uow, run.version_id)
    compiled = loaded.compiled
    version = uow.session.get(ProcedureVersion, run.version_id)
    assert version is not None  # foreign key
    hints = _suggestions(version.package)
    waiting = []
    for task in instance.waiting():
        info = compiled.tasks.get(task.bpmn_id)
        waiting.append({"id": task.id, "bpmn_id": task.bpmn_id, "name": task.name,
                        "lane": task.lane, "form": info.form if info else None,
                        "schema": compiled.forms.get(info.form) if info else None,
                        "ui": compiled.ui_for(info.form) if info else None,
                        "suggested": hints["tasks"].get(task.bpmn_id, {})})
    return {
        "id": run.id, "code": version.procedure.code, "agency": version.procedure.agency.code,
        "number": version.number, "path": instance.path(),
        "ends": instance.ends_reached(), "end": instance.end_event(),
        "completed": instance.completed, "waiting": waiting,
        "timers": sandbox_words.timers(compiled, instance.pending_timers()),
        "decided": _decided(compiled.manifest, instance),
        "answers": sandbox_words.answers(compiled, run.log),
        "log": run.log,
    }


def _decided(manifest: dict[str, Any], instance: ProcessInstance) -> list[dict[str, Any]]:
    """The fees a decision table set for this run (`fees[].from`), as the designer checks
    them against the table."""
    return [{"name": str(fee.get("name", "")), "from": str(fee["from"]),
             "value": instance.value(str(fee["from"])), "amount": fee.get("amount")}
            for fee in manifest.get("fees", []) if isinstance(fee, dict) and fee.get("from")]


def suggested_start(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                    number: int) -> dict[str, Any]:
    """The start form of a run: its schema and UI schema, and data from the package's
    first test case to prefill it."""
    version = find_version(uow, agency_code=agency_code, code=code, number=number)
    if not may_see_versions(actor, version.procedure.agency_id):
        raise NotFound(f"Không có phiên bản {number} của thủ tục {code}.")
    compiled = loaded_version(uow, version.id).compiled
    return {"data": dict(_suggestions(version.package)["start"]), "form": compiled.start_form,
            "name": version.procedure.name,
            "schema": compiled.forms.get(compiled.start_form),
            "ui": compiled.ui_for(compiled.start_form)}
