"""What every e-mail the platform sends calls itself: the portal's Vietnamese name, as its
pages name it (`webapp/templates/base.html`), in brackets before each subject and as the
signature — a citizen or officer does not know the project's name."""

from __future__ import annotations

PORTAL_NAME = "Cổng dịch vụ công một cửa"
SIGNATURE = f"— {PORTAL_NAME}"
SUBJECT_MAX = 300  # characters, the outbox's column


def mail_subject(text: str) -> str:
    """«[Cổng dịch vụ công một cửa] Đặt lại mật khẩu»: the subject of a mail about `text`,
    cut to what the outbox keeps."""
    return f"[{PORTAL_NAME}] {text}"[:SUBJECT_MAX]
