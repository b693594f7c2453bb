"""The files of a version's package that the designer's editors open as they are: a form
with its UI schema (the visual form builder), the decision tables (the DMN editor)."""

from __future__ import annotations

import json
from typing import Any

from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.core.uow import UnitOfWork
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
