"""A designer who is not a programmer, in Chromium (issue 20): a rejected upload is kept and
opens in the modeler with its problem marked on the drawing; the list selects the element;
the deadline is typed as a number and a unit, the condition fixed, the save makes a draft
version whose page reads in words (lanes by label, "8 ngày làm việc"). Then the designer's
pages at 390 and 1280 px: nothing wider than the window, axe-core clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, copy_screenshot, left_the_login_page
from tests.helpers import MINH_XUAN, PERMIT, package_files, zip_bytes

PASSWORD = "motcua-demo-2026"
PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
COPY_TO = Path("/work/shots")


def _login(page: Any, server: str, username: str) -> None:
    page.goto(f"{server}/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(left_the_login_page)


def _broken_package(folder: Path) -> Path:
    files = package_files(PACKAGE)
    files["process.bpmn"] = files["process.bpmn"].replace(
        b'quyet_dinh == "cap_phep"', b"__import__('os')")
    path = folder / "goi-loi.zip"
    path.write_bytes(zip_bytes(files))
    return path


def _shot(page: Any, shots: Path, name: str) -> None:
    shot = shots / name
    page.screenshot(path=str(shot), full_page=True)
    copy_screenshot(shot, COPY_TO)


def test_a_rejected_upload_is_fixed_in_the_modeler_in_words(browser: Any, server: str,
                                                             shots: Path, tmp_path: Path) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    _login(page, server, "thietke.minhxuan")
    page.goto(f"{server}/quan-tri/thu-tuc")
    page.set_input_files("#package", str(_broken_package(tmp_path)))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_selector("#open-draft")
    assert "KHÔNG hợp lệ" in page.inner_text("#report-title")
    _shot(page, shots, "designer-words-01-rejected-upload-kept.png")

    page.click("#open-draft")
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    assert page.locator("g.djs-element.problem-error[data-element-id='f_cap_phep']").count() == 1
    assert page.locator(".lane-label", has_text="Bộ phận Một cửa").count() == 1
    page.locator("#problems a[data-element='f_cap_phep']").first.click()
    page.wait_for_selector("#prop-condition")
    assert page.locator("#problems li.current").count() >= 1  # the list follows the drawing
    _shot(page, shots, "designer-words-02-problem-on-the-drawing.png")
    page.fill("#prop-condition", 'quyet_dinh == "cap_phep"')
    page.press("#prop-condition", "Tab")

    page.locator("g.djs-element[data-element-id='tham_dinh']").click()
    page.wait_for_selector("#prop-deadline-number")
    assert page.input_value("#prop-deadline-number") == "10"
    assert page.input_value("#prop-deadline-unit") == "working_days"
    assert "10 ngày làm việc" in page.inner_text("#prop-deadline-words")
    page.fill("#prop-deadline-number", "8")
    page.press("#prop-deadline-number", "Tab")
    assert "8 ngày làm việc" in page.inner_text("#prop-deadline-words")
    page.fill("#prop-deadline-number", "1.5")
    page.press("#prop-deadline-number", "Tab")  # refused in words; the deadline stays 8 days
    assert "số nguyên" in page.inner_text("#prop-deadline-words")
    assert page.get_attribute("#prop-deadline-number", "aria-invalid") == "true"
    page.fill("#prop-deadline-number", "8")
    page.press("#prop-deadline-number", "Tab")
    _shot(page, shots, "designer-words-03-deadline-in-words.png")
    page.locator("g.djs-element[data-element-id='tham_dinh_qua_han']").click()
    page.wait_for_selector("#prop-timer-number")  # a timer in words too
    assert page.input_value("#prop-timer-number") == "10"
    assert "10 ngày làm việc" in page.inner_text("#prop-timer-words")
    page.fill("#prop-timer-number", "12")
    page.press("#prop-timer-number", "Tab")
    assert "12 ngày làm việc" in page.inner_text("#prop-timer-words")

    page.get_by_role("button", name="Lưu và kiểm tra lại").click()
    saved = page.wait_for_selector("#save-result a")
    assert "Đã lưu thành bản nháp số 2" in saved.inner_text(), page.inner_text("#problems")
    saved.click()
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    steps = page.inner_text("#steps")
    assert "8 ngày làm việc" in steps and "Bộ phận Một cửa" in steps and "P8D" not in steps
    assert page.locator(".deadline-chip", has_text="8 ngày làm việc").count() == 1
    _shot(page, shots, "designer-words-04-version-in-words.png")
    page.goto(f"{server}/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/2/so-sanh?voi=1")
    changes = page.inner_text("#diagram-changes")
    assert "Bước «Thẩm định hồ sơ, đề xuất»: thời hạn 10 → 8 ngày làm việc." in changes
    assert "Hẹn giờ gắn với bước «Quá hạn thẩm định»: hẹn giờ 10 → 12 ngày làm việc." in changes
    assert "Quy trình «" not in changes  # the process does not repeat its timers
    _shot(page, shots, "designer-words-05-diff-in-sentences.png")
    context.close()


def test_the_designers_pages_fit_a_phone_and_a_desk(browser: Any, server: str, shots: Path) -> None:
    version = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1"
    pages = [("versions", "/quan-tri/thu-tuc"), ("version", version), ("modeler", f"{version}/sua"),
             ("queues", "/quan-tri/hang-cho"), ("step-times", f"{version}/thoi-gian")]
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        _login(page, server, "thietke.minhxuan")
        for name, path in pages:
            page.goto(f"{server}{path}")
            if name in ("version", "modeler"):
                page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            _shot(page, shots, f"designer-{name}-{width}.png")
            assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px"
            assert axe_violations(page) == [], (name, width)
        context.close()


def test_a_step_deadline_offers_working_days_and_hours_and_still_reads_an_old_unit(
        browser: Any, server: str, shots: Path, tmp_path: Path) -> None:
    """Seconds and minutes are no deadline a designer sets: the unit list offers «ngày làm
    việc» and «giờ làm việc»; a step saved earlier in minutes still reads «30 phút làm việc»."""
    files = package_files(PACKAGE)
    files["process.bpmn"] = files["process.bpmn"].replace(
        b'quyet_dinh == "cap_phep"', b"__import__('os')").replace(
        b'name="deadline" value="P10D"', b'name="deadline" value="PT30M"')
    package = tmp_path / "goi-phut.zip"
    package.write_bytes(zip_bytes(files))
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    _login(page, server, "thietke.minhxuan")
    page.goto(f"{server}/quan-tri/thu-tuc")
    page.set_input_files("#package", str(package))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_selector("#open-draft")
    page.click("#open-draft")
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    page.locator("g.djs-element[data-element-id='tiep_nhan']").click()
    expect(page.locator("#prop-deadline-words")).to_contain_text("4 giờ làm việc")
    offered = page.locator("#prop-deadline-unit option").all_inner_texts()
    assert offered == ["ngày làm việc", "giờ làm việc"]
    page.locator("g.djs-element[data-element-id='tham_dinh']").click()
    expect(page.locator("#prop-deadline-words")).to_contain_text("30 phút làm việc")
    assert page.input_value("#prop-deadline-number") == "30"
    assert page.input_value("#prop-deadline-unit") == "working_minutes"
    offered = page.locator("#prop-deadline-unit option").all_inner_texts()
    assert offered == ["ngày làm việc", "giờ làm việc", "phút làm việc"]
    _shot(page, shots, "designer-words-06-deadline-units.png")
    context.close()
