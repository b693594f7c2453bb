"""Issue 20, end to end in Chromium, as people would do it — mouse and keyboard, never a line
of JSON or ISO-8601: a designer creates a procedure from scratch («Tạo thủ tục mới»); builds
its start form (a number with a unit, a yes/no question, a field asked only when it is «Có», a
paper to upload); creates a fee table from the floor area and edits its rows in dmn-js; makes
two steps inserted before the starter's hand-over at the desk («Thêm bước sau» on bpmn-js's
context pad, each given its kind, lane, form and a deadline «3» + «ngày làm việc» in the
panel); runs it by forms to the end — through «Trả kết quả», the result handed over at the
desk — and keeps that run as the package's test case; submits it. The reviewer finds it in
«Chờ xem xét» and accepts; the approver finds it in «Chờ phê duyệt», approves and publishes.
A citizen finds it in the catalogue, goes through its form on a phone with a floor area of
120 m², submits, and sees the fee the table decided: 100.000 đồng.

Screenshots of every stage (1280 px; the citizen's at 390 px) are kept in tests/artifacts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, left_the_login_page

PASSWORD = "motcua-demo-2026"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
CODE = "1.999001"
NAME = "Cấp phép sửa chữa, cải tạo nhà ở riêng lẻ"
CHUYEN_VIEN = "Chuyên viên phòng Kinh tế, Hạ tầng và Đô thị"
LANH_DAO = "Lãnh đạo UBND cấp xã"
TABLE = "Lệ phí theo tổng diện tích sàn"


class Stage:
    """A browser context of one person, and the screenshots of the stages it goes through."""

    def __init__(self, browser: Any, server: str, shots: Path, viewport: dict[str, int]) -> None:
        # bypass_csp: axe-core is injected on the new procedure's form (the CSP refuses it)
        self.context = browser.new_context(locale="vi-VN", viewport=viewport, bypass_csp=True)
        self.page = self.context.new_page()
        self.server = server
        self.shots = shots
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def login(self, username: str) -> None:
        page = self.page
        page.goto(f"{self.server}/dang-nhap")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(left_the_login_page)

    def shot(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
        (self.shots / f"{name}.html").write_text(self.page.content(), encoding="utf-8")

    def saved(self, button: str = "Lưu thành bản nháp mới") -> int:
        """Press the page's save button; the draft's number, its page opened."""
        page = self.page
        page.get_by_role("button", name=button).click()
        link = page.wait_for_selector("#save-result a", timeout=90_000)
        said = page.inner_text("#save-result")
        found = re.search(r"bản nháp số (\d+)", said)
        assert found is not None, said
        link.click()
        page.wait_for_selector("#version-status")
        return int(found.group(1))

    def close(self) -> None:
        assert self.errors == [], self.errors
        self.context.close()


def _create_the_procedure(designer: Stage) -> None:
    page = designer.page
    page.goto(f"{designer.server}/quan-tri/thu-tuc")
    page.get_by_role("link", name="Tạo thủ tục mới").click()
    page.get_by_label("Mã thủ tục").fill(CODE)
    page.get_by_label("Tên thủ tục").fill(NAME)
    page.get_by_label("Lĩnh vực").fill("Hoạt động xây dựng")
    page.get_by_label("Toàn trình").check()
    page.get_by_label("Số", exact=True).fill("10")
    page.get_by_label("Đơn vị").select_option(label="ngày làm việc")
    page.get_by_label(CHUYEN_VIEN).check()
    page.get_by_label(LANH_DAO).check()
    page.get_by_label("Thành phần hồ sơ").fill("Đơn đề nghị cấp phép sửa chữa\nBản vẽ hiện trạng")
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert axe_violations(page) == []
    designer.shot("01-tao-thu-tuc-moi")
    page.get_by_role("button", name="Tạo thủ tục").click()
    expect(page.locator("#version-status")).to_have_text("Bản nháp")
    expect(page.locator("main")).to_contain_text("bản nháp số 1")
    designer.shot("02-phien-ban-1")


def _card(page: Any, kind: str) -> Any:
    """Add a field of `kind` to the start form; its card."""
    cards = page.locator("#fields > .builder-field")
    count = cards.count()
    page.select_option("#add-kind", kind)
    page.locator("#add-field").click()
    expect(cards).to_have_count(count + 1)
    return cards.nth(count)


def _build_the_start_form(designer: Stage) -> None:
    page = designer.page
    page.get_by_role("link", name="Dựng đơn nộp hồ sơ").click()
    page.wait_for_selector("#fields > .builder-field")
    area = _card(page, "number")
    area.get_by_label("Câu hỏi (nhãn)").fill("Tổng diện tích sàn")
    area.get_by_label("Đơn vị (m², đồng…)").fill("m²")
    area.get_by_label("Bắt buộc").check()
    area.get_by_label("Phải lớn hơn 0").check()
    assert area.get_by_label("Mã trường").input_value() == "tong_dien_tich_san"
    near = _card(page, "yesno")
    near.get_by_label("Câu hỏi (nhãn)").fill("Có công trình liền kề")
    asked = _card(page, "text")
    asked.get_by_label("Câu hỏi (nhãn)").fill("Địa chỉ công trình liền kề")
    asked.get_by_label("Chỉ hỏi khi").select_option(label="Có công trình liền kề")
    asked = page.locator("#fields > .builder-field").last  # redrawn with the condition's values
    asked.get_by_label("Có", exact=True).check()
    page.get_by_role("button", name="Thêm giấy tờ").click()
    page.locator("#papers > .builder-field").last.get_by_label("Tên giấy tờ").fill(
        "Bản cam kết bảo đảm an toàn công trình liền kề")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Địa chỉ công trình liền kề", timeout=15_000)
    expect(preview).to_contain_text("Tổng diện tích sàn")
    designer.shot("03-bieu-mau-nop-ho-so")
    assert designer.saved() == 2


def _fee_table(designer: Stage) -> None:
    page = designer.page
    page.get_by_role("link", name="Bảng quyết định của phiên bản").click()
    page.get_by_label("Tên bảng").fill(TABLE)
    page.get_by_label("Bảng dựa vào trường của đơn").select_option("tong_dien_tich_san")
    page.get_by_label("Lệ phí (đồng)").check()
    page.get_by_label("Dùng làm lệ phí của thủ tục").check()
    page.get_by_label("Tên khoản lệ phí").fill("Lệ phí cấp phép sửa chữa nhà ở")
    designer.shot("04-tao-bang-quyet-dinh")
    page.get_by_role("button", name="Tạo bảng quyết định").click()
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    canvas = page.locator("#dmn-canvas")
    _type_in_cell(page, canvas.locator("tbody td.input-cell").first, "< 100")
    _type_in_cell(page, canvas.locator("tbody td.output-cell").first, "50000")
    page.get_by_role("button", name="Thêm dòng", exact=True).click()
    expect(canvas.locator("tbody td.input-cell")).to_have_count(2)
    _type_in_cell(page, canvas.locator("tbody td.input-cell").nth(1), ">= 100")
    _type_in_cell(page, canvas.locator("tbody td.output-cell").nth(1), "100000")
    expect(canvas.locator("tbody td.output-cell", has_text="100000")).to_have_count(1)
    designer.shot("05-bang-le-phi")
    assert designer.saved() == 4


def _type_in_cell(page: Any, cell: Any, text: str) -> None:
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def _ids(page: Any, css: str) -> set[str]:
    return set(page.eval_on_selector_all(css, "all => all.map(e => e.dataset.elementId)"))


def _append(page: Any, source: str, action: str) -> str:
    """Select `source` on the drawing and append from its context pad; the new shape's id."""
    before = _ids(page, "g.djs-shape")
    shape = page.locator(f"g.djs-element[data-element-id='{source}']")
    entry = page.locator(f".djs-context-pad .entry[data-action='{action}']")
    for _ in range(3):  # a click while the panel re-renders may not select: click again
        shape.click()
        try:
            entry.wait_for(state="visible", timeout=3000)
            break
        except PlaywrightTimeout:
            continue
    entry.click()
    (added,) = _ids(page, "g.djs-shape") - before - _ids(page, "g.djs-label")
    return added


