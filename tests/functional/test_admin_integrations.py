"""The administrators' page of connections: the connectors and their health, the outbox per
connector, dead letters sent again on "Gửi lại" (CSRF-protected, audited), the reconciliation
with the portal for a day; closed to everyone else."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from engine.core.clock import FixedClock
from engine.core.models import AuditEntry, OutboxMessage
from engine.wiring import Platform
from integrations import deliver, registry
from tests.helpers import MINH_XUAN, PERMIT, login, page_login, permit_data, token
from tests.simulators.portal import SECRET, PortalState, running_portal


@pytest.fixture
def portal(clock: FixedClock) -> Iterator[tuple[str, PortalState]]:
    with running_portal(PortalState(now=clock.now)) as running:
        yield running


def _dead_rows(html: str) -> list[str]:
    body = re.search(r'<table class="list" id="dead">.*?<tbody>(.*?)</tbody>', html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


def test_dead_letters_are_listed_and_sent_again_and_the_day_is_reconciled(
    app: Flask, platform: Platform, clock: FixedClock, portal: tuple[str, PortalState]
) -> None:
    url, state = portal
    config = {"portal": {"implementation": "real", "url": url, "secret": SECRET, "timeout": 5}}
    app.config["CONNECTORS"] = json.dumps(config)
    admin = app.test_client()
    page_login(admin, "quantri")
    empty = admin.get("/quan-tri/ket-noi").data.decode()
    assert "Không có thông điệp nào gửi lỗi." in empty and "Chưa có thông điệp nào." in empty
    assert 'href="/quan-tri/ket-noi"' in empty  # in the administrators' navigation
    assert "Cổng Dịch vụ công quốc gia" in empty and "Kết nối thật" in empty

    citizen = app.test_client()
    code = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()}).json["code"]
    connectors = registry().build(config)
    state.down = True
    with platform.uow() as uow:  # the portal down for days: the messages give up
        uow.session.execute(OutboxMessage.__table__.update().values(attempts=15))  # type: ignore[attr-defined]
        uow.commit()
    deliver(platform.uow, connectors, clock.now)  # the 16th failure: a dead letter
    page = admin.get("/quan-tri/ket-noi")
    html = page.data.decode()
    rows = _dead_rows(html)
    assert len(rows) >= 1 and code in rows[0] and "HTTP 503" in rows[0] and "Gửi lại" in rows[0]
    assert "Cập nhật tiến độ xử lý" in rows[0]  # the message's kind in words
    assert "Cổng Dịch vụ công trả lỗi 503 (tạm thời không phục vụ)" in rows[0]  # the error in words
    assert "b&#39;" not in rows[0] and "b'" not in rows[0]  # never a Python bytes repr
    assert "<summary>Chi tiết kỹ thuật" in rows[0]  # the technical detail folded for operators
    assert "<code>progress-update</code>" not in rows[0]
    dead_id = int(re.search(r"/quan-tri/ket-noi/(\d+)/gui-lai", rows[0]).group(1))  # type: ignore[union-attr]
    assert admin.post(f"/quan-tri/ket-noi/{dead_id}/gui-lai").status_code == 400  # no CSRF token
    done = admin.post(f"/quan-tri/ket-noi/{dead_id}/gui-lai", data={"csrf_token": token(page.data)},
                      follow_redirects=True)
    assert f"Thông điệp số {dead_id} sẽ được gửi lại" in done.data.decode()
    again = admin.post(f"/quan-tri/ket-noi/{dead_id}/gui-lai", data={"csrf_token": token(page.data)},
                       follow_redirects=True)
    assert "không còn ở trạng thái gửi lỗi" in again.data.decode()
    with platform.uow() as uow:
        assert uow.session.get(OutboxMessage, dead_id).dead_at is None  # type: ignore[union-attr]
        assert uow.session.scalar(select(AuditEntry.object_id).where(
            AuditEntry.action == "outbox_message_resent")) == str(dead_id)
    state.down = False
    deliver(platform.uow, connectors, clock.now)
    assert [c.status for c in state.calls][-1] == 200
    clock.advance(timedelta(minutes=1))

    checked = admin.get("/quan-tri/ket-noi?kiem_tra=1").data.decode()
    assert "Hoạt động" in checked
    day = clock.now().date().isoformat()
    matching = admin.get(f"/quan-tri/ket-noi?doi_soat={day}").data.decode()
    assert "dữ liệu trên Cổng khớp với hệ thống" in matching
    state.held[code] = {**state.held[code], "status": 9}
    report = admin.get(f"/quan-tri/ket-noi?doi_soat={day}").data.decode()
    row = re.search(r'<table class="list" id="differences">.*?<tbody>(.*?)</tbody>', report, re.S)
    assert row is not None and code in row.group(1) and "Trạng thái" in row.group(1)
    assert "<td class=\"breakable\">1</td>" in row.group(1) and "9</td>" in row.group(1)
    wrong = admin.get("/quan-tri/ket-noi?doi_soat=hôm-qua").data.decode()
    assert "«Ngày đối soát» chưa đúng: nhập ngày/tháng/năm, ví dụ 15/01/2027 (đã nhập «hôm-qua»)" in wrong
    assert 'value="hôm-qua"' in wrong and 'type="date"' not in wrong
    typed = admin.get(f"/quan-tri/ket-noi?doi_soat={clock.now():%d/%m/%Y}").data.decode()
    assert 'id="differences"' in typed and code in typed  # typed day first, as people write it


def test_only_administrators_open_the_connections_page(app: Flask) -> None:
    anonymous = app.test_client()
    assert anonymous.get("/quan-tri/ket-noi").status_code in (303, 401)  # to the login page
    officer = app.test_client()
    login(officer, "lanhdao.minhxuan")
    assert officer.get("/quan-tri/ket-noi").status_code == 403
    assert officer.post("/quan-tri/ket-noi/1/gui-lai").status_code in (400, 403)


def test_a_wrong_connector_configuration_is_shown_not_raised(app: Flask) -> None:
    app.config["CONNECTORS"] = json.dumps({"portal": {"implementation": "real"}})
    admin = app.test_client()
    page_login(admin, "quantri")
    html = admin.get("/quan-tri/ket-noi").data.decode()
    assert "portal.url là bắt buộc khi implementation là real" in html


def test_a_refusal_is_said_in_words_with_the_reason_from_its_json() -> None:
    from integrations.calls import http_failure

    answer = json.dumps({"accepted": False, "reason": "Bảo trì hệ thống"}, ensure_ascii=False).encode()
    failure = http_failure("Cổng Dịch vụ công", 503, "https://dvc.example/progress-update", answer)
    assert failure.words == "Cổng Dịch vụ công trả lỗi 503 (tạm thời không phục vụ): Bảo trì hệ thống"
    assert "https://dvc.example/progress-update" in failure.detail and "b'" not in failure.detail
    not_found = http_failure("Bưu điện", 404, "u", b"<html>")
    assert not_found.words == "Bưu điện trả lỗi 404 (không có địa chỉ này)"


def test_an_error_kept_before_the_words_is_still_shown_in_words() -> None:
    from admin.integrations import failure_parts

    words, detail = failure_parts("portal", "DeliveryFailed: HTTP 503 từ http://x/progress-update: b'{}'")
    assert words == "Cổng Dịch vụ công quốc gia trả lỗi 503 (tạm thời không phục vụ)"
    assert detail.startswith("DeliveryFailed: HTTP 503")
