"""«Hồ sơ của tôi» drafts: «Xóa bản nháp», and «Nộp lại hồ sơ» after a refusal (a new
draft of the same procedure and agency with the refused dossier's answers)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from werkzeug.wrappers import Response

from engine import applicants
from webapp.context import client_address, current_citizen, uow


def add_routes(bp: Blueprint) -> None:
    """The routes on the citizen's blueprint (`mine.delete_draft`, `mine.apply_again`)."""
    bp.add_url_rule("/ca-nhan/ban-nhap/<key>/xoa", "delete_draft", delete_draft,
                    methods=["POST"])
    bp.add_url_rule("/ca-nhan/ho-so/<code>/nop-lai", "apply_again", apply_again,
                    methods=["POST"])




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