def _officers_step(page: Any, name: str, lane: str, days: str) -> None:
    """The selected new shape made a step handled by an officer of `lane`, in words."""
    page.fill("#prop-name", name)
    page.press("#prop-name", "Tab")
    page.select_option("#prop-kind", "bpmn:UserTask")
    page.wait_for_selector("#prop-lane")
    page.select_option("#prop-lane", label=lane)
    page.wait_for_function("document.getElementById('prop-lane').selectedOptions[0].text"
                           f" === {json.dumps(lane)}")
    page.select_option("#prop-form", "xu_ly.schema.json")
    page.fill("#prop-deadline-number", days)
    page.select_option("#prop-deadline-unit", label="ngày làm việc")
    page.press("#prop-deadline-number", "Tab")
    assert f"{days} ngày làm việc" in page.inner_text("#prop-deadline-words")


def _three_steps(designer: Stage) -> None:
    page = designer.page
    page.get_by_role("link", name="Sửa sơ đồ (lưu thành bản nháp mới)").click()
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    # The starter ends with the desk's hand-over: each step appended is inserted before it.
    appraisal = _append(page, "tiep_nhan", "append.append-task")
    _officers_step(page, "Thẩm định hồ sơ", CHUYEN_VIEN, "3")
    appraisal = page.get_attribute("#prop-id", "title") or appraisal
    _append(page, appraisal, "append.append-task")
    _officers_step(page, "Phê duyệt, ký giấy phép", LANH_DAO, "2")
    page.locator("g.djs-element[data-element-id='tra_ket_qua']").click()  # the desk's hand-over
    expect(page.locator("#prop-status")).to_have_value("9")
    assert "Đã xử lý xong (bước trả kết quả)" in page.inner_text("#prop-status")
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert axe_violations(page) == []
    designer.shot("06-trinh-ve-3-buoc")
    assert designer.saved() == 5
    steps = page.inner_text("#steps")
    for shown in ("Tiếp nhận hồ sơ", "Thẩm định hồ sơ", CHUYEN_VIEN, "3 ngày làm việc",
                  "Phê duyệt, ký giấy phép", LANH_DAO, "2 ngày làm việc", "Trả kết quả"):
        assert shown in steps, shown
    assert "Kiểm tra gói: 0 lỗi" in page.inner_text("main")  # a hand-over on every path
    designer.shot("07-phien-ban-5")


