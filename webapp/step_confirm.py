"""Every step's completion confirmed before it is sent.

A reception step confirms its decision with or without a script (`webapp/reception.py`).
Any other step (an appraisal's proposal, the leader's decision) is as irreversible: on the
task page the script (`static/reception.js`) posts the step's form with `xem_truoc=1`
first, and this module answers with the same confirmation page (`task_confirm.html`)
saying the choices made in words (a choice by its title, «Đồng ý cấp giấy phép xây
dựng») and where the dossier goes next, which the script shows in a dialog. Without the
script nothing asks for the preview and the form completes the step as it always did.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from engine import dossiers
from forms.render import describe_data
from webapp import reception
from webapp.context import uow

PREVIEW = "xem_truoc"
_NOT_KEPT = {"csrf_token", PREVIEW, reception.CONFIRM, reception.BACK}


def _where_next(preview: dict[str, Any]) -> str:
    """Where the dossier goes, as the process says (empty when it cannot tell)."""
    if preview["end"]:
        return f"Hồ sơ kết thúc tại bước này: «{preview['end']}»."
    if preview["next"]:
        steps = ", ".join(f"«{name}»" for name in preview["next"])
        return f"Hồ sơ chuyển sang bước {steps}."
    return ""


def confirmation(actor: Any, task_id: int, values: dict[str, Any],
                 view: dict[str, Any]) -> str | None:
    """The confirmation page of a step's form (raises `FormInvalid` for a form completing
    would refuse), or None: confirmed, or posted without asking for the preview."""
    if (asked := reception.step_confirmation(actor, task_id, values)) is not None:
        return asked
    if reception.confirmed() or request.form.get(PREVIEW) != "1":
        return None
    with uow() as work:
        preview = dossiers.step_preview(work, actor=actor, task_id=task_id, data=values)
    form = view["form"]
    chosen = describe_data(form["schema"], form["ui"], values)
    return render_template(
        "task_confirm.html", preview=preview, heading=f"Xác nhận hoàn thành «{preview['task_name']}»",
        button="Xác nhận hoàn thành bước", chosen=chosen, happens=_where_next(preview),
        told="", what="", text="", decision="step",
        kept=[(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_KEPT],
        action=request.path, back=url_for("officer.task", task_id=task_id))
