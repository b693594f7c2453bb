"""Walk b3 in Chromium at 390 and 1280 px: the applicant's list and dossier page say «Từ chối
giải quyết» in red for a refused permit; the fee is printed once, on the dossier page and
the payment page; the notices page links the fee notice to the payment; public tracking
follows a result sent by post with its tracking number. Every page fits its width and
axe-core finds nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from engine.dossiers.postal import record_postal_status
from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.functional.test_citizen_area import _granted, citizen_client, officer, submit_on_page
from tests.helpers import APPLICANT_ID, complete, pay_in_cash
from webapp.app import create_app

ORDER = {"kind": "delivery", "name": "Nguyễn Văn An", "phone": "0912345678",
         "address": "Số 5 đường Tân Trào, phường Minh Xuân, tỉnh Tuyên Quang"}


@pytest.fixture
def codes(seeded_sqlite: Path, tmp_path: Path) -> dict[str, str]:
    """A permit refused by the leader, one waiting for its fee, one sent by post (in
    transit, with its tracking number), written into the database the server will run on."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'motcua.db'}",
                      "SECRET_KEY": "kiem-thu", "INSTANCE_PATH": str(instance)})
    citizen = citizen_client(app)
    refused, fee, post = (submit_on_page(citizen) for _ in range(3))
    desk = officer(app, "motcua.minhxuan")
    complete(desk, refused, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), refused,
             {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Không phù hợp quy hoạch."})
    complete(officer(app, "lanhdao.minhxuan"), refused,
             {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Vượt chỉ giới xây dựng."})
    _granted(app, fee)
    assert desk.post(f"/api/v1/dossiers/{fee}/request-payment", json={}).status_code == 200
    pay_in_cash(_granted(app, post), post)  # a result goes by post once its fee is paid
    made = citizen.post(f"/api/v1/dossiers/{post}/post-orders", json=ORDER)
    assert made.status_code == 201, made.json
    with app.extensions["motcua"].uow() as uow:
        record_postal_status(uow, reference=made.json["reference"], status="in_transit",
                             tracking_number="EB123456789VN", commit=True)
    app.extensions["motcua"].dispose()
    return {"refused": refused, "fee": fee, "post": post}


@pytest.fixture
def server_database(codes: dict[str, str], tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'instance' / 'motcua.db'}"


def _fits(page: Any, shots: Path, name: str) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert _overflow(page) <= 0, name
    assert _axe(page) == [], name


@pytest.mark.parametrize("width", [390, 1280])
def test_what_the_applicant_is_told_in_chromium(
    browser: Any, server: str, codes: dict[str, str], shots: Path, width: int
) -> None:
    context = _context(browser, width)
    page = context.new_page()
    page.goto(f"{server}/tra-cuu")
    page.get_by_label("Mã hồ sơ", exact=True).fill(codes["post"])
    page.get_by_label("Số định danh cá nhân của người nộp").fill(APPLICANT_ID)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#track-standing")).to_have_text(
        "Đang chuyển phát kết quả qua bưu điện (số hiệu bưu gửi EB123456789VN)")
    _fits(page, shots, f"b3-track-post-{width}")

    _login(page, server, "congdan")
    page.goto(f"{server}/ca-nhan")
    row = page.locator("#my-dossiers tr", has_text=codes["refused"])
    expect(row.locator(".tag--red")).to_have_text("Từ chối giải quyết")
    _fits(page, shots, f"b3-my-area-{width}")
    page.goto(f"{server}/ca-nhan/ho-so/{codes['refused']}")
    expect(page.locator("#status .tag--red")).to_have_text("Từ chối giải quyết")
    _fits(page, shots, f"b3-mine-refused-{width}")

    page.goto(f"{server}/ca-nhan/thong-bao")
    link = page.get_by_role("link", name="Nộp phí, lệ phí", exact=True)
    expect(link).to_have_count(1)
    _fits(page, shots, f"b3-notices-{width}")
    link.click()
    expect(page.locator("#thanh-toan")).to_contain_text("Chờ nộp phí, lệ phí")
    amount = page.locator("#pay-amount-1 strong")
    expect(amount).to_have_count(1)
    money = amount.inner_text()
    expect(page.locator("#pay-amount-1")).not_to_contain_text(f"{money}: {money}")
    _fits(page, shots, f"b3-mine-fee-{width}")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    expect(page.locator("#amount")).to_have_text(money)
    expect(page.locator("#purpose")).not_to_contain_text(money)
    _fits(page, shots, f"b3-pay-{width}")
    context.close()
