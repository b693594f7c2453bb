"""The agencies' tree on both databases: create under a parent, edit, move without
cycles, close (no new dossier, history kept), a delegated administrator's subtree, and a
spreadsheet import that is all or nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from engine.agencies import (
    AgencyFields,
    close_agency,
    create_agency,
    directory,
    edit_agency,
    export_agencies,
    import_agencies,
    managed_agencies,
    reopen_agency,
)
from engine.core.actors import SYSTEM, Actor
from engine.core.errors import Forbidden, FormInvalid, Invalid
from engine.core.models import Agency, AuditEntry
from engine.core.permissions import UNIT_ADMIN
from engine.core.uow import UnitOfWork
from engine.dossiers import submit_dossier
from engine.seed import AGENCIES as SEEDED
from engine.seed import PROVINCE_AGENCY
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, permit_data

ADMIN = Actor(account_id=None, kind="admin", name="Quản trị")
SO = "000.05.00.H64"


def _unit_admin(platform: Platform, code: str) -> Actor:
    with platform.uow() as uow:
        agency_id = uow.session.scalar(select(Agency.id).where(Agency.code == code))
    assert agency_id is not None
    return Actor(account_id=None, kind="officer", name="Quản trị đơn vị",
                 grants=frozenset({(agency_id, UNIT_ADMIN)}))


def _audit(platform: Platform, action: str, object_id: str) -> list[dict[str, Any]]:
    """The summaries of the audit entries of that action on that object."""
    with platform.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry.summary).where(
            AuditEntry.action == action, AuditEntry.object_id == object_id)))


def test_the_seed_roots_the_tree_at_the_provinces_peoples_committee(platform: Platform) -> None:
    """The agencies' page promises «UBND tỉnh → sở, ban, ngành và UBND xã, phường»: the seed
    has one root, the province's People's Committee, and every other agency under it."""
    with platform.uow() as uow:
        rows = uow.session.execute(select(Agency.id, Agency.code, Agency.kind, Agency.parent_id)).all()
    roots = [(code, kind) for _, code, kind, parent in rows if parent is None]
    assert roots == [(PROVINCE_AGENCY, "province")]
    [root_id] = [agency_id for agency_id, code, _, _ in rows if code == PROVINCE_AGENCY]
    assert {code for _, code, _, parent in rows if parent == root_id} == {
        agency.code for agency in SEEDED if agency.kind in ("department", "commune")}
    assert len(rows) == len(SEEDED)


def test_a_unit_is_created_under_its_department_edited_and_audited(platform: Platform) -> None:
    with platform.uow() as uow:
        made = create_agency(uow, actor=ADMIN, fields=AgencyFields(
            "000.05.01.H64", "Phòng Quản lý xây dựng", "unit", parent=SO,
            address=" Số 160 Trần Hưng Đạo ", phone="0207 3822 444"))
    assert made["parent"] == SO and made["province"] == "Tuyên Quang"
    assert made["address"] == "Số 160 Trần Hưng Đạo"
    with platform.uow() as uow:
        edited = edit_agency(uow, actor=ADMIN, code="000.05.01.H64", fields=AgencyFields(
            "000.05.01.H64", "Phòng Quản lý xây dựng", "unit", parent=SO,
            address="Số 160 Trần Hưng Đạo", phone="0207 3822 444", hotline="0207 3822 445"))
    assert edited["hotline"] == "0207 3822 445"
    assert _audit(platform, "agency.created", "000.05.01.H64")
    [updated] = _audit(platform, "agency.updated", "000.05.01.H64")
    assert updated == {"hotline": ["", "0207 3822 445"]}


def test_bad_fields_are_named_and_nothing_is_created(platform: Platform) -> None:
    with platform.uow() as uow, pytest.raises(FormInvalid) as refused:
        create_agency(uow, actor=ADMIN, fields=AgencyFields(
            "mã sai!", "", "tinh", phone="goi ngay", email="khong-phai-thu"))
    fields = {d["field"] for d in refused.value.details}
    assert fields == {"code", "name", "kind", "phone", "email"}
    with platform.uow() as uow, pytest.raises(FormInvalid) as taken:
        create_agency(uow, actor=ADMIN, fields=AgencyFields(MINH_XUAN, "Trùng mã", "commune"))
    assert taken.value.details[0]["field"] == "code"
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Agency)) == len(SEEDED)


def test_an_agency_cannot_move_under_its_own_sub_unit(platform: Platform) -> None:
    with platform.uow() as uow:
        create_agency(uow, actor=ADMIN, fields=AgencyFields(
            "000.05.01.H64", "Phòng Quản lý xây dựng", parent=SO))
    with platform.uow() as uow, pytest.raises(FormInvalid) as refused:
        edit_agency(uow, actor=ADMIN, code=SO, fields=AgencyFields(
            SO, "Sở Xây dựng tỉnh Tuyên Quang", "department", parent="000.05.01.H64"))
    assert "đơn vị cấp dưới" in refused.value.details[0]["message"]
    with platform.uow() as uow:
        moved = edit_agency(uow, actor=ADMIN, code="000.05.01.H64", fields=AgencyFields(
            "000.05.01.H64", "Phòng Quản lý xây dựng", parent=MINH_XUAN))
    assert moved["parent"] == MINH_XUAN


def test_a_closed_agency_takes_no_new_dossier_and_keeps_its_history(platform: Platform) -> None:
    with platform.uow() as uow:
        before = submit_dossier(uow, actor=SYSTEM, procedure_code=PERMIT, data=permit_data(),
                                agency_code=MINH_XUAN)
    with platform.uow() as uow, pytest.raises(FormInvalid):
        close_agency(uow, actor=ADMIN, code=MINH_XUAN, reason="  ")
    with platform.uow() as uow:
        closed = close_agency(uow, actor=ADMIN, code=MINH_XUAN, reason="Sáp nhập vào phường Tân Trào")
    assert closed["closed"]
    with platform.uow() as uow, pytest.raises(Invalid, match="ngừng tiếp nhận"):
        submit_dossier(uow, actor=SYSTEM, procedure_code=PERMIT, data=permit_data(),
                       agency_code=MINH_XUAN)
    with platform.uow() as uow:
        from engine.core.models import Dossier
        assert uow.session.scalar(select(Dossier.id).where(Dossier.code == before["code"]))
        assert MINH_XUAN not in {a["code"] for a in directory(uow)}
        reopen_agency(uow, actor=ADMIN, code=MINH_XUAN)
    with platform.uow() as uow:
        assert MINH_XUAN in {a["code"] for a in directory(uow)}
    assert _audit(platform, "agency.closed", MINH_XUAN)[0] == {
        "reason": "Sáp nhập vào phường Tân Trào"}


def test_a_delegated_administrator_manages_only_its_subtree(platform: Platform) -> None:
    delegate = _unit_admin(platform, SO)
    with platform.uow() as uow:
        create_agency(uow, actor=delegate, fields=AgencyFields(
            "000.05.01.H64", "Phòng Quản lý xây dựng", parent=SO))
    with platform.uow() as uow:
        assert [a["code"] for a in managed_agencies(uow, actor=delegate)] == [
            SO, "000.05.01.H64"]
    refusals: list[Callable[[UnitOfWork], object]] = [
        lambda uow: create_agency(uow, actor=delegate, fields=AgencyFields(
            "000.00.12.01.H64", "Tổ một cửa", parent=MINH_XUAN)),
        lambda uow: create_agency(uow, actor=delegate, fields=AgencyFields("X1", "Gốc mới")),
        lambda uow: close_agency(uow, actor=delegate, code=SO, reason="Tự đóng"),
        lambda uow: edit_agency(uow, actor=delegate, code=MINH_XUAN, fields=AgencyFields(
            MINH_XUAN, "Đổi tên", "commune")),
        lambda uow: edit_agency(uow, actor=delegate, code="000.05.01.H64", fields=AgencyFields(
            "000.05.01.H64", "Phòng Quản lý xây dựng", parent=MINH_XUAN)),
    ]
    for refused in refusals:
        with platform.uow() as uow, pytest.raises(Forbidden):
            refused(uow)
    with platform.uow() as uow:
        close_agency(uow, actor=delegate, code="000.05.01.H64", reason="Giải thể")


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["Mã định danh", "Tên cơ quan", "Loại", "Mã cơ quan cấp trên", "Địa chỉ", "Điện thoại",
          "Thư điện tử", "Đường dây nóng"]


def test_an_import_with_one_wrong_row_imports_nothing_and_names_the_row(
    platform: Platform,
) -> None:
    rows = [HEADER,
            ["000.05.01.H64", "Phòng Quản lý xây dựng", "Phòng, đơn vị trực thuộc", SO, "", "",
             "", ""],
            ["000.05.02.H64", "Phòng Hạ tầng", "unit", SO, "", "sai số", "", ""],
            ["000.05.03.H64", "Phòng Nhà ở", "unit", "KHONG-CO", "", "", "", ""]]
    with platform.uow() as uow, pytest.raises(FormInvalid) as refused:
        import_agencies(uow, actor=ADMIN, content=_xlsx(rows), filename="co-quan.xlsx")
    assert [(d["row"], d["field"]) for d in refused.value.details] == [(3, "phone"),
                                                                      (4, "parent")]
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Agency)) == len(SEEDED)


def test_an_import_creates_parents_given_later_and_updates_by_code(platform: Platform) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([
        ["Mã định danh", "Tên cơ quan", "Loại", "Mã cơ quan cấp trên", "Đường dây nóng"],
        ["000.05.01.01.H64", "Tổ thẩm định", "unit", "000.05.01.H64", ""],
        ["000.05.01.H64", "Phòng Quản lý xây dựng", "unit", SO, ""],
        [MINH_XUAN, "UBND phường Minh Xuân", "UBND xã, phường, đặc khu", "", "0207 3999 999"]])
    with platform.uow() as uow:
        counts = import_agencies(uow, actor=ADMIN, content=out.getvalue().encode("utf-8-sig"),
                                 filename="co-quan.csv")
    assert counts == {"created": 2, "updated": 1}
    with platform.uow() as uow:
        minh_xuan = uow.session.scalar(select(Agency).where(Agency.code == MINH_XUAN))
        assert minh_xuan is not None and minh_xuan.hotline == "0207 3999 999"
        assert minh_xuan.address.startswith("Số 2")  # a column left out keeps its value
        content, _ = export_agencies(uow, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes.index(SO) < codes.index("000.05.01.H64") < codes.index("000.05.01.01.H64")
    with platform.uow() as uow, pytest.raises(Forbidden):
        import_agencies(uow, actor=_unit_admin(platform, SO), content=b"a,b", filename="x.csv")
