"""The files of a version's package that the designer's editors open as they are: a form
with its UI schema (the visual form builder), the decision tables (the DMN editor) — of a
draft kept invalid too, so that a table's problem is fixed in the table editor."""

from __future__ import annotations

import json
from typing import Any

from bpmn.flow_checks import line_of
from bpmn.xmlsafe import UnsafeXml, parse_xml
from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.core.uow import UnitOfWork
from engine.procedures.bench_decisions import decision_choices
from engine.procedures.drafts import _draft as kept_draft
from engine.procedures.drafts import summary_of
from engine.procedures.versions import _visible


def form_files(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str, number: int,
               form: str) -> dict[str, Any]:
    """A form's schema text and its UI schema's (None when the package has none); for the
    start form, the papers of procedure.json (`components`) and its text too."""
    texts = dict(_visible(uow, actor, agency_code, code, number).package or {})
    path = f"forms/{form}"
    if not form.endswith(".schema.json") or path not in texts:
        raise NotFound(f"Gói không có biểu mẫu «{form}».")
    ui_path = path.removesuffix(".schema.json") + ".ui.json"
    try:
        manifest = json.loads(texts.get("procedure.json", "{}"))
    except json.JSONDecodeError:
        manifest = {}
    start = isinstance(manifest, dict) and f"{manifest.get('start_form')}.schema.json" == form
    return {"path": path, "schema": texts[path], "ui_path": ui_path, "ui": texts.get(ui_path),
            "start": start, "papers": manifest.get("components", []) if start else [],
            "procedure": texts.get("procedure.json") if start else None}


def decision_files(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                   number: int) -> dict[str, str]:
    """The package's decision tables (`.dmn` at its top) by file name."""
    texts = _visible(uow, actor, agency_code, code, number).package or {}
    return {path: text for path, text in sorted(texts.items())
            if "/" not in path and path.endswith(".dmn")}


def draft_decision_files(uow: UnitOfWork, *, actor: Actor, draft_id: int) -> dict[str, Any]:
    """A draft kept invalid as its table editor opens it: the draft (as pages list it), its
    problems and its decision tables (`.dmn` at the top of its files) by file name."""
    draft = kept_draft(uow, actor, draft_id)
    texts = dict(draft.package or {})
    return {**summary_of(draft), "report": draft.report or {},
            "files": {path: text for path, text in sorted(texts.items())
                      if "/" not in path and path.endswith(".dmn")}}


def table_findings(texts: dict[str, str], problems: list[dict[str, Any]], path: str) -> dict[str, Any]:
    """What the table editor shows beside `path`: each table file's title (its first
    decision's name, the file name when it has none), and the problems of `path`, each with
    the number of the row it is about (`row`, counted as the editor shows rows; None for the
    table as a whole)."""
    titles: dict[str, str] = {}
    for choice in decision_choices(texts):
        titles.setdefault(choice["file"], choice["name"])
    rows: dict[int, int] = {}
    try:
        root = parse_xml(texts.get(path, "").encode("utf-8"))
        table = root.find("{*}decision/{*}decisionTable")
        rules = [] if table is None else table.iterfind("{*}rule")
        rows = {line: n for n, rule in enumerate(rules, start=1) if (line := line_of(rule))}
    except UnsafeXml:
        pass
    found = [{**p, "row": rows.get(p.get("line") or 0)} for p in problems if p.get("file") == path]
    return {"titles": {f: titles.get(f, f) for f in texts if "/" not in f and f.endswith(".dmn")},
            "findings": found}
