"""«Kết quả đã sẵn sàng, mời ông/bà đến nhận tại Bộ phận Một cửa»: the applicant is invited
once, when the result waits at the desk with nothing owed — at the leader's signature when
the fee was paid before, when the fee is paid (or exempted) at the hand-over — and never
while the fee is owed or when the post brings the result; on both databases."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.functional.test_citizen_area import _granted, citizen_client, officer, submit_on_page
from tests.functional.test_post_connector import ORDER
from tests.helpers import complete, pay_in_cash

INVITED = "Mời nhận kết quả hồ sơ {code} | Kết quả giải quyết hồ sơ {code} ("
AT_DESK = "đã sẵn sàng, mời ông/bà đến nhận tại Bộ phận Một cửa (UBND phường Minh Xuân)"


def _notices(citizen: FlaskClient, code: str) -> list[str]:
    """The applicant's in-system notices about `code`, oldest first."""
    return [f"{n['subject']} | {n['body']}"
            for n in reversed(citizen.get("/api/v1/me/notices").json["notices"])
            if code in n["subject"]]


def _invitations(citizen: FlaskClient, code: str) -> list[str]:
    return [n for n in _notices(citizen, code) if n.startswith(INVITED.format(code=code))]


def _paid_then_granted(app: Flask, code: str) -> FlaskClient:
    """Received, the fee asked and paid during processing, then signed (status 9)."""
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    pay_in_cash(desk, code)
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    return desk


def test_invited_when_the_fee_is_paid_at_the_hand_over_and_only_once(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _granted(app, code)
    assert _invitations(citizen, code) == []  # the fee is still owed: not yet
    pay_in_cash(desk, code)
    [invited] = _invitations(citizen, code)
    assert AT_DESK in invited and "giấy tờ tùy thân" in invited
    complete(desk, code, {"hinh_thuc_tra": "truc_tiep"})  # handed back: not invited again
    assert len(_invitations(citizen, code)) == 1


def test_invited_at_the_signature_when_paid_before_instead_of_waiting(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _paid_then_granted(app, code)
    told = _notices(citizen, code)
    assert len(_invitations(citizen, code)) == 1
    assert not [n for n in told if "chờ trả kết quả" in n]  # one notice, the invitation


def test_invited_when_exempted_and_not_when_the_post_brings_it(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)
    exempted = officer(app, "motcua.minhxuan").post(
        f"/api/v1/dossiers/{code}/fee-exemption", json={"reason": "Người có công với cách mạng"})
    assert exempted.status_code == 200, exempted.json
    assert len(_invitations(citizen, code)) == 1

    posted = submit_on_page(citizen)
    assert citizen.post(f"/api/v1/dossiers/{posted}/post-orders", json=ORDER).status_code == 201
    _paid_then_granted(app, posted)
    assert _invitations(citizen, posted) == []  # the carrier brings it: its reports tell
