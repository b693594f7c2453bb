"""What the applicant is told, and when (walk report b3): the leader's signature is «đã giải
quyết xong, chờ trả kết quả», not an invitation to take a result that still waits for its
fee and its hand-over; the fee notice links to the payment; the result is told ready when it
is handed over (electronic: «tải về»); notices name the procedure; a refused dossier reads
«Từ chối giải quyết» in red, not the green «Đã trả kết quả»; public tracking follows a
result sent by post; a fee is printed once."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient

from engine.dossiers.postal import record_postal_status
from engine.wiring import Platform
from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.functional.test_refusals_and_results import (
    _desk_page,
    _granted,
    _post_step,
    _task_url,
    _to_leader,
)
from tests.helpers import APPLICANT_ID, PDF, complete, pay_in_cash, token

PROCEDURE = "Cấp giấy phép xây dựng"  # the seeded permit's name begins so
ORDER = {"kind": "delivery", "name": "Nguyễn Văn An", "phone": "0912345678",
         "address": "Số 5 đường Tân Trào, phường Minh Xuân, tỉnh Tuyên Quang"}


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _notices(citizen: FlaskClient) -> list[str]:
    """The applicant's in-system notices, oldest first."""
    return [f"{n['subject']} | {n['body']}"
            for n in reversed(citizen.get("/api/v1/me/notices").json["notices"])]


def _ask_fee(app: Flask, code: str) -> int:
    asked = officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/request-payment",
                                                 json={})
    assert asked.status_code == 200, asked.json
    return int(asked.json["amount"])


def test_the_fee_comes_before_the_result_which_is_told_ready_when_handed_over(
    app: Flask,
) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)  # the leader signs: status 9
    [signed] = [n for n in _notices(citizen) if "giải quyết xong" in n]
    assert signed.startswith(f"Hồ sơ {code} đã giải quyết xong, chờ trả kết quả | ")
    assert f"hồ sơ {code} ({PROCEDURE}" in signed  # the procedure beside the code
    assert "mời bạn nhận kết quả" not in signed and "đánh giá" not in signed
    page = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert "Chờ trả kết quả" in page  # the page and the notice agree

    amount = _ask_fee(app, code)
    fee = _notices(citizen)[-1]
    assert fee.startswith(f"Hồ sơ {code} chờ nộp phí, lệ phí | ")
    assert "đăng nhập" not in fee.lower() and "Thanh toán trực tuyến" in fee
    listed = citizen.get("/ca-nhan/thong-bao").get_data(as_text=True)
    assert f'href="/ca-nhan/ho-so/{code}#thanh-toan">Nộp phí, lệ phí</a>' in listed
    assert 'id="thanh-toan"' in citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    paid = officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/cash-payment",
                                                json={"amount": amount})
    assert paid.status_code == 200, paid.json
    assert "Nộp phí, lệ phí</a>" not in citizen.get("/ca-nhan/thong-bao").get_data(as_text=True)
    assert not [n for n in _notices(citizen) if "đã sẵn sàng |" in n]  # not handed over yet

    desk = _desk_page(app)
    url = _task_url(desk, code)
    attached = desk.post(f"{url}/ket-qua", data={
        "csrf_token": token(desk.get(url).data), "file": (io.BytesIO(PDF), "giay-phep.pdf")})
    assert attached.status_code == 303
    assert _post_step(desk, url, {"hinh_thuc_tra": "truc_tuyen"}).status_code == 303
    told = _notices(citizen)
    ready = told[-1]
    assert ready.startswith(f"Kết quả hồ sơ {code} đã sẵn sàng | ")
    assert "tải về" in ready and "đánh giá mức độ hài lòng" in ready
    # In order: signed, the fee, then the result ready; each told once.
    order = [told.index(signed), told.index(fee), told.index(ready)]
    assert order == sorted(order) and len(set(told)) == len(told)


def test_a_result_handed_over_at_the_desk_is_told_then(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)
    before = _notices(citizen)
    paid = officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/cash-payment",
                                                json={"amount": _ask_fee(app, code)})
    assert paid.status_code == 200
    desk = _desk_page(app)
    assert _post_step(desk, _task_url(desk, code), {"hinh_thuc_tra": "truc_tiep"}
                      ).status_code == 303
    new = [n for n in _notices(citizen) if n not in before]
    assert [n.split(" | ")[0] for n in new] == [f"Hồ sơ {code} chờ nộp phí, lệ phí",
                                                 f"Mời nhận kết quả hồ sơ {code}",  # paid: ready
                                                 f"Hồ sơ {code} đã trả kết quả"]
    assert "(bản giấy)" in new[-1] and "đánh giá mức độ hài lòng" in new[-1]


