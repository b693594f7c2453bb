"""A day off declared on the calendar moved the due time of a dossier's reception step (the
officer's inbox said the next working day), yet the page said «0 hồ sơ được tính lại hạn giải
quyết»: the administrator read that nothing had followed. A dossier not yet received has no
legal due time, only its step's; the message now counts both."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.clock import VN_TZ
from engine.core.models import Task
from engine.seed import PROVINCE
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, login, permit_data, token


def _reception_due(platform: Platform) -> datetime:
    """The due time of the one open step (the new dossier's reception)."""
    with platform.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.state == "open")).one()
        assert task.due_at is not None
        return task.due_at


def test_the_calendar_says_a_step_s_due_time_moved(
    app: Flask, client: FlaskClient, platform: Platform,
) -> None:
    assert app.test_client().post("/api/v1/dossiers", json={
        "procedure": "1.009994", "agency": MINH_XUAN, "data": permit_data()}).status_code == 201
    day = _reception_due(platform).astimezone(VN_TZ).date()  # declared a day off below
    login(client, "quantri")
    page = client.get("/quan-tri/lich").data
    changed = client.post("/quan-tri/lich", data={
        "csrf_token": token(page), "province": PROVINCE, "day": day.strftime("%d/%m/%Y"),
        "kind": "off", "reason": "Quyết định 123/QĐ-UBND"}, follow_redirects=True)
    text = changed.data.decode()
    assert ("tính lại hạn giải quyết của 0 hồ sơ và hạn xử lý của 1 bước đang chờ xử lý."
            in text)
    assert _reception_due(platform).astimezone(VN_TZ).date() > day  # as the inbox shows
