"""A process designer in a real browser: uploads a package, sees its diagram rendered by
bpmn-js with the problem element highlighted, changes a step deadline in the modeler's
properties panel, saves a new draft version, and test-runs it a step, the path shown on
the drawing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import left_the_login_page
from tests.helpers import package_files, zip_bytes

PASSWORD = "motcua-demo-2026"
PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def _package_with_a_warning(folder: Path) -> Path:
    """The permit package whose approval condition compares with a value the form never
    offers ("cap-phep" for "cap_phep"): valid, stored, with a warning on that flow."""
    files = package_files(PACKAGE)
    files["process.bpmn"] = files["process.bpmn"].replace(
        b'quyet_dinh == "cap_phep"', b'quyet_dinh == "cap-phep"')
    path = folder / "goi-canh-bao.zip"
    path.write_bytes(zip_bytes(files))
    return path


def test_a_designer_uploads_sees_the_problem_on_the_diagram_and_saves_a_new_deadline(
    browser: Any, server: str, shots: Path, tmp_path: Path
) -> None:
    page = browser.new_context(locale="vi-VN", viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(f"{server}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("thietke.minhxuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)
    page.goto(f"{server}/quan-tri/thu-tuc")
    page.set_input_files("#package", str(_package_with_a_warning(tmp_path)))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_selector("#open-version")
    assert "1 cảnh báo" in page.inner_text("#report-title")
    page.screenshot(path=str(shots / "01-upload-report.png"), full_page=True)

    page.click("#open-version")
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    flagged = page.locator("g.djs-element.problem-warning[data-element-id='f_cap_phep']")
    assert flagged.count() == 1  # the flow the warning is about is marked on the drawing
    assert page.locator(".problem-badge.warning").count() == 1
    assert "không bao giờ bằng 'cap-phep'" in page.inner_text("#problems")
    steps = page.inner_text("#steps")
    assert "Thẩm định hồ sơ, đề xuất" in steps and "10 ngày làm việc" in steps
    page.screenshot(path=str(shots / "02-diagram-with-problem.png"), full_page=True)

    page.get_by_role("link", name="Sửa sơ đồ (lưu thành bản nháp mới)").click()
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    page.locator("g.djs-element[data-element-id='tham_dinh']").click()
    page.wait_for_selector("#prop-deadline-number")
    assert page.input_value("#prop-deadline-number") == "10"
    assert page.input_value("#prop-deadline-unit") == "working_days"
    assert page.input_value("#prop-form") == "tham_dinh.schema.json"
    page.fill("#prop-deadline-number", "8")
    page.press("#prop-deadline-number", "Tab")
    page.screenshot(path=str(shots / "03-properties-panel.png"), full_page=True)
    page.get_by_role("button", name="Lưu thành bản nháp mới").click()
    saved = page.wait_for_selector("#save-result a")
    assert "Đã lưu thành bản nháp số 3" in saved.inner_text()
    saved.click()
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    assert "8 ngày làm việc" in page.inner_text("#steps")
    assert "Bản nháp" in page.inner_text("#version-status")
    page.screenshot(path=str(shots / "04-new-draft.png"), full_page=True)

    page.get_by_role("link", name="Chạy thử từng bước").click()
    page.get_by_role("button", name="Bắt đầu chạy thử").click()
    page.get_by_role("button", name="Hoàn thành «Tiếp nhận, kiểm tra hồ sơ»").click()
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    assert page.locator("g.djs-element.path-done[data-element-id='tiep_nhan']").count() == 1
    assert page.locator("g.djs-element.path-waiting[data-element-id='tham_dinh']").count() == 1
    assert "Đường đi: Tiếp nhận, kiểm tra hồ sơ." in page.inner_text("#sandbox-state")
    page.screenshot(path=str(shots / "05-test-run-path.png"), full_page=True)


def _appraisal_form_editor(browser: Any, server: str, held: list[Any] | None = None) -> Any:
    """The designer's editor of the appraisal step's form. With `held`, the request for the
    builder's model is held back (appended there) until the test lets it go."""
    page = browser.new_context(locale="vi-VN", viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(f"{server}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("thietke.minhxuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)
    if held is not None:
        page.route("**/mo-hinh", lambda route: held.append(route))
    page.goto(f"{server}/quan-tri/thu-tuc/000.00.12.H64/1.009994/1")
    page.get_by_role("link", name="Biểu mẫu bước «Thẩm định hồ sơ, đề xuất»").click()
    page.wait_for_selector("#preview #f-y_kien_tham_dinh")
    return page


def test_the_form_editor_preview_follows_the_schema_as_it_is_typed(
    browser: Any, server: str, shots: Path
) -> None:
    page = _appraisal_form_editor(browser, server)
    page.locator("#advanced-tools > summary").click()  # the builder opens first
    page.get_by_role("button", name="Nâng cao (JSON Schema)").click()
    schema = page.input_value("#schema-text")
    page.fill("#schema-text", schema.replace('"Ý kiến thẩm định"', '"Ý kiến của chuyên viên thẩm định"'))
    # A locator wait, not wait_for_function: Playwright polls that with eval, which the
    # Content-Security-Policy forbids.
    expect(page.locator("#preview")).to_contain_text("Ý kiến của chuyên viên")
    # The JSON text is drawn in the shipped code font, which has the Vietnamese letters
    # (the browser's own monospace fonts drew "hồ sơ" as "hô` sơ"), served under the CSP.
    assert page.eval_on_selector("#schema-text", "e => getComputedStyle(e).fontFamily") \
        .startswith('"Noto Sans Mono"')
    loaded = page.evaluate("""document.fonts.load('14px "Noto Sans Mono"', 'Thẩm định hồ sơ')
        .then(faces => faces.filter(f => f.status === 'loaded').map(f => f.unicodeRange))""")
    assert any("U+1EA0-1EF9" in ranges for ranges in loaded), loaded
    page.fill("#schema-text", schema[:-10])
    page.wait_for_selector("#preview-problems li")
    assert "JSON không hợp lệ" in page.inner_text("#preview-problems")
    page.screenshot(path=str(shots / "form-editor-problem.png"), full_page=True)


def test_the_json_text_opened_before_the_builder_loads_stays_open_with_the_edit(
    browser: Any, server: str
) -> None:
    """A designer quick to open «Nâng cao (JSON Schema)» while the builder's model is still
    on its way: when it arrives, the text stays shown and keeps what they typed (it used to
    switch back to the builder and write the built schema over their edit)."""
    held: list[Any] = []
    page = _appraisal_form_editor(browser, server, held)
    # Until the model is there the builder takes nothing (a title typed now would be
    # written over when the model is drawn) and there is nothing to save.
    page.locator("#form-title").focus()
    page.keyboard.type("Tiêu đề gõ quá sớm")
    assert page.input_value("#form-title") == ""
    expect(page.get_by_role("button", name="Lưu thành bản nháp mới")).to_be_disabled()
    page.locator("#advanced-tools > summary").click()
    page.get_by_role("button", name="Nâng cao (JSON Schema)").click()
    edited = page.input_value("#schema-text").replace(
        '"Ý kiến thẩm định"', '"Ý kiến của chuyên viên thẩm định"')
    page.fill("#schema-text", edited)
    expect(page.locator("#preview")).to_contain_text("Ý kiến của chuyên viên")
    assert len(held) == 1
    with page.expect_response("**/mo-hinh"):
        held[0].continue_()
    expect(page.locator("#add-kind option").first).to_be_attached()  # the model was read
    expect(page.get_by_role("button", name="Lưu thành bản nháp mới")).to_be_enabled()
    expect(page.locator("#schema-text")).to_be_visible()
    assert page.input_value("#schema-text") == edited
    expect(page.locator("#preview")).to_contain_text("Ý kiến của chuyên viên")
    # Back in the builder, the model is read from the edited text.
    page.get_by_role("button", name="Trình dựng biểu mẫu").click()
    expect(page.locator("#builder")).to_be_visible()
    expect(page.locator("#preview")).to_contain_text("Ý kiến của chuyên viên")
