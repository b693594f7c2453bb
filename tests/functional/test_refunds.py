"""Money to pay back: a gateway reports money taken for a fee request the agency had
withdrawn, or for a fee paid already (in cash at the desk, or by another transaction). The
gateway keeps its answer (409), but the money is kept as a refund due: the officer's dossier
page says «Cần hoàn trả …», the applicant's page says it will be refunded, an officer of the
agency records the refund made (how, voucher, a required note: what was typed is kept on a
refusal), once; the daily reconciliation counts it as known. On both databases."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from engine.applicants import SettlementRow, reconcile_settlement
from engine.core.clock import FixedClock
from engine.core.models import AuditEntry, Dossier, Event, Notification, Payment, PaymentRefund
from engine.wiring import Platform
from tests.functional.test_citizen_area import officer
from tests.functional.test_fee_request_cancel import HELD_STEP_OFFICER, _asked, _cancel, _facts
from tests.functional.test_payment_gateway import (  # noqa: F401  (their fixtures, below)
    FEE,
    _fee_asked,
    gateway,
    paying_app,
)
from tests.helpers import token
from tests.simulators.payment import PaymentGatewaySimulator

NOTE = "Đã chuyển khoản trả lại người nộp theo đề nghị ngày 02/12/2026"


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def served(request: pytest.FixtureRequest) -> tuple[Flask, PaymentGatewaySimulator]:
    """The app with a real gateway (the simulator) configured, and the gateway."""
    return request.getfixturevalue("paying_app"), request.getfixturevalue("gateway")


def _body(response: Any) -> Any:
    """A JSON answer's body (typed for the checker)."""
    return response.json


def _late_payment(app: Flask, citizen: FlaskClient, reference: str, transaction: str) -> Any:
    """The development gateway reports money taken for `reference` (signed as it signs)."""
    return citizen.post(f"/api/v1/payments/{reference}/confirm", json={
        "signature": app.extensions["payment_gateway"].sign(reference),
        "gateway_reference": transaction})


def _refunds(platform: Platform, code: str) -> list[tuple[str, int, str, bool]]:
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        return [(r.reason, r.amount, r.transaction, r.refunded_at is not None)
                for r in uow.session.scalars(select(PaymentRefund).where(
                    PaymentRefund.dossier_id == dossier.id).order_by(PaymentRefund.id))]


def _told(platform: Platform, code: str) -> tuple[list[str], list[str], list[str]]:
    """The dossier's event kinds, the subjects of its notices, the audit trail's actions."""
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        kinds = list(uow.session.scalars(select(Event.kind).where(
            Event.dossier_id == dossier.id).order_by(Event.id)))
        subjects = list(uow.session.scalars(select(Notification.subject).where(
            Notification.dossier_id == dossier.id, Notification.channel == "web")
            .order_by(Notification.id)))
        actions = list(uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_id == code).order_by(AuditEntry.id)))
        return kinds, subjects, actions


def _withdrawn_then_paid(app: Flask) -> tuple[FlaskClient, str, str]:
    """A fee asked, withdrawn by the specialist, then paid at the gateway all the same."""
    citizen, code, asked = _asked(app)
    assert _cancel(officer(app, HELD_STEP_OFFICER), code).status_code == 200
    late = _late_payment(app, citizen, asked["reference"], "GD-MUON-01")
    assert late.status_code == 409  # the gateway's answer is unchanged
    assert "đã được cơ quan hủy" in _body(late)["error"]["message"]
    assert "ghi nhận để cơ quan hoàn trả" in _body(late)["error"]["message"]
    return citizen, code, asked["reference"]


