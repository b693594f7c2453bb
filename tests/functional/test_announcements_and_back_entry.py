"""Announcements of maintenance and incidents (Tiền Giang 2025 art. 9; Đồng Tháp art. 21) and
the desk's back-entry of paper dossiers received during a declared outage (Đồng Tháp art.
21.4; Tuyên Quang art. 11.3), through the engine's services."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.applicants import back_enter_paper_dossier
from engine.core.clock import VN_TZ, FixedClock
from engine.core.errors import Forbidden, FormInvalid, Invalid
from engine.core.models import AuditEntry, Dossier, Notification
from engine.legal_clock import calendar_for, legal_due
from engine.records import (
    NewAnnouncement,
    create_announcement,
    current_announcements,
    declare_outage,
    withdraw_announcement,
)
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PERMIT, Officers, permit_data

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=VN_TZ)


def _maintenance(days_ahead: float, **overrides: object) -> NewAnnouncement:
    start = NOW + timedelta(days=days_ahead)
    values = {"kind": "maintenance", "title": "Nâng cấp hệ thống một cửa điện tử",
              "body": "Hệ thống tạm ngừng để nâng cấp; hồ sơ giấy vẫn được nhận tại quầy.",
              "starts_at": start, "ends_at": start + timedelta(hours=4)}
    return NewAnnouncement(**{**values, **overrides})  # type: ignore[arg-type]


def test_a_maintenance_announced_less_than_three_days_ahead_is_published_with_a_warning(
    platform: Platform,
) -> None:
    admin = Officers(platform).actor("quantri")
    with platform.uow() as uow:
        soon = create_announcement(uow, actor=admin, values=_maintenance(1))
    with platform.uow() as uow:
        ahead = create_announcement(uow, actor=admin, values=_maintenance(4))
    assert soon["warning"] and "chưa đủ 3 ngày" in soon["warning"] and soon["short_notice"]
    assert ahead["warning"] is None and not ahead["short_notice"]
    with platform.uow() as uow:
        shown = current_announcements(uow)
        actions = list(uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "announcement.create")))
    assert [a["id"] for a in shown] == [soon["id"], ahead["id"]]
    assert not shown[0]["ongoing"] and len(actions) == 2


def test_a_notice_is_shown_until_its_window_ends_or_it_is_withdrawn(
    platform: Platform, clock: FixedClock,
) -> None:
    admin = Officers(platform).actor("quantri")
    with platform.uow() as uow:
        made = create_announcement(uow, actor=admin, values=_maintenance(0.5))
    clock.set(NOW + timedelta(hours=13))
    with platform.uow() as uow:
        assert current_announcements(uow)[0]["ongoing"] is True
    clock.set(NOW + timedelta(hours=17))
    with platform.uow() as uow:
        assert current_announcements(uow) == []
    clock.set(NOW)
    with platform.uow() as uow:
        withdraw_announcement(uow, actor=admin, announcement_id=made["id"])
    with platform.uow() as uow:
        assert current_announcements(uow) == []


def test_wrong_fields_are_named_and_only_the_administrator_announces(platform: Platform) -> None:
    officers = Officers(platform)
    with platform.uow() as uow, pytest.raises(FormInvalid) as refused:
        create_announcement(uow, actor=officers.actor("quantri"), values=_maintenance(
            4, title=" ", ends_at=NOW, outage=True))
    assert {p["field"] for p in refused.value.details} == {"title", "ends_at", "outage"}
    with platform.uow() as uow, pytest.raises(Forbidden):
        create_announcement(uow, actor=officers.actor("motcua.minhxuan"), values=_maintenance(4))
    with platform.uow() as uow:
        assert current_announcements(uow) == []


def test_applicants_with_dossiers_in_progress_are_told_once_through_the_outbox(
    platform: Platform,
) -> None:
    officers = Officers(platform)
    _receive(platform, officers, email="chu.nha@example.vn")
    _receive(platform, officers, email="chu.nha@example.vn")
    with platform.uow() as uow:
        made = create_announcement(uow, actor=officers.actor("quantri"), values=_maintenance(
            4, notify_applicants=True))
    with platform.uow() as uow:
        sent = [(n.channel, n.recipient, n.body) for n in uow.session.scalars(
            select(Notification).where(Notification.subject.like("%Nâng cấp hệ thống một cửa%")))]
    assert made["applicants_notified"] == 1
    assert [(channel, to) for channel, to, _ in sent] == [
        ("email", "chu.nha@example.vn"), ("sms", "0912345678")]
    assert "hồ sơ giấy vẫn được nhận" in sent[0][2] and "ngày 29/11/2026" in sent[0][2]


def _receive(platform: Platform, officers: Officers, email: str = "") -> dict[str, object]:
    from engine.applicants import DeskContact, receive_paper_dossier

    return receive_paper_dossier(
        platform.uow, actor=officers.actor("motcua.minhxuan"), procedure_code=PERMIT,
        agency_code=MINH_XUAN, data=permit_data(), papers=PAPERS, decision="complete",
        reception={"ket_qua_kiem_tra": "tiep_nhan"}, contact=DeskContact("", email))


def _outage(platform: Platform, officers: Officers) -> int:
    admin = officers.actor("quantri")
    start = datetime(2026, 11, 23, 7, 30, tzinfo=VN_TZ)  # Monday morning
    with platform.uow() as uow:
        made = create_announcement(uow, actor=admin, values=NewAnnouncement(
            "incident", "Sự cố đường truyền", "Hệ thống không truy cập được.", start,
            start + timedelta(hours=2)))
    with platform.uow() as uow:
        declare_outage(uow, actor=admin, announcement_id=made["id"], starts_at=start,
                       ends_at=datetime(2026, 11, 23, 16, 0, tzinfo=VN_TZ))
    return int(made["id"])


def test_a_dossier_received_during_the_outage_keeps_its_true_time_and_due_date(
    platform: Platform,
) -> None:
    officers = Officers(platform)
    outage = _outage(platform, officers)
    true_time = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)
    entered = back_enter_paper_dossier(
        platform.uow, actor=officers.actor("motcua.minhxuan"), outage_id=outage,
        received_at=true_time, procedure_code=PERMIT, agency_code=MINH_XUAN,
        data=permit_data(), papers=PAPERS, decision="complete",
        reception={"ket_qua_kiem_tra": "tiep_nhan"})
    assert "-261123-" in str(entered["code"])
    with platform.uow() as uow:
        dossier = uow.session.scalars(select(Dossier).where(Dossier.code == entered["code"])).one()
        calendar = calendar_for(uow, dossier.agency_id)
        audit = uow.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "dossier.back_entered")).one()
        times = (dossier.submitted_at, dossier.received_at, dossier.due_at)
        written = (audit.at, audit.actor_id, audit.summary)
    # The permit's 15 working days counted by the province's calendar from the counter's
    # time, not from Wednesday's typing (which would give 16/12 08:00).
    fifteen_days = {"value": 15, "unit": "working_days"}
    due = legal_due(calendar, started=true_time, processing_time=fifteen_days)
    typed_now = legal_due(calendar, started=NOW, processing_time=fifteen_days)
    assert entered["due_at"] == due.isoformat() == "2026-12-15T09:30:00+07:00"
    assert typed_now.isoformat() == "2026-12-16T08:00:00+07:00"
    assert times == (true_time, true_time, due)
    assert written[:2] == (NOW, officers.actor("motcua.minhxuan").account_id)
    assert written[2]["received_at"] == "2026-11-23T09:30:00+07:00"
    assert written[2]["outage"] == outage and written[2]["code"] == entered["code"]


@pytest.mark.parametrize(("true_time", "message"), [
    (datetime(2026, 11, 23, 16, 30, tzinfo=VN_TZ), "phải nằm trong đợt gián đoạn"),
    (datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ), "không được ở tương lai"),
])
def test_a_true_time_outside_the_outage_or_in_the_future_is_refused_and_nothing_is_made(
    platform: Platform, true_time: datetime, message: str,
) -> None:
    officers = Officers(platform)
    outage = _outage(platform, officers)
    with platform.uow() as uow:
        before = len(uow.session.scalars(select(Dossier.id)).all())
    with pytest.raises(Invalid) as refused:
        back_enter_paper_dossier(
            platform.uow, actor=officers.actor("motcua.minhxuan"), outage_id=outage,
            received_at=true_time, procedure_code=PERMIT, agency_code=MINH_XUAN,
            data=permit_data(), papers=PAPERS, decision="complete", reception={})
    assert message in refused.value.message
    with platform.uow() as uow:
        assert len(uow.session.scalars(select(Dossier.id)).all()) == before


def test_only_a_declared_outage_takes_back_entered_dossiers(platform: Platform) -> None:
    officers = Officers(platform)
    with platform.uow() as uow:
        maintenance = create_announcement(uow, actor=officers.actor("quantri"),
                                          values=_maintenance(-2))
    with pytest.raises(Invalid, match="đợt gián đoạn hệ thống đã được xác nhận"):
        back_enter_paper_dossier(
            platform.uow, actor=officers.actor("motcua.minhxuan"), outage_id=maintenance["id"],
            received_at=NOW - timedelta(days=2), procedure_code=PERMIT, agency_code=MINH_XUAN,
            data=permit_data(), papers=PAPERS, decision="complete", reception={})
