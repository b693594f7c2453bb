"""Shared handling of generated forms on HTML pages: parse a post, re-display with errors."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import current_app, request
from markupsafe import Markup

from engine.dossiers import SubmissionLimits
from forms import (
    FieldError,
    FormSubmission,
    PaperSlot,
    parse_submission,
    render_form,
    render_summary,
)
from forms.limits import MAX_DATA_BYTES
from forms.render import PAPERS_LEGEND

PAPERS_REQUEST_LIMIT = 32 * 1024 * 1024
# A JSON submission carries the form's data only (at most MAX_DATA_BYTES, written with
# escapes perhaps): anything much larger is refused (413) before it is read.
SUBMIT_REQUEST_LIMIT = 2 * MAX_DATA_BYTES


def submission_limits() -> SubmissionLimits:
    """Online submissions allowed per 10 minutes: `SUBMISSIONS_ANONYMOUS` (per client
    address), `SUBMISSIONS_CITIZEN` (per account) and `DRAFTS_ANONYMOUS` (new drafts per
    client address) from the app's configuration, else the engine's defaults."""
    defaults = SubmissionLimits()
    config = current_app.config
    return SubmissionLimits(
        anonymous=int(config.get("SUBMISSIONS_ANONYMOUS", defaults.anonymous)),
        citizen=int(config.get("SUBMISSIONS_CITIZEN", defaults.citizen)),
        window=defaults.window,
        anonymous_drafts=int(config.get("DRAFTS_ANONYMOUS", defaults.anonymous_drafts)))


def allow_paper_uploads() -> None:
    """A page whose form posts several papers' files at once may receive more than the
    application's usual request limit (each file keeps its own limit)."""
    request.max_content_length = PAPERS_REQUEST_LIMIT


def posted_files(prefix: str, read_limit: int) -> list[tuple[str, str, bytes]]:
    """The files posted under `prefix<slot>` as (slot, file name, content), each read up to
    `read_limit` bytes: enough to refuse an oversized file without reading all of it."""
    found = []
    for name, upload in request.files.items(multi=True):
        if not name.startswith(prefix) or not upload.filename:
            continue
        try:
            content = upload.stream.read(read_limit)
        finally:
            upload.close()
        found.append((name.removeprefix(prefix), upload.filename[:500], content))
    return found


def parse_posted(schema: dict[str, Any]) -> FormSubmission:
    """The posted fields of the current request as typed data."""
    return parse_submission(schema, request.form.items(multi=True))


def field_errors(details: object) -> list[FieldError]:
    """`FormInvalid.details` back into field errors for rendering."""
    if not isinstance(details, list):
        return []
    return [FieldError(str(d.get("field", "")), str(d.get("message", "")))
            for d in details if isinstance(d, dict)]


def form_html(
    schema: dict[str, Any],
    ui: dict[str, Any] | None,
    values: dict[str, Any] | None = None,
    errors: list[FieldError] | None = None,
    papers: list[PaperSlot] | None = None,
    only: Collection[str] | None = None,
    *,
    summary: bool = True,
    legend: tuple[str, str] = ("papers", PAPERS_LEGEND),
    named: list[PaperSlot] | None = None,
) -> Markup:
    """Rendered fields (and papers to attach), safe to place in a template (the renderer
    escapes every value); with `only`, just those top-level fields (one page of a form);
    `summary`, `legend` and `named` as `forms.render.render_form` says."""
    return Markup(render_form(schema, ui, values, errors or [], papers or [], only,  # noqa: S704
                              summary=summary, legend=legend, named=named or []))


def summary_html(schema: dict[str, Any], ui: dict[str, Any] | None, data: dict[str, Any]) -> Markup:
    """Read-only rendering of submitted data (escaped by the renderer)."""
    return Markup(render_summary(schema, ui, data))  # noqa: S704
