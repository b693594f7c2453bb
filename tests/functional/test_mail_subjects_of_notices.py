"""Every e-mail names the portal: the dossier notices and the announcements sent to
applicants begin their subject with «[Cổng dịch vụ công một cửa]» and sign with its name, as
the password, account and assignment mails already did; the copy on the applicant's notices
page and the SMS keep the bare words (the portal's own page, a text message's few
characters)."""

from __future__ import annotations

from sqlalchemy import select

from engine.core.models import Notification
from engine.records import create_announcement
from engine.records.mail_words import PORTAL_NAME, SIGNATURE
from engine.wiring import Platform
from tests.functional.test_announcements_and_back_entry import _maintenance, _receive
from tests.helpers import Officers

PREFIX = f"[{PORTAL_NAME}] "


def _sent(platform: Platform) -> list[tuple[str, str, str]]:
    with platform.uow() as uow:
        return [(n.channel, n.subject, n.body) for n in uow.session.scalars(
            select(Notification).order_by(Notification.id))]


def test_a_dossier_notice_by_e_mail_names_the_portal(platform: Platform) -> None:
    officers = Officers(platform)
    code = str(_receive(platform, officers, email="chu.nha@example.vn")["code"])
    mails = [(s, b) for channel, s, b in _sent(platform) if channel == "email"]
    assert mails, "the applicant is told of the reception by e-mail"
    for subject, body in mails:
        assert subject.startswith(PREFIX) and code in subject
        assert body.endswith(SIGNATURE)
    texts = [s for channel, s, _ in _sent(platform) if channel == "sms"]
    assert texts and not any(s.startswith("[") for s in texts)


def test_an_announcement_by_e_mail_names_the_portal(platform: Platform) -> None:
    officers = Officers(platform)
    _receive(platform, officers, email="chu.nha@example.vn")
    with platform.uow() as uow:
        create_announcement(uow, actor=officers.actor("quantri"), values=_maintenance(
            4, notify_applicants=True))
    told = [(channel, s, b) for channel, s, b in _sent(platform) if "Nâng cấp" in s]
    assert [c for c, _, _ in told] == ["email", "sms"]
    assert told[0][1].startswith(PREFIX + "[") and told[0][2].endswith(SIGNATURE)
    assert not told[1][1].startswith(PREFIX)
