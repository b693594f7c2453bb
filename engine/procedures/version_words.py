"""A version's files and decision tables as its designer, reviewer and approver read them
on the version's page: each file by what it is («Sơ đồ quy trình», «Biểu mẫu bước «Thẩm
định»», «Bảng quyết định: Lệ phí»), its file name kept only as a technical detail; each
decision table read-only in words (`bpmn.table_words`: «từ 100 đến dưới 500», «Có»,
«80.000 đồng»)."""

from __future__ import annotations

import json
from typing import Any

from bpmn.compiled import CompiledProcedure
from bpmn.diff_tables import tables
from bpmn.table_words import table_in_words
from engine.core.actors import Actor
from engine.core.uow import UnitOfWork
from engine.procedures.cache import loaded_version
from engine.procedures.versions import _visible


def version_words(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                  number: int) -> dict[str, Any]:
    """`{"files": {path: name in words}, "tables": [table in words, by file and name]}`."""
    version = _visible(uow, actor, agency_code, code, number)
    texts = dict(version.package or {})
    compiled = loaded_version(uow, version.id).compiled
    shown = sorted((table_in_words(t) for t in tables(texts).values()),
                   key=lambda t: (t["file"], t["name"].casefold()))
    return {"files": file_names(texts, compiled), "tables": shown}


def file_names(texts: dict[str, str], compiled: CompiledProcedure) -> dict[str, str]:
    """Each file of the package by what it is, in words."""
    steps: dict[str, list[str]] = {}
    for task in compiled.tasks.values():
        steps.setdefault(f"forms/{task.form}", []).append(task.name)
    start = f"forms/{compiled.manifest.get('start_form')}.schema.json"
    decisions: dict[str, str] = {}
    for table in tables(texts).values():
        decisions.setdefault(table.file, table.name or table.decision)
    return {path: _name(path, texts, steps, start, decisions) for path in texts}


def _name(path: str, texts: dict[str, str], steps: dict[str, list[str]], start: str,
          decisions: dict[str, str]) -> str:
    if path == "procedure.json":
        return "Thông tin thủ tục"
    if path.endswith(".bpmn"):
        return "Sơ đồ quy trình" if path == "process.bpmn" else f"Sơ đồ «{path.removesuffix('.bpmn')}»"
    if path.endswith(".dmn"):
        return f"Bảng quyết định: {decisions.get(path, path.removesuffix('.dmn'))}"
    if path.startswith("forms/") and path.endswith(".ui.json"):
        form = _form_name(path.removesuffix(".ui.json") + ".schema.json", texts, steps, start)
        return f"Cách trình bày của {form[0].lower()}{form[1:]}"
    if path.startswith("forms/"):
        return _form_name(path, texts, steps, start)
    if path.startswith("tests/"):
        found = _title(texts.get(path, ""), "name")
        return f"Ca kiểm thử «{found}»" if found else "Ca kiểm thử"
    return path


def _form_name(path: str, texts: dict[str, str], steps: dict[str, list[str]], start: str) -> str:
    if path == start:
        return "Đơn nộp hồ sơ"
    if path in steps:
        named = [f"«{name}»" for name in steps[path]]
        if len(named) == 1:
            return f"Biểu mẫu bước {named[0]}"
        return f"Biểu mẫu các bước {', '.join(named[:-1])} và {named[-1]}"
    found = _title(texts.get(path, ""), "title")
    return f"Biểu mẫu «{found}»" if found else "Biểu mẫu"


def _title(text: str, key: str) -> str:
    try:
        found = json.loads(text)
    except json.JSONDecodeError:
        return ""
    return str(found.get(key) or "").strip() if isinstance(found, dict) else ""