def test_money_for_a_withdrawn_request_is_kept_and_both_sides_see_it(
    app: Flask, platform: Platform,
) -> None:
    """Regression: the money was refused (409) and forgotten; nobody was told."""
    citizen, code, reference = _withdrawn_then_paid(app)
    assert _refunds(platform, code) == [("cancelled", 75000, "GD-MUON-01", False)]
    again = _late_payment(app, citizen, reference, "GD-MUON-01")  # the gateway retries
    assert again.status_code == 409
    assert _refunds(platform, code) == [("cancelled", 75000, "GD-MUON-01", False)]  # once

    page = _words(officer(app, "motcua.minhxuan").get(f"/can-bo/ho-so/{code}").get_data(as_text=True))
    assert "Cần hoàn trả 75.000 đồng cho người nộp: giao dịch GD-MUON-01 ngày" in page
    assert "yêu cầu nộp phí đã được cơ quan hủy trước khi tiền về" in page
    assert "Ghi nhận đã hoàn trả" in page and "Cách hoàn trả" in page
    mine = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert "Cơ quan đã nhận 75.000 đồng bạn nộp" in mine
    assert "sau khi yêu cầu nộp phí đã được hủy" in mine
    assert "cơ quan sẽ hoàn trả lại cho bạn" in mine
    assert "Cơ quan đã nhận tiền bạn nộp, sẽ hoàn trả lại cho bạn" in mine  # the history line
    kinds, subjects, actions = _told(platform, code)
    assert kinds.count("refund_due") == 1 and "payments.refund_due" in actions
    assert f"Hồ sơ {code}: khoản tiền bạn đã nộp sẽ được hoàn trả" in subjects
    agency = _words(officer(app, "motcua.minhxuan").get("/can-bo/ho-so").get_data(as_text=True))
    assert "Cần hoàn trả tiền cho người nộp (1 khoản)" in agency  # where officers look
    assert f"Hồ sơ {code} — Nguyễn Văn An: 75.000 đồng, giao dịch GD-MUON-01 ngày" in agency
    listed = _body(officer(app, "motcua.minhxuan").get("/api/v1/refunds"))["refunds"]
    assert [(r["dossier"], r["amount"], r["transaction"]) for r in listed] == [
        (code, 75000, "GD-MUON-01")]


def test_a_second_transaction_for_a_paid_fee_is_kept_for_refund(
    served: tuple[Flask, PaymentGatewaySimulator], platform: Platform, clock: FixedClock,
) -> None:
    app, simulator = served
    code, _, reference = _fee_asked(app)
    report = {"reference": reference, "amount": FEE, "transaction": "GD1", "result": "success"}
    assert simulator.callback(report)[0] == 200
    double, answer, _ = simulator.callback({**report, "transaction": "GD2"})
    assert double == 409 and "cần hoàn tiền" in answer["error"]["message"]  # as the gateway expects
    clock.advance(timedelta(seconds=30))
    assert simulator.callback({**report, "transaction": "GD2"})[0] == 409  # retried, newly signed
    assert _refunds(platform, code) == [("double", FEE, "GD2", False)]
    page = _words(officer(app, "motcua.minhxuan").get(f"/can-bo/ho-so/{code}")
                  .get_data(as_text=True))
    assert "Cần hoàn trả 75.000 đồng cho người nộp: giao dịch GD2 ngày" in page
    assert "nộp hai lần" in page

    with platform.uow() as uow:  # the settlement lists both: one matches, one is known
        seen = reconcile_settlement(uow, gateway="cong-gia-lap", day=clock.now().date(), rows=[
            SettlementRow(reference, "GD2", FEE, None), SettlementRow(reference, "GD1", FEE, None)])
    assert seen["matched"] == 1 and seen["differences"] == []
    assert [(r["transaction"], r["amount"]) for r in seen["refunds"]] == [("GD2", FEE)]


def test_the_reconciliation_keeps_money_for_a_withdrawn_request_whose_callback_was_lost(
    served: tuple[Flask, PaymentGatewaySimulator], platform: Platform, clock: FixedClock,
) -> None:
    app, _ = served
    code, _, reference = _fee_asked(app)
    assert _cancel(officer(app, HELD_STEP_OFFICER), code).status_code == 200
    rows = [SettlementRow(reference, "GD-TRE", FEE, None)]
    with platform.uow() as uow:
        first = reconcile_settlement(uow, gateway="cong-gia-lap", day=clock.now().date(), rows=rows)
    assert first["differences"] == [] and first["recovered"] == []
    assert [r["transaction"] for r in first["refunds"]] == ["GD-TRE"]
    assert _refunds(platform, code) == [("cancelled", FEE, "GD-TRE", False)]
    with platform.uow() as uow:  # run again: still known, still one refund
        again = reconcile_settlement(uow, gateway="cong-gia-lap", day=clock.now().date(), rows=rows)
    assert again["differences"] == [] and len(again["refunds"]) == 1
    assert _refunds(platform, code) == [("cancelled", FEE, "GD-TRE", False)]


