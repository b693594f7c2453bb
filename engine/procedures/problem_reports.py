"""A validation report as the designer's pages show it (`bpmn.problem_words`): each problem
about a step, lane, flow or field by the name the builder shows, in words, with its codes kept
as a technical detail — read from the files the report was made of: the draft kept invalid,
or the version made."""

from __future__ import annotations

from typing import Any

from bpmn.problem_words import report_in_words
from engine.core.actors import Actor
from engine.core.uow import UnitOfWork
from engine.procedures.drafts import _draft
from engine.procedures.versions import _visible


def report_for_designer(uow: UnitOfWork, *, actor: Actor, report: dict[str, Any],
                        kept: dict[str, Any] | None = None,
                        version: dict[str, Any] | None = None) -> dict[str, Any]:
    """`report` in words, read against the kept draft's files (`kept`) or the version's
    (`version`: agency, code, number); against no file when neither could be stored."""
    texts: dict[str, str] = {}
    if kept is not None:
        texts = dict(_draft(uow, actor, int(kept["id"]), open_only=False).package or {})
    elif version is not None:
        texts = dict(_visible(uow, actor, str(version["agency"]), str(version["code"]),
                              int(version["number"])).package or {})
    return report_in_words(texts, report)
