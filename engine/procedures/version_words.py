"""A version's files and decision tables as its designer, reviewer and approver read them
on the version's page: each file by what it is («Sơ đồ quy trình», «Biểu mẫu bước «Thẩm
định»», «Bảng quyết định: Lệ phí»), its file name kept only as a technical detail; each
decision table read-only in words (`bpmn.table_words`: «từ 100 đến dưới 500», «Có»,
«80.000 đồng»)."""

from __future__ import annotations

from typing import Any

from bpmn.diff_tables import tables
from bpmn.package_names import package_names
from bpmn.table_words import table_in_words
from engine.core.actors import Actor
from engine.core.uow import UnitOfWork
from engine.procedures.versions import _visible


def version_words(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                  number: int) -> dict[str, Any]:
    """`{"files": {path: name in words}, "tables": [table in words, by file and name]}`."""
    version = _visible(uow, actor, agency_code, code, number)
    texts = dict(version.package or {})
    shown = sorted((table_in_words(t) for t in tables(texts).values()),
                   key=lambda t: (t["file"], t["name"].casefold()))
    return {"files": package_names(texts).files, "tables": shown}