def test_an_officer_records_the_refund_once_and_a_missing_note_keeps_what_was_typed(
    app: Flask, platform: Platform,
) -> None:
    citizen, code, _ = _withdrawn_then_paid(app)
    desk = officer(app, "motcua.minhxuan")
    page = desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    refund_id = int(re.search(r'/hoan-tra/(\d+)"', page).group(1))  # type: ignore[union-attr]
    form = {"csrf_token": token(page.encode()), "cach_hoan": "transfer", "so_chung_tu": "UNC-0042"}
    url = f"/can-bo/ho-so/{code}/hoan-tra/{refund_id}"

    empty = desk.post(url, data={**form, "ghi_chu": "  "})
    assert empty.status_code == 400
    shown = empty.get_data(as_text=True)
    assert "Nhập ghi chú về việc hoàn trả" in _words(shown) and 'id="error-summary"' in shown
    assert 'value="UNC-0042"' in shown  # what was typed is kept
    assert re.search(r'value="transfer"\s+checked', shown)
    no_way = desk.post(url, data={**form, "cach_hoan": "", "ghi_chu": NOTE})
    assert no_way.status_code == 400 and "Chọn cách hoàn trả" in _words(no_way.get_data(as_text=True))
    assert NOTE in no_way.get_data(as_text=True)
    assert _refunds(platform, code)[0][3] is False  # nothing recorded

    done = desk.post(url, data={**form, "ghi_chu": NOTE})
    assert done.status_code == 303
    after = _words(desk.get(done.headers["Location"]).get_data(as_text=True))
    assert "Đã ghi nhận hoàn trả 75.000 đồng cho người nộp hồ sơ" in after
    assert "Cần hoàn trả 75.000 đồng" not in after and "Đã hoàn trả cho người nộp" in after
    assert "Chuyển khoản vào tài khoản của người nộp, chứng từ số UNC-0042" in after
    assert NOTE in after
    assert _refunds(platform, code)[0][3] is True

    twice = desk.post(url, data={**form, "ghi_chu": "Ghi lần nữa cho chắc"})
    assert twice.status_code == 409
    assert "đã được ghi nhận hoàn trả lúc" in _words(twice.get_data(as_text=True))
    api = desk.post(f"/api/v1/dossiers/{code}/refunds/{refund_id}/record",
                    json={"method": "cash", "note": "Trả lại lần nữa"})
    assert api.status_code == 409
    kinds, subjects, actions = _told(platform, code)
    assert kinds.count("refunded") == 1 and actions.count("payments.refunded") == 1
    assert f"Hồ sơ {code}: đã hoàn trả tiền cho bạn" in subjects
    mine = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert "Cơ quan đã hoàn trả 75.000 đồng cho bạn" in mine
    assert "cơ quan sẽ hoàn trả lại cho bạn" not in mine
    assert _body(desk.get("/api/v1/refunds"))["refunds"] == []  # nothing left to pay back
    assert "Cần hoàn trả tiền cho người nộp" not in desk.get("/can-bo/ho-so").get_data(as_text=True)


