"""Telling the applicant what happened to their dossier: each notable event is written,
in the transaction that made it, as an in-system notice (their notices page) and as
e-mail and SMS messages in the outbox (delivered by the worker). An applicant without an
account (a paper dossier received at the desk or by post) is told by the phone and e-mail
the desk wrote on the dossier: the same e-mail and SMS, no in-system copy.

The unit of work calls `write` at commit for the events it is about to insert (a commit
hook wired by `engine.wiring`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, insert, select

from engine.core.clock import VN_TZ
from engine.core.models import (
    Account,
    Attachment,
    Dossier,
    Event,
    Notification,
    Procedure,
    ProcedureVersion,
)
from engine.core.statuses import STATUS_LABELS, Status
from engine.records.mail_words import SIGNATURE, mail_subject

_NOTIFICATIONS = cast(Table, Notification.__table__)
# The account's address first, else the contact the desk wrote on the dossier.
# Each dossier's procedure is named beside its code in the notices' bodies.
_OWNERS = (select(Dossier.id, Dossier.code, Account.id.label("account_id"),
                  func.coalesce(func.nullif(Account.email, ""), Dossier.contact_email).label("email"),
                  func.coalesce(func.nullif(Account.phone, ""), Dossier.contact_phone).label("phone"),
                  Procedure.name.label("procedure"))
           .outerjoin(Account, Dossier.owner_id == Account.id)
           .join(ProcedureVersion, Dossier.version_id == ProcedureVersion.id)
           .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
           .where(Dossier.id.in_(bindparam("b_ids", expanding=True))))
# An ending told with its reason: the status change it causes is not told a second time.
ENDINGS = frozenset({"refused", "stopped", "withdrawn"})
# A hand-back (status 10) already told: a refusal (an ending told with its reason), or a
# result the carrier reported delivered (`postal_result_delivered`, told in its place).
TOLD_HAND_BACK = ENDINGS | {"postal_result_delivered"}
_TOLD_RESULT = (select(Event.dossier_id).distinct()
                .where(Event.dossier_id.in_(bindparam("b_ids", expanding=True)),
                       Event.kind.in_(TOLD_HAND_BACK)))
# Dossiers handed back with an electronic result (its current file, paper «Kết quả giải
# quyết»: `engine.applicants.RESULT_PAPER`): «tải về», not «nhận».
_WITH_RESULT_FILE = (select(Attachment.dossier_id).distinct()
                     .where(Attachment.dossier_id.in_(bindparam("b_ids", expanding=True)),
                            Attachment.paper == "Kết quả giải quyết",
                            Attachment.replaced_at.is_(None)))
# Told to the applicant only when someone else did it (the desk for them), never to the
# applicant who did it themselves.
NOT_TOLD_TO_ITS_ACTOR = frozenset({"postal_result_requested", "postal_papers_requested"})

# The fee notice's subject: the notices page offers the payment beside it (`is_fee_notice`).
PAYMENT_SUBJECT = "Hồ sơ {code} chờ nộp phí, lệ phí"
# Event kind → (subject, body); status_changed events are told only for these statuses.
TEXTS = {
    "received": ("Hồ sơ {code} đã được tiếp nhận",
                 "Hồ sơ {code} đã được tiếp nhận. Ngày hẹn trả kết quả: {due}."),
    "supplement_requested": ("Hồ sơ {code} cần bổ sung",
                             "Cơ quan giải quyết yêu cầu bổ sung hồ sơ {code}. Vui lòng đăng "
                             "nhập, xem nội dung cần bổ sung và gửi bổ sung."),
    "payment_requested": (PAYMENT_SUBJECT,
                          "Hồ sơ {code} đang chờ bạn nộp phí, lệ phí. Vui lòng đăng nhập để "
                          "thanh toán trực tuyến hoặc nộp tại Bộ phận Một cửa."),
    "result_ready_at_desk": ("Mời nhận kết quả hồ sơ {code}",
                             "Kết quả giải quyết hồ sơ {code} đã sẵn sàng, mời ông/bà đến nhận tại "
                             "Bộ phận Một cửa ({note}). Khi đến, mang theo giấy tiếp nhận hồ sơ và "
                             "hẹn trả kết quả (hoặc mã hồ sơ) và giấy tờ tùy thân."),
    "payment_request_cancelled": ("Hồ sơ {code}: yêu cầu nộp phí, lệ phí đã được hủy",
                                  "Cơ quan giải quyết đã hủy yêu cầu nộp phí, lệ phí của hồ sơ "
                                  "{code}. Lý do: {note}. Bạn không nộp theo yêu cầu này; nếu "
                                  "phải nộp phí, lệ phí, bạn sẽ nhận được yêu cầu mới. Hồ sơ "
                                  "tiếp tục được giải quyết."),
    "fee_exempted": ("Hồ sơ {code} được miễn phí, lệ phí",
                     "Hồ sơ {code} được miễn phí, lệ phí. Lý do: {note}"),
    # Money the gateway took that no fee is owed for (`engine.applicants.refunds`).
    "refund_due": ("Hồ sơ {code}: khoản tiền bạn đã nộp sẽ được hoàn trả",
                   "Cơ quan giải quyết hồ sơ {code} đã nhận khoản tiền bạn nộp ({note}). Bạn "
                   "không phải nộp khoản này; cơ quan sẽ hoàn trả lại cho bạn và báo khi đã "
                   "hoàn trả."),
    "refunded": ("Hồ sơ {code}: đã hoàn trả tiền cho bạn",
                 "Cơ quan giải quyết hồ sơ {code} đã hoàn trả tiền cho bạn: {note}"),
    "extended": ("Hồ sơ {code} được hẹn lại ngày trả kết quả",
                 "Cơ quan giải quyết xin lỗi vì hồ sơ {code} chậm so với hẹn; ngày hẹn mới: "
                 "{due}."),
    # Refused after reception (appraisal, a leader): not resolved. Refused at reception
    # (form 03): REFUSED_AT_RECEPTION.
    "refused": ("Hồ sơ {code} không được giải quyết",
                "Hồ sơ {code} bị từ chối giải quyết. Lý do: {note}"),
    "withdrawn": ("Hồ sơ {code} đã được rút", "Bạn đã rút hồ sơ {code}."),
    "stopped": ("Hồ sơ {code} đã dừng xử lý",
                "Cơ quan giải quyết đã dừng xử lý hồ sơ {code}. Lý do: {note}"),
    # A postal order the desk placed for the applicant (not told to an applicant who
    # placed it: NOT_TOLD_TO_ITS_ACTOR), then the carrier's final reports on it
    # (`engine.dossiers.postal`).
    "postal_result_requested": ("Kết quả hồ sơ {code} sẽ được chuyển phát qua bưu điện",
                                "Bộ phận Một cửa đã yêu cầu bưu điện chuyển phát kết quả của hồ "
                                "sơ {code} ({note}). Bưu điện sẽ liên hệ theo số điện thoại ghi "
                                "trong đơn."),
    "postal_papers_requested": ("Bưu điện sẽ thu gom hồ sơ giấy của hồ sơ {code}",
                                "Bộ phận Một cửa đã yêu cầu bưu điện thu gom hồ sơ giấy của hồ sơ "
                                "{code} ({note}). Bưu điện sẽ liên hệ theo số điện thoại ghi trong "
                                "đơn."),
    "postal_result_delivered": ("Bưu điện đã phát kết quả hồ sơ {code}",
                                "Bưu điện đã phát kết quả của hồ sơ {code} tới địa chỉ bạn yêu "
                                "cầu ({note})."),
    "postal_result_returned": ("Bưu điện không phát được kết quả hồ sơ {code}",
                               "Bưu điện không phát được kết quả của hồ sơ {code} và đã chuyển "
                               "hoàn về cơ quan ({note}). Vui lòng liên hệ Bộ phận Một cửa để "
                               "nhận kết quả."),
    "postal_result_cancelled": ("Đơn chuyển phát kết quả hồ sơ {code} đã hủy",
                                "Bộ phận Một cửa trả kết quả của hồ sơ {code} theo hình thức "
                                "khác nên đơn chuyển phát qua bưu điện đã hủy ({note})."),
    "postal_papers_returned": ("Bưu điện không thu gom được hồ sơ {code}",
                               "Bưu điện không thu gom hoặc không chuyển được hồ sơ giấy của hồ "
                               "sơ {code} tới cơ quan ({note}). Vui lòng liên hệ Bộ phận Một cửa."),
}
# The desk refused to receive the dossier (status 3, «Phiếu từ chối tiếp nhận giải quyết hồ
# sơ», form 03): the `refused` event is recorded after that status change and carries it.
REFUSED_AT_RECEPTION = ("Hồ sơ {code} không được tiếp nhận",
                        "Hồ sơ {code} không được tiếp nhận. Lý do: {note}")
# The in-system copy is read logged in: it says where on the site, not «đăng nhập».
WEB_TEXTS = {
    "supplement_requested": ("Hồ sơ {code} cần bổ sung",
                             "Cơ quan giải quyết yêu cầu bổ sung hồ sơ {code}. Xem nội dung cần "
                             "bổ sung và gửi bổ sung trên trang hồ sơ («Bổ sung hồ sơ»)."),
    "payment_requested": (PAYMENT_SUBJECT,
                          "Hồ sơ {code} đang chờ bạn nộp phí, lệ phí. Thanh toán trực tuyến "
                          "trên trang hồ sơ («Thanh toán trực tuyến») hoặc nộp tại Bộ phận Một "
                          "cửa; hồ sơ được xử lý tiếp khi đã nộp phí."),
}
# Without an account there is nowhere to log in: what to do instead.
PAPER_TEXTS = {
    "supplement_requested": ("Hồ sơ {code} cần bổ sung",
                             "Cơ quan giải quyết yêu cầu bổ sung hồ sơ {code}. Vui lòng mang "
                             "giấy tờ bổ sung đến Bộ phận Một cửa hoặc gửi qua bưu chính."),
    "payment_requested": ("Hồ sơ {code} chờ nộp phí, lệ phí",
                          "Hồ sơ {code} đang chờ bạn nộp phí, lệ phí tại Bộ phận Một cửa."),
}
STATUS_TEXTS: dict[int, tuple[str, str]] = {
    Status.NOT_RECEIVED: ("Hồ sơ {code} không được tiếp nhận",
                          "Hồ sơ {code} không được tiếp nhận; xem lý do trong mục Hồ sơ của tôi."),
    # Decided, not yet handed back (the pages' «Chờ trả kết quả»): a fee may still be asked,
    # the desk has not chosen how to hand it back; the hand-back (10) is told when it happens.
    Status.DONE: ("Hồ sơ {code} đã giải quyết xong, chờ trả kết quả",
                  "Cơ quan đã giải quyết xong hồ sơ {code}; Bộ phận Một cửa chưa trả kết quả. "
                  "Bạn sẽ được báo khi cần nộp phí, lệ phí (nếu có) và khi kết quả sẵn sàng."),
    Status.RETURNED: ("Hồ sơ {code} đã trả kết quả",
                      "Bộ phận Một cửa đã trả kết quả hồ sơ {code} (bản giấy). Cảm ơn bạn; mời "
                      "bạn đánh giá mức độ hài lòng."),
}
# Handed back with its electronic file: the result is ready to download.
RESULT_READY = ("Kết quả hồ sơ {code} đã sẵn sàng",
                "Kết quả giải quyết hồ sơ {code} đã sẵn sàng: tải về trên trang hồ sơ (mục «Kết "
                "quả giải quyết»); bản điện tử cũng được lưu vào kho dữ liệu cá nhân của bạn. Mời "
                "bạn đánh giá mức độ hài lòng.")
RESULT_READY_PAPER = ("Kết quả hồ sơ {code} đã sẵn sàng",
                      "Kết quả giải quyết hồ sơ {code} (bản điện tử) đã sẵn sàng: thêm hồ sơ vào "
                      "tài khoản (mục «Thêm hồ sơ đã nộp» trong «Hồ sơ của tôi») để tải về, hoặc "
                      "nhận tại Bộ phận Một cửa.")


def is_result_notice(subject: str, code: str) -> bool:
    """The notice tells the dossier `code`'s result (decided, handed back, ready, not
    received): the notices page links it to the rating form."""
    said = (STATUS_TEXTS[Status.DONE], STATUS_TEXTS[Status.RETURNED],
            STATUS_TEXTS[Status.NOT_RECEIVED], RESULT_READY)
    return subject in {title.format(code=code) for title, _ in said}


def is_fee_notice(subject: str, code: str) -> bool:
    """The notice asks for the dossier `code`'s fee (the notices page offers the payment)."""
    return subject == PAYMENT_SUBJECT.format(code=code)


