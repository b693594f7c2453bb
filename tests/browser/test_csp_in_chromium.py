"""The Content-Security-Policy in Debian's Chromium: a designer's hostile field name is refused
at upload; markup that slipped into a page still runs no inline script or handler (Chromium
reports the violation); and the pages that do run scripts — bpmn-js's viewer and modeler,
the form editor, the citizen's conditional form, the report's print button — work under the
policy without a single violation."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.browser.conftest import left_the_login_page
from tests.helpers import MINH_XUAN, PERMIT, package_files, zip_bytes

PASSWORD = "motcua-demo-2026"
PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
HOSTILE = 'q" autofocus onfocus="window.__pwned=1" x="'
VERSION = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1"
# Every `securitypolicyviolation` event of the page, kept where the test can read it.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _page(browser: Any) -> tuple[Any, list[str]]:
    """A new page recording Chromium's CSP console reports."""
    page = browser.new_context(locale="vi-VN", viewport={"width": 1440, "height": 1000}).new_page()
    reports: list[str] = []
    page.on("console", lambda m: reports.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.add_init_script(LISTEN)
    return page, reports


def _until(page: Any, expression: str, seconds: float = 10) -> None:
    """Wait until `expression` holds in the page. Not `page.wait_for_function`: Playwright
    polls that with eval, which this very policy forbids (no 'unsafe-eval')."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {expression}"
        page.wait_for_timeout(100)


def _login(page: Any, server: str, username: str) -> None:
    page.goto(f"{server}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)


def test_a_designer_uploading_a_hostile_field_name_is_refused_with_the_field_named(
    browser: Any, server: str, shots: Path, tmp_path: Path
) -> None:
    files = package_files(PACKAGE)
    schema = json.loads(files["forms/don_de_nghi.schema.json"])
    schema["properties"][HOSTILE] = {"type": "string", "title": "Ghi chú"}
    files["forms/don_de_nghi.schema.json"] = json.dumps(schema, ensure_ascii=False).encode()
    package = tmp_path / "goi-ten-truong-doc-hai.zip"
    package.write_bytes(zip_bytes(files))
    page, reports = _page(browser)
    _login(page, server, "thietke.minhxuan")
    page.goto(f"{server}/quan-tri/thu-tuc")
    page.set_input_files("#package", str(package))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_selector("#report-title")
    page.screenshot(path=str(shots / "hostile-name-refused.png"), full_page=True)
    assert "KHÔNG hợp lệ" in page.inner_text("#report-title")
    report = page.inner_text("section.report")
    assert f"Tên trường «{HOSTILE}» không hợp lệ" in report
    assert "Đơn nộp hồ sơ" in report and "chữ cái" in report  # the form by what it is
    assert page.locator("#open-version").count() == 0  # nothing stored
    assert page.evaluate("window.__pwned") is None
    assert page.locator("[onfocus]").count() == 0
    assert reports == [] and page.evaluate("window.__violations") == []


def test_an_inline_script_slipped_into_a_page_is_blocked_and_reported(
    browser: Any, server: str, shots: Path
) -> None:
    """The page comes from the real app with its real headers; only its body gets markup an
    escaping bug could have let through: an inline script, an inline handler, an inline style."""
    page, reports = _page(browser)

    def inject(route: Any) -> None:
        response = route.fetch()
        body = response.text().replace(
            "</main>",
            '<script>window.__pwned = 1; document.title = "pwned";</script>'
            '<img src="/static/khong-co.png" onerror="window.__pwned = 2">'
            '<p id="styled" style="color: rgb(255, 0, 0)">x</p></main>', 1)
        route.fulfill(response=response, body=body)

    page.route(f"{server}/tra-cuu", inject)
    page.goto(f"{server}/tra-cuu")
    page.wait_for_load_state("load")
    _until(page, "window.__violations.length >= 3")
    page.screenshot(path=str(shots / "inline-script-blocked.png"), full_page=True)
    assert page.evaluate("window.__pwned") is None
    assert page.title() != "pwned"
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    violations = page.evaluate("window.__violations")
    assert any(v.startswith("script-src-elem inline") for v in violations), violations
    assert any(v.startswith("script-src-attr inline") for v in violations), violations
    assert any(v.startswith("style-src-attr inline") for v in violations), violations
    # Chromium's console says so too ("Executing inline script violates … 'script-src 'self''").
    assert any("inline script" in r and "script-src 'self'" in r for r in reports), reports


def test_the_diagram_modeler_and_form_editor_run_under_the_policy(
    browser: Any, server: str, shots: Path
) -> None:
    page, reports = _page(browser)
    _login(page, server, "thietke.minhxuan")
    page.goto(f"{server}{VERSION}")
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    assert page.locator("g.djs-element[data-element-id='tham_dinh']").count() == 1
    page.screenshot(path=str(shots / "viewer-under-csp.png"), full_page=True)

    page.goto(f"{server}{VERSION}/sua")
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    page.locator("g.djs-element[data-element-id='tham_dinh']").click()
    page.wait_for_selector("#prop-deadline-number")
    assert page.input_value("#prop-deadline-number") == "10"  # 10 ngày làm việc
    # The palette's icons come from bpmn-js's embedded font, a data: URL the policy allows.
    _until(page, """[...document.fonts].some(
        f => f.family.replace(/["']/g, "") === "bpmn" && f.status === "loaded")""")
    # Editing a label in place: diagram-js styles its editing box through the CSSOM.
    page.locator("g.djs-element[data-element-id='tham_dinh']").dblclick()
    page.wait_for_selector(".djs-direct-editing-parent", state="visible")
    page.keyboard.type(" (sửa)")
    page.locator("#canvas").click(position={"x": 5, "y": 5})
    page.screenshot(path=str(shots / "modeler-under-csp.png"), full_page=True)

    page.goto(f"{server}{VERSION}/bieu-mau/tham_dinh.schema.json")
    page.wait_for_selector("#preview #f-y_kien_tham_dinh")
    page.locator("#advanced-tools > summary").click()  # the builder opens first
    page.get_by_role("button", name="Nâng cao (JSON Schema)").click()
    schema = page.input_value("#schema-text")
    page.fill("#schema-text", schema.replace('"Ý kiến thẩm định"', '"Ý kiến <b>đã sửa</b>"'))
    _until(page, "document.querySelector('#preview').innerText.includes('<b>đã sửa</b>')")
    assert reports == [] and page.evaluate("window.__violations") == []


def test_the_citizen_form_and_the_report_run_under_the_policy(
    browser: Any, server: str, shots: Path
) -> None:
    page, reports = _page(browser)
    page.goto(f"{server}/thu-tuc/{PERMIT}?agency={MINH_XUAN}&mot_trang=1")
    assert page.evaluate("document.querySelectorAll('[data-show-if]').length") > 0
    # forms.js ran: a conditional field is hidden until its condition holds.
    _until(page, "[...document.querySelectorAll('[data-show-if]')].some(b => b.hidden)")
    _login(page, server, "quantri")
    page.goto(f"{server}/quan-tri/bao-cao")
    page.evaluate("window.print = function () { window.__printed = true; }")
    page.get_by_role("button", name="In báo cáo").click()
    assert page.evaluate("window.__printed") is True
    page.screenshot(path=str(shots / "report-under-csp.png"), full_page=True)
    assert reports == [] and page.evaluate("window.__violations") == []