def test_a_citizen_or_another_agencys_officer_cannot_record_a_refund(
    app: Flask, platform: Platform,
) -> None:
    citizen, code, _ = _withdrawn_then_paid(app)
    listed = _body(citizen.get(f"/api/v1/dossiers/{code}/refunds"))
    assert listed["may_record"] is False and len(listed["refunds"]) == 1
    refund_id = listed["refunds"][0]["id"]
    body = {"method": "cash", "note": "Tự ghi là đã nhận lại tiền"}
    path = f"/api/v1/dossiers/{code}/refunds/{refund_id}/record"
    assert citizen.post(path, json=body).status_code == 403
    outsider = officer(app, "motcua.antuong")
    assert outsider.post(path, json=body).status_code == 404  # another agency's dossier
    assert _body(outsider.get("/api/v1/refunds"))["refunds"] == []
    form = {"csrf_token": token(citizen.get(f"/ca-nhan/ho-so/{code}").data), "cach_hoan": "cash",
            "ghi_chu": "Tự ghi là đã nhận lại tiền"}
    assert citizen.post(f"/can-bo/ho-so/{code}/hoan-tra/{refund_id}", data=form).status_code == 403
    bad = officer(app, "motcua.minhxuan").post(path, json={"method": "sec", "voucher": 5, "note": ""})
    assert bad.status_code == 400 and set(_body(bad)["error"]["details"]) == {"voucher"}
    bad = officer(app, "motcua.minhxuan").post(path, json={"method": "sec", "note": ""})
    assert bad.status_code == 400 and set(_body(bad)["error"]["details"]) == {"method", "note"}
    assert _refunds(platform, code) == [("cancelled", 75000, "GD-MUON-01", False)]  # untouched


def test_a_refund_is_no_news_for_the_national_portal_while_status_changes_still_are(
    app: Flask, platform: Platform,
) -> None:
    """Regression: `refund_due` and `refunded` went to the national portal as entries of the
    dossier's processing log (progress-update). The portal is told the dossier's status and
    its processing steps; money paid back is between the agency and the payer (told to the
    applicant on their page and by notice), no step of the procedure."""
    citizen, code, asked = _asked(app)
    assert _cancel(officer(app, HELD_STEP_OFFICER), code).status_code == 200
    before = _facts(platform, code)["portal"]
    assert _late_payment(app, citizen, asked["reference"], "GD-MUON-01").status_code == 409
    withdrawn = [p["entry"]["kind"] for kind, p in before if kind == "progress-update"]
    assert "payment_request_cancelled" in withdrawn  # the withdrawal itself is a step
    desk = officer(app, "motcua.minhxuan")
    refund_id = _body(desk.get(f"/api/v1/dossiers/{code}/refunds"))["refunds"][0]["id"]
    made = desk.post(f"/api/v1/dossiers/{code}/refunds/{refund_id}/record",
                     json={"method": "cash", "note": NOTE})
    assert made.status_code == 200, _body(made)
    kinds, _, _ = _told(platform, code)
    assert "refund_due" in kinds and "refunded" in kinds  # in the dossier's own history
    assert _facts(platform, code)["portal"] == before  # nothing for the portal

    asked = officer(app, HELD_STEP_OFFICER).post(f"/api/v1/dossiers/{code}/request-payment",
                                                 json={})
    assert asked.status_code == 200, _body(asked)
    after = _facts(platform, code)["portal"][len(before):]
    assert [(kind, p["dossier"]["status"]) for kind, p in after if kind == "dossier-sync"] == [
        ("dossier-sync", 6)]  # a real status change still is
    assert [p["entry"]["kind"] for kind, p in after if kind == "progress-update"] == [
        "payment_requested"]


def _at_once(simulator: PaymentGatewaySimulator, clock: FixedClock, platform: Platform,
             code: str, reports: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """POST the callbacks to the served app from as many threads released together (each
    signed a second apart: a retry, not a replay), while the test holds the dossier's row
    lock until every one of them waits for it (PostgreSQL; SQLite: its write lock, a moment);
    their answers in the same order."""
    barrier = threading.Barrier(len(reports))
    answers: list[tuple[int, dict[str, Any]]] = [(0, {})] * len(reports)

    def call(index: int) -> None:
        at = clock.now() + timedelta(seconds=index + 1)
        barrier.wait()
        status, answer, _ = simulator.callback(reports[index], at=at)
        answers[index] = (status, answer)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(reports))]
    with platform.engine.connect() as holder, holder.begin():
        holder.execute(select(Dossier.id).where(Dossier.code == code).with_for_update())
        for thread in threads:
            thread.start()
        _until_waiting(platform, len(reports))
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _until_waiting(platform: Platform, count: int) -> None:
    """Until `count` transactions wait for a row lock (PostgreSQL), or a moment (SQLite)."""
    if platform.engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 20
    with platform.engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
            if waiting.scalar_one() >= count:
                return
            watcher.rollback()
            time.sleep(0.02)
    raise AssertionError(f"{count} callbacks never waited for the dossier's lock")


