"""The applicant's own dossier page with its postal orders (issue 19) and without any, in
Chromium at 390 and 1280 px: the orders read in words (state, tracking number, address,
times), nothing scrolls sideways and axe-core finds no WCAG 2.2 A/AA violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.dossiers import record_postal_status
from engine.wiring import Platform
from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.helpers import DEMO_PASSWORD, MINH_XUAN, PERMIT, permit_data

WIDTHS = (390, 1280)
ADDRESS = "Số 5 đường Tân Trào, tổ 7, phường Minh Xuân, thành phố Tuyên Quang, tỉnh Tuyên Quang"


def _dossiers(browser: Any, server: str, database: str) -> tuple[str, str]:
    """Two of congdan's dossiers: one whose papers the post picked up and whose result is on
    its way, one with no postal order."""
    context = browser.new_context()
    api = context.request
    assert api.post(f"{server}/api/v1/session", data={
        "username": "congdan", "password": DEMO_PASSWORD}).status == 201
    codes = []
    for _ in range(2):
        made = api.post(f"{server}/api/v1/dossiers", data={
            "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})
        assert made.status == 201, made.text()
        codes.append(str(made.json()["code"]))
    references = []
    for kind in ("pickup", "delivery"):
        ordered = api.post(f"{server}/api/v1/dossiers/{codes[0]}/post-orders", data={
            "kind": kind, "name": "Nguyễn Văn An", "phone": "0912345678", "address": ADDRESS})
        assert ordered.status == 201, ordered.text()
        references.append(str(ordered.json()["reference"]))
    context.close()
    platform = Platform(database)
    try:
        with platform.uow() as uow:
            for status in ("accepted", "in_transit", "delivered"):
                assert record_postal_status(uow, reference=references[0], status=status,
                                            tracking_number="EP000000001VN")
            for status in ("accepted", "in_transit"):
                assert record_postal_status(uow, reference=references[1], status=status,
                                            tracking_number="EP000000002VN")
            uow.commit()
    finally:
        platform.dispose()
    return codes[0], codes[1]


def test_my_dossier_page_with_postal_orders_and_without(
    browser: Any, server: str, server_database: str, shots: Path
) -> None:
    ordered, plain = _dossiers(browser, server, server_database)
    for width in WIDTHS:
        context = _context(browser, width)
        page = context.new_page()
        _login(page, server, "congdan")
        for name, code in (("with-order", ordered), ("without-order", plain)):
            page.goto(f"{server}/ca-nhan/ho-so/{code}")
            page.screenshot(path=str(shots / f"my-postal-{name}-{width}.png"), full_page=True)
            if code == ordered:
                postal = page.locator("#postal").inner_text()
                assert "Thu gom hồ sơ giấy tại nhà" in postal and "Đã phát thành công" in postal
                assert "Đang vận chuyển" in postal and "EP000000002VN" in postal
                assert ADDRESS in postal
            else:
                assert page.locator("#postal").count() == 0
            assert _overflow(page) == 0, (name, width)
            assert _axe(page) == [], (name, width)
        context.close()
