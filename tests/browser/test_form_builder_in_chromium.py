"""The visual form builder and the test run by forms in Chromium, at a desktop's (1280 px)
and a phone's (390 px) width: a designer adds a yes/no question and a field asked only when
it is "Có", sees it in the live preview (also at phone width), saves a new draft without
typing JSON; the sandbox shows the start form prefilled. No sideways scroll, axe-core clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, left_the_login_page

PASSWORD = "motcua-demo-2026"
EDITOR = "/quan-tri/thu-tuc/000.00.12.H64/1.009994/1/bieu-mau/tham_dinh.schema.json"
SANDBOX = "/quan-tri/thu-tuc/000.00.12.H64/1.009994/1/chay-thu"
DECISIONS = "/quan-tri/thu-tuc/000.00.12.H64/1.009994/1/bang-quyet-dinh"


def _login(page: Any, base: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("thietke.minhxuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)


def _fits(page: Any) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], wide


@pytest.mark.parametrize("width", [1280, 390])
def test_a_designer_builds_a_conditional_field_and_saves_a_draft(browser: Any, server: str,
                                                                 shots: Path, width: int) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    _login(page, server)
    page.goto(f"{server}{EDITOR}")
    page.wait_for_selector(".builder-field")
    assert page.locator("#mode-builder").get_attribute("aria-pressed") == "true"  # under «Nâng cao»
    assert page.locator("#advanced").is_hidden()
    count = page.locator("#fields > .builder-field").count()
    page.select_option("#add-kind", "yesno")
    page.get_by_role("button", name="Thêm trường", exact=True).first.click()
    cards = page.locator("#fields > .builder-field")
    expect(cards).to_have_count(count + 1)
    cards.nth(count).get_by_label("Câu hỏi (nhãn)").fill("Cần khảo sát hiện trạng")
    assert cards.nth(count).get_by_label("Mã trường").input_value() == \
        "can_khao_sat_hien_trang"
    page.select_option("#add-kind", "text")
    page.get_by_role("button", name="Thêm trường", exact=True).first.click()
    last = cards.nth(count + 1)
    last.get_by_label("Câu hỏi (nhãn)").fill("Ngày khảo sát dự kiến")
    last.get_by_label("Hướng dẫn (hiện dưới câu hỏi)").fill("Ghi ngày, tháng, năm")
    last.get_by_label("Chỉ hỏi khi").select_option("can_khao_sat_hien_trang")
    cards.nth(count + 1).get_by_label("Có", exact=True).check()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Ngày khảo sát dự kiến", timeout=15_000)
    # The preview is redrawn as each build lands: wait for the one of the last edits.
    expect(preview).to_contain_text("Chỉ điền khi «Cần khảo sát hiện trạng»")
    expect(preview).to_contain_text("Ghi ngày, tháng, năm")
    page.get_by_role("button", name="Điện thoại (390 px)").click()
    assert preview.evaluate("e => e.getBoundingClientRect().width") <= 390
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"form-builder-{width}.png"), full_page=True)
    page.get_by_role("button", name="Lưu thành bản nháp mới").click()
    page.wait_for_selector("#save-result a", timeout=60_000)
    assert "Đã lưu thành bản nháp số" in page.locator("#save-result").inner_text()
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_sandbox_starts_from_the_generated_form(browser: Any, server: str, shots: Path,
                                                    width: int) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    _login(page, server)
    page.goto(f"{server}{SANDBOX}")
    assert page.locator('input[name="ho_ten"]').input_value() == "Nguyễn Văn An"
    assert page.locator("textarea.code").is_hidden()  # JSON only under «Nhập JSON (nâng cao)»
    _fits(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Bắt đầu chạy thử", exact=True).click()
    page.wait_for_selector("#sandbox-decided")
    assert "75.000 đồng" in page.locator("#sandbox-decided").inner_text()
    expect(page.locator('input[name="ket_qua_kiem_tra"]')).to_have_count(2)  # further down the page
    page.get_by_role("button", name="Hoàn thành «Tiếp nhận, kiểm tra hồ sơ»", exact=True).click()
    answers = page.locator("#sandbox-answers")
    expect(answers).to_contain_text("2. Tiếp nhận, kiểm tra hồ sơ")
    pairs = answers.evaluate("e => [...e.querySelectorAll('dt')].map("
                             "dt => dt.textContent + ' = ' + dt.nextElementSibling.textContent)")
    assert "Kết quả kiểm tra = Hồ sơ đầy đủ, hợp lệ — tiếp nhận" in pairs
    assert "Họ và tên chủ đầu tư = Nguyễn Văn An" in pairs
    expect(page.get_by_role("button", name="Cho hết hạn: «Quá hạn thẩm định» (bước «Thẩm định hồ "
                                            "sơ, đề xuất»), sau 10 ngày làm việc")).to_be_visible()
    boxes = page.locator("textarea.code")
    assert boxes.count() == 1 and boxes.first.is_hidden()
    # The drawing as on the version's page: a deadline on one line, not a word per line.
    chip = page.locator(".deadline-chip", has_text="10 ngày làm việc")
    expect(chip).to_have_count(1)
    assert chip.evaluate("e => e.getBoundingClientRect().height") < 30
    page.get_by_text("Nhập JSON (nâng cao)").click()
    assert boxes.first.is_visible()
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"sandbox-by-forms-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_start_forms_preview_shows_the_papers_to_attach(browser: Any, server: str,
                                                            shots: Path, width: int) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    _login(page, server)
    page.goto(f"{server}{EDITOR.replace('tham_dinh', 'don_de_nghi')}")
    preview = page.locator("#preview")
    expect(preview.locator(".preview-papers")).to_contain_text("Trang bắt đầu: bạn cần chuẩn bị",
                                                               timeout=15_000)
    assert "Thành phần hồ sơ đính kèm" in preview.inner_text()
    page.get_by_role("button", name="Thêm giấy tờ").click()
    expect(page.locator("#builder-problems")).to_contain_text("cần tên giấy tờ")
    page.locator("#papers > li").last.get_by_label("Tên giấy tờ").fill("Giấy xác nhận PCCC")
    expect(preview.locator(".preview-papers")).to_contain_text("Giấy xác nhận PCCC")
    expect(preview.locator("fieldset.papers")).to_contain_text("Giấy xác nhận PCCC")
    page.get_by_role("button", name="Điện thoại (390 px)").click()
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"form-preview-papers-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_designer_changes_a_fee_in_the_decision_table_editor(browser: Any, server: str,
                                                               shots: Path, width: int) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _login(page, server)
    page.goto(f"{server}{DECISIONS}")
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    canvas = page.locator("#dmn-canvas")
    assert "Tổng diện tích sàn (m²)" in canvas.inner_text()
    assert "Cách chọn dòng:" in canvas.inner_text() and "Thì" in canvas.inner_text()
    cell = canvas.locator("td.output-cell", has_text="75.000")  # amounts the Vietnamese way
    cell.click()
    page.keyboard.press("End")
    for _ in range(6):
        page.keyboard.press("Backspace")
    page.keyboard.type("70.000")
    expect(canvas.locator("td.output-cell", has_text="70.000")).to_have_count(1)
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"decision-table-{width}.png"), full_page=True)
    page.get_by_role("button", name="Lưu thành bản nháp mới").click()
    page.wait_for_selector("#save-result a", timeout=60_000)
    assert "Đã lưu thành bản nháp số" in page.locator("#save-result").inner_text()
    assert errors == []
    context.close()


def test_the_builder_and_the_table_editor_run_under_the_content_security_policy(
        browser: Any, server: str) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(page.url + " " + message.text)
            if "Content Security Policy" in message.text else None)
    _login(page, server)
    page.goto(f"{server}{EDITOR}")
    page.wait_for_selector(".builder-field")
    expect(page.locator("#preview")).to_contain_text("Ý kiến thẩm định")
    assert refused == []  # the builder: nothing refused
    page.goto(f"{server}{DECISIONS}")
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    # dmn-js writes a few `style` attributes in its HTML templates (its logo's corner, a
    # measuring box); the policy blocks them, harmlessly (dmn-editor.css places the logo).
    # No script is ever refused: the editor runs entirely from our own files.
    assert refused and all(" Applying inline style violates" in r for r in refused), refused
    expect(page.locator(".bjs-powered-by")).to_have_css("position", "absolute")
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_start_form_shows_its_papers_in_the_builder(browser: Any, server: str, shots: Path,
                                                        width: int) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    _login(page, server)
    page.goto(f"{server}{EDITOR.replace('tham_dinh', 'don_de_nghi')}")
    page.wait_for_selector("#papers .builder-field")
    assert page.locator("#papers > .builder-field").count() == 4
    page.get_by_role("button", name="Thêm giấy tờ").click()
    page.locator("#papers > .builder-field").nth(4).get_by_label("Tên giấy tờ").fill(
        "Văn bản ủy quyền (khi nộp thay)")
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"form-builder-papers-{width}.png"), full_page=True)
    page.get_by_role("button", name="Lưu thành bản nháp mới").click()
    page.wait_for_selector("#save-result a", timeout=60_000)
    context.close()
