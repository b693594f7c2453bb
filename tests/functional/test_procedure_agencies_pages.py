"""«Áp dụng cho cơ quan» through the admin pages: the province's administrator creating a
procedure ticks other agencies under «Cũng áp dụng cho»; a designer of one agency is told
plainly that they may not apply its procedure to another and nothing changes; the version's
page links to the agencies page for whoever may design it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Agency, Procedure, ProcedureAgency
from engine.seed import AN_TUONG, SO_XAY_DUNG
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, page_login, token

NEW = "/quan-tri/thu-tuc/moi"
APPLY = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/ap-dung"


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    return client


def _applied(platform: Platform, code: str) -> list[str]:
    with platform.uow() as uow:
        return list(uow.session.scalars(
            select(Agency.code).join(ProcedureAgency, ProcedureAgency.agency_id == Agency.id)
            .join(Procedure, ProcedureAgency.procedure_id == Procedure.id)
            .where(Procedure.code == code, ProcedureAgency.stopped_at.is_(None))))


def test_the_administrator_creates_a_procedure_applying_to_another_commune_too(
        app: Flask, platform: Platform) -> None:
    client = _client(app, "quantri")
    form = client.get(f"{NEW}?co_quan={MINH_XUAN}")
    assert "Cũng áp dụng cho" in form.data.decode()
    response = client.post(NEW, follow_redirects=True, data={
        "csrf_token": token(form.data), "agency": MINH_XUAN, "code": "9.900002",
        "name": "Cấp phép sửa chữa nhà ở", "field": "Hoạt động xây dựng", "level": "full",
        "time_value": "10", "time_unit": "working_days", "roles": ["chuyen_vien"],
        "papers": "Đơn đề nghị\n", "also": [AN_TUONG]})
    page = response.data.decode()
    assert "Cũng áp dụng cho UBND xã An Tường khi phiên bản được công bố." in page, page[:3000]
    assert 'id="apply-link"' in page
    assert _applied(platform, "9.900002") == [AN_TUONG]


def test_a_designer_of_one_agency_is_refused_another_and_nothing_changes(
        app: Flask, platform: Platform) -> None:
    client = _client(app, "thietke.minhxuan")
    assert "Cũng áp dụng cho" not in client.get(NEW).data.decode()  # one agency only
    page = client.get(APPLY)
    assert page.status_code == 200
    assert "bạn không có quyền" in page.data.decode()
    done = client.post(APPLY, follow_redirects=True,
                       data={"csrf_token": token(page.data), "co_quan": [SO_XAY_DUNG]})
    assert "Bạn không có quyền áp dụng thủ tục cho Sở Xây dựng tỉnh Tuyên Quang." in (
        done.data.decode())
    assert _applied(platform, PERMIT) == []
    assert _client(app, "congdan").get(APPLY).status_code in (401, 403)
