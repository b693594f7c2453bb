"""The form builder speaks the designer's language (Chromium, 1280 and 390 px): a field is
added by its question only — its code, made from the label, is folded away under «Nâng cao»
with the JSON Schema editor; two fields with the same question get distinct codes; a label
changed after saving keeps the saved code, so answers already stored keep their key."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, signed_in_page

VERSIONS = "/quan-tri/thu-tuc/000.00.12.H64/1.009994"
FORM = "bieu-mau/phe_duyet.schema.json"


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _add(page: Any, label: str) -> Any:
    cards = page.locator("#fields > .builder-field")
    count = cards.count()
    page.select_option("#add-kind", "text")
    page.get_by_role("button", name="Thêm trường", exact=True).first.click()
    expect(cards).to_have_count(count + 1)
    card = cards.nth(count)
    card.get_by_label("Câu hỏi (nhãn)").fill(label)
    return card


def _save(page: Any) -> dict[str, Any]:
    """Saves a new draft; the saved form's schema, read back from the new version."""
    status = page.locator("#save-result")
    page.get_by_role("button", name="Lưu thành bản nháp mới").click()
    expect(status).to_contain_text("Đã lưu thành bản nháp số", timeout=60_000)
    number = re.search(r"bản nháp số (\d+)", status.inner_text()).group(1)  # type: ignore[union-attr]
    found = page.request.get(f"{page.url.split('/quan-tri')[0]}{VERSIONS}/{number}/{FORM}/mo-hinh")
    return dict(json.loads(found.json()["schema"]))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_field_added_by_its_question_gets_a_code_that_stays(browser: Any, server: str,
                                                             shots: Path, width: int) -> None:
    page = signed_in_page(browser, server, "thietke.minhxuan", locale="vi-VN", bypass_csp=True,
                          viewport={"width": width, "height": 900})
    page.goto(f"{server}{VERSIONS}/1/{FORM}")
    page.wait_for_selector(".builder-field")
    # The main flow: questions in words; no code and no JSON until «Nâng cao» is opened.
    expect(page.get_by_label("Mã trường").first).to_be_hidden()
    expect(page.get_by_role("button", name="Nâng cao (JSON Schema)")).to_be_hidden()
    assert page.locator("#advanced").is_hidden()
    # Choices in words, one a line; a choice reworded keeps its code.
    choices = page.get_by_label("Các phương án (mỗi dòng một phương án)").first
    assert choices.input_value() == "Đồng ý cấp giấy phép xây dựng\nTừ chối cấp giấy phép"
    choices.fill("Đồng ý cấp phép\nTừ chối cấp giấy phép")
    first = _add(page, "Ghi chú của lãnh đạo")
    second = _add(page, "Ghi chú của lãnh đạo")
    expect(page.locator("#preview")).to_contain_text("Ghi chú của lãnh đạo", timeout=15_000)
    expect(page.locator("#builder-problems")).to_be_empty()
    first.locator("summary", has_text="Nâng cao").click()
    second.locator("summary", has_text="Nâng cao").click()
    assert first.get_by_label("Mã trường").input_value() == "ghi_chu_cua_lanh_dao"
    assert second.get_by_label("Mã trường").input_value() == "ghi_chu_cua_lanh_dao_2"
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"form-builder-codes-{width}.png"), full_page=True)
    saved = _save(page)
    assert {"ghi_chu_cua_lanh_dao", "ghi_chu_cua_lanh_dao_2"} <= set(saved["properties"])
    assert saved["properties"]["quyet_dinh"]["oneOf"] == [
        {"const": "cap_phep", "title": "Đồng ý cấp phép"},
        {"const": "tu_choi", "title": "Từ chối cấp giấy phép"}]
    # The label changed after saving: the code, and so the answers' key, stays.
    first.get_by_label("Câu hỏi (nhãn)").fill("Ý kiến của lãnh đạo phòng")
    assert first.get_by_label("Mã trường").input_value() == "ghi_chu_cua_lanh_dao"
    expect(page.locator("#preview")).to_contain_text("Ý kiến của lãnh đạo phòng", timeout=15_000)
    again = _save(page)
    assert again["properties"]["ghi_chu_cua_lanh_dao"]["title"] == "Ý kiến của lãnh đạo phòng"
    assert "y_kien_cua_lanh_dao_phong" not in again["properties"]
    # The JSON Schema editor is under the page's «Nâng cao».
    page.locator("#advanced-tools > summary").click()
    page.get_by_role("button", name="Nâng cao (JSON Schema)").click()
    expect(page.locator("#schema-text")).to_be_visible()
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"form-builder-advanced-{width}.png"), full_page=True)
    page.context.close()


def test_a_save_right_after_an_edit_saves_the_edit_once(browser: Any, server: str) -> None:
    """Saved is what is on screen at the click, even while the preview's build of the last
    edit is still on its way (the save used to take the last build that had come back, so
    a title typed just before was not saved); a double click sends one save."""
    page = signed_in_page(browser, server, "thietke.minhxuan", locale="vi-VN", bypass_csp=True,
                          viewport={"width": 1280, "height": 900})
    page.goto(f"{server}{VERSIONS}/1/{FORM}")
    page.wait_for_selector(".builder-field")
    save_url = page.locator("#save-form").get_attribute("data-url")
    saves: list[str] = []
    page.on("request", lambda r: saves.append(r.url) if r.url.endswith(str(save_url)) else None)
    page.fill("#form-title", "Phê duyệt hồ sơ (sửa ngay trước khi lưu)")
    page.get_by_role("button", name="Lưu thành bản nháp mới").dblclick()
    status = page.locator("#save-result")
    expect(status).to_contain_text("Đã lưu thành bản nháp số", timeout=60_000)
    number = re.search(r"bản nháp số (\d+)", status.inner_text()).group(1)  # type: ignore[union-attr]
    found = page.request.get(f"{server}{VERSIONS}/{number}/{FORM}/mo-hinh")
    assert json.loads(found.json()["schema"])["title"] == "Phê duyệt hồ sơ (sửa ngay trước khi lưu)"
    assert len(saves) == 1
    page.context.close()
