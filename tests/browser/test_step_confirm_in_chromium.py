"""The officers' step pages after an officer's walk of a building permit (report h6), in
Chromium at a phone's and a desk's width, each passing axe and fitting the screen:
the appraisal's «Hoàn thành bước» opens a dialog saying the proposal chosen and the next
step (focus on its button, «Quay lại sửa» closes it keeping the choice; without the script
the step completes at once); an empty supplement request keeps its section open with the
error beside the focused field; the counter's result page keeps a wrong cash amount and
links the dossier and the printable receipt; the citizen's refused file names its paper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serving, signed_in_page
from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.browser.test_fees_in_chromium import Api
from tests.functional.test_supplement_asks import _asked
from tests.helpers import MINH_XUAN, PDF, PERMIT, permit_data
from tests.service.test_supplement_answer import COMMITMENT
from webapp.app import create_app

WIDTHS = (390, 1280)
PROPOSAL = "Đủ điều kiện — đề xuất cấp giấy phép"


def _received(browser: Any, server: str, count: int) -> list[str]:
    citizen, desk = Api(browser, server, "congdan"), Api(browser, server, "motcua.minhxuan")
    codes = [str(citizen.post("/api/v1/dossiers", {
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})["code"])
        for _ in range(count)]
    for code in codes:
        desk.complete(code, {"ket_qua_kiem_tra": "tiep_nhan"})
    return codes


def _task_page(browser: Any, server: str, width: int, who: str, code: str,
               *, script: bool = True) -> tuple[Any, Any]:
    context = _context(browser, width)
    page = context.new_page()
    if not script:
        page.route("**/static/reception.js", lambda route: route.abort())
    _login(page, server, who)
    tasks = page.request.get(f"{server}/api/v1/tasks").json()["tasks"]
    [task] = [t for t in tasks if t["dossier"] == code]
    page.goto(f"{server}/can-bo/cong-viec/{task['id']}")
    return context, page


def _fits(page: Any, width: int) -> None:
    assert _overflow(page) == 0, width
    assert _axe(page) == [], width


def test_the_appraisal_is_confirmed_in_a_dialog_saying_the_choice_and_the_next_step(
    browser: Any, server: str, shots: Path,
) -> None:
    codes = _received(browser, server, 3)
    for width, code in zip(WIDTHS, codes, strict=False):
        context, page = _task_page(browser, server, width, "chuyenvien.minhxuan", code)
        page.get_by_label(PROPOSAL).check()
        page.get_by_label("Ý kiến thẩm định").fill("Phù hợp quy hoạch, đủ điều kiện cấp phép.")
        page.get_by_role("button", name="Hoàn thành bước").click()
        dialog = page.get_by_role("dialog", name="Xác nhận hoàn thành «Thẩm định hồ sơ, đề xuất»")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text(f"Đề xuất: {PROPOSAL}")
        expect(dialog).to_contain_text("Hồ sơ chuyển sang bước «Xem xét, ký duyệt».")
        expect(dialog).to_contain_text("Việc này không hoàn tác được")
        confirm = dialog.get_by_role("button", name="Xác nhận hoàn thành bước")
        expect(confirm).to_be_focused()
        page.screenshot(path=str(shots / f"step-confirm-dialog-{width}.png"))
        _fits(page, width)

        dialog.get_by_role("button", name="Quay lại sửa").click()
        expect(dialog).to_be_hidden()
        expect(page.get_by_label(PROPOSAL)).to_be_checked()  # nothing sent, nothing lost
        page.get_by_role("button", name="Hoàn thành bước").click()
        confirm.click()
        expect(page.locator(".flash")).to_contain_text(
            f"Đã hoàn thành «Thẩm định hồ sơ, đề xuất» cho hồ sơ {code}")
        context.close()
    # Without the script there is no dialog: the step completes as it always did.
    context, page = _task_page(browser, server, 1280, "chuyenvien.minhxuan", codes[2],
                               script=False)
    page.get_by_label(PROPOSAL).check()
    page.get_by_label("Ý kiến thẩm định").fill("Phù hợp quy hoạch, đủ điều kiện cấp phép.")
    page.get_by_role("button", name="Hoàn thành bước").click()
    expect(page.locator(".flash")).to_contain_text("Đã hoàn thành «Thẩm định hồ sơ, đề xuất»")
    context.close()


def test_an_empty_supplement_request_stays_open_with_its_error_focused(
    browser: Any, server: str, shots: Path,
) -> None:
    codes = _received(browser, server, 2)
    for width, code in zip(WIDTHS, codes, strict=True):
        context, page = _task_page(browser, server, width, "chuyenvien.minhxuan", code)
        page.get_by_text("Yêu cầu bổ sung hồ sơ (Mẫu 02)").click()
        page.get_by_label("Ghi chú, hướng dẫn").fill("Gọi trước khi đến")
        page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
        field = page.locator("#missing")
        expect(field).to_be_visible()
        expect(field).to_be_focused()
        expect(page.locator("#missing-error")).to_have_text(
            "Lỗi: Cần liệt kê các giấy tờ, nội dung phải bổ sung.")
        expect(page.get_by_label("Ghi chú, hướng dẫn")).to_have_value("Gọi trước khi đến")
        field.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"supplement-error-{width}.png"))
        _fits(page, width)
        context.close()


def test_the_counters_result_page_keeps_a_wrong_amount_and_links_the_dossier(
    browser: Any, server: str, shots: Path,
) -> None:
    citizen = Api(browser, server, "congdan")
    code = str(citizen.post("/api/v1/dossiers", {
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})["code"])
    Api(browser, server, "motcua.minhxuan").complete(code, {"ket_qua_kiem_tra": "tiep_nhan"})
    Api(browser, server, "chuyenvien.minhxuan").post(f"/api/v1/dossiers/{code}/request-payment", {})
    for width in WIDTHS:
        context = _context(browser, width)
        page = context.new_page()
        _login(page, server, "motcua.minhxuan")
        page.goto(f"{server}/can-bo/tiep-nhan/{code}")
        page.get_by_label("Số tiền đã thu (đồng)").fill("70.000")
        page.get_by_role("button", name="Ghi nhận đã thu và cấp biên lai").click()
        expect(page.locator(".flash")).to_contain_text("75.000")
        expect(page.get_by_label("Số tiền đã thu (đồng)")).to_have_value("70.000")
        expect(page.get_by_role("link", name=f"Xem hồ sơ {code}")).to_be_visible()
        expect(page.get_by_role("link", name="Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01): bản in")
               ).to_be_visible()
        page.screenshot(path=str(shots / f"desk-done-kept-{width}.png"), full_page=True)
        _fits(page, width)
        context.close()


@pytest.fixture
def asked(server_database: str, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """Two dossiers of «congdan» asked for «Bản cam kết…» (form 02), served."""
    instance = tmp_path / "instance"
    app = create_app({"DATABASE_URL": server_database, "SECRET_KEY": "kiem-thu",
                      "INSTANCE_PATH": str(instance)})
    codes = [_asked(app, COMMITMENT)[1] for _ in WIDTHS]
    app.extensions["motcua"].dispose()
    with serving(instance) as base:
        yield base, codes


def test_the_citizens_refused_file_is_named_by_its_paper(
    browser: Any, asked: tuple[str, list[str]], shots: Path, tmp_path: Path,
) -> None:
    base, codes = asked
    (tmp_path / "cam-ket.pdf").write_bytes(PDF + b"cam ket")
    (tmp_path / "ban-ve.pdf").write_bytes(b"GIF89a")  # a picture named as a PDF
    for width, code in zip(WIDTHS, codes, strict=True):
        page = signed_in_page(browser, base, "congdan", bypass_csp=True,
                              viewport={"width": width, "height": 844})
        page.goto(f"{base}/ca-nhan/ho-so/{code}/bo-sung")
        page.locator("#paper-3-file").set_input_files(str(tmp_path / "cam-ket.pdf"))
        page.locator("#correct-form > summary").click()
        page.locator("#paper-2-file").set_input_files(str(tmp_path / "ban-ve.pdf"))
        page.locator("#send-supplement").click()
        summary = page.locator("#error-summary")
        expect(summary).to_contain_text("Bản vẽ thiết kế xây dựng: mặt bằng vị trí công trình")
        expect(summary).to_contain_text("Nội dung tệp không phải loại được chấp nhận")
        expect(summary).not_to_contain_text("2: Nội dung tệp")
        page.screenshot(path=str(shots / f"citizen-file-named-{width}.png"))
        _fits(page, width)
        page.context.close()


def test_the_step_form_takes_no_input_while_its_confirmation_is_on_its_way(
    browser: Any, server: str,
) -> None:
    """What the dialog confirms is what was sent: while the page asks the server, the
    step's form takes no typing (it used to, and the words typed then were silently left
    out of what the dialog confirmed); «Quay lại sửa» gives the focus back to the button."""
    [code] = _received(browser, server, 1)
    context, page = _task_page(browser, server, 1280, "chuyenvien.minhxuan", code)
    held: list[Any] = []
    page.route("**/can-bo/cong-viec/*", lambda route: held.append(route)
               if route.request.method == "POST" else route.continue_())
    page.get_by_label(PROPOSAL).check()
    opinion = page.get_by_label("Ý kiến thẩm định")
    opinion.fill("Phù hợp quy hoạch, đủ điều kiện cấp phép.")
    page.get_by_role("button", name="Hoàn thành bước").click()
    for _ in range(200):  # the script's request reaches the held route within 10 s
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page did not ask for the confirmation"
    opinion.focus()
    page.keyboard.type(" Viết thêm khi đang chờ.")
    assert opinion.input_value() == "Phù hợp quy hoạch, đủ điều kiện cấp phép."
    held[0].continue_()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Quay lại sửa").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Hoàn thành bước")).to_be_focused()
    opinion.fill("Phù hợp quy hoạch; đã xem lại.")  # the form takes input again
    assert opinion.input_value() == "Phù hợp quy hoạch; đã xem lại."
    context.close()