def _sandbox_and_submit(designer: Stage) -> None:
    page = designer.page
    # The new steps and the required floor area break the starter's own test case: the page
    # says how to fix it without JSON — run it to the end and keep the run as the case.
    assert "0/1 ca đạt" in page.inner_text("main")
    page.locator("#fix-tests").get_by_role("link", name="chạy thử quy trình đến hết").click()
    assert page.locator('input[name="ho_ten"]').input_value() == "Nguyễn Văn An"  # the case
    page.get_by_label("Tổng diện tích sàn (m²)").fill("120")
    designer.shot("08-chay-thu-bat-dau")
    page.get_by_role("button", name="Bắt đầu chạy thử", exact=True).click()
    expect(page.locator("#sandbox-decided")).to_contain_text("100.000 đồng")
    for step in ("Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Phê duyệt, ký giấy phép"):
        page.get_by_label("Ý kiến xử lý").fill(f"{step}: đồng ý.")
        page.get_by_role("button", name=f"Hoàn thành «{step}»").click()
        page.wait_for_load_state("load")
    # The last step is the desk's: the result handed over, as the samples do it.
    expect(page.get_by_role("button", name="Hoàn thành «Trả kết quả»")).to_have_count(1)
    page.get_by_label("Trực tiếp tại Bộ phận Một cửa").check()
    designer.shot("09-chay-thu-tra-ket-qua")
    page.get_by_role("button", name="Hoàn thành «Trả kết quả»").click()
    expect(page.locator("#sandbox-state")).to_contain_text("Đã kết thúc tại Đã trả kết quả")
    expect(page.locator("#sandbox-state")).to_contain_text("Phê duyệt, ký giấy phép → Trả kết quả")
    designer.shot("09-chay-thu-ket-thuc")
    page.get_by_role("button", name="Lưu thành ca kiểm thử").click()
    expect(page.locator("#version-status")).to_have_text("Bản nháp")
    expect(page.locator("main")).to_contain_text("1/1 ca kiểm thử đạt")
    page.get_by_role("button", name="Gửi xem xét").click()
    expect(page.locator("#version-status")).to_have_text("Đang xem xét")
    designer.shot("10-da-gui-xem-xet")


def _review(reviewer: Stage) -> None:
    page = reviewer.page
    page.get_by_role("link", name=re.compile("Chờ xem xét")).first.click()
    page.get_by_role("link", name=re.compile(NAME)).first.click()
    reviewer.shot("11-xem-xet")
    page.get_by_label("Đồng ý").check()
    page.get_by_role("button", name="Ghi kết quả xem xét").click()
    expect(page.locator("#version-status")).not_to_have_text("Đang xem xét")
    reviewer.shot("12-da-xem-xet")


