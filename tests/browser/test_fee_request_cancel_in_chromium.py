"""«Hủy yêu cầu nộp phí» in real Chromium, at a phone's width (390 px) and a desktop's
(1280 px): the officer's dossier page with the fee request awaited and its withdrawal form
open, the withdrawal typed and sent, then the citizen's page saying the request was
withdrawn; and the desk's cash form while the applicant pays online (the note, the refusal,
the box that takes the cash all the same) — axe-core finds no WCAG 2.2 A/AA violation of any
impact, no page is wider than the screen. Screenshots go to the test's artefacts and to
/tmp/h2 (for a person to look at)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import expect

from tests.browser.conftest import AXE, serving, signed_in_page
from tests.helpers import MINH_XUAN, PERMIT, complete, login, permit_data
from webapp.app import create_app

WIDTHS = (390, 1280)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = Path(tempfile.gettempdir()) / "h2"  # for a person to look at
REASON = "Người nộp thuộc đối tượng được miễn lệ phí; yêu cầu gửi nhầm"


def _asked(seeded_sqlite: Path, instance: Path,
           then: Callable[[Flask, FlaskClient, FlaskClient, str, dict[str, Any]], None] | None = None
           ) -> str:
    """A dossier of congdan received, its fee asked by the specialist (status 6), written into
    a copy of the seeded database in `instance`: its code. `then(app, citizen, specialist,
    code, request)` goes on in the same app before it is closed."""
    instance.mkdir(parents=True)
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'motcua.db'}",
                      "SECRET_KEY": "kiem-thu", "INSTANCE_PATH": str(instance)})
    citizen, desk, specialist = (app.test_client() for _ in range(3))
    for client, who in ((citizen, "congdan"), (desk, "motcua.minhxuan"),
                        (specialist, "chuyenvien.minhxuan")):
        login(client, who)
    code = str(citizen.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).json["code"])
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = specialist.post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200
    if then is not None:
        then(app, citizen, specialist, code, asked.get_json())
    app.extensions["motcua"].dispose()
    return code


def _check(page: Any, name: str, shots: Path, width: int, also: Path = SHOTS) -> dict[str, Any]:
    """The page's problems (wider than the screen, axe-core's violations) and its screenshot
    (in `shots`, and in `also` for a person to look at)."""
    page.wait_for_load_state("load")
    problems: dict[str, Any] = {}
    extra = int(page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"))
    if extra > 0:
        problems["wider_than_viewport_by"] = extra
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                           "resultTypes: ['violations']})", TAGS)
    if result["violations"]:
        problems["axe"] = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                           for v in result["violations"]]
    for folder in (shots, also):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    return problems


def _page(browser: Any, base: str, who: str, width: int) -> Any:
    return signed_in_page(browser, base, who, locale="vi-VN", bypass_csp=True,
                          viewport={"width": width, "height": 844 if width < 600 else 900})


def test_the_officer_withdraws_the_fee_request_and_the_citizen_sees_it(
    browser: Any, seeded_sqlite: Path, tmp_path: Path, shots: Path,
) -> None:
    code = _asked(seeded_sqlite, tmp_path / "instance")
    found: dict[str, Any] = {}
    with serving(tmp_path / "instance") as base:
        for width in WIDTHS:
            page = _page(browser, base, "chuyenvien.minhxuan", width)
            page.goto(f"{base}/can-bo/ho-so/{code}")
            expect(page.locator("#fee-request")).to_contain_text("75.000 đồng")
            page.get_by_text("Hủy yêu cầu nộp phí", exact=True).first.click()  # the summary
            expect(page.get_by_label("Lý do hủy")).to_be_visible()
            if problems := _check(page, "officer-pending", shots, width):
                found[f"officer's page @ {width}"] = problems
            page.context.close()

        page = _page(browser, base, "chuyenvien.minhxuan", 390)
        page.goto(f"{base}/can-bo/ho-so/{code}")
        page.get_by_text("Hủy yêu cầu nộp phí", exact=True).first.click()
        page.get_by_label("Lý do hủy").fill(REASON)
        page.get_by_role("button", name="Hủy yêu cầu nộp phí").click()
        expect(page.locator("#yeu-cau-phi-da-huy")).to_contain_text(REASON)
        expect(page.locator("#yeu-cau-phi")).to_have_count(0)
        if problems := _check(page, "officer-after", shots, 390):
            found["officer's page after @ 390"] = problems
        page.context.close()

        for width in WIDTHS:
            page = _page(browser, base, "congdan", width)
            page.goto(f"{base}/ca-nhan/ho-so/{code}")
            expect(page.locator("#fee-withdrawn-1")).to_contain_text("Cơ quan đã hủy yêu cầu nộp 75.000 đồng")
            expect(page.locator("#fee-withdrawn-1")).to_contain_text(REASON)
            expect(page.locator("#thanh-toan")).to_have_count(0)
            if problems := _check(page, "citizen-after", shots, width):
                found[f"citizen's page @ {width}"] = problems
            page.context.close()
    assert found == {}


def _at_checkout(app: Flask, citizen: FlaskClient, specialist: FlaskClient, code: str,
                 asked: dict[str, Any]) -> None:
    """The applicant opens the stand-in bank's checkout and has not paid yet."""
    went = citizen.post(f"/api/v1/dossiers/{code}/pay", json={})
    assert went.status_code == 200, went.json


