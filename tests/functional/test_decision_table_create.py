"""«Tạo bảng quyết định»: a designer starts a decision table from a form on the decisions
page (no XML). It becomes a new draft version that validates and passes the package tests,
opened on the new table; ticked, the procedure's fee takes its amount from it and the
diagram runs it after the start; refused input is said in Vietnamese with the form kept, and
only the agency's designers may do it."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import EXTRACT, MINH_XUAN, PERMIT, login

PERMIT_V1 = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1"
EXTRACT_V1 = f"/quan-tri/thu-tuc/{MINH_XUAN}/{EXTRACT}/1"
FEE = {"ten_bang": "Phí theo số bản sao", "dau_vao": "so_luong_ban_sao", "ket_qua": "le_phi",
       "dung_lam_le_phi": "1", "ten_le_phi": "Phí cấp bản sao trích lục hộ tịch"}


def _designer(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "thietke.minhxuan")
    return client


def _table(html: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="dmn-data">(.*?)</script>', html, re.S)
    assert found
    data: dict[str, str] = json.loads(found.group(1))
    return data


def test_the_form_is_offered_on_a_version_without_tables(app: Flask) -> None:
    page = _designer(app).get(f"{EXTRACT_V1}/bang-quyet-dinh")
    assert page.status_code == 200
    assert "Tạo bảng quyết định" in page.text and "Thêm một tệp .dmn" not in page.text
    assert '<option value="so_luong_ban_sao"' in page.text
    assert "Số lượng bản sao đề nghị cấp (số nguyên)" in page.text
    assert 'value="ho_ten"' not in page.text  # free text is no column of a table


def test_a_fee_table_becomes_a_valid_draft_opened_on_its_table(app: Flask) -> None:
    designer = _designer(app)
    made = designer.post(f"{EXTRACT_V1}/bang-quyet-dinh/tao", data=FEE)
    assert made.status_code == 303, made.text
    assert made.location.endswith("/bang-quyet-dinh?tep=phi_theo_so_ban_sao.dmn")
    page = designer.get(made.location)
    assert page.status_code == 200
    table = _table(page.text)
    assert table["path"] == "phi_theo_so_ban_sao.dmn"
    assert 'hitPolicy="UNIQUE"' in table["xml"] and "<text>so_luong_ban_sao</text>" in table["xml"]
    assert "Bảng hợp lệ" in page.text
    new_version = made.location.split("/bang-quyet-dinh")[0]
    version_page = designer.get(new_version).text
    assert "Xác định lệ phí" in version_page
    files = designer.get(f"{new_version}/bang-quyet-dinh").text
    assert "phi_theo_so_ban_sao" in files


def test_the_fee_named_takes_its_amount_from_the_table_and_the_diagram_calls_it(app: Flask,
                                                                               platform: Any) -> None:
    designer = _designer(app)
    made = designer.post(f"{EXTRACT_V1}/bang-quyet-dinh/tao", data=FEE)
    number = int(made.location.split(f"{EXTRACT}/")[1].split("/")[0])
    texts = _package(platform, EXTRACT, number)
    assert json.loads(texts["procedure.json"])["fees"] == [
        {"name": FEE["ten_le_phi"], "amount": 8000, "from": "le_phi"}]
    assert "<spiffworkflow:calledDecisionId>phi_theo_so_ban_sao</spiffworkflow:calledDecisionId>" in \
        texts["process.bpmn"]


def test_unticked_the_fee_and_the_diagram_are_unchanged(app: Flask, platform: Any) -> None:
    designer = _designer(app)
    made = designer.post(f"{EXTRACT_V1}/bang-quyet-dinh/tao", data={
        **FEE, "dung_lam_le_phi": "", "ket_qua": "gia_tri", "ten_ket_qua": "Cần xác minh thêm",
        "kieu_ket_qua": "co_khong"})
    assert made.status_code == 303, made.text
    number = int(made.location.split(f"{EXTRACT}/")[1].split("/")[0])
    before, after = _package(platform, EXTRACT, 1), _package(platform, EXTRACT, number)
    assert set(after) - set(before) == {"phi_theo_so_ban_sao.dmn"}
    assert all(after[k] == before[k] for k in before)
    assert 'name="can_xac_minh_them" typeRef="boolean"' in after["phi_theo_so_ban_sao.dmn"]


def test_bad_input_is_refused_in_vietnamese_with_the_form_kept_and_nothing_made(
        app: Flask, platform: Any) -> None:
    designer = _designer(app)
    count = _count(platform, EXTRACT)
    for change, message in [({"ten_bang": ""}, "Đặt tên cho bảng quyết định"),
                            ({"dau_vao": "ho_ten"}, "Chọn trường của biểu mẫu"),
                            ({"ten_le_phi": " "}, "Ghi tên khoản lệ phí")]:
        refused = designer.post(f"{EXTRACT_V1}/bang-quyet-dinh/tao", data={**FEE, **change})
        assert refused.status_code == 422
        assert message in refused.text
        for key, value in {**FEE, **change}.items():
            if key in ("ten_bang", "ten_le_phi") and value.strip():
                assert f'value="{value}"' in refused.text, key
        assert 'id="dung_lam_le_phi" name="dung_lam_le_phi" value="1" checked' in refused.text
    hostile = designer.post(f"{EXTRACT_V1}/bang-quyet-dinh/tao",
                            data={**FEE, "ten_bang": '"><script>alert(1)</script>' + "x" * 300})
    assert hostile.status_code == 422 and "<script>alert(1)" not in hostile.text
    assert _count(platform, EXTRACT) == count


def test_a_hostile_but_short_label_is_kept_as_text(app: Flask) -> None:
    designer = _designer(app)
    made = designer.post(f"{EXTRACT_V1}/bang-quyet-dinh/tao",
                         data={**FEE, "ten_bang": '"><script>alert(1)</script>'})
    assert made.status_code == 303, made.text
    assert made.location.endswith("?tep=script_alert_1_script.dmn")
    page = designer.get(made.location).text
    assert "<script>alert(1)" not in page


def test_only_the_agencys_designers_may_create_a_table(app: Flask, platform: Any) -> None:
    count = _count(platform, EXTRACT)
    reviewer = app.test_client()
    login(reviewer, "xemxet.minhxuan")
    assert "create-table" not in reviewer.get(f"{EXTRACT_V1}/bang-quyet-dinh").text
    assert reviewer.post(f"{EXTRACT_V1}/bang-quyet-dinh/tao", data=FEE).status_code == 403
    citizen = app.test_client()
    login(citizen, "congdan")
    assert citizen.post(f"{EXTRACT_V1}/bang-quyet-dinh/tao", data=FEE).status_code == 403
    outsider = app.test_client()
    login(outsider, "motcua.antuong")
    assert outsider.post(f"{EXTRACT_V1}/bang-quyet-dinh/tao", data=FEE).status_code == 404
    assert _count(platform, EXTRACT) == count


def test_a_second_table_on_the_permit_gets_its_own_names(app: Flask, platform: Any) -> None:
    designer = _designer(app)
    made = designer.post(f"{PERMIT_V1}/bang-quyet-dinh/tao", data={
        "ten_bang": "Lệ phí", "dau_vao": "cong_trinh.dien_tich_xay_dung", "ket_qua": "le_phi",
        "dung_lam_le_phi": "1", "ten_le_phi": "Lệ phí khác"})
    assert made.status_code == 303, made.text
    assert made.location.endswith("?tep=le_phi_2.dmn")  # le_phi.dmn is the package's
    number = int(made.location.split(f"{PERMIT}/")[1].split("/")[0])
    fees = json.loads(_package(platform, PERMIT, number)["procedure.json"])["fees"]
    assert [f.get("from") for f in fees] == ["le_phi", "le_phi_2"]


def _package(platform: Any, code: str, number: int) -> dict[str, str]:
    from engine.core.models import Agency, Procedure, ProcedureVersion

    with platform.uow() as work:
        version = work.session.query(ProcedureVersion).join(Procedure).join(
            Agency, Agency.id == Procedure.agency_id).filter(
            Agency.code == MINH_XUAN, Procedure.code == code, ProcedureVersion.number == number).one()
        return dict(version.package or {})


def _count(platform: Any, code: str) -> int:
    from engine.core.models import Procedure, ProcedureVersion

    with platform.uow() as work:
        return int(work.session.query(ProcedureVersion).join(Procedure).filter(
            Procedure.code == code).count())
