"""Setting up a commune, the province's administrator met the same role under two names and
wording that was not true: «Áp dụng cho cơ quan» named the roles nobody holds by the
procedure's lane labels («Lãnh đạo UBND cấp xã») while the accounts page offers «Lãnh đạo»;
the revoke page said a leader would reassign the work at an agency with no leader; the
accounts page's error summary was plain text, its fields not marked. Now each unfilled role
reads «Lãnh đạo (trong thủ tục: Lãnh đạo UBND cấp xã)», linked to the officers' form with
the agency chosen and the role ticked; the revoke page names the leaders or says nobody can
reassign and what to do; each refusal links to its field, marked and described."""

from __future__ import annotations

import html
import json
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.agencies import AgencyFields, create_agency
from engine.core.actors import Actor
from engine.core.models import Procedure, ProcedureVersion
from engine.procedures import apply_procedure
from engine.wiring import Platform
from tests.helpers import AN_TUONG, MINH_XUAN, PERMIT, login, permit_data, task_for

APPLY = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/ap-dung"
ADMIN = Actor(account_id=None, kind="admin", name="Quản trị")
HOA_BINH = "000.00.40.H64"


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _tag(page: str, pattern: str) -> str:
    """The one opening tag matching `pattern` (a regex inside the tag)."""
    found = re.findall(rf"<[a-z]+[^>]*{pattern}[^>]*>", page)
    assert len(found) == 1, (pattern, found)
    return str(found[0])


def _new_commune(platform: Platform) -> None:
    """UBND xã Hòa Bình, new, nobody holding a role there, the permit applied to it."""
    with platform.uow() as uow:
        create_agency(uow, actor=ADMIN, fields=AgencyFields(HOA_BINH, "UBND xã Hòa Bình", "commune"))
    with platform.uow() as uow:
        apply_procedure(uow, actor=ADMIN, agency_code=MINH_XUAN, code=PERMIT, targets=[HOA_BINH])


def test_an_unfilled_role_is_named_as_the_accounts_page_names_it_and_links_to_the_form(
    platform: Platform, client: FlaskClient,
) -> None:
    _new_commune(platform)
    login(client, "quantri")
    page = client.get(APPLY).data.decode()
    text = _text(page.encode())
    assert ("Bộ phận Một cửa — Giao vai trò Bộ phận Một cửa tại UBND xã Hòa Bình "
            "Chuyên viên (trong thủ tục: Chuyên viên phòng Kinh tế, Hạ tầng và Đô thị) — "
            "Giao vai trò Chuyên viên tại UBND xã Hòa Bình "
            "Lãnh đạo (trong thủ tục: Lãnh đạo UBND cấp xã) — Giao vai trò Lãnh đạo tại "
            "UBND xã Hòa Bình") in text
    link = f"/quan-tri/tai-khoan?co-quan={HOA_BINH}&amp;vai-tro=chuyen_vien#invite-h"
    assert f'href="{link}"' in page
    form = client.get(html.unescape(link)).data.decode()
    assert "selected" in _tag(form, f'value="{HOA_BINH}"')
    ticked = re.findall(r'id="inv-role-\d+" name="roles" value="([^"]+)" checked', form)
    assert ticked == ["chuyen_vien"]


def test_two_lanes_with_one_label_are_named_by_their_own_roles(
    platform: Platform, client: FlaskClient,
) -> None:
    # A designer gave the specialist's and the leader's lanes the same label. The page named
    # both by the first role found for that label: «Chuyên viên» twice, no «Lãnh đạo», and
    # both links ticked chuyen_vien.
    with platform.uow() as uow:
        for version in uow.session.scalars(select(ProcedureVersion).join(Procedure).where(
                Procedure.code == PERMIT, ProcedureVersion.status == "published")):
            manifest = json.loads(version.package["procedure.json"])
            for lane in ("chuyen_vien", "lanh_dao"):
                manifest["roles"][lane]["label"] = "Cán bộ giải quyết"
            version.package = {**version.package, "procedure.json": json.dumps(manifest)}
            version.compiled = {**version.compiled, "manifest": manifest}  # as publishing does
        uow.commit()
    _new_commune(platform)
    login(client, "quantri")
    page = client.get(APPLY).data.decode()
    text = _text(page.encode())
    assert "Chuyên viên (trong thủ tục: Cán bộ giải quyết)" in text
    assert "Lãnh đạo (trong thủ tục: Cán bộ giải quyết)" in text
    for role in ("chuyen_vien", "lanh_dao"):
        assert f"co-quan={HOA_BINH}&amp;vai-tro={role}#invite-h" in page


