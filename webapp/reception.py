"""The desk's decision at a reception step, confirmed before it is sent.

Accepting a dossier («Tiếp nhận») starts its legal clock and sends the applicant the
receipt (form 01); refusing it («Từ chối tiếp nhận», form 03) or asking a supplement
(«Yêu cầu bổ sung», form 02) is told at once too. A post of any of the three at a
reception step without `xac_nhan=1` shows a confirmation page (`task_confirm.html`) that
says what will happen — «Hồ sơ sẽ được tiếp nhận, hẹn trả kết quả ngày …; người nộp nhận
Giấy tiếp nhận … qua tin nhắn SMS …» — and posts the same fields again with `xac_nhan=1`;
«Quay lại sửa» (`quay_lai=1`) brings the task page back with what was typed. No script is
needed; other steps complete as before. The facts come from
`engine.dossiers.reception_preview`.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from engine import dossiers
from engine.core import Status
from webapp.context import uow
from webapp.text import vn_datetime

CONFIRM = "xac_nhan"
BACK = "quay_lai"
_NOT_KEPT = {"csrf_token", CONFIRM, BACK}

# Decision → (heading, what happens to the dossier, the applicant's document, the button).
DECISIONS = {
    "accept": ("Xác nhận tiếp nhận hồ sơ",
               "Hồ sơ sẽ được tiếp nhận, hẹn trả kết quả ngày {due}. Thời hạn giải quyết "
               "bắt đầu tính từ lúc bạn xác nhận.",
               "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)", "Xác nhận tiếp nhận"),
    "refuse": ("Xác nhận từ chối tiếp nhận hồ sơ",
               "Hồ sơ sẽ không được tiếp nhận và kết thúc tại đây; thời hạn giải quyết "
               "không bắt đầu.",
               "Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)", "Xác nhận từ chối tiếp nhận"),
    "supplement": ("Xác nhận yêu cầu bổ sung hồ sơ",
                   "Hồ sơ chưa được tiếp nhận và chờ người nộp bổ sung, hoàn thiện; thời hạn "
                   "giải quyết chưa bắt đầu.",
                   "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)", "Xác nhận yêu cầu bổ sung"),
}
WHAT = {"refuse": "Lý do từ chối", "supplement": "Nội dung cần bổ sung, hoàn thiện"}
TYPED = {"refuse": "reasons", "supplement": "missing"}  # the task page's fields


def confirmed() -> bool:
    """The desk confirmed the summary (the confirmation page's button)."""
    return request.form.get(CONFIRM) == "1"


def going_back() -> bool:
    """«Quay lại sửa» on the confirmation page: the task page again, with what was typed."""
    return request.form.get(BACK) == "1"


def typed() -> dict[str, str]:
    """What was typed in the task page's own forms, kept when the desk goes back."""
    return {k: v for k, v in request.form.items() if k not in _NOT_KEPT} if going_back() else {}


def _where_told(preview: dict[str, Any]) -> str:
    places = []
    if preview["phone"]:
        places.append(f"tin nhắn SMS tới số {preview['phone']}")
    if preview["email"]:
        places.append(f"thư điện tử tới {preview['email']}")
    if preview["account"]:
        places.append("mục «Hồ sơ của tôi» trong tài khoản của người nộp")
    if not places:
        return ("; người nộp không để lại số điện thoại, thư điện tử hay tài khoản: hãy in "
                "và trao phiếu trực tiếp")
    return " qua " + (", ".join(places[:-1]) + " và " + places[-1] if len(places) > 1
                      else places[0])


def _day_then_time(iso: str) -> str:
    """"2026-12-14T17:00:00+07:00" → "14/12/2026, lúc 17:00" (what the receipt promises)."""
    clock, day = vn_datetime(iso).split(" ngày ")
    return f"{day}, lúc {clock}"


def _page(task_id: int, preview: dict[str, Any], decision: str, text: str) -> str:
    heading, happens, document, button = DECISIONS[decision]
    return render_template(
        "task_confirm.html", preview=preview, heading=heading, button=button,
        happens=happens.format(due=_day_then_time(preview["due_at"])),
        told=f"Người nộp nhận {document}{_where_told(preview)}.",
        what=WHAT.get(decision, ""), text=text, decision=decision,
        kept=[(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_KEPT],
        action=request.path, back=url_for("officer.task", task_id=task_id))


def step_confirmation(actor: Any, task_id: int, values: dict[str, Any]) -> str | None:
    """The confirmation page of a reception step's form (raises `FormInvalid` for a form
    completing would refuse), or None: confirmed, or not a reception step."""
    if confirmed():
        return None
    with uow() as work:
        preview = dossiers.reception_preview(work, actor=actor, task_id=task_id, data=values)
    if preview is None:
        return None
    decision = "accept" if preview["accepts"] else "refuse"
    return _page(task_id, preview, decision, str(values.get("ly_do_tu_choi") or ""))


def action_confirmation(actor: Any, task_id: int, decision: str) -> str | None:
    """The confirmation page of a refusal («reasons») or supplement request («missing», a
    line each) posted at a reception step, or None: confirmed, nothing typed (the service
    names what is missing), or not a reception step."""
    typed_lines = request.form.get(TYPED[decision], "").splitlines()
    text = "\n".join(line.strip() for line in typed_lines if line.strip())
    if confirmed() or not text:
        return None
    with uow() as work:
        preview = dossiers.reception_preview(work, actor=actor, task_id=task_id)
    return None if preview is None else _page(task_id, preview, decision, text)


def refused_message(result: dict[str, Any]) -> str:
    """What a step's refusal did: not received (form 03, handed over now) or not resolved
    (the agency's notice, handed back by the desk)."""
    if result["status"] == Status.NOT_RECEIVED:
        return (f"Đã từ chối tiếp nhận hồ sơ {result['code']}; in Phiếu từ chối tiếp nhận giải "
                "quyết hồ sơ (Mẫu 03) trao người nộp.")
    return "Đã từ chối giải quyết hồ sơ; Bộ phận Một cửa sẽ trả văn bản từ chối."
