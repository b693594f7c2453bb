"""A long Vietnamese subject reaches the mailbox as written: Python's default folding split
it into encoded words and lost the space at the fold («quá hạn ởbước»)."""

from __future__ import annotations

from email import message_from_bytes, policy

from engine.records.mail_words import SUBJECT_MAX, mail_subject
from engine.records.outbox import SmtpEmail

CODE = "000.00.12.H64-261125-0001"
PHRASE = "Hồ sơ quá hạn ở bước «Thẩm định hồ sơ, đề xuất» của tài khoản được giao"


def _received(subject: str, body: str = "Nội dung.") -> tuple[str, str]:
    raw = SmtpEmail("127.0.0.1").message("a@tuyenquang.example", subject, body).as_bytes()
    assert max(len(line) for line in raw.splitlines()) <= 998
    parsed = message_from_bytes(raw, policy=policy.default)
    return str(parsed["Subject"]), parsed.get_content()


def test_a_reminder_s_subject_keeps_every_space() -> None:
    subject = mail_subject(f"Hồ sơ {CODE} quá hạn ở bước «Thẩm định hồ sơ, đề xuất»")
    assert _received(subject)[0] == subject


def test_subjects_up_to_what_the_outbox_keeps_keep_every_space() -> None:
    words = PHRASE.split()
    for size in range(5, 80):
        subject = mail_subject(" ".join(words[i % len(words)] for i in range(size)))
        assert len(subject) <= SUBJECT_MAX
        assert _received(subject)[0] == subject, size


def test_the_body_is_written_as_it_was() -> None:
    body = "Bước «Thẩm định» đã quá hạn.\n" + "https://motcua.example/" + "x" * 200 + "\n"
    assert _received("Nhắc việc", body)[1] == body
