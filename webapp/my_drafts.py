"""«Hồ sơ của tôi» drafts: where «Tiếp tục soạn hồ sơ» goes, «Xóa bản nháp», and «Nộp lại
hồ sơ» after a refusal (a new draft of the same procedure and agency with the refused
dossier's answers)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from werkzeug.wrappers import Response

from engine import applicants
from forms.journey import journey_mode
from webapp.context import client_address, current_citizen, uow
from webapp.journey_steps import resume_link


def add_routes(bp: Blueprint) -> None:
    """The routes on the citizen's blueprint (`mine.delete_draft`, `mine.apply_again`)."""
    bp.add_url_rule("/ca-nhan/ban-nhap/<key>/xoa", "delete_draft", delete_draft,
                    methods=["POST"])
    bp.add_url_rule("/ca-nhan/ho-so/<code>/nop-lai", "apply_again", apply_again,
                    methods=["POST"])


def with_links(drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each of `applicants.drafts_to_resume` with `link`: the page where it goes on, in
    one click — a form in sections at its first step with something missing or wrong, else
    its check page (what the procedure page's «Tiếp tục hồ sơ đang soạn» opens); a form on
    one page, the procedure's page showing the draft. None when the procedure is no longer
    received at the draft's agency: the draft cannot be submitted. No query: the drafts
    come with their forms and problems."""
    linked = []
    for draft in drafts:
        form, link = draft["form"], None
        if form is not None and journey_mode(form["start_form"]["schema"],
                                             form["start_form"]["ui"]) == "sections":
            link = resume_link(form, draft["key"], draft["agency"], draft["problems"])
        elif form is not None:
            link = url_for("citizen.procedure", code=draft["procedure"],
                           agency=draft["agency"], nhap=draft["key"])
        linked.append({**draft, "link": link})
    return linked


def apply_again(code: str) -> Response:
    """«Nộp lại hồ sơ» after a refusal: a new draft of the same procedure and agency with
    the refused dossier's answers (not its files), opened where the citizen goes on."""
    actor = current_citizen()
    with uow() as work:
        page = applicants.my_dossier(work, actor=actor, code=code[:60])
    view = page["dossier"]
    if not view["refused"]:
        abort(409, description="Chỉ nộp lại được hồ sơ bị từ chối.")
    procedure, agency = view["procedure"], view["agency"]["code"]
    with uow() as work:
        made = applicants.save_draft(work, actor=actor, key=None, procedure_code=procedure,
                                     agency_code=agency, data=dict(view["data"] or {}),
                                     client=client_address())
    flash(f"Đã tạo hồ sơ mới từ thông tin đã khai trong hồ sơ {view['code']}. Hãy sửa theo lý "
          "do từ chối, đính kèm giấy tờ rồi nộp.", "success")
    return redirect(url_for("citizen.procedure", code=procedure, agency=agency,
                            nhap=made["key"]), 303)


def delete_draft(key: str) -> Response:
    """«Xóa bản nháp»: one of my drafts goes, with its uploaded files."""
    actor = current_citizen()
    with uow() as work:
        applicants.delete_draft(work, actor=actor, key=key[:60])
    flash("Đã xóa bản nháp.", "success")
    return redirect(url_for("mine.overview") + "#my-drafts", 303)
