"""The citizen's pages after issue 17: tracking by POST (the ID number never in a URL),
the dossier page's receipts and fee wording, withdrawal behind a confirmation page,
notices that link to their dossier, drafts named by their procedure."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from engine import applicants
from engine.core.models import Account, ProcedureVersion
from engine.identity.accounts import actor_of
from engine.wiring import Platform
from tests.helpers import (
    APPLICANT_ID,
    MINH_XUAN,
    PERMIT,
    complete,
    login,
    page_login,
    permit_data,
    token,
)


def citizen(app: Flask) -> FlaskClient:
    """Nguyễn Văn An, signed in through the page (and the API, for its CSRF header)."""
    client = app.test_client()
    page_login(client, "congdan")
    login(client, "congdan")
    return client


def officer(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def submitted(client: FlaskClient, **overrides: Any) -> str:
    """A permit application submitted by `client` through the API; its code."""
    response = client.post(
        "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(**overrides)}
    )
    assert response.status_code == 201, response.json
    code: str = (response.json or {})["code"]
    return code


def paid_online(app: Flask, client: FlaskClient, code: str) -> None:
    """The desk receives `code`, the specialist asks 75.000 đồng, the citizen pays it
    through the null gateway's page."""
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = officer(app, "chuyenvien.minhxuan").post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200, asked.json
    page = client.get(f"/ca-nhan/ho-so/{code}").data
    bank = client.post(f"/ca-nhan/ho-so/{code}/thanh-toan", data={"csrf_token": token(page)})
    location = bank.headers["Location"]
    assert client.post(location, data={"csrf_token": token(client.get(location).data)}).status_code == 303


