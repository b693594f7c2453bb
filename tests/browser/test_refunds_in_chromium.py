"""Money paid after the fee request was withdrawn, in real Chromium at a phone's width
(390 px) and a desktop's (1280 px): the officer's dossier page with «Cần hoàn trả …» and the
form to record the refund, the agency's dossier list naming it, the form refused without a
note (what was typed kept), then the refund recorded; the citizen's page before and after —
axe-core finds no WCAG 2.2 A/AA violation of any impact, no page is wider than the screen.
Screenshots go to the test's artefacts and to /tmp/shots-h3 (for a person to look at)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import expect

from tests.browser.conftest import serving
from tests.browser.test_fee_request_cancel_in_chromium import WIDTHS, _asked, _check, _page

SHOTS = Path(tempfile.gettempdir()) / "shots-h3"  # for a person to look at
NOTE = "Đã chuyển khoản trả lại người nộp theo đề nghị ngày 02/12/2026"


def _withdrawn_then_paid(app: Flask, citizen: FlaskClient, specialist: FlaskClient, code: str,
                         asked: dict[str, Any]) -> None:
    """The specialist withdraws the fee request, then the gateway reports it paid all the
    same (refused, kept as a refund due)."""
    assert specialist.post(f"/api/v1/dossiers/{code}/payment-request/cancel",
                           json={"reason": "Yêu cầu sai số tiền"}).status_code == 200
    late = citizen.post(f"/api/v1/payments/{asked['reference']}/confirm", json={
        "signature": app.extensions["payment_gateway"].sign(asked["reference"]),
        "gateway_reference": "GD-MUON-01"})
    assert late.status_code == 409




def test_the_officer_sees_the_refund_due_records_it_and_the_citizen_is_told(
    browser: Any, seeded_sqlite: Path, tmp_path: Path, shots: Path,
) -> None:
    code = _asked(seeded_sqlite, tmp_path / "instance", _withdrawn_then_paid)
    found: dict[str, Any] = {}
    with serving(tmp_path / "instance") as base:
        for width in WIDTHS:
            page = _page(browser, base, "motcua.minhxuan", width)
            page.goto(f"{base}/can-bo/ho-so/{code}")
            expect(page.locator("[id^=refund-due-]")).to_contain_text(
                "Cần hoàn trả 75.000 đồng cho người nộp: giao dịch GD-MUON-01 ngày")
            if problems := _check(page, "officer-refund-due", shots, width, SHOTS):
                found[f"officer's page @ {width}"] = problems
            page.goto(f"{base}/can-bo/ho-so")
            expect(page.locator("#can-hoan-tra")).to_contain_text(f"Hồ sơ {code}")
            if problems := _check(page, "agency-refunds-due", shots, width, SHOTS):
                found[f"agency's dossiers @ {width}"] = problems
            page.context.close()
        for width in WIDTHS:
            page = _page(browser, base, "congdan", width)
            page.goto(f"{base}/ca-nhan/ho-so/{code}")
            expect(page.locator("#refund-1")).to_contain_text("cơ quan sẽ hoàn trả lại cho bạn")
            if problems := _check(page, "citizen-refund-due", shots, width, SHOTS):
                found[f"citizen's page @ {width}"] = problems
            page.context.close()

        page = _page(browser, base, "motcua.minhxuan", 390)
        page.goto(f"{base}/can-bo/ho-so/{code}")
        page.get_by_label("Chuyển khoản vào tài khoản của người nộp").check()
        page.get_by_label("Số chứng từ hoàn trả (nếu có)").fill("UNC-0042")
        page.get_by_role("button", name="Ghi nhận đã hoàn trả").click()
        expect(page.locator("#error-summary")).to_contain_text("Nhập ghi chú về việc hoàn trả")
        expect(page.get_by_label("Số chứng từ hoàn trả (nếu có)")).to_have_value("UNC-0042")
        if problems := _check(page, "officer-refund-no-note", shots, 390, SHOTS):
            found["officer's refused form @ 390"] = problems
        page.get_by_label("Ghi chú").fill(NOTE)
        page.get_by_role("button", name="Ghi nhận đã hoàn trả").click()
        expect(page.locator("#da-hoan-tra")).to_contain_text(NOTE)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
            if problems := _check(page, "officer-refunded", shots, width, SHOTS):
                found[f"officer's page after @ {width}"] = problems
        page.context.close()

        for width in WIDTHS:
            page = _page(browser, base, "congdan", width)
            page.goto(f"{base}/ca-nhan/ho-so/{code}")
            expect(page.locator("#refund-1")).to_contain_text("Cơ quan đã hoàn trả 75.000 đồng cho bạn")
            if problems := _check(page, "citizen-refunded", shots, width, SHOTS):
                found[f"citizen's page after @ {width}"] = problems
            page.context.close()
    assert found == {}
