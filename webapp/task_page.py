"""The officer's step page (`task.html`) drawn for `webapp.officer`'s routes, and its
supplement request (form 02) refused with what was typed kept beside the field."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from engine import applicants, dossiers
from engine.core import may_stop_processing
from forms.formats import CLOCK_HINT, DAY_HINT
from webapp import reception
from webapp.context import uow
from webapp.formpage import form_html, summary_html
from webapp.text import vn_datetime


def task_page(actor: Any, view: dict[str, Any], fee: Any, form: Any,
              extension: dict[str, str] | None = None,
              delivery: dict[str, Any] | None = None,
              supplement_error: str = "") -> str:
    """The task page; `extension` is what was typed in the extension form and why it was
    refused, `supplement_error` why the supplement request was (the posted form is kept
    in both cases, so the officer corrects it rather than types it again)."""
    with uow() as work:
        latest = dossiers.latest_extension(work, actor=actor, code=view["dossier"])
    typed = reception.typed()
    if supplement_error:
        typed = {k: request.form.get(k, "")[:4000] for k in ("missing", "note")}
    return render_template(
        "task.html", task=view, actor=actor, fee=fee, form=form, delivery=delivery,
        typed=typed, supplement_error=supplement_error,
        may_stop=any(may_stop_processing(actor, agency) for agency in actor.agencies()),
        dossier_data=summary_html(view["start_form"], view["start_ui"], view["dossier_data"]),
        latest_extension=vn_datetime(latest), extension=extension or {},
        day_hint=DAY_HINT, clock_hint=CLOCK_HINT,
    )


def supplement_refused(actor: Any, task_id: int, error: str) -> tuple[str, int]:
    """The task page again after a refused supplement request: its section open, the
    reason beside the list of papers (focused), what was typed kept."""
    with uow() as work:
        view = dossiers.get_task(work, actor=actor, task_id=task_id)
        fee = applicants.fee_standing(work, actor=actor, code=view["dossier"])
    form = form_html(view["form"]["schema"], view["form"]["ui"], {}, [])
    return task_page(actor, view, fee, form, supplement_error=error), 422
