"""The applicant's history of their dossier in plain sentences (issue: histories in words):
what happened to the dossier as they would say it — «Hồ sơ đã được tiếp nhận», «Bắt đầu
thẩm định hồ sơ, đề xuất» — never an event's code, a workflow word («Chuyển bước»), an
officer's internal document or note. A completed step and the next step's start written
together make one line, as do the desk's step completed and the reception it made.

Every event kind the engine records has a sentence here or is deliberately hidden
(`HIDDEN`); a test holds it so (tests/unit/test_citizen_history.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

# Event kind → the applicant's sentence, and whether the event's note is theirs to read
# (a refusal's reasons, a fee's amount, a supplement's request) or the officers' own.
WORDS: dict[str, tuple[str, bool]] = {
    "submitted": ("Hồ sơ đã được nộp", False),
    "received": ("Hồ sơ đã được tiếp nhận", False),
    "task_opened": ("Bắt đầu {step}", False),
    "task_completed": ("Hoàn tất {step}", False),
    "supplement_requested": ("Yêu cầu bổ sung, hoàn thiện hồ sơ", True),
    "supplemented": ("Hồ sơ đã được bổ sung", False),
    "extended": ("Cơ quan hẹn lại ngày trả kết quả", True),
    "consultation_requested": ("Cơ quan đang lấy ý kiến của đơn vị liên quan", False),
    "consultation_answered": ("Đơn vị liên quan đã cho ý kiến", False),
    "sent_back": ("Hồ sơ được chuyển lại để xem xét lại", False),
    "finished": ("Đã có kết quả giải quyết", False),
    "refused": ("Hồ sơ bị từ chối giải quyết", True),
    "returned": ("Đã trả kết quả", False),
    "stopped": ("Cơ quan dừng xử lý hồ sơ", True),
    "withdrawn": ("Hồ sơ đã được rút theo yêu cầu của người nộp", True),
    "payment_requested": ("Yêu cầu nộp phí, lệ phí", True),
    "paid": ("Đã nộp phí, lệ phí", True),
    "payment_request_cancelled": ("Cơ quan hủy yêu cầu nộp phí, lệ phí", True),  # the reason
    "fee_exempted": ("Được miễn phí, lệ phí", True),  # the note: the reason
    "refund_due": ("Cơ quan đã nhận tiền bạn nộp, sẽ hoàn trả lại cho bạn", True),
    "refunded": ("Cơ quan đã hoàn trả tiền cho bạn", True),
    "result_ready_at_desk": ("Kết quả đã sẵn sàng, mời đến nhận tại Bộ phận Một cửa", True),
    "claimed": ("Hồ sơ đã được thêm vào tài khoản của bạn", False),
    "postal_result_requested": ("Yêu cầu chuyển phát kết quả qua bưu điện", True),
    "postal_papers_requested": ("Yêu cầu bưu điện thu gom hồ sơ giấy", True),
    "postal_result_delivered": ("Bưu điện đã phát kết quả", True),
    "postal_result_returned": ("Bưu điện chuyển hoàn kết quả (không phát được)", True),
    "postal_result_cancelled": ("Hủy đơn chuyển phát kết quả (trả theo hình thức khác)", True),
    "postal_result_not_needed": ("Hủy đơn chuyển phát kết quả (hồ sơ không có kết quả để gửi)",
                                 True),
    "postal_papers_delivered": ("Bưu điện đã chuyển hồ sơ giấy tới cơ quan", True),
    "postal_papers_returned": ("Bưu điện không thu gom, chuyển được hồ sơ giấy", True),
}
# Officers' own bookkeeping and working papers: never shown to the applicant.
HIDDEN = frozenset({
    "task_claimed", "task_assigned", "task_released", "handed_over", "status_changed",
    "reminder_due_soon", "reminder_overdue", "timer_fired", "timer_failed",
    "step_document_attached",
})
# A step's start written this close to the line before is part of it (one transaction).
_TOGETHER_SECONDS = 60
_STEP_START = "task_opened"


def _step_words(name: str) -> str:
    """A step's name inside a sentence: «Thẩm định hồ sơ» as «thẩm định hồ sơ» (an
    abbreviation such as «UBND» kept as written)."""
    name = " ".join(name.split())
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _sentence(kind: str, step_name: str) -> str:
    words, _ = WORDS[kind]
    if "{step}" not in words:
        return words
    step = _step_words(step_name)
    if step:
        return words.format(step=step)
    return "Hồ sơ đang được xử lý" if kind == _STEP_START else "Hoàn tất một bước xử lý"


def _together(earlier: str, later: str) -> bool:
    try:
        gap = datetime.fromisoformat(later) - datetime.fromisoformat(earlier)
    except (TypeError, ValueError):
        return False
    return abs(gap.total_seconds()) <= _TOGETHER_SECONDS


_START_WORDS = re.compile(r"^Bắt đầu ")


def citizen_history(events: Iterable[dict[str, Any]],
                    note: Callable[[dict[str, Any]], str]) -> list[dict[str, Any]]:
    """The lines the applicant reads, oldest first: each `{"at", "label", "note",
    "step_name": ""}` (`note(event)`: a note as the applicant reads it, for the kinds
    whose note is theirs). A kind with no words here is left out, never shown by its code."""
    lines: list[dict[str, Any]] = []
    for event in events:
        kind = str(event.get("kind") or "")
        if kind in HIDDEN or kind not in WORDS:
            continue
        step_name = str(event.get("step_name") or "")
        if (kind == _STEP_START and step_name and lines
                and _together(lines[-1]["at"], str(event["at"]))):
            started = _START_WORDS.sub("", _sentence(kind, step_name))
            joiner = " và " if lines[-1].get("started") else "; chuyển sang "
            lines[-1]["label"] += joiner + started
            lines[-1]["started"] = True
            continue
        if (kind == "received" and lines and lines[-1]["kind"] == "task_completed"
                and _together(lines[-1]["at"], str(event["at"]))):
            lines[-1].update(kind=kind, label=_sentence(kind, step_name))  # the desk's step
            continue
        shown = note(event) if WORDS[kind][1] else ""
        lines.append({"kind": kind, "at": event["at"], "label": _sentence(kind, step_name),
                      "note": shown, "step_name": "", "started": kind == _STEP_START})
    return lines