def citizen_history(app: Flask, platform: Platform) -> dict[str, str]:
    """Nguyễn Văn An's dossiers in every state a page shows: one paid online and being
    processed, one waiting for a supplement, one just submitted, one granted (to rate);
    and a draft."""
    client = citizen(app)
    paid, supplement, fresh, done = (submitted(client) for _ in range(4))
    paid_online(app, client, paid)
    complete(officer(app, "motcua.minhxuan"), done, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(
        officer(app, "chuyenvien.minhxuan"),
        done,
        {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."},
    )
    complete(officer(app, "lanhdao.minhxuan"), done, {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    desk = officer(app, "motcua.minhxuan")
    asked = desk.post(
        f"/api/v1/dossiers/{supplement}/request-supplement",
        json={"missing": ["Bản vẽ mặt cắt có chữ ký của đơn vị thiết kế"]},
    )
    assert asked.status_code == 200, asked.json
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == "congdan"))
        assert account is not None
        applicants.save_draft(
            uow,
            actor=actor_of(account),
            key=None,
            procedure_code=PERMIT,
            agency_code=MINH_XUAN,
            data={"ho_ten": "Nguyễn Văn An"},
        )
    return {"paid": paid, "supplement": supplement, "fresh": fresh, "done": done}


def status(client: FlaskClient, code: str) -> int:
    """The dossier's national status, as the API tells its owner."""
    return int((client.get(f"/api/v1/dossiers/{code}").json or {})["status"])


def urls(html: str) -> list[str]:
    """Every address the page holds: links, form actions, sources."""
    return re.findall(r'(?:href|action|src)="([^"]*)"', html)


# --- tracking ---------------------------------------------------------------------------


def test_tracking_posts_the_id_number_and_shows_the_result_on_the_response(app: Flask) -> None:
    code = submitted(app.test_client())
    browser = app.test_client()
    form = browser.get(f"/tra-cuu?ma={code}").data.decode()
    assert re.search(r'<form method="post" action="/tra-cuu"', form)
    assert f'id="ma" name="ma" value="{code}"' in form  # the QR code's link fills the code in
    response = browser.post(
        "/tra-cuu",
        data={
            "csrf_token": token(form.encode()),
            "ma": code,
            "so_dinh_danh": f" {APPLICANT_ID[:4]} {APPLICANT_ID[4:]} ",
        },
    )
    page = response.data.decode()
    assert response.status_code == 200 and "Location" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert re.search(r'id="track-status"><strong class="tag tag--blue">Mới đăng ký</strong>', page)
    assert "Cấp giấy phép xây dựng" in page
    assert not [u for u in urls(page) if APPLICANT_ID in u]


def test_a_get_with_the_id_number_in_the_url_is_not_a_lookup(app: Flask) -> None:
    code = submitted(app.test_client())
    for name in ("so_dinh_danh", "so_giay_to"):
        response = app.test_client().get(f"/tra-cuu?ma={code}&{name}={APPLICANT_ID}")
        page = response.data.decode()
        assert response.status_code == 200
        assert "Hãy nhập lại số định danh" in page
        assert 'id="track-status"' not in page and "Mới đăng ký" not in page
        assert APPLICANT_ID not in page  # not even echoed back into the form


def test_tracking_names_each_missing_field_and_keeps_the_code(app: Flask) -> None:
    browser = app.test_client()
    csrf = token(browser.get("/tra-cuu").data)
    empty = browser.post("/tra-cuu", data={"csrf_token": csrf, "ma": "", "so_dinh_danh": ""})
    page = empty.data.decode()
    assert empty.status_code == 422
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert summary.index('href="#ma"') < summary.index('href="#so_dinh_danh"')  # page order
    assert "Vui lòng nhập mã hồ sơ." in page
    assert "Vui lòng nhập số định danh cá nhân của người nộp." in page
    no_id = browser.post("/tra-cuu", data={"csrf_token": csrf, "ma": "H64-1", "so_dinh_danh": ""})
    assert no_id.status_code == 422 and 'value="H64-1"' in no_id.data.decode()
    assert 'aria-invalid="true"' in no_id.data.decode()


def test_a_wrong_id_number_reveals_nothing_and_keeps_what_was_typed(app: Flask) -> None:
    code = submitted(app.test_client())
    browser = app.test_client()
    wrong = browser.post(
        "/tra-cuu",
        data={"csrf_token": token(browser.get("/tra-cuu").data), "ma": code, "so_dinh_danh": "008090009999"},
    )
    page = wrong.data.decode()
    assert wrong.status_code == 404
    assert "Không tìm thấy hồ sơ với mã và số định danh đã nhập." in page
    assert f'value="{code}"' in page and 'value="008090009999"' in page
    main = page.split("<main")[1]
    assert "Mới đăng ký" not in main and "Nguyễn Văn An" not in main


def test_tracking_without_the_csrf_token_is_refused(app: Flask) -> None:
    code = submitted(app.test_client())
    response = app.test_client().post("/tra-cuu", data={"ma": code, "so_dinh_danh": APPLICANT_ID})
    assert response.status_code in (400, 403)
    assert "Mới đăng ký" not in response.data.decode()


# --- my dossier: receipts, fee wording, withdrawal -------------------------------------


def test_the_dossier_page_links_the_receipts_and_says_the_fee_in_words(app: Flask) -> None:
    client = citizen(app)
    code = submitted(client)
    paid_online(app, client, code)
    page = client.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert f'href="/ho-so/{code}/bien-nhan.pdf"' in page  # the submission receipt, any time
    assert f'href="/ca-nhan/ho-so/{code}/van-ban/receipt.pdf"' in page  # received: its slip
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    assert "Yêu cầu nộp phí, lệ phí</strong>: 75.000 đồng" in timeline
    assert "75.000 đồng, thanh toán trực tuyến" in timeline
    assert "null" not in timeline and "75000" not in timeline
    assert "Đã nộp 75.000 đồng" in page
    receipt = client.get(f"/ho-so/{code}/bien-nhan.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    slip = client.get(f"/ca-nhan/ho-so/{code}/van-ban/receipt.pdf")
    assert slip.status_code == 200 and slip.data.startswith(b"%PDF")
    assert "attachment" in slip.headers["Content-Disposition"]


def test_a_cash_payment_links_the_fee_receipt(app: Flask) -> None:
    client = citizen(app)
    code = submitted(client)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    assert (
        officer(app, "chuyenvien.minhxuan")
        .post(f"/api/v1/dossiers/{code}/request-payment", json={})
        .status_code
        == 200
    )
    cash = officer(app, "motcua.minhxuan").post(
        f"/api/v1/dossiers/{code}/cash-payment", json={"amount": 75000}
    )
    assert cash.status_code == 200, cash.json
    page = client.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert f'href="/ca-nhan/ho-so/{code}/van-ban/fee_receipt.pdf"' in page
    assert f"tiền mặt, biên lai số {(cash.json or {})['receipt_number']}" in page
    fee = client.get(f"/ca-nhan/ho-so/{code}/van-ban/fee_receipt.pdf")
    assert fee.status_code == 200 and fee.data.startswith(b"%PDF")


def test_documents_are_for_their_owner_and_only_the_citizens_kinds(app: Flask) -> None:
    client = citizen(app)
    code = submitted(client)
    assert client.get(f"/ca-nhan/ho-so/{code}/van-ban/control_slip.pdf").status_code == 404
    not_yet = client.get(f"/ca-nhan/ho-so/{code}/van-ban/receipt.pdf")
    assert not_yet.status_code == 409  # not received yet: no slip, and the page says why
    assert "chưa được tiếp nhận" in not_yet.data.decode()
    stranger = app.test_client()
    page_login(stranger, "motcua.antuong")
    assert stranger.get(f"/ca-nhan/ho-so/{code}/van-ban/receipt.pdf").status_code == 403
    anonymous = app.test_client().get(f"/ca-nhan/ho-so/{code}/van-ban/receipt.pdf")
    assert anonymous.status_code == 303 or anonymous.status_code == 401


def test_withdrawal_is_a_button_then_a_confirmation_page(app: Flask) -> None:
    client = citizen(app)
    code = submitted(client)
    dossier_page = client.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert f'<a class="button warning" href="/ca-nhan/ho-so/{code}/rut">Rút hồ sơ</a>' in dossier_page
    assert 'name="reason"' not in dossier_page.split('id="withdraw-title"')[1].split("</section>")[0]
    confirm = client.get(f"/ca-nhan/ho-so/{code}/rut")
    html = confirm.data.decode()
    assert confirm.status_code == 200
    assert "Bạn có chắc muốn rút hồ sơ?" in html and "không thể hoàn tác" in html
    csrf = token(confirm.data)
    empty = client.post(f"/ca-nhan/ho-so/{code}/rut", data={"csrf_token": csrf, "reason": "  "})
    assert empty.status_code == 422
    assert "Vui lòng nhập lý do rút hồ sơ." in empty.data.decode()
    assert status(client, code) == 1  # nothing happened
    done = client.post(f"/ca-nhan/ho-so/{code}/rut", data={"csrf_token": csrf, "reason": "Tôi đổi thiết kế."})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/ca-nhan/ho-so/{code}")
    assert status(client, code) == 7
    after = client.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert f"Đã rút hồ sơ {code}" in after and f"/ca-nhan/ho-so/{code}/rut" not in after
    again = client.get(f"/ca-nhan/ho-so/{code}/rut")
    assert again.status_code == 303  # nothing left to withdraw: back to the dossier


def test_only_the_owner_may_open_the_withdrawal_page(app: Flask) -> None:
    code = submitted(citizen(app))
    officer_browser = app.test_client()
    page_login(officer_browser, "motcua.minhxuan")
    assert officer_browser.get(f"/ca-nhan/ho-so/{code}/rut").status_code == 403
    assert app.test_client().get(f"/ca-nhan/ho-so/{code}/rut").status_code in (303, 401)


# --- my area and notices ----------------------------------------------------------------


def test_drafts_are_named_by_their_procedure_and_dates_are_vietnamese(app: Flask, platform: Platform) -> None:
    codes = citizen_history(app, platform)
    client = citizen(app)
    page = client.get("/ca-nhan").data.decode()
    drafts = page.split('id="my-drafts"')[1].split("</ul>")[0]
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in drafts
    assert "Thủ tục 1.009994" not in page
    for code in codes.values():
        assert f'href="/ca-nhan/ho-so/{code}"' in page
    assert re.search(r'data-label="Hẹn trả kết quả">\d\d:\d\d ngày \d\d/\d\d/\d{4}<', page)
    assert re.search(r'data-label="Ngày nộp">\d\d/\d\d/\d{4}<', page)


def test_each_notice_links_to_its_dossier(app: Flask, platform: Platform) -> None:
    codes = citizen_history(app, platform)
    page = citizen(app).get("/ca-nhan/thong-bao").data.decode()
    for code in (codes["paid"], codes["supplement"]):
        assert re.search(rf'<a href="/ca-nhan/ho-so/{re.escape(code)}">Hồ sơ {re.escape(code)} ', page)
    assert "Mới</strong>" in page  # unread until this visit
    assert "Mới</strong>" not in citizen(app).get("/ca-nhan/thong-bao").data.decode()


# --- the design system's furniture -------------------------------------------------------


def test_every_page_links_a_favicon_that_is_served(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/").data.decode()
    for name, kind in (
        ("favicon.ico", "image/"),
        ("favicon.svg", "image/svg+xml"),
        ("apple-touch-icon.png", "image/png"),
    ):
        assert f'href="/static/{name}"' in page
        with client.get(f"/static/{name}") as served:
            assert served.status_code == 200 and served.mimetype.startswith(kind), name
    assert 'rel="stylesheet" href="/static/style.css"' in page


def test_the_header_has_a_skip_link_and_a_menu_for_phones_without_script(app: Flask) -> None:
    page = app.test_client().get("/tra-cuu").data.decode()
    assert page.index('class="skip" href="#main"') < page.index("<header")
    assert '<details class="menu">' in page and "<summary>Danh mục</summary>" in page
    assert 'id="main"' in page
    # The page's own link is marked current, in the phone menu and the desktop one.
    assert page.count('href="/tra-cuu" aria-current="page"') == 2


def test_every_document_the_dossier_page_links_downloads(app: Flask, platform: Platform) -> None:
    codes = citizen_history(app, platform)
    client = citizen(app)
    for code in codes.values():
        page = client.get(f"/ca-nhan/ho-so/{code}").data.decode()
        links = re.findall(rf'href="(/ca-nhan/ho-so/{re.escape(code)}/van-ban/[a-z_]+\.pdf)"', page)
        links.append(f"/ho-so/{code}/bien-nhan.pdf")
        for link in links:
            response = client.get(link)
            assert response.status_code == 200 and response.data.startswith(b"%PDF"), link
    supplement = client.get(f"/ca-nhan/ho-so/{codes['supplement']}").data.decode()
    assert "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (PDF)" in supplement


DEPARTMENT = "000.05.00.H64"  # Sở Xây dựng: offers the permit once it is applied there


def _my_draft(platform: Platform, data: dict[str, Any], agency: str = MINH_XUAN) -> str:
    """A permit draft of Nguyễn Văn An's at `agency` holding `data`; its key."""
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == "congdan"))
        assert account is not None
        key: str = applicants.save_draft(uow, actor=actor_of(account), key=None,
                                         procedure_code=PERMIT, agency_code=agency,
                                         data=data)["key"]
    return key


def _drafts_section(client: FlaskClient) -> str:
    page = client.get("/ca-nhan").data.decode()
    return page.split('id="my-drafts"')[1].split("</ul>")[0]


def test_a_draft_link_opens_the_draft_where_it_left_off_in_one_click(
        app: Flask, platform: Platform) -> None:
    """«Tiếp tục soạn hồ sơ» opens the draft's first page with something missing, showing
    what was typed — it used to open the procedure's page, where «Tiếp tục hồ sơ đang
    soạn» had to be clicked again."""
    key = _my_draft(platform, {"ho_ten": "Lê Thị Hồng Nhung", "dien_thoai": "0987654321"})
    client = citizen(app)
    link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>Tiếp tục soạn hồ sơ<', _drafts_section(client))
    assert link is not None
    opened = client.get(unescape(link.group(1)))
    assert opened.status_code == 200
    page = opened.data.decode()
    assert 'value="Lê Thị Hồng Nhung"' in page and 'value="0987654321"' in page
    assert f"nhap={key}" in link.group(1) and "Tiếp tục hồ sơ đang soạn" not in page


def test_a_draft_says_its_procedure_when_saved_and_that_it_cannot_be_submitted_once_unpublished(
        app: Flask, platform: Platform) -> None:
    """«Bản nháp» names the procedure (its code small beside it) and when it was last saved,
    also once the version it was started on is no longer published (it used to read «Thủ tục
    1.009994»: the name came from the catalogue). Such a draft, or one at an agency that no
    longer offers the procedure, says it cannot be submitted and offers to delete it — its
    «Tiếp tục soạn hồ sơ» link used to lead to a 404."""
    admin, agencies = officer(app, "quantri"), f"/api/v1/procedures/{PERMIT}/agencies"
    assert admin.post(f"{agencies}?agency={MINH_XUAN}",
                      json={"agencies": [DEPARTMENT]}).status_code == 200
    stopped = _my_draft(platform, {"ho_ten": "Nguyễn Văn An"}, agency=DEPARTMENT)
    assert admin.delete(  # «Ngừng áp dụng» at the draft's agency
        f"{agencies}/{DEPARTMENT}?agency={MINH_XUAN}").status_code == 200
    client = citizen(app)
    drafts = _drafts_section(client)
    assert client.get(f"/thu-tuc/{PERMIT}?agency={DEPARTMENT}&nhap={stopped}").status_code == 410
    assert "Thủ tục này hiện không còn tiếp nhận hồ sơ; bản nháp không nộp được nữa." in drafts
    assert "Tiếp tục soạn hồ sơ" not in drafts and "/thu-tuc/" not in drafts
    key = _my_draft(platform, {"ho_ten": "Nguyễn Văn An"})
    with platform.uow() as uow:
        uow.session.execute(update(ProcedureVersion).where(
            ProcedureVersion.status == "published").values(status="retired"))
        uow.commit()
    drafts = _drafts_section(client)
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in drafts
    assert f"Mã thủ tục {PERMIT}" in drafts and f"Thủ tục {PERMIT}" not in drafts.replace(
        f"Mã thủ tục {PERMIT}", "")
    assert re.search(r"Lưu lần cuối lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}", drafts)
    assert drafts.count("Thủ tục này hiện không còn tiếp nhận hồ sơ") == 2
    assert "Tiếp tục soạn hồ sơ" not in drafts and "/thu-tuc/" not in drafts
    deleted = client.post(f"/ca-nhan/ban-nhap/{key}/xoa",
                          data={"csrf_token": token(client.get("/ca-nhan").data)})
    assert deleted.status_code == 303
    assert f"/ca-nhan/ban-nhap/{key}/xoa" in drafts
    assert f"/ca-nhan/ban-nhap/{key}/xoa" not in client.get("/ca-nhan").data.decode()
