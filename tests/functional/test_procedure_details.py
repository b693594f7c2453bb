"""«Thông tin thủ tục» (`…/thong-tin`): a version's procedure.json in words. A designer
changes the name, time, legal basis, papers and fee and gets a new draft version that
validates (its tests pass), the papers keeping what the form builder set; bad answers come
back as typed beside their fields with nothing stored; who may not design sees the facts but
cannot save; the same answers again make no draft. The creation form asks the legal basis,
and the citizen's page shows no «Căn cứ pháp lý» heading when there is none."""

from __future__ import annotations

import json
import re
from html import unescape
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.actors import SYSTEM
from engine.core.models import Procedure, ProcedureVersion
from engine.procedures import act_on_version
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, page_login, token

PAGE = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/thong-tin"


def _client(app: Flask, username: str = "thietke.minhxuan") -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    return client


def _versions(platform: Platform, code: str = PERMIT) -> list[SimpleNamespace]:
    with platform.uow() as work:
        return [SimpleNamespace(number=v.number, status=v.status, test_results=v.test_results,
                                package=dict(v.package or {}))
                for v in work.session.scalars(select(ProcedureVersion).join(Procedure).where(
                    Procedure.code == code).order_by(ProcedureVersion.number))]


def _answers(client: FlaskClient, **overrides: str) -> dict[str, str]:
    """The form as the page fills it (read back from its inputs), with some answers changed."""
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.data.decode()
    typed = {"csrf_token": token(page.data), "time_unit": "working_days"}
    for name in ("name", "field", "time_value", "fee_name", "fee_amount"):
        found = re.search(rf'<input id="pd-{name}" name="{name}"[^>]* value="([^"]*)"', html)
        assert found is not None, name
        typed[name] = unescape(found.group(1))
    return {**typed, **overrides}


def test_the_version_page_links_to_the_details_which_show_the_facts_in_words(app: Flask) -> None:
    client = _client(app)
    version = client.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1").data.decode()
    assert f'id="details-link" href="{PAGE}"' in version
    # The designer's actions are headed in plain words, not «Vòng đời».
    assert '<h2 id="life-h">Thao tác với phiên bản này</h2>' in version and "Vòng đời" not in version
    html = client.get(PAGE).data.decode()
    assert 'value="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"' in html
    assert "Nghị định số 175/2024/NĐ-CP ngày 30/12/2024 của Chính phủ" in html  # one a line
    assert 'value="working_days" selected' in html and 'value="15"' in html
    assert 'id="pd-fee_mode-table" name="fee_mode" value="table" checked' in html
    assert '<option value="le_phi" selected>' in html  # the table's output, by its names
    assert "Bản cam kết bảo đảm an toàn" in html.split('id="pd-papers_optional"')[1]
    assert '"processing_time"' not in html and "P15D" not in html  # no JSON, no ISO-8601


def test_saving_the_details_makes_a_new_draft_that_validates(app: Flask, platform: Platform) -> None:
    client = _client(app)
    basis = "Luật Xây dựng số 50/2014/QH13\n\n  Nghị định số 175/2024/NĐ-CP  \n"
    required = ("Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01 Phụ lục II Nghị định 175/2024/NĐ-CP)\n"
                "Bản vẽ thiết kế mới")
    saved = client.post(PAGE, data=_answers(
        client, name="Cấp giấy phép xây dựng nhà ở riêng lẻ", time_value="12", time_unit="working_days",
        level="partial", legal_basis=basis, papers_required=required,
        papers_optional="Giấy ủy quyền", fee_mode="fixed", fee_name="Lệ phí cấp phép",
        fee_amount="75.000", fee_from="", applicant_name="ho_ten", applicant_id="so_dinh_danh",
        supplement_mode="pause"))
    assert saved.status_code == 303, saved.data.decode()[:3000]
    versions = _versions(platform)
    new = versions[-1]
    assert saved.headers["Location"].endswith(f"/{PERMIT}/{new.number}") and new.status == "draft"
    assert new.test_results["passed"], new.test_results  # validated and tested like an upload
    manifest = json.loads(new.package["procedure.json"])
    assert manifest["name"] == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    assert manifest["level"] == "partial" and manifest["supplement_mode"] == "pause"
    assert manifest["processing_time"] == {"value": 12, "unit": "working_days"}
    assert manifest["legal_basis"] == ["Luật Xây dựng số 50/2014/QH13", "Nghị định số 175/2024/NĐ-CP"]
    assert manifest["fees"] == [{"name": "Lệ phí cấp phép", "amount": 75000}]
    papers = {c["name"]: c for c in manifest["components"]}
    assert papers["Bản vẽ thiết kế mới"] == {"name": "Bản vẽ thiết kế mới", "originals": 1,
                                              "copies": 0, "required": True}
    assert papers["Giấy ủy quyền"]["required"] is False
    # A paper kept by name keeps what the form builder set for it.
    assert papers[required.splitlines()[0]]["originals"] == 1
    assert len(papers) == 3
    old = json.loads(versions[0].package["procedure.json"])
    assert old["name"] == "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"  # v1 untouched
    assert {k: v for k, v in new.package.items() if k != "procedure.json"} == {
        k: v for k, v in versions[0].package.items() if k != "procedure.json"}