def _approve_and_publish(approver: Stage) -> None:
    page = approver.page
    page.get_by_role("link", name=re.compile("Chờ phê duyệt")).first.click()
    page.get_by_role("link", name=re.compile(NAME)).first.click()
    approver.shot("13-phe-duyet")
    page.get_by_role("button", name="Phê duyệt").click()
    page.get_by_role("button", name="Công bố").click()
    expect(page.locator("#version-status")).to_have_text("Đang áp dụng")
    approver.shot("14-da-cong-bo")


def _fill_if_asked(page: Any, label: str, value: str) -> None:
    field = page.get_by_label(label)
    if field.count() and field.first.is_visible() and not field.first.input_value():
        field.first.fill(value)


def _citizen_submits(citizen: Stage, papers: list[Path]) -> str:
    page = citizen.page
    page.goto(citizen.server)
    page.get_by_label("Tìm thủ tục (tên, mã, lĩnh vực, cơ quan)").fill("sửa chữa")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q=s"))  # the search's results, not the page it was typed on
    page.get_by_role("link", name=NAME).click()
    page.wait_for_url(re.compile(r"/thu-tuc/"))  # and the procedure's page, loaded whole
    facts = page.inner_text("main")
    assert "10 ngày làm việc" in facts and "Bản cam kết bảo đảm an toàn công trình liền kề" in facts
    fees = page.inner_text("#procedure-fees")  # the table's amounts, row by row; never «0 đồng»
    assert "50.000 đồng khi" in fees and "100.000 đồng khi" in fees, fees
    assert not re.search(r"(?<![\d.])0 đồng", fees), fees
    citizen.shot("15-cong-dan-thu-tuc-390")
    if page.locator("#start-journey").count():
        page.locator("#start-journey").click()
    files = iter(papers)
    for step in range(1, 10):
        page.wait_for_load_state("load")
        _fill_if_asked(page, "Tổng diện tích sàn (m²)", "120")
        _fill_if_asked(page, "Số điện thoại", "0912345678")
        near = page.get_by_label("Có", exact=True)
        if near.count() and near.first.is_visible():
            near.first.check()
            page.get_by_label("Địa chỉ công trình liền kề").fill("Số 14 đường Bình Thuận")
        for slot in page.locator("input[type=file]").all():
            if slot.is_visible():
                with page.expect_file_chooser() as chooser:
                    slot.click()
                chooser.value.set_files(next(files))
        citizen.shot(f"16-cong-dan-buoc-{step}-390")
        if page.locator("#next-step").count():
            page.locator("#next-step").click()
            continue
        page.locator("#submit-dossier").click()
        break
    page.wait_for_selector("#dossier-code")
    citizen.shot("17-cong-dan-bien-nhan-390")
    return page.inner_text("#dossier-code").strip()


def test_a_designer_builds_a_procedure_from_scratch_and_a_citizen_pays_its_table_fee(
        browser: Any, server: str, shots: Path, tmp_path: Path) -> None:
    designer = Stage(browser, server, shots, DESKTOP)
    designer.login("thietke.minhxuan")
    _create_the_procedure(designer)
    _build_the_start_form(designer)
    _fee_table(designer)
    _three_steps(designer)
    _sandbox_and_submit(designer)
    designer.close()

    reviewer = Stage(browser, server, shots, DESKTOP)
    reviewer.login("xemxet.minhxuan")
    _review(reviewer)
    reviewer.close()
    approver = Stage(browser, server, shots, DESKTOP)
    approver.login("pheduyet.minhxuan")
    _approve_and_publish(approver)
    approver.close()

    papers = []
    for name in ("don-de-nghi.pdf", "ban-ve-hien-trang.pdf", "cam-ket-lien-ke.pdf", "them.pdf"):
        papers.append(tmp_path / name)
        papers[-1].write_bytes(PDF + name.encode())
    citizen = Stage(browser, server, shots, PHONE)
    citizen.login("congdan")
    code = _citizen_submits(citizen, papers)
    receipt = citizen.page.inner_text("main")
    citizen.page.locator("main").get_by_role("link", name="Hồ sơ của tôi").click()
    expect(citizen.page.locator("main")).to_contain_text(code)
    citizen.shot("18-cong-dan-ho-so-390")
    assert code in receipt
    expect(citizen.page.locator("#fee")).to_contain_text("100.000 đồng")  # 120 m²: the table's
    citizen.close()
