"""How the result comes back, in Chromium at a phone's (390 px) and a desk's (1280 px) width:
the submission receipt of a result sent by post (its address) and of one handed back at the
desk whose fee was exempted (its reason), and the paper desk's reception form with the same
choice, refused for a wrong address with what was typed kept. No page scrolls sideways,
axe-core finds no violation at any impact, and the screenshots and both PDFs (the submission
receipt, Mẫu 01) are kept in tests/artifacts (and /tmp/h3 when it exists)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import AXE, PASSWORD, copy_screenshot, signed_in_page
from tests.helpers import MINH_XUAN, PERMIT, permit_data

WIDTHS = (390, 1280)
COPY_TO = Path("/tmp/h3")  # noqa: S108 - where the task asks for them, if present
DESK_PAGE = f"/can-bo/tiep-nhan?thu_tuc={PERMIT}&agency={MINH_XUAN}"
ADDRESS = "Số 8 ngõ 12 đường Bình Thuận, phường Minh Xuân, thành phố Tuyên Quang, tỉnh Tuyên Quang"
REASON = "Người có công với cách mạng (giấy chứng nhận số 123/TQ)"


def _keep(shots: Path, name: str, content: bytes | None = None) -> Path:
    path = shots / name
    if content is not None:
        path.write_bytes(content)
    copy_screenshot(path, COPY_TO)
    return path


def _every_violation(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of any impact (the suite's `axe_violations` keeps the serious)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


def _check(page: Any, shots: Path, name: str, width: int) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    _keep(shots, f"{name}-{width}.png")
    assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px"
    assert _every_violation(page) == [], (name, width)


def _dossiers(browser: Any, server: str, shots: Path) -> tuple[str, str]:
    """Two permits of the demo citizen: one by post, one at the desk with its fee exempted
    after reception; both PDFs of the first kept."""
    context = browser.new_context()
    api = context.request
    assert api.post(f"{server}/api/v1/session", data={"username": "congdan",
                                                      "password": PASSWORD}).status == 201
    codes = []
    for delivery in ({"address": ADDRESS, "phone": "0987654321"}, None):
        made = api.post(f"{server}/api/v1/dossiers", data={
            "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(),
            "result_delivery": delivery})
        assert made.status == 201, made.text()
        codes.append(str(made.json()["code"]))
    by_post, at_desk = codes
    _keep(shots, "bien-nhan-buu-chinh.pdf", api.get(f"{server}/ho-so/{by_post}/bien-nhan.pdf").body())
    context.close()
    desk = browser.new_context().request
    assert desk.post(f"{server}/api/v1/session", data={"username": "motcua.minhxuan",
                                                       "password": PASSWORD}).status == 201
    for code in codes:
        task = next(t for t in desk.get(f"{server}/api/v1/tasks").json()["tasks"]
                    if t["dossier"] == code)
        done = desk.post(f"{server}/api/v1/tasks/{task['id']}/complete",
                         data={"data": {"ket_qua_kiem_tra": "tiep_nhan"}})
        assert done.status == 200, done.text()
    exempted = desk.post(f"{server}/api/v1/dossiers/{at_desk}/fee-exemption", data={"reason": REASON})
    assert exempted.status == 200, exempted.text()
    for code, name in ((by_post, "mau-01-buu-chinh.pdf"), (at_desk, "mau-01-truc-tiep-mien-phi.pdf")):
        pdf = desk.get(f"{server}/api/v1/dossiers/{code}/documents/receipt")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        _keep(shots, name, pdf.body())
    return by_post, at_desk


def test_the_receipts_say_how_the_result_comes_back(browser: Any, server: str, shots: Path) -> None:
    by_post, at_desk = _dossiers(browser, server, shots)
    for width in WIDTHS:
        page = signed_in_page(browser, server, "congdan", bypass_csp=True, locale="vi-VN",
                              viewport={"width": width, "height": 900})
        page.goto(f"{server}/ho-so/{by_post}/bien-nhan")
        said = page.inner_text("#result-delivery-choice")
        assert "Nhận qua dịch vụ bưu chính công ích" in said and ADDRESS in said
        _check(page, shots, "bien-nhan-buu-chinh", width)
        page.goto(f"{server}/ho-so/{at_desk}/bien-nhan")
        assert page.inner_text("#result-delivery-choice") == "Nhận trực tiếp tại Bộ phận Một cửa"
        assert page.inner_text("#fee") == f"Miễn lệ phí: {REASON}"
        _check(page, shots, "bien-nhan-truc-tiep-mien-phi", width)
        page.context.close()


def test_the_desk_form_asks_it_and_names_a_wrong_address(browser: Any, server: str,
                                                         shots: Path) -> None:
    for width in WIDTHS:
        page = signed_in_page(browser, server, "motcua.minhxuan", bypass_csp=True,
                              locale="vi-VN", viewport={"width": width, "height": 900})
        page.goto(f"{server}{DESK_PAGE}")
        assert page.is_checked("#nhan-truc-tiep")
        _check(page, shots, "tiep-nhan-giay", width)
        page.fill("#f-ho_ten", "Nguyễn Văn An")
        page.check("#nhan-buu-chinh")
        page.fill("#dia_chi_nhan", "Số 8")
        page.fill("#dien_thoai_nhan", "0987654321")
        page.click("button[name=decision][value=complete]")
        page.wait_for_selector("#dia_chi_nhan-error")
        assert "Nhập địa chỉ đầy đủ" in page.inner_text("#dia_chi_nhan-error")
        assert page.input_value("#dia_chi_nhan") == "Số 8"
        assert page.input_value("#f-ho_ten") == "Nguyễn Văn An"
        assert page.is_checked("#nhan-buu-chinh")
        part = f"tiep-nhan-giay-hinh-thuc-nhan-{width}.png"  # the choice, close up
        page.locator("#result-delivery").screenshot(path=str(shots / part))
        _keep(shots, part)
        _check(page, shots, "tiep-nhan-giay-dia-chi-sai", width)
        page.context.close()
