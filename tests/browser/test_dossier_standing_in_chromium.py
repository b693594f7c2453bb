"""Walk F1 in Chromium at 390 and 1280 px: the applicant's, the desk's and the public
tracking pages say where a dossier stands when no step is open (waiting for the
supplement, waiting for the hand-back, ended), «Đã có kết quả» only once handed back, the
refusal letter linked once; every page fits its width and axe-core finds nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.functional.test_citizen_area import _granted, citizen_client, officer, submit_on_page
from tests.helpers import APPLICANT_ID, complete, pay_in_cash
from webapp.app import create_app


@pytest.fixture
def codes(seeded_sqlite: Path, tmp_path: Path) -> dict[str, str]:
    """One dossier waiting for a supplement, one at status 9, one handed back, one refused
    at reception, written into the database the server will run on."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'motcua.db'}",
                      "SECRET_KEY": "kiem-thu", "INSTANCE_PATH": str(instance)})
    citizen = citizen_client(app)
    supplement, done, returned, refused = (submit_on_page(citizen) for _ in range(4))
    desk = officer(app, "motcua.minhxuan")
    complete(desk, supplement, {"ket_qua_kiem_tra": "tiep_nhan"})
    desk.post(f"/api/v1/dossiers/{supplement}/request-supplement", json={"missing": ["Bản vẽ"]})
    _granted(app, done)
    _granted(app, returned)
    pay_in_cash(desk, returned)  # collected before the result is handed over
    desk.post(f"/api/v1/dossiers/{returned}/return", json={"data": {"hinh_thuc_tra": "truc_tiep"}})
    complete(desk, refused, {"ket_qua_kiem_tra": "tu_choi", "ly_do_tu_choi": "Thiếu bản vẽ."})
    app.extensions["motcua"].dispose()
    return {"supplement": supplement, "done": done, "returned": returned, "refused": refused}


@pytest.fixture
def server_database(codes: dict[str, str], tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'instance' / 'motcua.db'}"


def _fits(page: Any, shots: Path, name: str) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert _overflow(page) <= 0, name
    assert _axe(page) == [], name


@pytest.mark.parametrize("width", [390, 1280])
def test_where_a_dossier_stands_in_chromium(
    browser: Any, server: str, codes: dict[str, str], shots: Path, width: int
) -> None:
    context = _context(browser, width)
    page = context.new_page()
    page.goto(f"{server}/tra-cuu")
    page.get_by_label("Mã hồ sơ", exact=True).fill(codes["supplement"])
    page.get_by_label("Số định danh cá nhân của người nộp").fill(APPLICANT_ID)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#track-standing")).to_contain_text("Đang chờ người nộp bổ sung hồ sơ")
    _fits(page, shots, f"track-supplement-{width}")

    _login(page, server, "congdan")
    mine = f"{server}/ca-nhan/ho-so/"
    page.goto(mine + codes["supplement"])
    expect(page.locator("#standing")).to_contain_text("Đang chờ người nộp bổ sung hồ sơ")
    _fits(page, shots, f"mine-supplement-{width}")
    page.goto(mine + codes["done"])
    expect(page.locator("#result-pending")).to_contain_text("Chờ trả kết quả")
    expect(page.get_by_text("Đã có kết quả")).to_have_count(0)
    _fits(page, shots, f"mine-done-{width}")
    page.goto(mine + codes["returned"])
    expect(page.locator("#result-banner")).to_contain_text("Đã có kết quả")
    expect(page.locator("#standing")).to_have_text("Đã kết thúc: đã trả kết quả")
    _fits(page, shots, f"mine-returned-{width}")
    page.goto(mine + codes["refused"])
    expect(page.locator('a[href$="/van-ban/refusal.pdf"]')).to_have_count(1)
    _fits(page, shots, f"mine-refused-{width}")
    context.close()

    context = _context(browser, width)
    page = context.new_page()
    _login(page, server, "motcua.minhxuan")
    page.goto(f"{server}/can-bo/ho-so/{codes['supplement']}")
    expect(page.locator("#standing")).to_contain_text("Đang chờ người nộp bổ sung hồ sơ")
    _fits(page, shots, f"desk-supplement-{width}")
    page.goto(f"{server}/can-bo/ho-so/{codes['refused']}")
    expect(page.locator("#standing")).to_have_text("Đã kết thúc: hồ sơ không được tiếp nhận")
    _fits(page, shots, f"desk-refused-{width}")
    context.close()
