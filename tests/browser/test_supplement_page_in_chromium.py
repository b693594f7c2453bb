"""The citizen's «Bổ sung hồ sơ» page in real Chromium at a phone's width (390 px) and a
desktop's (1280 px), walk report b4: what the agency asked for comes first — the paper's
upload control on the first screen, the declaration folded below — «Gửi bổ sung» without
the paper names it and sends nothing, with it the dossier goes on. axe-core (WCAG 2.2 A/AA)
finds nothing, before and after the error, and no page is wider than the viewport.
Screenshots go to the test's artefacts and to /tmp/shots-b4 for a person to look at."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE, serving, signed_in_page
from tests.functional.test_supplement_asks import _asked
from tests.helpers import PDF
from tests.service.test_supplement_answer import COMMITMENT
from webapp.app import create_app

WIDTHS = (390, 1280)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = Path(tempfile.gettempdir()) / "shots-b4"


@pytest.fixture
def waiting(server_database: str, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """Four dossiers of «congdan» waiting for a supplement, served: two asking for «Bản cam
    kết…», two for a correction only (one of each kind for each width)."""
    instance = tmp_path / "instance"
    app = create_app({"DATABASE_URL": server_database, "SECRET_KEY": "kiem-thu",
                      "INSTANCE_PATH": str(instance)})
    codes = [_asked(app, COMMITMENT)[1] for _ in WIDTHS]
    codes += [_asked(app, "Ghi rõ số tầng của công trình")[1] for _ in WIDTHS]
    app.extensions["motcua"].dispose()
    with serving(instance) as base:
        yield base, codes


def _check(page: Any, shots: Path, name: str) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("t => axe.run(document, {runOnly: {type: 'tag', values: t}})", TAGS)
    assert found["violations"] == [], json.dumps(found["violations"], ensure_ascii=False)[:3000]
    SHOTS.mkdir(exist_ok=True)
    for folder in (shots, SHOTS):
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


def test_the_supplement_page_asks_first_and_refuses_an_empty_answer(
    browser: Any, waiting: tuple[str, list[str]], shots: Path, tmp_path: Path,
) -> None:
    base, codes = waiting
    scan = tmp_path / "cam-ket.pdf"
    scan.write_bytes(PDF + b"cam ket")
    for width, code in zip(WIDTHS, codes[:2], strict=True):
        page = signed_in_page(browser, base, "congdan", bypass_csp=True,
                              viewport={"width": width, "height": 800})
        page.goto(f"{base}/ca-nhan/ho-so/{code}/bo-sung")
        upload = page.locator("#paper-3-file")
        expect(upload).to_be_visible()
        box = upload.bounding_box()
        assert box is not None and box["y"] < 2 * 800  # within the first two screens
        expect(page.locator("#correct-form")).not_to_have_attribute("open", "")
        expect(page.get_by_label("Địa chỉ liên hệ")).to_be_hidden()  # folded
        _check(page, shots, "supplement-asked")

        page.locator("#send-supplement").click()
        expect(page.locator("#paper-3-error")).to_contain_text(
            f"Bạn chưa tải lên «{COMMITMENT}» mà cơ quan yêu cầu.")
        expect(page.locator("#error-summary")).to_contain_text("Có 1 lỗi cần sửa")
        _check(page, shots, "supplement-refused")

        page.locator("#paper-3-file").set_input_files(str(scan))
        page.locator("#send-supplement").click()
        expect(page.locator(".flash.success, .flash")).to_contain_text("Đã gửi bổ sung")
        page.context.close()


def test_corrections_only_open_the_declaration_and_ask_for_a_word_when_nothing_changed(
    browser: Any, waiting: tuple[str, list[str]], shots: Path,
) -> None:
    base, codes = waiting
    for width, code in zip(WIDTHS, codes[2:], strict=True):
        page = signed_in_page(browser, base, "congdan", bypass_csp=True,
                              viewport={"width": width, "height": 800})
        page.goto(f"{base}/ca-nhan/ho-so/{code}/bo-sung")
        expect(page.get_by_label("Địa chỉ liên hệ")).to_be_visible()  # open: no paper asked
        page.locator("#send-supplement").click()
        expect(page.locator("#unchanged-error")).to_contain_text(
            "Bạn chưa sửa nội dung nào và chưa tải lên giấy tờ nào")
        _check(page, shots, "supplement-unchanged")
        page.get_by_label("Tôi đã kiểm tra, không cần sửa gì").check()
        page.locator("#send-supplement").click()
        expect(page.locator(".flash")).to_contain_text("Đã gửi bổ sung")
        page.context.close()


def test_the_desk_confirms_for_the_applicant_when_a_correction_needed_none(
    browser: Any, waiting: tuple[str, list[str]], shots: Path,
) -> None:
    base, codes = waiting
    for width, code in zip(WIDTHS, codes[2:], strict=True):
        page = signed_in_page(browser, base, "motcua.minhxuan", bypass_csp=True,
                              viewport={"width": width, "height": 800})
        page.goto(f"{base}/can-bo/ho-so/{code}/nhan-bo-sung")
        page.get_by_role("button", name="Nhận bổ sung").click()
        expect(page.locator("#unchanged-error")).to_contain_text("Chưa sửa nội dung nào")
        _check(page, shots, "desk-supplement-unchanged")
        page.get_by_label("Tôi đã kiểm tra, không cần sửa gì (người nộp xác nhận)").check()
        page.get_by_role("button", name="Nhận bổ sung").click()
        expect(page.locator(".flash")).to_contain_text("Đã nhận bổ sung")
        page.context.close()