def _payment(platform: Platform, reference: str) -> tuple[str, str, str | None]:
    with platform.uow() as uow:
        payment = uow.session.scalar(select(Payment).where(Payment.reference == reference))
        assert payment is not None
        return payment.state, payment.gateway_reference, payment.receipt_number


def test_duplicate_callbacks_at_once_are_answered_as_one_after_the_other(
    served: tuple[Flask, PaymentGatewaySimulator], platform: Platform, clock: FixedClock,
) -> None:
    """Regression (PostgreSQL): the payment was read before the dossier's row lock and not
    again after it, so a callback that waited for another's lock still saw the fee asked:
    the same transaction reported twice at once was paid twice (two «paid» events, the
    receipt number the gateway was answered replaced by the next one). The second
    transaction reported twice at once is one refund due, both answered 409."""
    app, simulator = served
    code, _, reference = _fee_asked(app)
    report = {"reference": reference, "amount": FEE, "transaction": "GD1", "result": "success"}
    first = _at_once(simulator, clock, platform, code, [report, report])
    assert [status for status, _ in first] == [200, 200], first  # as a sequential duplicate
    state, transaction, receipt = _payment(platform, reference)
    assert (state, transaction) == ("paid", "GD1")
    assert [answer["receipt_number"] for _, answer in first] == [receipt, receipt]
    assert _told(platform, code)[0].count("paid") == 1

    clock.advance(timedelta(seconds=30))
    double = _at_once(simulator, clock, platform, code, [{**report, "transaction": "GD2"}] * 2)
    assert [status for status, _ in double] == [409, 409], double  # not 500
    assert all("cần hoàn tiền" in answer["error"]["message"] for _, answer in double)
    assert _refunds(platform, code) == [("double", FEE, "GD2", False)]
    kinds, _, actions = _told(platform, code)
    assert kinds.count("refund_due") == 1 and actions.count("payments.refund_due") == 1
    assert _payment(platform, reference) == (state, transaction, receipt)


def test_two_transactions_for_one_fee_at_once_one_pays_it_the_other_is_kept_for_refund(
    served: tuple[Flask, PaymentGatewaySimulator], platform: Platform, clock: FixedClock,
) -> None:
    """Regression (PostgreSQL): both were taken as the payment, the later one overwriting the
    earlier one's transaction and receipt: the money of one was lost without a refund due."""
    app, simulator = served
    code, _, reference = _fee_asked(app)
    report = {"reference": reference, "amount": FEE, "transaction": "GD1", "result": "success"}
    answers = _at_once(simulator, clock, platform, code, [report, {**report, "transaction": "GD2"}])
    assert sorted(status for status, _ in answers) == [200, 409], answers
    paid = "GD1" if answers[0][0] == 200 else "GD2"
    other = "GD2" if paid == "GD1" else "GD1"
    state, transaction, receipt = _payment(platform, reference)
    assert (state, transaction) == ("paid", paid)
    assert [a["receipt_number"] for s, a in answers if s == 200] == [receipt]
    assert _refunds(platform, code) == [("double", FEE, other, False)]
    assert _told(platform, code)[0].count("paid") == 1


