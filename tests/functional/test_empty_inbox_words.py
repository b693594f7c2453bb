"""An officer's empty inbox says why it is empty and what to do, in this order: no role
at any agency; no procedure received at their agencies (own or applied, version in
force); procedures received but no step for their roles; else simply no dossier waiting
now (with how many their agency has in progress with others). A filter that finds
nothing says so and offers to clear it. Each test reads the words on `/can-bo`."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select, update

from engine.core.models import Agency, Dossier, Procedure, ProcedureAgency, Task
from engine.core.permissions import DESIGNER, DESK, SPECIALIST
from engine.identity.accounts import create_account
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, login, page_login, permit_data

NEW_AGENCY = "000.00.99.H99"


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _officer(platform: Platform, username: str, *roles: tuple[str, str]) -> None:
    with platform.uow() as uow:
        create_account(uow, username=username, password=DEMO_PASSWORD, full_name="Cán bộ Mới",
                       kind="officer", roles=roles)
        uow.commit()


def _new_agency(platform: Platform) -> None:
    with platform.uow() as uow:
        uow.session.add(Agency(code=NEW_AGENCY, name="UBND xã Tân Lập", kind="commune"))
        uow.commit()


def _inbox(app: Flask, username: str, query: str = "") -> str:
    client = app.test_client()
    page_login(client, username)
    response = client.get(f"/can-bo{query}")
    assert response.status_code == 200
    return _words(response.get_data(as_text=True))


def test_an_officer_without_a_role_is_told_to_ask_for_one(
    app: Flask, platform: Platform,
) -> None:
    _officer(platform, "canbo.moi")
    words = _inbox(app, "canbo.moi")
    assert ("Tài khoản của bạn chưa được giao vai trò xử lý hồ sơ ở cơ quan nào" in words)
    assert "Hãy đề nghị quản trị viên của cơ quan giao vai trò cho bạn" in words
    assert "Không có công việc nào đang chờ" not in words


def test_the_desk_of_a_new_agency_is_told_no_procedure_is_received_there(
    app: Flask, platform: Platform,
) -> None:
    _new_agency(platform)
    _officer(platform, "motcua.tanlap", (NEW_AGENCY, DESK))
    words = _inbox(app, "motcua.tanlap")
    assert ("Chưa có thủ tục nào được tiếp nhận tại «UBND xã Tân Lập», nên chưa có hồ sơ "
            "nào có thể gửi đến cơ quan của bạn.") in words
    assert "trang «Áp dụng cho cơ quan» của từng thủ tục" in words
    api = app.test_client()
    login(api, "motcua.tanlap")
    answer = api.get("/api/v1/tasks").json
    assert answer["tasks"] == []
    assert answer["empty_reason"] == {"reason": "no_procedure", "agencies": ["UBND xã Tân Lập"],
                                      "roles": [DESK], "in_progress": 0}
    assert "empty_reason" not in api.get("/api/v1/tasks?q=ai").json
    # Once a procedure in force is applied there, the desk simply has nothing waiting.
    with platform.uow() as uow:
        agency = uow.session.scalar(select(Agency.id).where(Agency.code == NEW_AGENCY))
        procedure = uow.session.scalar(select(Procedure.id).where(Procedure.code == PERMIT))
        assert agency is not None and procedure is not None
        uow.session.add(ProcedureAgency(procedure_id=procedure, agency_id=agency,
                                        applied_at=uow.clock.now()))
        uow.commit()
    words = _inbox(app, "motcua.tanlap")
    assert "Chưa có thủ tục nào được tiếp nhận" not in words
    assert "Chưa có hồ sơ nào chờ bạn xử lý." in words


def test_roles_without_a_step_are_named(app: Flask, platform: Platform) -> None:
    _officer(platform, "thietke.minhxuan2", (MINH_XUAN, DESIGNER))
    words = _inbox(app, "thietke.minhxuan2")
    assert ("không thủ tục nào có bước xử lý dành cho vai trò của bạn: «Thiết kế quy trình»"
            in words)


def test_the_demo_desk_with_nothing_open_reads_no_dossier_waits(
    app: Flask, platform: Platform,
) -> None:
    code = str(app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).json["code"])
    with platform.uow() as uow:  # a fresh state: nothing open for the desk, one dossier
        agency = uow.session.scalar(select(Agency.id).where(Agency.code == MINH_XUAN))
        uow.session.execute(update(Task).where(Task.agency_id == agency, Task.state == "open")
                            .values(state="done"))
        dossier = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        uow.session.execute(update(Task).where(Task.dossier_id == dossier)
                            .values(state="open", role=SPECIALIST))
        uow.commit()
    words = _inbox(app, "motcua.minhxuan")
    assert "Chưa có hồ sơ nào chờ bạn xử lý." in words
    assert "đang có 1 hồ sơ do cán bộ khác xử lý" in words


def test_a_filter_that_finds_nothing_offers_to_clear_it(app: Flask) -> None:
    words = _inbox(app, "motcua.minhxuan", "?q=Không-ai-có-tên-này")
    assert "Không có công việc nào khớp với bộ lọc hoặc từ khóa tìm kiếm đang chọn." in words
    assert "Bỏ lọc và xem tất cả công việc" in words
    assert "Chưa có hồ sơ nào chờ bạn xử lý" not in words
