"""The agencies' pages (`/quan-tri/co-quan`) and the public directory (`/co-quan`): an
administrator creates, edits, moves, closes and reopens, imports and exports; a quản trị
đơn vị only within its subtree (403 outside); every action in the audit trail."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from engine.core.models import Agency, AuditEntry
from engine.wiring import Platform
from tests.helpers import AN_TUONG, MINH_XUAN, login

SO = "000.05.00.H64"
UNIT = "000.05.01.H64"
NEW = {"code": UNIT, "name": "Phòng Quản lý xây dựng", "kind": "unit", "parent": SO,
       "address": "Số 160 Trần Hưng Đạo", "phone": "0207 3822 444", "email": "",
       "hotline": "", "province": ""}


def _audited(platform: Platform, action: str, object_id: str) -> int:
    with platform.uow() as uow:
        return len(uow.session.scalars(select(AuditEntry.id).where(
            AuditEntry.action == action, AuditEntry.object_id == object_id)).all())


def test_the_directory_is_public_and_shows_how_to_reach_each_agency(client: FlaskClient) -> None:
    page = client.get("/co-quan")
    assert page.status_code == 200
    html = page.data.decode()
    assert "UBND phường Minh Xuân" in html and "Số 2 đường Tân Trào" in html
    assert 'href="tel:02073822112"' in html  # the hotline, callable from a phone
    found = client.get("/co-quan?q=so xay dung").data.decode()
    assert "Sở Xây dựng" in found and "UBND xã An Tường" not in found


def test_an_administrator_creates_edits_moves_and_closes_an_agency(
    client: FlaskClient, platform: Platform,
) -> None:
    login(client, "quantri")
    assert "Sở Xây dựng tỉnh Tuyên Quang" in client.get("/quan-tri/co-quan").data.decode()
    created = client.post("/quan-tri/co-quan", data=NEW)
    assert created.status_code == 303 and created.location.endswith(f"/quan-tri/co-quan/{UNIT}")
    edit = client.get(f"/quan-tri/co-quan/{UNIT}").data.decode()
    assert 'value="0207 3822 444"' in edit
    moved = client.post(f"/quan-tri/co-quan/{UNIT}", data={**NEW, "parent": MINH_XUAN,
                                                           "hotline": "0207 3822 445"})
    assert moved.status_code == 303
    cycle = client.post(f"/quan-tri/co-quan/{MINH_XUAN}", data={
        **NEW, "code": MINH_XUAN, "name": "UBND phường Minh Xuân", "kind": "commune",
        "parent": UNIT})
    assert cycle.status_code == 422
    assert "đơn vị cấp dưới" in cycle.data.decode()
    empty = client.post(f"/quan-tri/co-quan/{UNIT}/dong", data={"reason": ""})
    assert empty.status_code == 422 and "Cần ghi lý do" in empty.data.decode()
    closed = client.post(f"/quan-tri/co-quan/{UNIT}/dong", data={"reason": "Giải thể"})
    assert closed.status_code == 303
    assert "Đã đóng ngày" in client.get(f"/quan-tri/co-quan/{UNIT}").data.decode()
    assert "Phòng Quản lý xây dựng" not in client.get("/co-quan").data.decode()
    assert client.post(f"/quan-tri/co-quan/{UNIT}/mo-lai").status_code == 303
    with platform.uow() as uow:
        unit = uow.session.scalar(select(Agency).where(Agency.code == UNIT))
        parent = uow.session.scalar(select(Agency.id).where(Agency.code == MINH_XUAN))
        assert unit is not None and unit.parent_id == parent and unit.closed_at is None
        assert unit.hotline == "0207 3822 445"
    for action in ("agency.created", "agency.updated", "agency.closed", "agency.reopened"):
        assert _audited(platform, action, UNIT) == 1, action


def test_wrong_fields_are_named_and_what_was_typed_is_kept(client: FlaskClient) -> None:
    login(client, "quantri")
    refused = client.post("/quan-tri/co-quan", data={**NEW, "phone": "gọi tôi",
                                                     "email": "sai"})
    assert refused.status_code == 422
    html = refused.data.decode()
    assert "Số điện thoại chỉ gồm chữ số" in html and "Thư điện tử không đúng dạng" in html
    assert 'value="Phòng Quản lý xây dựng"' in html and 'aria-invalid="true"' in html


def test_a_delegated_administrator_is_refused_outside_its_subtree(
    client: FlaskClient, platform: Platform,
) -> None:
    login(client, "quantri.soxaydung")
    listed = client.get("/quan-tri/co-quan").data.decode()
    assert "Sở Xây dựng" in listed and "UBND phường Minh Xuân" not in listed
    assert client.post("/quan-tri/co-quan", data=NEW).status_code == 303
    assert client.get(f"/quan-tri/co-quan/{MINH_XUAN}").status_code == 403
    assert client.post(f"/quan-tri/co-quan/{MINH_XUAN}", data={
        **NEW, "code": MINH_XUAN, "parent": ""}).status_code == 403
    assert client.post(f"/quan-tri/co-quan/{MINH_XUAN}/dong",
                       data={"reason": "x"}).status_code == 403
    assert client.post("/quan-tri/co-quan", data={**NEW, "code": "000.00.98.H64",
                                                  "parent": MINH_XUAN}).status_code == 403
    assert client.post(f"/quan-tri/co-quan/{SO}/dong", data={"reason": "x"}).status_code == 403
    imported = client.post("/quan-tri/co-quan/nhap", data={
        "file": (io.BytesIO(b"Ma dinh danh,Ten co quan\nA.1,B\n"), "co-quan.csv")})
    assert imported.status_code == 403
    with platform.uow() as uow:
        assert uow.session.scalar(select(Agency.id).where(Agency.code == "A.1")) is None


@pytest.mark.parametrize("who", ["congdan", "motcua.minhxuan", "lanhdao.minhxuan"])
def test_people_without_the_role_cannot_open_the_pages(client: FlaskClient, who: str) -> None:
    login(client, who)
    assert client.get("/quan-tri/co-quan").status_code == 403
    assert client.post("/quan-tri/co-quan", data=NEW).status_code == 403


def test_the_import_reports_each_wrong_row_and_the_export_reads_back(
    client: FlaskClient, platform: Platform,
) -> None:
    login(client, "quantri")
    wrong = ("Mã định danh,Tên cơ quan,Loại,Mã cơ quan cấp trên,Điện thoại\n"
             f"{UNIT},Phòng Quản lý xây dựng,unit,{SO},0207 3822 444\n"
             "000.05.02.H64,,unit,000.05.00.H64,\n")
    refused = client.post("/quan-tri/co-quan/nhap", data={
        "file": (io.BytesIO(wrong.encode()), "co-quan.csv")})
    assert refused.status_code == 422
    html = refused.data.decode()
    assert "chưa nhập dòng nào" in html and "<td>3</td><td>Tên cơ quan</td>" in html  # the file's column
    with platform.uow() as uow:
        assert uow.session.scalar(select(Agency.id).where(Agency.code == UNIT)) is None
    right = wrong.splitlines()[:2]
    done = client.post("/quan-tri/co-quan/nhap", data={
        "file": (io.BytesIO("\n".join(right).encode()), "co-quan.csv")})
    assert done.status_code == 303
    exported = client.get("/quan-tri/co-quan/xuat.xlsx")
    assert exported.status_code == 200
    rows = list(load_workbook(io.BytesIO(exported.data)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Mã định danh"
    assert (UNIT, "Phòng Quản lý xây dựng", "Phòng, đơn vị trực thuộc") in {
        (r[0], r[1], r[2]) for r in rows[1:]}  # the kind by its name, as the import reads it
    assert client.get("/quan-tri/co-quan/xuat.csv").data.decode("utf-8-sig").startswith(
        "Mã định danh,Tên cơ quan")
    assert client.get("/quan-tri/co-quan/xuat.pdf").status_code == 404


def test_the_api_lets_a_delegated_administrator_work_only_in_its_subtree(
    client: FlaskClient,
) -> None:
    found = {a["code"]: a for a in client.get("/api/v1/agencies?q=minh xuan").json["agencies"]}
    assert found[MINH_XUAN]["hotline"] == "0207 3822 112" and AN_TUONG not in found
    login(client, "quantri.soxaydung")
    made = client.post("/api/v1/agencies", json={"code": UNIT, "name": "Phòng Quản lý xây dựng",
                                                 "parent": SO, "phone": "0207 3822 444"})
    assert made.status_code == 201 and made.json["province"] == "Tuyên Quang"
    bad = client.put(f"/api/v1/agencies/{UNIT}", json={"name": "", "parent": SO,
                                                       "email": "sai"})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json["error"]["details"]} == {"name", "email"}
    assert client.put(f"/api/v1/agencies/{UNIT}", json={
        "name": "Phòng Quản lý xây dựng", "parent": MINH_XUAN}).status_code == 403
    assert client.post(f"/api/v1/agencies/{MINH_XUAN}/close",
                       json={"reason": "x"}).status_code == 403
    closed = client.post(f"/api/v1/agencies/{UNIT}/close", json={"reason": "Giải thể"})
    assert closed.status_code == 200 and closed.json["closed"]
    assert client.post(f"/api/v1/agencies/{UNIT}/close",
                       json={"reason": "Giải thể"}).status_code == 409
    assert UNIT not in {a["code"] for a in client.get("/api/v1/agencies").json["agencies"]}
