"""The officer's dossier page with its notices' delivery status and a postal order, and the
desk's postal order page showing its errors (issue 19), in Chromium at 390 and 1280 px:
nothing scrolls sideways and axe-core (WCAG 2.2 A/AA) finds nothing serious."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import func, select, update

from engine.core.models import Notification
from engine.dossiers import record_postal_status
from engine.records import record_delivery_status
from engine.wiring import Platform
from tests.browser.conftest import axe_violations
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PERMIT, permit_data

WIDTHS = (390, 1280)


def _dossier(browser: Any, server: str, database: str) -> str:
    """A post dossier received at the desk (SMS and e-mail notices), a delivery ordered,
    the SMS reported failed by its provider and the order accepted by the carrier."""
    context = browser.new_context()
    api = context.request
    assert api.post(f"{server}/api/v1/session", data={
        "username": "motcua.minhxuan", "password": "motcua-demo-2026"}).status == 201
    made = api.post(f"{server}/api/v1/desk/dossiers", data={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(), "papers": PAPERS,
        "decision": "complete", "reception": {"ket_qua_kiem_tra": "tiep_nhan"}, "channel": "post",
        "contact": {"phone": "0987654321", "email": "an.nguyen.rat.dai.de.thu.xuong.dong@example.vn"}})
    assert made.status == 201, made.text()
    code = str(made.json()["code"])
    ordered = api.post(f"{server}/api/v1/dossiers/{code}/post-orders", data={
        "kind": "delivery", "name": "Nguyễn Văn An", "phone": "0912345678",
        "address": "Số 5 đường Tân Trào, tổ 7, phường Minh Xuân, thành phố Tuyên Quang, tỉnh Tuyên Quang"})
    assert ordered.status == 201, ordered.text()
    reference = str(ordered.json()["reference"])
    context.close()
    platform = Platform(database)
    try:
        with platform.uow() as uow:
            # The reception's SMS (the desk's delivery order is told by SMS too).
            first = select(func.min(Notification.id)).where(Notification.channel == "sms")
            uow.connection.execute(update(Notification).where(
                Notification.id == first.scalar_subquery())
                .values(provider_id="SIM000001", delivery_status="sending"))
            assert record_delivery_status(uow, provider_id="SIM000001", status="failed",
                                          error="Thuê bao tạm thời không liên lạc được")
            assert record_postal_status(uow, reference=reference,
                                        status="accepted", tracking_number="EP000000001VN")
            uow.commit()
    finally:
        platform.dispose()
    return code


def test_the_notices_and_postal_orders_on_a_phone_and_a_desk(
    browser: Any, server: str, server_database: str, shots: Path
) -> None:
    code = _dossier(browser, server, server_database)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{server}/dang-nhap")
        page.fill("#username", "motcua.minhxuan")
        page.fill("#password", "motcua-demo-2026")
        page.click("form button[type=submit]")
        page.wait_for_url(f"{server}/can-bo**")
        page.goto(f"{server}/can-bo/ho-so/{code}")
        notices = page.locator("#notice-status").inner_text()
        assert "Không gửi được" in notices and "Thuê bao tạm thời không liên lạc được" in notices
        assert "Đang gửi" in notices  # the e-mail, still in the outbox (no worker here)
        postal = page.locator("#postal-orders").inner_text()
        assert "Bưu điện đã nhận đơn" in postal and "EP000000001VN" in postal
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=str(shots / f"notice-status-{width}.png"), full_page=True)
        assert overflow <= 0, f"the dossier page at {width} px scrolls sideways by {overflow} px"
        assert axe_violations(page) == [], width
        page.click("text=Yêu cầu bưu điện thu gom hồ sơ hoặc chuyển phát kết quả")
        page.check("#kind")
        page.fill("#name", "Nguyễn Văn An")
        page.fill("#address", "ngắn")
        page.fill("#phone", "09123")
        page.click("form.stack button[type=submit]")
        expect(page.locator("#error-summary")).to_have_count(1)
        page.wait_for_load_state("load")  # the whole refused page, for its width and axe-core
        assert page.input_value("#address") == "ngắn"  # what was typed is kept
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=str(shots / f"postal-order-{width}.png"), full_page=True)
        assert overflow <= 0, f"the postal order page at {width} px scrolls sideways by {overflow} px"
        assert axe_violations(page) == [], ("postal order", width)
        context.close()
