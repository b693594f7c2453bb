"""The administrators' page of failing timers: listed with their error and next try, tried
again on a button (CSRF-protected, audited), closed to everyone else."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from engine.core.clock import FixedClock
from engine.core.models import AuditEntry, Timer
from engine.dossiers import timers
from engine.wiring import Platform
from tests.helpers import page_login, token
from tests.service.test_timer_failures import at, poisoned, sweep


def _rows(html: str) -> list[str]:
    body = re.search(r'<table class="list" id="timers">.*?<tbody>(.*?)</tbody>', html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


def test_failing_timers_are_listed_and_retried_from_the_admin_page(
    app: Flask, platform: Platform, clock: FixedClock
) -> None:
    clock.set(at("2026-11-26 08:00:05"))  # before signing in: a moved clock ends sessions
    admin = app.test_client()
    page_login(admin, "quantri")
    empty = admin.get("/quan-tri/hen-gio-loi").data.decode()
    assert "Không có hẹn giờ nào bị lỗi." in empty and _rows(empty) == []
    assert 'href="/quan-tri/hen-gio-loi"' in empty  # in the administrators' navigation
    waiting, given_up = poisoned(platform, clock, 2, at("2026-11-26 08:00"))
    assert sweep(platform) == ["retry", "retry"]
    with platform.uow() as uow:  # one of them has failed for good already
        found = uow.session.get(Timer, given_up)
        assert found is not None
        found.state, found.attempts, found.next_attempt_at = "failed", timers.MAX_ATTEMPTS, None
        uow.commit()
    page = admin.get("/quan-tri/hen-gio-loi")
    assert page.status_code == 200
    html = page.data.decode()
    first, second = _rows(html)
    assert "Sự kiện hẹn giờ của quy trình" in first and "hen_gio_hong" in first
    assert "Đã dừng thử" in first and f"<td>{timers.MAX_ATTEMPTS}</td>" in first
    assert "ProcessError: Trạng thái quy trình có định dạng không hỗ trợ." in first
    assert "<td>1</td>" in second and "08:01 ngày 26/11/2026" in second  # its next try
    assert f'action="/quan-tri/hen-gio-loi/{given_up}/chay-lai"' in first
    assert "Chạy lại ngay" in first
    refused = admin.post(f"/quan-tri/hen-gio-loi/{given_up}/chay-lai")  # no CSRF token
    assert refused.status_code == 400
    done = admin.post(f"/quan-tri/hen-gio-loi/{given_up}/chay-lai",
                      data={"csrf_token": token(page.data)}, follow_redirects=True)
    assert done.status_code == 200
    assert f"Hẹn giờ số {given_up} của hồ sơ" in done.data.decode()
    with platform.uow() as uow:
        found = uow.session.get(Timer, given_up)
        assert found is not None and (found.state, found.next_attempt_at) == ("pending", None)
        assert uow.session.scalar(select(AuditEntry.object_id).where(
            AuditEntry.action == "timer.retry")) == str(given_up)
    again = admin.post(f"/quan-tri/hen-gio-loi/{waiting}/chay-lai",
                       data={"csrf_token": token(page.data)}, follow_redirects=True)
    assert "sẽ được chạy lại" in again.data.decode()
    clock.advance(timedelta(seconds=1))
    assert sorted(sweep(platform)) == ["failed", "retry"]  # both tried at once, no waiting
    healthy = admin.post("/quan-tri/hen-gio-loi/999999/chay-lai",
                         data={"csrf_token": token(page.data)}, follow_redirects=True)
    assert "Không có hẹn giờ này." in healthy.data.decode()


def test_only_administrators_see_or_retry_failing_timers(
    app: Flask, platform: Platform, clock: FixedClock
) -> None:
    clock.set(at("2026-11-26 08:00"))
    [bad] = poisoned(platform, clock, 1, at("2026-11-26 08:00"))
    sweep(platform)
    officer = app.test_client()
    page_login(officer, "lanhdao.minhxuan")
    assert officer.get("/quan-tri/hen-gio-loi").status_code == 403
    csrf = token(officer.get("/tai-khoan").data)
    assert officer.post(f"/quan-tri/hen-gio-loi/{bad}/chay-lai",
                        data={"csrf_token": csrf}).status_code == 403
    assert "hen-gio-loi" not in officer.get("/tai-khoan").data.decode()
    assert app.test_client().get("/quan-tri/hen-gio-loi").status_code == 303  # to the login page
    with platform.uow() as uow:
        found = uow.session.get(Timer, bad)
        assert found is not None and found.next_attempt_at is not None  # untouched
