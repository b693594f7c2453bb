"""A draft's form link (`?nhap=<key>` on the procedure's page, a step or the check page),
bookmarked or left open in a tab, once its procedure is no longer received at the draft's
agency: instead of a bare 404, a page (410) that says the draft cannot be submitted in this
version, leads back to «Hồ sơ của tôi» where it can be deleted, and offers the procedure
where it is received now (`templates/draft_stale.html`). Another person's draft, or one
gone, stays a plain 404 saying nothing of it (`applicants.stale_draft`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import render_template, request

from engine import applicants
from engine.core import NotFound
from webapp.context import current_actor, uow

View = Callable[..., Any]


def answers_stale_drafts(view: View) -> View:
    """`view` (of a procedure `code`), its `NotFound` for a draft link answered as above."""

    @wraps(view)
    def guarded(code: str, **kwargs: Any) -> Any:
        try:
            return view(code, **kwargs)
        except NotFound:
            key = (request.values.get("nhap") or "").strip()[:60]
            if not key:
                raise
            with uow() as work:  # NotFound of its own for a draft that is not the caller's
                standing = applicants.stale_draft(work, actor=current_actor(), key=key,
                                                  procedure_code=code)
            if standing is None:  # still received: the refusal was about something else
                raise
            return render_template("draft_stale.html", **standing), 410

    return guarded
