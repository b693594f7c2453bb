"""The files of a version's package that the designer's editors open as they are: a form
with its UI schema (the visual form builder), the decision tables (the DMN editor)."""

from __future__ import annotations

from typing import Any

from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.core.uow import UnitOfWork
from engine.procedures.versions import _visible


def form_files(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str, number: int,
               form: str) -> dict[str, Any]:
    """A form's schema text and its UI schema's (None when the package has none)."""
    texts = dict(_visible(uow, actor, agency_code, code, number).package or {})
    path = f"forms/{form}"
    if not form.endswith(".schema.json") or path not in texts:
        raise NotFound(f"Gói không có biểu mẫu «{form}».")
    ui_path = path.removesuffix(".schema.json") + ".ui.json"
    return {"path": path, "schema": texts[path], "ui_path": ui_path, "ui": texts.get(ui_path)}


def decision_files(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                   number: int) -> dict[str, str]:
    """The package's decision tables (`.dmn` at its top) by file name."""
    texts = _visible(uow, actor, agency_code, code, number).package or {}
    return {path: text for path, text in sorted(texts.items())
            if "/" not in path and path.endswith(".dmn")}
