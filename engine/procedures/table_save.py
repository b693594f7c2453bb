"""Saving from the web decision table editor (`/quan-tri/…/bang-quyet-dinh`): the tables are
read as designers type them (`bpmn.dmn_typed`: «80.000» đồng is 80000, «Có»/«Không»), then
checked and tested like any save. A save the checks refuse makes no draft: the editor still
holds what was typed and shows why (saving from the other editors keeps a refused package as
an invalid draft, `drafts.import_keeping`)."""

from __future__ import annotations

from typing import Any

from bpmn.dmn_typed import spoken_yes_no, typed_amounts
from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.core.permissions import may_see_versions
from engine.core.uow import UnitOfWork
from engine.procedures.catalogue import import_and_read
from engine.procedures.design_files import table_findings
from engine.procedures.drafts import apply_changes, save_draft, zip_of
from engine.procedures.versions import find_version


def table_for_editor(xml: str) -> str:
    """A table as the web editor opens it: a yes/no column's cells «Có»/«Không» (read back as
    True/False by `typed_tables` when saved)."""
    return spoken_yes_no(xml)


def typed_tables(changes: dict[str, str]) -> dict[str, str]:
    """The edited files with each decision table's amounts and yes/no cells as the
    evaluator reads them; other files as they are."""
    return {path: typed_amounts(text) if path.endswith(".dmn") else text
            for path, text in changes.items()}


def save_tables(
    uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str, number: int,
    changes: dict[str, str],
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Version `number`'s package with the edited tables as a new draft version. Returns
    the report and the new (or identical, `unchanged`) version; None when refused, nothing
    kept."""
    version = find_version(uow, agency_code=agency_code, code=code, number=number)
    if not may_see_versions(actor, version.procedure.agency_id):
        raise NotFound(f"Không có phiên bản {number} của thủ tục {code}.")
    texts = apply_changes(dict(version.package or {}), typed_tables(changes))
    report, created, _ = import_and_read(uow, actor=actor, agency_code=agency_code,
                                         zip_bytes=zip_of(texts),
                                         filename=f"{code}-v{number}-bang.zip", any_version=True)
    return _with_rows(report.as_dict(), texts, changes), created


def _with_rows(report: dict[str, Any], texts: dict[str, str], changes: dict[str, str]) -> dict[str, Any]:
    """The report with each problem of an edited table numbered by the row the editor shows
    (`row`), so the editor marks the rows of a refused save."""
    problems: list[dict[str, Any]] = report.get("problems") or []
    for path in (p for p in changes if p.endswith(".dmn")):
        found = iter(table_findings(texts, problems, path)["findings"])
        problems = [next(found) if p.get("file") == path else p for p in problems]
    return {**report, "problems": problems}


def save_kept_tables(
    uow: UnitOfWork, *, actor: Actor, draft_id: int, changes: dict[str, str],
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """A kept draft's edited tables, read the same way, re-checked in place
    (`drafts.save_draft`)."""
    return save_draft(uow, actor=actor, draft_id=draft_id, changes=typed_tables(changes))
