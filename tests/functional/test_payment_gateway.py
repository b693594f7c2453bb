"""The online payment gateway's contract against a local gateway on loopback (issue 19):
signed redirect, signed return, signed server-to-server callback (forged, stale, replayed,
wrong amount, a second transaction all refused), electronic receipts, and the daily
reconciliation against the gateway's settlement file (a lost callback recovered)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.serving import make_server

from engine.applicants import SettlementRow, reconcile_settlement
from engine.core.models import Dossier, Payment
from engine.wiring import Platform
from integrations.payment_gateway import PaymentConnector, query_signature
from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.helpers import complete, token
from tests.simulators.payment import SECRET, PaymentGatewaySimulator

FEE = 75_000
PUBLIC = "http://motcua.localhost"


@pytest.fixture
def gateway(clock: Any) -> Iterator[PaymentGatewaySimulator]:
    simulator = PaymentGatewaySimulator(now=clock.now).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def paying_app(platform: Platform, gateway: PaymentGatewaySimulator) -> Iterator[Flask]:
    """The app with the gateway configured, also served on loopback for its callbacks."""
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
            "PUBLIC_URL": PUBLIC,
            "CONNECTORS": {"payment": gateway.settings()},
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    gateway.callback_url = f"http://127.0.0.1:{server.server_port}/api/v1/payments/callback"
    yield app
    server.shutdown()
    server.server_close()


def _fee_asked(app: Flask) -> tuple[str, FlaskClient, str]:
    """A received dossier whose fee the specialist asked: its code, the citizen, the reference."""
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = officer(app, "chuyenvien.minhxuan").post(
        f"/api/v1/dossiers/{code}/request-payment", json={"amount": FEE}
    )
    assert asked.status_code == 200, asked.json
    return code, citizen, str(asked.json["reference"])


def _to_gateway(citizen: FlaskClient, code: str) -> str:
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data
    went = citizen.post(f"/ca-nhan/ho-so/{code}/thanh-toan", data={"csrf_token": token(page)})
    assert went.status_code == 303
    return str(went.headers["Location"])


def _pay_at_gateway(checkout: str, gateway: PaymentGatewaySimulator, decision: str = "pay") -> str:
    page = requests.get(checkout, timeout=10)
    assert page.status_code == 200 and f"Thanh toán {FEE} đồng" in page.text
    fields = {k: v[0] for k, v in parse_qs(urlsplit(checkout).query).items()}
    back = requests.post(
        f"{gateway.url}/pay", data={**fields, "decision": decision}, allow_redirects=False, timeout=10
    )
    assert back.status_code == 302
    return str(back.headers["Location"])


def _state(platform: Platform, reference: str) -> tuple[str, str | None, int]:
    with platform.uow() as uow:
        payment = uow.session.scalar(select(Payment).where(Payment.reference == reference))
        assert payment is not None
        dossier = uow.session.get(Dossier, payment.dossier_id)
        assert dossier is not None
        return payment.state, payment.receipt_number, dossier.status


def test_a_citizen_pays_through_the_gateway_and_gets_an_electronic_receipt(
    paying_app: Flask, gateway: PaymentGatewaySimulator, platform: Platform
) -> None:
    code, citizen, reference = _fee_asked(paying_app)
    checkout = _to_gateway(citizen, code)
    query = {k: v[0] for k, v in parse_qs(urlsplit(checkout).query).items()}
    assert checkout.startswith(f"{gateway.url}/pay?")
    assert (query["reference"], query["amount"], query["currency"]) == (reference, str(FEE), "VND")
    assert query["return_url"] == f"{PUBLIC}/thanh-toan/ket-qua"
    assert query["signature"] == query_signature(SECRET, query)  # the redirect is signed
    back = urlsplit(_pay_at_gateway(checkout, gateway))
    assert gateway.callback_answers[0][0] == 200  # the callback was taken before the return
    shown = citizen.get(f"{back.path}?{back.query}")
    assert shown.status_code == 303 and shown.headers["Location"] == f"/ca-nhan/ho-so/{code}"
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Cổng thanh toán báo đã nhận tiền" in page
    state, receipt, status = _state(platform, reference)
    assert state == "paid" and receipt is not None and receipt.startswith("BL") and status != 6
    assert f'href="/ca-nhan/ho-so/{code}/van-ban/fee_receipt.pdf"' in page
    assert citizen.get(f"/ca-nhan/ho-so/{code}/van-ban/fee_receipt.pdf").status_code == 200


def test_forged_stale_and_replayed_callbacks_and_a_wrong_amount_change_nothing(
    paying_app: Flask, gateway: PaymentGatewaySimulator, platform: Platform, clock: Any
) -> None:
    code, _, reference = _fee_asked(paying_app)
    report = {
        "reference": reference,
        "amount": FEE,
        "transaction": "GD1",
        "result": "success",
        "paid_at": clock.now().isoformat(),
    }
    forged, answer, _ = gateway.callback(report, secret="khoa-doan-mo-cua-ke-gian")
    assert forged == 403 and "Chữ ký của lời gọi không đúng" in answer["error"]["message"]
    stale, _, _ = gateway.callback(report, at=clock.now() - timedelta(minutes=10))
    assert stale == 403
    unsigned = gateway.callback(report, headers={"X-Motcua-Timestamp": "1"})[0]
    assert unsigned == 403
    wrong, answer, _ = gateway.callback({**report, "amount": FEE - 1000})
    assert wrong == 400 and "không khớp" in answer["error"]["message"]
    assert _state(platform, reference) == ("requested", None, 6)
    paid, answer, headers = gateway.callback(report)
    assert paid == 200 and answer["recorded"] and answer["state"] == "paid"
    replay, answer, _ = gateway.callback(report, headers=headers)  # the same call again
    assert replay == 409 and "đã được nhận trước đó" in answer["error"]["message"]
    clock.advance(timedelta(seconds=30))
    again, answer, _ = gateway.callback(report)  # the gateway retries, newly signed
    assert again == 200 and answer["receipt_number"] == _state(platform, reference)[1]
    double, answer, _ = gateway.callback({**report, "transaction": "GD2"})
    assert double == 409 and "cần hoàn tiền" in answer["error"]["message"]
    unknown, _, _ = gateway.callback({**report, "reference": "TTKHONGCO"})
    assert unknown == 404
    assert code


def test_a_tampered_return_or_a_cancelled_payment_marks_nothing_paid(
    paying_app: Flask, gateway: PaymentGatewaySimulator, platform: Platform
) -> None:
    code, citizen, reference = _fee_asked(paying_app)
    back = urlsplit(_pay_at_gateway(_to_gateway(citizen, code), gateway, decision="cancel"))
    shown = citizen.get(f"{back.path}?{back.query}")
    assert shown.headers["Location"] == f"/ca-nhan/ho-so/{code}"
    assert "Bạn đã hủy thanh toán" in citizen.get(shown.headers["Location"]).data.decode()
    forged = back.query.replace("result=cancelled", "result=success")
    assert citizen.get(f"{back.path}?{forged}").headers["Location"] == "/ca-nhan"
    assert "Kết quả thanh toán không hợp lệ" in citizen.get("/ca-nhan").data.decode()
    assert _state(platform, reference) == ("requested", None, 6)
    legacy = citizen.post(f"/api/v1/payments/{reference}/confirm", json={"signature": "x"})
    assert legacy.status_code == 403  # the development confirmation is closed with a real gateway
    assert citizen.get(f"/thanh-toan/gia-lap/{reference}").status_code == 404


def test_the_daily_reconciliation_recovers_a_lost_callback_and_names_every_difference(
    paying_app: Flask, gateway: PaymentGatewaySimulator, platform: Platform, clock: Any
) -> None:
    gateway.lose_callbacks = True
    code, citizen, lost = _fee_asked(paying_app)
    _pay_at_gateway(_to_gateway(citizen, code), gateway)
    assert _state(platform, lost)[0] == "requested"  # the gateway took the money, we never heard
    _, other_citizen, settled = _fee_asked(paying_app)
    gateway.callback({"reference": settled, "amount": FEE, "transaction": "GD-OK", "result": "success"})
    with paying_app.app_context():
        from webapp.payments import payment_connector

        connector: PaymentConnector = payment_connector()
        rows = connector.settlement(clock.now().date(), clock.now())
    assert [r.reference for r in rows] == [lost]
    rows += [SettlementRow(settled, "GD-OK", FEE, None), SettlementRow("TTLA", "GD9", 5000, None)]
    with platform.uow() as uow:
        report = reconcile_settlement(uow, gateway="cong-gia-lap", day=clock.now().date(), rows=rows)
    assert report["settled"] == 3 and report["matched"] == 1
    assert [r["reference"] for r in report["recovered"]] == [lost]
    assert [d["reference"] for d in report["differences"]] == ["TTLA"]
    state, receipt, status = _state(platform, lost)
    assert state == "paid" and receipt is not None and status != 6  # the dossier resumed
    with platform.uow() as uow:
        again = reconcile_settlement(
            uow,
            gateway="cong-gia-lap",
            day=clock.now().date(),
            rows=[SettlementRow(settled, "GD-OK", FEE + 1, None)],
        )
    assert {d["problem"] for d in again["differences"]} == {
        "Số tiền khác nhau",
        "Hệ thống ghi đã thu, cổng thanh toán không có",
    }
    assert other_citizen


def test_motcua_payments_reconcile_fetches_the_settlement_and_reports(
    paying_app: Flask,
    gateway: PaymentGatewaySimulator,
    platform: Platform,
    clock: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json as json_module
    from datetime import UTC, datetime

    from click.testing import CliRunner

    from webapp.cli import main

    gateway.lose_callbacks = True
    code, citizen, lost = _fee_asked(paying_app)
    _pay_at_gateway(_to_gateway(citizen, code), gateway)
    gateway.now = lambda: datetime.now(UTC)  # the command runs on the system clock
    monkeypatch.setenv("MOTCUA_DATABASE_URL", platform.database_url)
    monkeypatch.setenv("MOTCUA_SECRET_KEY", "test-secret")
    monkeypatch.setenv("MOTCUA_CONNECTORS", json_module.dumps({"payment": gateway.settings()}))
    day = clock.now().date().isoformat()
    done = CliRunner().invoke(main, ["payments", "reconcile", day])
    assert done.exit_code == 0, done.output
    assert "1 giao dịch, 0 khớp, 1 ghi nhận bổ sung, 0 chênh lệch" in done.output
    assert _state(platform, lost)[0] == "paid"
    wrong = CliRunner().invoke(main, ["payments", "reconcile", "25/11/2026"])
    assert wrong.exit_code == 2 and "không đúng dạng YYYY-MM-DD" in wrong.output


def test_the_workers_daily_job_reconciles_yesterday(
    paying_app: Flask, gateway: PaymentGatewaySimulator, platform: Platform, clock: Any, tmp_path: Any
) -> None:
    from engine.records import Gateways, NullGateway
    from integrations import registry
    from worker.app import WorkerContext, make_celery

    worker = make_celery({"INSTANCE": str(tmp_path), "BROKER_URL": "memory://"})
    worker.conf.task_always_eager = True
    assert worker.conf.beat_schedule["reconcile-payments"]["task"] == "motcua.reconcile_payments"
    worker._motcua_context = WorkerContext(  # type: ignore[attr-defined]
        platform,
        Gateways(email=NullGateway("email"), sms=NullGateway("sms")),
        registry().build({"payment": gateway.settings()}),
    )
    worker.set_current()
    worker.loader.import_default_modules()
    gateway.lose_callbacks = True
    code, citizen, lost = _fee_asked(paying_app)
    _pay_at_gateway(_to_gateway(citizen, code), gateway)
    gateway.settled.append(
        {"reference": "TTLA", "transaction": "GD9", "amount": 5000, "paid_at": clock.now().isoformat()}
    )
    clock.advance(timedelta(days=1))
    assert worker.tasks["motcua.reconcile_payments"].apply().get() == 1  # TTLA, logged
    assert _state(platform, lost)[0] == "paid"  # recovered from yesterday's settlement
