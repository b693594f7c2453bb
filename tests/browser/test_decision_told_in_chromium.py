"""The applicant is told what was decided, in Chromium at 390 and 1280 px: the
«Kết quả giải quyết» line near the top of their dossier page with the permit's number, the
link from it to the rating form (reachable at 390 px without scrolling past the page), and
the same facts on the officers' dossier page; the result notice links to the rating form;
the form builder shows the «Cho người nộp biết» marks. Each page fits its width, axe finds
nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import copy_screenshot
from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.helpers import complete
from webapp.app import create_app

COPY_TO = Path("/work/shots")  # a person's copy of the screenshots, when the folder is there


@pytest.fixture
def granted(seeded_sqlite: Path, tmp_path: Path) -> str:
    """A permit dossier the leader granted (number 125/GPXD), waiting at the desk."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'motcua.db'}",
                      "SECRET_KEY": "kiem-thu", "INSTANCE_PATH": str(instance)})
    code = submit_on_page(citizen_client(app))
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    app.extensions["motcua"].dispose()
    return code


@pytest.fixture
def server_database(granted: str, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'instance' / 'motcua.db'}"


def _fits(page: Any, shots: Path, name: str) -> None:
    page.wait_for_load_state("load")
    shot = shots / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    copy_screenshot(shot, COPY_TO)
    assert _overflow(page) <= 0, name
    assert _axe(page) == [], name


@pytest.mark.parametrize("width", [390, 1280])
def test_the_decision_is_told_on_both_dossier_pages(
    browser: Any, server: str, granted: str, shots: Path, width: int
) -> None:
    context = _context(browser, width)
    page = context.new_page()
    _login(page, server, "congdan")
    page.goto(f"{server}/ca-nhan/ho-so/{granted}")
    decision = page.locator("#decision")
    expect(decision).to_contain_text("Được giải quyết")
    expect(decision).to_contain_text("Số giấy phép xây dựng: 125/GPXD")
    expect(decision).to_contain_text("Quyết định: Đồng ý cấp giấy phép xây dựng")
    expect(page.get_by_role("link", name="Rút hồ sơ")).to_have_count(0)
    _fits(page, shots, f"h5-mine-decided-{width}")
    page.locator("#rate-link").click()
    expect(page.locator("#rate-title")).to_be_in_viewport()
    page.goto(f"{server}/ca-nhan/thong-bao")  # «… đã giải quyết xong, chờ trả kết quả»
    _fits(page, shots, f"h5-notices-{width}")
    page.get_by_role("link", name="Đánh giá mức độ hài lòng").first.click()
    expect(page.locator("#rate-title")).to_be_in_viewport()
    context.close()

    context = _context(browser, width)
    page = context.new_page()
    _login(page, server, "motcua.minhxuan")
    page.goto(f"{server}/can-bo/ho-so/{granted}")
    expect(page.locator("#decision")).to_contain_text("Số giấy phép xây dựng: 125/GPXD")
    _fits(page, shots, f"h5-officer-decided-{width}")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_form_builder_shows_which_answers_the_applicant_is_told(
    browser: Any, server: str, shots: Path, width: int
) -> None:
    context = _context(browser, width)
    page = context.new_page()
    _login(page, server, "thietke.minhxuan")
    page.goto(f"{server}/quan-tri/thu-tuc/000.00.12.H64/1.009994/1/bieu-mau/phe_duyet.schema.json")
    page.wait_for_selector(".builder-field")
    cards = page.locator("#fields > .builder-field")
    told = [cards.nth(i).get_by_label("Cho người nộp biết").is_checked() for i in range(3)]
    assert told == [True, True, False]  # the decision, the number; not the refusal's reason
    _fits(page, shots, f"h5-builder-{width}")
    context.close()
