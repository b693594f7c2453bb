"""A test run in words, for designers who are not programmers: what each step was given
(the start form's answers, then each completed step's) as the forms' field titles and
values — choices by their labels, yes/no, conditional answers only where they applied
(`forms.describe_data`) — and each waiting timer by its name, its step and its wait
("sau 10 ngày làm việc", `bpmn.diff_words.timers`), never by its id or ISO-8601 text."""

from __future__ import annotations

from typing import Any

from bpmn.compiled import CompiledProcedure
from bpmn.diff_words import timers as diagram_timers
from bpmn.runtime import PendingTimer
from engine.core.clock import instant_words
from forms import describe_data


def answers(compiled: CompiledProcedure, log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the run was given so far, step by step, in the order it was given: the step's
    name (`step`), what happened (`what`: start, complete, timer) and its answers in words
    (`rows`: [title, text] pairs; empty for a timer, or for a step whose form asked nothing
    that was answered)."""
    start = compiled.start_form
    names = _timer_names(compiled) if any(e.get("what") == "timer" for e in log) else {}
    said: list[dict[str, Any]] = []
    for entry in log:
        what = entry.get("what")
        if what == "start":
            title = str((compiled.forms.get(start) or {}).get("title") or "").strip()
            said.append({"what": "start", "step": f"Nộp hồ sơ: {title}" if title else "Nộp hồ sơ",
                         "rows": _rows(compiled, start, entry.get("data"))})
        elif what == "complete":
            bpmn_id = str(entry.get("task") or "")
            info = compiled.tasks.get(bpmn_id)
            said.append({"what": "complete", "step": (info.name if info else "") or bpmn_id,
                         "rows": _rows(compiled, info.form if info else None, entry.get("data"))})
        elif what == "timer":
            timer = names.get(str(entry.get("timer") or ""), {})
            said.append({"what": "timer", "rows": [],
                         "step": f"Hết hạn: {timer.get('name') or entry.get('timer')}"})
    return said


def _rows(compiled: CompiledProcedure, form: str | None,
          data: Any) -> list[tuple[str, str]]:
    if not isinstance(data, dict) or not data:
        return []
    schema = compiled.forms.get(form) if form else None
    if schema is None:  # a step without a form: the keys as they are
        return [(str(key), str(value)) for key, value in data.items()]
    return describe_data(schema, compiled.ui_for(form) if form else None, data)


def _timer_names(compiled: CompiledProcedure) -> dict[str, dict[str, str]]:
    """Each timer of the diagrams by id: its name, its step, its wait in words."""
    return {t["id"]: t for t in diagram_timers(compiled.bpmn)}


def timers(compiled: CompiledProcedure, pending: list[PendingTimer]) -> list[dict[str, Any]]:
    """The run's waiting timers: id, bpmn_id and expression (ISO-8601, as the API always
    gave them), and in words: `name`, `on` (the step it waits on, or ""), `wait` ("sau 10
    ngày làm việc", or "đến <instant>" for a timer set to a date)."""
    named = _timer_names(compiled) if pending else {}
    shown = []
    for timer in pending:
        words = named.get(timer.bpmn_id, {})
        wait = (f"sau {words.get('words') or timer.expression}" if timer.kind == "duration"
                else f"đến {instant_words(timer.expression)}")
        shown.append({"id": timer.id, "bpmn_id": timer.bpmn_id, "expression": timer.expression,
                      "name": words.get("name") or timer.bpmn_id, "on": words.get("on") or "",
                      "wait": wait})
    return shown