def test_a_second_transaction_seen_only_in_the_settlement_is_kept_for_refund(
    served: tuple[Flask, PaymentGatewaySimulator], platform: Platform, clock: FixedClock,
) -> None:
    """Regression: a second payment of a paid fee whose callback never arrived was listed as
    a difference («Mã giao dịch khác nhau») and its money never became a refund due; the
    reconciliation keeps it as the callback would have (once, however often it runs)."""
    app, simulator = served
    code, _, reference = _fee_asked(app)
    report = {"reference": reference, "amount": FEE, "transaction": "GD1", "result": "success"}
    assert simulator.callback(report)[0] == 200
    rows = [SettlementRow(reference, "GD1", FEE, None), SettlementRow(reference, "GD2", FEE, None)]
    for _ in range(2):
        with platform.uow() as uow:
            seen = reconcile_settlement(uow, gateway="cong-gia-lap", day=clock.now().date(),
                                        rows=rows)
        assert seen["matched"] == 1 and seen["differences"] == [], seen["differences"]
        assert [(r["transaction"], r["amount"]) for r in seen["refunds"]] == [("GD2", FEE)]
        assert _refunds(platform, code) == [("double", FEE, "GD2", False)]
    kinds, _, actions = _told(platform, code)
    assert kinds.count("refund_due") == 1 and actions.count("payments.refund_due") == 1
    assert _payment(platform, reference)[:2] == ("paid", "GD1")  # the fee's own payment stands

    clock.advance(timedelta(days=1))  # the next day's file: a third one, the fee paid before
    with platform.uow() as uow:
        later = reconcile_settlement(uow, gateway="cong-gia-lap", day=clock.now().date(),
                                     rows=[SettlementRow(reference, "GD3", FEE, None)])
    assert later["differences"] == [] and [r["transaction"] for r in later["refunds"]] == ["GD3"]
    assert [t for _, _, t, _ in _refunds(platform, code)] == ["GD2", "GD3"]


def test_the_reconciliation_racing_a_late_callback_records_the_payment_once(
    served: tuple[Flask, PaymentGatewaySimulator], platform: Platform, clock: FixedClock,
) -> None:
    """Regression (PostgreSQL): the reconciliation found the fee still asked, waited for the
    dossier's lock while the late callback paid it, then recorded it paid again (a second
    «paid» event, the callback's receipt number replaced)."""
    app, simulator = served
    code, _, reference = _fee_asked(app)
    report = {"reference": reference, "amount": FEE, "transaction": "GD1", "result": "success"}
    answers: list[tuple[int, dict[str, Any]]] = []
    seen: list[dict[str, Any]] = []

    def reconcile() -> None:
        with platform.uow() as uow:
            seen.append(reconcile_settlement(uow, gateway="cong-gia-lap", day=clock.now().date(),
                                             rows=[SettlementRow(reference, "GD1", FEE, None)]))

    callback = threading.Thread(target=lambda: answers.append(simulator.callback(report)[:2]))
    daily = threading.Thread(target=reconcile)
    with platform.engine.connect() as holder, holder.begin():
        holder.execute(select(Dossier.id).where(Dossier.code == code).with_for_update())
        callback.start()
        _until_waiting(platform, 1)
        daily.start()
        _until_waiting(platform, 2)
    for thread in (callback, daily):
        thread.join(timeout=60)
    state, transaction, receipt = _payment(platform, reference)
    assert (state, transaction) == ("paid", "GD1")
    assert answers[0][0] == 200 and answers[0][1]["receipt_number"] == receipt
    assert _told(platform, code)[0].count("paid") == 1
    assert seen[0]["differences"] == [] and seen[0]["refunds"] == []