def _all_rules(page: Any) -> list[str]:
    """axe-core's violations of every rule and impact (after `_check` injected it)."""
    return list(page.evaluate("axe.run(document).then(r => r.violations.map(v => v.id))"))


def test_the_desk_is_told_the_applicant_pays_online_before_taking_cash(
    browser: Any, seeded_sqlite: Path, tmp_path: Path, shots: Path,
) -> None:
    """The dossier page's cash form while the applicant is at the gateway's checkout: the
    note and its box, the refusal said when the cash is sent without the box, the cash
    taken once the box is ticked — at 390 and 1280 px, no violation, nothing wider."""
    code = _asked(seeded_sqlite, tmp_path / "instance", then=_at_checkout)
    found: dict[str, Any] = {}
    with serving(tmp_path / "instance") as base:
        for width in WIDTHS:
            page = _page(browser, base, "motcua.minhxuan", width)
            page.goto(f"{base}/can-bo/ho-so/{code}")
            expect(page.locator("#cash-in-flight")).to_contain_text(
                "Người nộp đang thanh toán trực tuyến khoản 75.000 đồng")
            if problems := _check(page, "desk-cash-paying-online", shots, width):
                found[f"desk's page @ {width}"] = problems
            if rules := _all_rules(page):
                found[f"desk's page @ {width} (all rules)"] = rules
            page.get_by_role("button", name="Ghi nhận đã thu và cấp biên lai").click()
            expect(page.locator("main")).to_contain_text("chưa ghi nhận thu tiền mặt")
            expect(page.get_by_label("Vẫn thu tiền mặt", exact=False)).not_to_be_checked()
            if problems := _check(page, "desk-cash-refused-paying-online", shots, width):
                found[f"desk's refusal @ {width}"] = problems
            if rules := _all_rules(page):
                found[f"desk's refusal @ {width} (all rules)"] = rules
            if width == WIDTHS[-1]:
                page.get_by_label("Vẫn thu tiền mặt", exact=False).check()
                page.get_by_role("button", name="Ghi nhận đã thu và cấp biên lai").click()
                expect(page.locator("main")).to_contain_text("Đã thu 75.000 đồng")
                expect(page.locator("#cash-in-flight")).to_have_count(0)
                if problems := _check(page, "desk-cash-taken-paying-online", shots, width):
                    found[f"desk's page after @ {width}"] = problems
                if rules := _all_rules(page):
                    found[f"desk's page after @ {width} (all rules)"] = rules
            page.context.close()
    assert found == {}
