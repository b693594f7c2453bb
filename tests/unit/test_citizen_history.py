"""The applicant's history in words (webapp.citizen_history): every event kind the engine
can record has a sentence for the applicant or is deliberately hidden — none falls back to
its code («step_document_attached») — and the history reads as plain sentences, a step's
end and the next one's start on one line, no officer's working document."""

from __future__ import annotations

import ast
from pathlib import Path

from engine.dossiers import STEP_DOCUMENT
from engine.records.audit_search import EVENT_LABELS
from webapp.citizen_history import HIDDEN, WORDS, citizen_history

ENGINE = Path(__file__).resolve().parents[2] / "engine"
# Kinds the engine computes rather than writes out, by where they come from.
_COMPUTED = {
    "REQUESTED[kind]": {"postal_result_requested", "postal_papers_requested"},
    "EVENTS[order.kind, status]": {"postal_result_delivered", "postal_result_returned",
                                   "postal_papers_delivered", "postal_papers_returned"},
    "STEP_DOCUMENT": {STEP_DOCUMENT},
    "EXEMPTED": {"fee_exempted"},  # engine.dossiers.fee_exemption
    "CANCELLED": {"payment_request_cancelled"},  # engine.dossiers.payment_request
    "READY": {"result_ready_at_desk"},  # engine.dossiers.ready_at_desk
    "f'reminder_{timer.kind}'": {"reminder_due_soon", "reminder_overdue"},
    "kind": set(),  # `record` itself writes the kind its callers give (read at each call)
}


def _kind_of(node: ast.expr, where: str) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    source = ast.unparse(node)
    assert source in _COMPUTED, f"{where}: an event kind this test cannot read: {source}"
    return _COMPUTED[source]


def recorded_kinds() -> set[str]:
    """Every event kind written by `record(uow, dossier, kind, …)` or `uow.add_event({…})`
    anywhere in the engine."""
    kinds: set[str] = set()
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            where = f"{path.relative_to(ENGINE)}:{node.lineno}"
            if name == "record" and len(node.args) >= 3:
                kinds |= _kind_of(node.args[2], where)
            elif name == "add_event" and node.args and isinstance(node.args[0], ast.Dict):
                for key, value in zip(node.args[0].keys, node.args[0].values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "kind":
                        kinds |= _kind_of(value, where)
    return kinds


def test_every_event_kind_has_words_for_the_applicant_or_is_hidden_from_them() -> None:
    kinds = recorded_kinds()
    assert {"submitted", "task_opened", STEP_DOCUMENT, "stopped", "claimed"} <= kinds
    missing = sorted(k for k in kinds if k not in WORDS and k not in HIDDEN)
    assert missing == [], f"no words for the applicant: {missing}"
    assert not set(WORDS) & HIDDEN


def test_every_event_kind_has_a_label_for_officers_and_the_audit_trail() -> None:
    missing = sorted(k for k in recorded_kinds() if k not in EVENT_LABELS)
    assert missing == [], f"no label for officers: {missing}"


def _event(kind: str, at: str, step_name: str = "", note: str = "") -> dict[str, object]:
    return {"kind": kind, "at": f"2026-11-30T{at}+07:00", "step_name": step_name,
            "note": note, "step": "Activity_16zk4gr" if step_name else None}


def test_the_history_reads_as_sentences_with_a_step_end_and_the_next_start_on_one_line() -> None:
    events = [
        _event("submitted", "08:00:00"),
        _event("task_opened", "08:00:00", "Tiếp nhận hồ sơ"),
        _event("task_claimed", "08:10:00", "Tiếp nhận hồ sơ"),
        _event("task_completed", "08:20:00", "Tiếp nhận hồ sơ"),
        _event("received", "08:20:00"),
        _event("status_changed", "08:20:00", note="2 → 4"),
        _event("task_opened", "08:20:01", "Thẩm định hồ sơ, đề xuất"),
        _event(STEP_DOCUMENT, "09:00:00", "Thẩm định hồ sơ, đề xuất", "giayphep.pdf"),
        _event("task_completed", "09:30:00", "Thẩm định hồ sơ, đề xuất"),
        _event("task_opened", "09:30:00", "Xem xét, ký duyệt"),
        _event("finished", "10:00:00", note="granted"),
        _event("refused", "10:05:00", note="Thiếu bản vẽ"),
    ]
    lines = [(line["label"], line["note"]) for line in citizen_history(events, lambda e: str(
        e["note"]))]
    assert lines == [
        ("Hồ sơ đã được nộp; chuyển sang tiếp nhận hồ sơ", ""),
        ("Hồ sơ đã được tiếp nhận; chuyển sang thẩm định hồ sơ, đề xuất", ""),
        ("Hoàn tất thẩm định hồ sơ, đề xuất; chuyển sang xem xét, ký duyệt", ""),
        ("Đã có kết quả giải quyết", ""),
        ("Hồ sơ bị từ chối giải quyết", "Thiếu bản vẽ"),
    ]
    shown = repr(citizen_history(events, lambda e: str(e["note"])))
    for internal in ("giayphep.pdf", STEP_DOCUMENT, "Activity_16zk4gr", "granted", "2 → 4"):
        assert internal not in shown


def test_an_unknown_kind_is_left_out_rather_than_shown_by_its_code() -> None:
    assert citizen_history([_event("something_new", "08:00:00")], lambda e: "") == []