def test_a_fee_from_the_table_and_the_same_answers_again_make_no_new_draft(
        app: Flask, platform: Platform) -> None:
    client = _client(app)
    before = len(_versions(platform))
    again = client.post(PAGE, data=_answers(client, level="full", fee_mode="table", fee_from="le_phi",
                                            applicant_name="ho_ten", applicant_id="so_dinh_danh",
                                            supplement_mode="restart",
                                            legal_basis=_basis_text(platform),
                                            papers_required=_papers_text(platform, True),
                                            papers_optional=_papers_text(platform, False)),
                        follow_redirects=True)
    assert "Không có thay đổi so với phiên bản số 1 (Đang áp dụng)" in again.data.decode()
    assert len(_versions(platform)) == before


def _manifest(platform: Platform) -> dict[str, Any]:
    return dict(json.loads(_versions(platform)[0].package["procedure.json"]))


def _basis_text(platform: Platform) -> str:
    return "\n".join(_manifest(platform)["legal_basis"])


def _papers_text(platform: Platform, required: bool) -> str:
    return "\n".join(c["name"] for c in _manifest(platform)["components"] if c["required"] is required)


def test_bad_answers_are_kept_as_typed_beside_their_fields(app: Flask, platform: Platform) -> None:
    client = _client(app)
    before = len(_versions(platform))
    for overrides, field, message in (
            ({"name": "x"}, "name", "Hãy nhập tên thủ tục"),
            ({"time_value": "0"}, "time_value", "Thời hạn giải quyết là một số lớn hơn 0"),
            ({"fee_mode": "fixed", "fee_amount": "năm mươi"}, "fee_amount", "Lệ phí là số tiền"),
            ({"fee_mode": "fixed", "fee_amount": ""}, "fee_amount", "Hãy nhập số tiền lớn hơn 0"),
            ({"fee_mode": "table", "fee_from": "khong_co"}, "fee_from",
             "Hãy chọn kết quả của bảng quyết định"),
            ({"applicant_name": "khong_co"}, "applicant_name", "Hãy chọn một trường"),
            ({"papers_optional": "x"}, "papers_optional", "Mỗi dòng một giấy tờ")):
        answers = _answers(client, **{"level": "full", "supplement_mode": "restart",
                                      "fee_mode": "table", "fee_from": "le_phi",
                                      "legal_basis": "Luật mới gõ dở", **overrides})
        response = client.post(PAGE, data=answers)
        html = response.data.decode()
        assert response.status_code == 422, overrides
        assert message in html and 'class="error-summary"' in html, overrides
        assert f'href="#pd-{field}"' in html and f'id="{field}-error-1"' in html, overrides
        assert "Luật mới gõ dở" in html  # what was typed is kept
    assert len(_versions(platform)) == before


def test_who_may_not_design_sees_the_facts_but_cannot_save(app: Flask, platform: Platform) -> None:
    before = len(_versions(platform))
    reviewer = _client(app, "xemxet.minhxuan")
    page = reviewer.get(PAGE)
    html = page.data.decode()
    assert page.status_code == 200 and 'id="read-only"' in html and "save-details" not in html
    refused = reviewer.post(PAGE, data={"csrf_token": token(page.data), "name": "Đổi tên",
                                        "field": "X y", "level": "full", "time_value": "5",
                                        "time_unit": "working_days", "supplement_mode": "restart"})
    assert refused.status_code == 403
    assert _client(app, "congdan").get(PAGE).status_code == 403
    assert _client(app, "motcua.antuong").get(PAGE).status_code == 404  # another agency
    assert len(_versions(platform)) == before


def test_the_creation_form_asks_the_legal_basis_and_none_shows_no_heading(
        app: Flask, platform: Platform) -> None:
    client = _client(app)
    form = client.get("/quan-tri/thu-tuc/moi")
    assert 'name="legal_basis"' in form.data.decode()
    answers = {"csrf_token": token(form.data), "agency": MINH_XUAN, "name": "Cấp phép thử nghiệm",
               "field": "Hoạt động xây dựng", "level": "full", "time_value": "5",
               "time_unit": "working_days", "fee": "", "papers": "Đơn đề nghị"}
    made = client.post("/quan-tri/thu-tuc/moi", data={**answers, "code": "9.910001",
                                                      "legal_basis": "Luật A\nNghị định B\n"})
    assert made.status_code == 302, made.data.decode()[:2000]
    bare = client.post("/quan-tri/thu-tuc/moi", data={**answers, "code": "9.910002"})
    assert bare.status_code == 302
    first = _versions(platform, "9.910001")[0]
    assert json.loads(first.package["procedure.json"])["legal_basis"] == ["Luật A", "Nghị định B"]
    with platform.uow() as work:
        for code in ("9.910001", "9.910002"):
            act_on_version(work, actor=SYSTEM, agency_code=MINH_XUAN, code=code, number=1,
                           action="publish")
    citizen = app.test_client()
    with_basis = citizen.get("/thu-tuc/9.910001").data.decode()
    assert "Căn cứ pháp lý" in with_basis and "<li>Nghị định B</li>" in with_basis
    without = citizen.get("/thu-tuc/9.910002")
    assert without.status_code == 200 and "Căn cứ pháp lý" not in without.data.decode()