def _status_cell(html: str, code: str) -> str:
    row = re.search(rf"<tr><td[^>]*><a href=\"/ca-nhan/ho-so/{re.escape(code)}\">.*?</tr>",
                    html, re.S)
    assert row, code
    found = re.search(r'<td data-label="Trạng thái">(.*?)</td>', row.group(0), re.S)
    assert found
    return found.group(1)


def test_a_refused_dossier_reads_refused_in_red_before_and_after_its_letter_is_handed_back(
    app: Flask,
) -> None:
    citizen = citizen_client(app)
    granted, refused = submit_on_page(citizen), submit_on_page(citizen)
    _granted(app, granted)
    _to_leader(app, refused)
    complete(officer(app, "lanhdao.minhxuan"), refused,
             {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Vượt chỉ giới xây dựng."})
    for handed in (False, True):
        if handed:
            desk = _desk_page(app)
            assert _post_step(desk, _task_url(desk, refused), {"hinh_thuc_tra": "truc_tiep"}
                              ).status_code == 303
            assert citizen.get(f"/api/v1/dossiers/{refused}").json["status"] == 10
        mine = citizen.get("/ca-nhan").get_data(as_text=True)
        assert _status_cell(mine, refused) == (
            '<strong class="tag tag--red">Từ chối giải quyết</strong>')
        assert _status_cell(mine, granted) == '<strong class="tag tag--green">Đã xử lý xong</strong>'
        page = citizen.get(f"/ca-nhan/ho-so/{refused}").get_data(as_text=True)
        assert re.search(r'id="status"><strong class="tag tag--red">Từ chối giải quyết<', page)
        assert "Đã trả kết quả" not in _words(page) and "Đã xử lý xong" not in _words(page)
        tracked = _track_page(app, refused)
        assert re.search(r'id="track-status"><strong class="tag tag--red">Từ chối giải quyết<',
                         tracked)


def test_a_refusal_at_reception_reads_not_received(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _desk_page(app)
    assert _post_step(desk, _task_url(desk, code), {
        "ket_qua_kiem_tra": "tu_choi", "ly_do_tu_choi": "Thiếu bản vẽ.",
        "xac_nhan": "1"}).status_code == 303  # confirmed (webapp/reception.py)
    cell = _status_cell(citizen.get("/ca-nhan").get_data(as_text=True), code)
    assert cell == '<strong class="tag tag--red">Không được tiếp nhận</strong>'


def _track_page(app: Flask, code: str) -> str:
    client = app.test_client()
    form = client.get(f"/tra-cuu?ma={code}").data
    page = client.post("/tra-cuu", data={"csrf_token": token(form), "ma": code,
                                         "so_dinh_danh": APPLICANT_ID})
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _tracked(app: Flask, code: str) -> str:
    found = re.search(r'id="track-standing">(.*?)</dd>', _track_page(app, code), re.S)
    assert found
    return _words(found.group(1))


def test_tracking_follows_a_result_sent_by_post(app: Flask, platform: Platform) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)
    pay_in_cash(officer(app, "motcua.minhxuan"), code)  # the post carries a result once paid
    made = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER)
    assert made.status_code == 201, made.json
    reference = made.json["reference"]
    assert _tracked(app, code) == "Đã yêu cầu bưu điện chuyển phát kết quả, chờ bưu điện nhận"
    with platform.uow() as uow:
        assert record_postal_status(uow, reference=reference, status="accepted", commit=True)
    assert _tracked(app, code) == ("Đang chuyển phát kết quả qua bưu điện (bưu điện chưa báo số "
                                   "hiệu bưu gửi)")
    with platform.uow() as uow:
        assert record_postal_status(uow, reference=reference, status="in_transit",
                                    tracking_number="EB123456789VN", commit=True)
    assert _tracked(app, code) == ("Đang chuyển phát kết quả qua bưu điện (số hiệu bưu gửi "
                                   "EB123456789VN)")
    with platform.uow() as uow:
        assert record_postal_status(uow, reference=reference, status="delivered", commit=True)
    delivered = _tracked(app, code)
    assert re.fullmatch(r"Đã giao kết quả qua bưu điện lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}, "
                        r"số hiệu bưu gửi EB123456789VN", delivered), delivered


def test_a_fee_is_printed_once(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)
    amount = _ask_fee(app, code)
    page = citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    found = re.search(r'<p id="pay-amount-1">(.*?)</p>', page, re.S)
    assert found
    money = f"{amount:,} đồng".replace(",", ".")
    line = _words(found.group(1))
    assert line.endswith(money) and line.count(money) == 1, line
    assert f"{money}: {money}" not in _words(page)
    checkout = citizen.post(f"/ca-nhan/ho-so/{code}/thanh-toan",
                            data={"csrf_token": token(page.encode())})
    assert checkout.status_code == 303
    bank = _words(citizen.get(checkout.location).get_data(as_text=True))
    assert bank.count(money) == 1, bank  # «Số tiền» only