def _text(event: dict[str, Any], *, account: bool = True,
          electronic: bool = False) -> tuple[str, str] | None:
    if event["kind"] == "status_changed":
        if electronic and int(event["status"]) == Status.RETURNED:
            return RESULT_READY if account else RESULT_READY_PAPER
        return STATUS_TEXTS.get(int(event["status"]))
    if event["kind"] == "refused" and int(event["status"]) == Status.NOT_RECEIVED:
        return REFUSED_AT_RECEPTION
    kind = event["kind"]
    return (WEB_TEXTS if account else PAPER_TEXTS).get(kind) or TEXTS.get(kind)


def notable(events: Sequence[dict[str, Any]]) -> bool:
    """True when some of `events` are worth telling an applicant."""
    return any(_text(e) is not None for e in events)


def _handed_back(told: Sequence[dict[str, Any]]) -> set[int]:
    return {e["dossier_id"] for e in told
            if e["kind"] == "status_changed" and int(e["status"]) == Status.RETURNED}


def _not_told_before(connection: Connection, told: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`told` without the hand-over (status 10) of a refusal the applicant was already told,
    or of a result the carrier's report told (delivered, now or before): one notice for one
    hand-back."""
    handed = _handed_back(told)
    if not handed:
        return told
    before = set(connection.execute(_TOLD_RESULT, {"b_ids": sorted(handed)}).scalars())
    before |= {e["dossier_id"] for e in told if e["kind"] in TOLD_HAND_BACK}
    return [e for e in told if not (e["kind"] == "status_changed" and e["dossier_id"] in before
                                    and int(e["status"]) == Status.RETURNED)]


def write(connection: Connection, events: Sequence[dict[str, Any]], now: datetime) -> None:
    """Write the notices of `events` for dossiers that have an applicant account or a
    contact (phone, e-mail)."""
    ended = {e["dossier_id"] for e in events if e["kind"] in ENDINGS}
    ready = {e["dossier_id"] for e in events if e["kind"] == "result_ready_at_desk"}
    # A fee request withdrawn by the exemption: the exemption's notice says it all.
    exempted = {e["dossier_id"] for e in events if e["kind"] == "fee_exempted"}
    told = [e for e in events if _text(e) is not None and not (
        e["kind"] == "status_changed" and (e["dossier_id"] in ended or (
            e["dossier_id"] in ready and int(e["status"]) == Status.DONE))) and not (
        e["kind"] == "payment_request_cancelled" and e["dossier_id"] in exempted)]
    told = _not_told_before(connection, told)
    if not told:  # most steps tell the applicant nothing: no query at all
        return
    ids = sorted({e["dossier_id"] for e in told})
    owners = {row.id: row for row in connection.execute(_OWNERS, {"b_ids": ids})}
    handed = sorted(_handed_back(told))
    electronic = set(connection.execute(_WITH_RESULT_FILE, {"b_ids": handed}).scalars()
                     ) if handed else set()
    rows = []
    for event in told:
        owner = owners.get(event["dossier_id"])
        text = None if owner is None else _text(event, account=owner.account_id is not None,
                                                electronic=owner.id in electronic)
        if owner is None or text is None or (
                event["kind"] in NOT_TOLD_TO_ITS_ACTOR and event.get("actor_id") is not None
                and event.get("actor_id") == owner.account_id):
            continue
        due = event.get("due_at")
        facts = {"code": owner.code, "note": event.get("note") or "",
                 "due": due.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y") if due else "—",
                 "status": STATUS_LABELS.get(int(event["status"]), "")}
        subject = text[0].format(**facts)
        body = text[1].format(**{**facts, "code": f"{owner.code} ({owner.procedure})"})
        base = {"dossier_id": owner.id, "account_id": owner.account_id, "subject": subject,
                "body": body, "created_at": now, "next_attempt_at": now, "attempts": 0,
                "last_error": ""}
        # The in-system copy is "sent" when written: the outbox never tries to deliver it.
        if owner.account_id is not None:
            rows.append({**base, "channel": "web", "recipient": str(owner.account_id),
                         "sent_at": now})
        if owner.email:
            rows.append({**base, "channel": "email", "recipient": owner.email,
                         "subject": mail_subject(subject), "body": f"{body}\n\n{SIGNATURE}",
                         "sent_at": None})
        if owner.phone:
            rows.append({**base, "channel": "sms", "recipient": owner.phone, "body": subject,
                         "sent_at": None})
    if rows:
        connection.execute(insert(_NOTIFICATIONS), rows)


def tell_officer(connection: Connection, *, account_id: int, dossier_id: int, subject: str,
                 body: str, now: datetime) -> None:
    """An in-system notice for an officer (a step a leader gave them): written in the
    transaction that caused it, shown on their inbox page until read (`officer_notices`). Never an
    SMS or e-mail about the dossier, which the dossier's page lists as the applicant's (the
    assignment's e-mail is the account's: `engine.dossiers.assigned`)."""
    connection.execute(insert(_NOTIFICATIONS), [{
        "dossier_id": dossier_id, "account_id": account_id, "channel": "web",
        "recipient": str(account_id), "subject": subject[:300], "body": body,
        "created_at": now, "next_attempt_at": now, "sent_at": now, "attempts": 0,
        "last_error": ""}])

