"""Every e-mail's subject names the portal as its pages do, not the project («[motcua]»)."""

from __future__ import annotations

from engine.records.mail_words import PORTAL_NAME, SIGNATURE, SUBJECT_MAX, mail_subject


def test_a_subject_begins_with_the_portal_s_name() -> None:
    assert mail_subject("Đặt lại mật khẩu") == "[Cổng dịch vụ công một cửa] Đặt lại mật khẩu"
    assert SIGNATURE == "— Cổng dịch vụ công một cửa"
    assert "motcua" not in PORTAL_NAME


def test_a_long_subject_is_cut_to_what_the_outbox_keeps() -> None:
    subject = mail_subject("Bạn được giao: «" + "Thẩm định " * 60 + "»")
    assert len(subject) == SUBJECT_MAX and subject.startswith(f"[{PORTAL_NAME}] Bạn được giao")