def test_a_failure_report_racing_the_payment_leaves_the_paid_fee_as_paid(
    served: tuple[Flask, PaymentGatewaySimulator], platform: Platform, clock: FixedClock,
) -> None:
    """Regression (PostgreSQL): a «failed» report read the payment without the dossier's row
    lock. Read while a success report for the same payment was being recorded, it saw the fee
    still asked and, once the payment was recorded, wrote over it: the paid fee lost its
    gateway («Trực tuyến qua cổng thanh toán trực tuyến» instead of the gateway's name) and the
    daily reconciliation no longer listed it when the gateway's file left it out. The test
    holds the payment's row so the success report waits with the dossier locked, then sends
    the failure report; it now waits for the dossier and finds the fee paid."""
    app, simulator = served
    code, citizen, reference = _fee_asked(app)
    assert citizen.post(f"/api/v1/dossiers/{code}/pay", json={}).status_code == 200  # checkout
    report = {"reference": reference, "amount": FEE, "transaction": "GD1", "result": "success"}
    answers: dict[str, tuple[int, dict[str, Any]]] = {}

    def send(name: str, sent: dict[str, Any], seconds: int) -> threading.Thread:
        def call() -> None:
            at = clock.now() + timedelta(seconds=seconds)
            answers[name] = simulator.callback(sent, at=at)[:2]
        thread = threading.Thread(target=call)
        thread.start()
        return thread

    with platform.engine.connect() as holder, holder.begin():
        holder.execute(select(Payment.id).where(Payment.reference == reference).with_for_update())
        paid = send("paid", report, 1)
        _until_waiting(platform, 1)
        failed = send("failed", {**report, "transaction": "GD2", "result": "failed"}, 2)
        _until_waiting(platform, 2)
    for thread in (paid, failed):
        thread.join(timeout=60)
    assert answers["paid"][0] == 200 and answers["failed"][0] == 200, answers
    assert _payment(platform, reference)[:2] == ("paid", "GD1")
    mine = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert "trực tuyến qua cong-gia-lap, mã giao dịch" in mine  # the gateway's name stands
    with platform.uow() as uow:  # the gateway's file lacks it: the finance officer is told
        seen = reconcile_settlement(uow, gateway="cong-gia-lap", day=clock.now().date(), rows=[])
    assert [(d["reference"], d["problem"]) for d in seen["differences"]] == [
        (reference, "Hệ thống ghi đã thu, cổng thanh toán không có")]
    assert _told(platform, code)[0].count("paid") == 1 and _refunds(platform, code) == []


def test_money_paid_online_for_a_fee_taken_in_cash_is_kept_for_refund(
    served: tuple[Flask, PaymentGatewaySimulator], platform: Platform, clock: FixedClock,
) -> None:
    """Regression: the applicant paid at the gateway a fee the desk had just taken in cash;
    the gateway was answered 200 and nothing was kept (a double payment was recognised only
    beside another online transaction): the money was lost to the books. It is a refund due
    as any double payment, the gateway answered 409 as for one, both sides told, and the
    daily reconciliation counts the transaction as known, also when its report was lost."""
    app, simulator = served
    code, citizen, reference = _fee_asked(app)
    desk = officer(app, "motcua.minhxuan")
    cash = desk.post(f"/api/v1/dossiers/{code}/cash-payment", json={"amount": FEE})
    assert cash.status_code == 200, _body(cash)
    receipt = _body(cash)["receipt_number"]
    report = {"reference": reference, "amount": FEE, "transaction": "GD1", "result": "success"}
    double, answer, _ = simulator.callback(report)
    assert double == 409, answer  # as for a second online transaction
    message = answer["error"]["message"]
    assert "cần hoàn tiền" in message and f"tiền mặt (biên lai số {receipt})" in message
    clock.advance(timedelta(seconds=30))
    assert simulator.callback(report)[0] == 409  # retried, newly signed: still one refund
    assert _refunds(platform, code) == [("double", FEE, "GD1", False)]
    assert _payment(platform, reference) == ("paid", "", receipt)  # the cash payment stands

    page = _words(desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True))
    assert "Cần hoàn trả 75.000 đồng cho người nộp: giao dịch GD1 ngày" in page
    assert "nộp hai lần" in page
    mine = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert f"tiền mặt, biên lai số {receipt}." in mine
    assert "Cơ quan đã nhận 75.000 đồng bạn nộp" in mine
    assert "trong khi khoản phí này đã được nộp trước đó (nộp hai lần)" in mine
    kinds, subjects, actions = _told(platform, code)
    assert kinds.count("refund_due") == 1 and actions.count("payments.refund_due") == 1
    assert f"Hồ sơ {code}: khoản tiền bạn đã nộp sẽ được hoàn trả" in subjects

    rows = [SettlementRow(reference, "GD1", FEE, None), SettlementRow(reference, "GD2", FEE, None)]
    with platform.uow() as uow:  # GD2's report was lost: kept now, as the report would have
        seen = reconcile_settlement(uow, gateway="cong-gia-lap", day=clock.now().date(), rows=rows)
    assert seen["differences"] == [] and seen["recovered"] == [], seen
    assert [r["transaction"] for r in seen["refunds"]] == ["GD1", "GD2"]
    assert _refunds(platform, code) == [("double", FEE, "GD1", False), ("double", FEE, "GD2", False)]
