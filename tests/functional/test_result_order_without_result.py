"""A result order with no result to carry: the applicant chose the post when submitting,
then the desk did not receive the dossier, or the applicant withdrew it — the order the post
was sent is cancelled with the dossier's end («Hủy đơn chuyển phát kết quả (hồ sơ không có
kết quả để gửi)»), instead of waiting at the post for a parcel that never comes. A dossier
that goes on keeps its order."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Dossier, Event, PostalOrder
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, complete, login, permit_data

ADDRESS = "Số 8 ngõ 12 đường Bình Thuận, phường Minh Xuân, Tuyên Quang"
LABEL = "Hủy đơn chuyển phát kết quả (hồ sơ không có kết quả để gửi)"


def _submitted_by_post(app: Flask) -> tuple[FlaskClient, str]:
    citizen = app.test_client()
    login(citizen, "congdan")
    made = citizen.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(),
        "result_delivery": {"address": ADDRESS, "phone": "0987654321"}})
    assert made.status_code == 201, made.json
    return citizen, str(made.json["code"])


def _order(platform: Platform, code: str) -> tuple[str, list[str]]:
    """The dossier's result order's status and the dossier's event kinds."""
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        order = uow.session.scalar(select(PostalOrder.status).where(
            PostalOrder.dossier_id == dossier_id, PostalOrder.kind == "delivery"))
        kinds = list(uow.session.scalars(select(Event.kind).where(
            Event.dossier_id == dossier_id).order_by(Event.id)))
    return str(order), kinds


def test_not_received_at_the_desk_its_result_order_is_cancelled(
    app: Flask, platform: Platform,
) -> None:
    citizen, code = _submitted_by_post(app)
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tu_choi",
                          "ly_do_tu_choi": "Thiếu bản vẽ thiết kế."})
    status, kinds = _order(platform, code)
    assert status == "cancelled" and kinds.count("postal_result_not_needed") == 1
    page = citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    assert LABEL in page


def test_withdrawn_by_the_applicant_its_result_order_is_cancelled(
    app: Flask, platform: Platform,
) -> None:
    citizen, code = _submitted_by_post(app)
    withdrawn = citizen.post(f"/api/v1/dossiers/{code}/withdraw",
                             json={"reason": "Tôi nộp nhầm thủ tục."})
    assert withdrawn.status_code == 200, withdrawn.json
    status, kinds = _order(platform, code)
    assert status == "cancelled" and "postal_result_not_needed" in kinds


def test_a_dossier_received_keeps_its_result_order(app: Flask, platform: Platform) -> None:
    _, code = _submitted_by_post(app)
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    status, kinds = _order(platform, code)
    assert status == "requested" and "postal_result_not_needed" not in kinds
