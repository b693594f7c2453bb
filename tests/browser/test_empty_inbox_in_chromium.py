"""An officer's empty inbox in Chromium at 390 and 1280 px: an officer with no role, the
desk of a new commune where no procedure is received yet, the demo desk with nothing open
and its inbox searched for nobody — each says why it is empty; every page fits without sideways scroll and
passes axe-core with no violation at any impact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from engine.core.models import Agency
from engine.core.permissions import DESK
from engine.identity.accounts import create_account
from engine.wiring import Platform
from tests.browser.conftest import AXE
from tests.browser.test_agencies_accounts_in_chromium import WIDTHS, _login

PASSWORD = "motcua-demo-2026"
CASES = (
    ("no-role", "canbo.moi", "", "chưa được giao vai trò xử lý hồ sơ"),
    ("no-procedure", "motcua.tanlap", "", "Chưa có thủ tục nào được tiếp nhận tại"),
    ("no-work", "motcua.minhxuan", "", "Chưa có hồ sơ nào chờ bạn xử lý."),
    ("filter", "motcua.minhxuan", "?q=Không+ai", "Không có công việc nào khớp với bộ lọc"),
)


def _people(database: str) -> None:
    platform = Platform(database)
    try:
        with platform.uow() as uow:
            uow.session.add(Agency(code="000.00.99.H99", name="UBND xã Tân Lập", kind="commune"))
            uow.session.flush()
            create_account(uow, username="canbo.moi", password=PASSWORD,
                           full_name="Nguyễn Văn Mới", kind="officer")
            create_account(uow, username="motcua.tanlap", password=PASSWORD,
                           full_name="Lò Thị Lập", kind="officer",
                           roles=(("000.00.99.H99", DESK),))
            uow.commit()
    finally:
        platform.dispose()


def _every_violation(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


def test_the_empty_inbox_says_why_fits_and_passes_axe(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    _people(server_database)
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        for name, who, query, words in CASES:
            context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                          viewport={"width": width, "height": 900})
            page = context.new_page()
            _login(page, server, who)
            page.goto(f"{server}/can-bo{query}")
            expect(page.locator("main")).to_contain_text(words)
            overflow = int(page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"))
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
            if overflow > 0:
                problems[f"{name}@{width}: overflow"] = overflow
            if violations := _every_violation(page):
                problems[f"{name}@{width}: axe"] = violations
            context.close()
    assert not problems, problems
