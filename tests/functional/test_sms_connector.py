"""The HTTP SMS connector's contract against a local SMS provider on loopback (issue 19):
a notice leaves through the notification outbox with its id as idempotency key, the
provider's message id is kept, its signed delivery report (delivered / failed) shows on the
officer's dossier page; a failure is retried with the outbox's back-off and the phone gets
the message once; a replayed, forged, stale, malformed or unknown report changes nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from engine.core.models import Dossier, Notification
from engine.records import Gateways, NullGateway, deliver_pending
from engine.wiring import Platform
from integrations import registry
from integrations.sms_http import HttpSms
from tests.functional.test_desk_papers import _post_dossier
from tests.helpers import login
from tests.simulators.sms import SmsSimulator

PHONE = "0987654321"


@pytest.fixture
def provider(clock: Any) -> Iterator[SmsSimulator]:
    simulator = SmsSimulator()
    simulator.state.callback_now = clock.now  # the platform checks reports on its clock
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def sms_app(platform: Platform, provider: SmsSimulator) -> Iterator[Flask]:
    """The app with the SMS provider configured, served on loopback for its reports."""
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
            "CONNECTORS": {"sms": provider.settings()},
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    provider.callback_url = f"http://127.0.0.1:{server.server_port}/api/v1/connectors/sms/status"
    yield app
    server.shutdown()
    server.server_close()


def _gateways(provider: SmsSimulator) -> Gateways:
    sms = registry().build({"sms": provider.settings()}).get("sms")
    assert isinstance(sms, HttpSms)
    return Gateways(email=NullGateway("email"), sms=sms)


def _sms(platform: Platform, code: str) -> list[Notification]:
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        found = list(
            uow.session.scalars(
                select(Notification).where(
                    Notification.dossier_id == dossier_id, Notification.channel == "sms"
                )
            )
        )
        uow.session.expunge_all()
        return found


def _notice_line(app: Flask, code: str) -> str:
    """The dossier page's line about the SMS notice, as the desk officer reads it."""
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    page = desk.get(f"/can-bo/ho-so/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tin nhắn và thư đã báo người nộp" in html
    lines = [line for line in html.splitlines() if "SMS tới" in line]
    assert len(lines) == 1, lines
    return lines[0]


def _received(app: Flask) -> str:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    return _post_dossier(desk, phone=PHONE)


def test_a_notice_reaches_the_provider_and_its_delivery_shows_on_the_dossier(
    sms_app: Flask, platform: Platform, provider: SmsSimulator
) -> None:
    code = _received(sms_app)
    assert "Đang gửi" in _notice_line(sms_app, code)  # in the outbox, not yet sent
    assert deliver_pending(platform.uow, _gateways(provider))["failed"] == 0
    [notice] = _sms(platform, code)
    message = provider.state.messages[str(notice.provider_id)]
    assert message["to"] == "84987654321" and message["sender"] == "UBND-TQ"
    assert code in message["text"] and message["reference"] == f"notice-{notice.id}"
    assert notice.delivery_status == "sending" and notice.sent_at is not None
    assert "Đang gửi" in _notice_line(sms_app, code)  # the provider has not reported yet

    body, headers = provider.signed_report(str(notice.provider_id), "delivered")
    answer = provider.send_report(body, headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["recorded"] is True
    assert "Đã gửi đến" in _notice_line(sms_app, code)

    again = provider.send_report(body, headers)  # the same call replayed
    assert again.status_code == 409
    assert "đã được nhận trước đó" in again.json()["error"]["message"]
    late = provider.report(str(notice.provider_id), "failed", error="Thuê bao tắt máy")
    assert late.status_code == 200 and late.json()["recorded"] is False  # the first word stands
    assert "Đã gửi đến" in _notice_line(sms_app, code)


def test_a_forged_stale_malformed_or_unknown_report_changes_nothing(
    sms_app: Flask, platform: Platform, provider: SmsSimulator, clock: Any
) -> None:
    code = _received(sms_app)
    deliver_pending(platform.uow, _gateways(provider))
    [notice] = _sms(platform, code)
    forged = provider.report(str(notice.provider_id), "failed", forged=True)
    assert forged.status_code == 403
    assert "không đúng" in forged.json()["error"]["message"]
    body, headers = provider.signed_report(str(notice.provider_id), "failed")
    clock.advance(timedelta(minutes=10))  # the report arrives far too late
    assert provider.send_report(body, headers).status_code == 403
    unknown = provider.report("SIM999999", "delivered")
    assert unknown.status_code == 404 and "SIM999999" in unknown.json()["error"]["message"]
    bad = json.dumps({"message_id": str(notice.provider_id), "status": "đã đọc"}).encode()
    from integrations.signing import sign

    refused = provider.send_report(
        bad, {"Content-Type": "application/json", **sign(provider.state.secret, bad, clock.now())}
    )
    assert refused.status_code == 400 and "delivered hoặc failed" in refused.json()["error"]["message"]
    assert _sms(platform, code)[0].delivery_status == "sending"
    assert "Đang gửi" in _notice_line(sms_app, code)

    failed = provider.report(str(notice.provider_id), "failed", error="Thuê bao không liên lạc được")
    assert failed.status_code == 200
    line = _notice_line(sms_app, code)
    assert "Không gửi được" in line and "Thuê bao không liên lạc được" in line


def test_a_failed_send_is_retried_with_the_same_key_and_reaches_the_phone_once(
    sms_app: Flask, platform: Platform, provider: SmsSimulator, clock: Any
) -> None:
    code = _received(sms_app)
    provider.state.fail_next = 1
    assert deliver_pending(platform.uow, _gateways(provider)) == {"sent": 0, "failed": 1}
    [notice] = _sms(platform, code)
    assert notice.sent_at is None and "503" in notice.last_error and notice.provider_id is None
    assert "Đang gửi" in _notice_line(sms_app, code)
    assert deliver_pending(platform.uow, _gateways(provider)) == {"sent": 0, "failed": 0}  # backing off
    clock.advance(timedelta(minutes=3))
    assert deliver_pending(platform.uow, _gateways(provider)) == {"sent": 1, "failed": 0}
    assert [status for _, status in provider.state.calls] == [503, 200]
    assert {key for key, _ in provider.state.calls} == {f"notice-{notice.id}"}
    assert len(provider.state.messages) == 1
    # A retry after a lost answer (same key) gets the same message id: one SMS on the phone.
    again = _gateways(provider).sms
    assert isinstance(again, HttpSms)
    [sent] = _sms(platform, code)
    assert again.send_notice(sent.id, PHONE, "", "x") == sent.provider_id
    assert len(provider.state.messages) == 1


def test_a_wrong_number_or_an_unreachable_provider_fails_and_is_kept(
    platform: Platform, provider: SmsSimulator
) -> None:
    sms = _gateways(provider).sms
    assert isinstance(sms, HttpSms)
    with pytest.raises(OSError, match="số điện thoại không hợp lệ"):
        sms.send_notice(1, "09-abc", "", "Nội dung")
    gone = HttpSms(url="http://127.0.0.1:9", secret=provider.state.secret, timeout=1)
    with pytest.raises(OSError, match=r"(?i)không gọi được"):
        gone.send_notice(1, PHONE, "", "Nội dung")
    assert not gone.health().ok and sms.health().ok


def test_the_worker_uses_the_configured_provider_and_a_wrong_configuration_is_named(
    provider: SmsSimulator, tmp_path: Any
) -> None:
    from integrations import ConfigError, connectors_from
    from worker.app import context, make_celery

    worker = make_celery(
        {
            "INSTANCE": str(tmp_path),
            "BROKER_URL": "memory://",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
            "CONNECTORS": json.dumps({"sms": provider.settings()}),
        }
    )
    assert isinstance(context(worker).gateways.sms, HttpSms)
    plain = make_celery(
        {
            "INSTANCE": str(tmp_path),
            "BROKER_URL": "memory://",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
            "CONNECTORS": "",
        }
    )
    assert isinstance(context(plain).gateways.sms, NullGateway)
    with pytest.raises(ConfigError, match=r"sms\.secret là bắt buộc"):
        connectors_from(json.dumps({"sms": {"implementation": "real", "url": provider.url}}))
