"""The province's procedure list from the national catalogue's export (`motcua catalogue
import FILE`): drafts awaiting a process, every wrong row named and nothing half-imported;
a procedure with no published process listed publicly with «Nộp trực tiếp» only."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import select

from engine.core.actors import SYSTEM
from engine.core.errors import Forbidden, FormInvalid
from engine.core.models import AuditEntry, Procedure, ProcedureVersion
from engine.procedures import awaiting_process, import_national_catalogue
from engine.wiring import Platform
from tests.helpers import AN_TUONG, MINH_XUAN, PERMIT, Officers
from webapp.cli import main

HEADER = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Cơ quan thực hiện",
          "Thời hạn giải quyết", "Phí, lệ phí", "Thành phần hồ sơ", "Căn cứ pháp lý"]
BIRTH = ["1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "Cấp xã", MINH_XUAN,
         "Ngay trong ngày tiếp nhận", "Miễn lệ phí",
         "Tờ khai đăng ký khai sinh\nGiấy chứng sinh", "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP"]
MARRIAGE = ["1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch", "Cấp xã", AN_TUONG,
            "Ngay trong ngày tiếp nhận", "Miễn lệ phí", "Tờ khai đăng ký kết hôn", ""]
PERMIT_ROW = [PERMIT, "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Hoạt động xây dựng",
              "Cấp xã", MINH_XUAN, "15 ngày làm việc", "75.000 đồng", "Đơn đề nghị", ""]


def _xlsx(*rows: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (HEADER, *rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(*rows: list[str]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8")


def test_an_export_becomes_drafts_awaiting_a_process_and_a_published_one_keeps_its_versions(
    platform: Platform,
) -> None:
    with platform.uow() as uow:
        counts = import_national_catalogue(uow, actor=SYSTEM, content=_xlsx(
            BIRTH, MARRIAGE, PERMIT_ROW), filename="dvc-quoc-gia.xlsx")
    assert counts == {"created": 2, "updated": 1}
    with platform.uow() as uow:
        birth = uow.session.scalars(select(Procedure).where(Procedure.code == "1.001193")).one()
        versions = uow.session.scalars(select(ProcedureVersion.id).where(
            ProcedureVersion.procedure_id == birth.id)).all()
        waiting = awaiting_process(uow)
        audited = uow.session.scalars(select(AuditEntry.summary).where(
            AuditEntry.action == "procedure.catalogue_import")).one()
        national = birth.national
    assert versions == [] and national is not None
    assert national["papers"] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert national["legal_basis"] == ["Luật Hộ tịch 2014", "Nghị định 123/2015/NĐ-CP"]
    assert national["level"] == "Cấp xã" and national["fees"] == "Miễn lệ phí"
    # The building permit has a published process: it is not "awaiting".
    assert sorted(w["code"] for w in waiting) == ["1.000894", "1.001193"]
    assert all(w["direct_only"] for w in waiting) and audited == counts


def test_every_wrong_row_is_named_and_nothing_is_imported(platform: Platform) -> None:
    wrong = [
        ["1.0A1193", *BIRTH[1:]],  # not a national code
        [*MARRIAGE[:4], "000.99.99.H64", *MARRIAGE[5:]],  # no such agency
        [*BIRTH[:2], "", *BIRTH[3:]],  # field missing
        MARRIAGE,
        MARRIAGE,  # the same procedure of the same agency twice
    ]
    with platform.uow() as uow, pytest.raises(FormInvalid) as refused:
        import_national_catalogue(uow, actor=SYSTEM, content=_csv(*wrong), filename="dvc.csv")
    assert "chưa nhập dòng nào" in refused.value.message
    assert [(d["row"], d["field"]) for d in refused.value.details] == [
        (2, "Mã thủ tục"), (3, "Cơ quan thực hiện"), (4, "Lĩnh vực"), (6, "Mã thủ tục")]
    with platform.uow() as uow:
        assert awaiting_process(uow) == []
        assert uow.session.scalar(select(Procedure.id).where(Procedure.code == "1.001193")) is None


def test_only_an_administrator_imports(platform: Platform) -> None:
    with platform.uow() as uow, pytest.raises(Forbidden):
        import_national_catalogue(uow, actor=Officers(platform).actor("motcua.minhxuan"),
                                  content=_csv(BIRTH), filename="dvc.csv")


def test_the_cli_imports_and_the_public_catalogue_offers_the_desk_only(
    tmp_path: Path, database_url: str, client: FlaskClient,
) -> None:
    env = {"MOTCUA_DATABASE_URL": database_url}
    wrong = tmp_path / "dvc-sai.csv"
    wrong.write_bytes(_csv([*BIRTH[:5], "", *BIRTH[6:]]))
    refused = CliRunner().invoke(main, ["catalogue", "import", str(wrong)], env=env)
    assert refused.exit_code == 1
    assert "Dòng 2, cột Thời hạn giải quyết: Chưa nhập." in refused.output
    right = tmp_path / "dvc.xlsx"
    right.write_bytes(_xlsx(BIRTH))
    done = CliRunner().invoke(main, ["catalogue", "import", str(right)], env=env)
    assert done.exit_code == 0, done.output
    assert "1 thủ tục mới (chờ quy trình), 0 thủ tục cập nhật" in done.output
    html = client.get("/?q=khai sinh").data.decode()
    assert "Thủ tục đăng ký khai sinh</h2>" in html and "Nộp trực tiếp" in html
    assert "Giấy chứng sinh" in html and "Bộ phận Một cửa của UBND phường Minh Xuân" in html
    assert "/thu-tuc/1.001193" not in html  # no online form to start
    published = client.get("/?q=giay phep xay dung").data.decode()
    assert f"/thu-tuc/{PERMIT}" in published and "Nộp trực tiếp" not in published