def test_an_unknown_role_in_the_link_is_ignored_not_an_error(client: FlaskClient) -> None:
    login(client, "quantri")
    for role in ("khong_co", "quan_tri_don_vi' onload='x", ""):
        form = client.get("/quan-tri/tai-khoan", query_string={"co-quan": AN_TUONG, "vai-tro": role})
        assert form.status_code == 200
        assert " checked" not in form.data.decode().split('id="invite-h"', 1)[1]
        assert "selected" in _tag(form.data.decode(), f'value="{AN_TUONG}"')


def _claimed_at_reception(app: Flask, agency: str, desk_name: str) -> None:
    code = app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": agency, "data": permit_data()}).get_json()["code"]
    desk = app.test_client()
    login(desk, desk_name)
    assert desk.post(f"/api/v1/tasks/{task_for(desk, code)['id']}/claim").status_code == 200


def test_the_revoke_page_says_nobody_can_reassign_where_nobody_leads(
    app: Flask, client: FlaskClient,
) -> None:
    _claimed_at_reception(app, AN_TUONG, "motcua.antuong")
    login(client, "quantri")
    page = client.get(f"/quan-tri/tai-khoan/motcua.antuong/thu-hoi?co-quan={AN_TUONG}"
                      "&vai-tro=mot_cua").data.decode()
    text = _text(page.encode())
    assert "lãnh đạo UBND xã An Tường giao lại" not in text  # nobody leads there
    assert ("Hiện không ai tại UBND xã An Tường giữ vai trò Lãnh đạo, nên chưa ai giao lại được "
            "các việc đó. Hãy giao vai trò Lãnh đạo tại UBND xã An Tường cho một cán bộ trước, "
            "rồi mới thu hồi vai trò này.") in text
    assert f'href="/quan-tri/tai-khoan?co-quan={AN_TUONG}&amp;vai-tro=lanh_dao"' in page


def test_the_revoke_page_names_the_leaders_who_can_reassign(
    app: Flask, client: FlaskClient,
) -> None:
    _claimed_at_reception(app, MINH_XUAN, "motcua.minhxuan")
    login(client, "quantri")
    text = _text(client.get(f"/quan-tri/tai-khoan/motcua.minhxuan/thu-hoi?co-quan={MINH_XUAN}"
                            "&vai-tro=mot_cua").data)
    assert ("Sau khi thu hồi, Phạm Thị Dung (Lãnh đạo UBND phường Minh Xuân) giao lại các việc "
            "đó cho cán bộ khác ở «Việc của đơn vị».") in text
    assert "Hiện không ai" not in text


REFUSED = (  # what was sent, the fields refused
    ({"username": "X", "full_name": "", "email": "khong-phai-thu", "phone": "", "agency": ""},
     {"inv-username", "inv-full_name", "inv-email", "inv-role-1", "inv-agency"}),
    ({"username": "moi.antuong", "full_name": "Lê Mới", "email": "moi@tuyenquang.example",
      "phone": "", "agency": AN_TUONG, "roles": ["mot_cua"], "valid_from": "02/02/2027",
      "valid_until": "01/01/2027"}, {"inv-valid_until"}),
)


def test_the_accounts_pages_refusals_link_to_their_marked_fields(client: FlaskClient) -> None:
    login(client, "quantri")
    for sent, fields in REFUSED:
        refused = client.post("/quan-tri/tai-khoan", data=sent)
        assert refused.status_code == 422
        page = refused.data.decode()
        summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
        targets = re.findall(r'<li><a href="#([^"]+)">', summary)
        assert set(targets) == fields, summary
        for target in targets:
            tag = _tag(page, f'id="{target}"')
            assert 'aria-invalid="true"' in tag, tag
            described = re.search(r'aria-describedby="([^"]+)"', tag)
            assert described, tag
            messages = [m for m in described.group(1).split() if "-error-" in m]
            assert messages, tag
            for message in messages:
                assert f'id="{message}"' in page
        assert "aria-invalid" not in _tag(page, 'id="inv-phone"')


def test_an_officers_page_links_its_refusals_to_the_marked_grant_fields(
    client: FlaskClient,
) -> None:
    """«Giao vai trò» on an officer's own page: each refusal in the summary leads to its
    field, as on the accounts page (it was plain text there)."""
    login(client, "quantri")
    for sent in ({"agency": MINH_XUAN},
                 {"agency": MINH_XUAN, "roles": ["lanh_dao"], "valid_from": "02/02/2027",
                  "valid_until": "01/01/2027"}):
        refused = client.post("/quan-tri/tai-khoan/chuyenvien.minhxuan/vai-tro", data=sent)
        assert refused.status_code == 422
        page = refused.data.decode()
        summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
        targets = re.findall(r'<li><a href="#([^"]+)">', summary)
        assert targets and len(targets) == summary.count("<li>"), summary
        for target in targets:
            tag = _tag(page, f'id="{target}"')
            assert 'aria-invalid="true"' in tag, tag
