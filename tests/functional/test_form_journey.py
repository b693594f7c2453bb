"""The start form as a journey, through HTTP as a browser without JavaScript uses it (plain
form posts): the procedure's start page, one page per section (each validated and saved
as the draft, what was typed kept on an error), the papers, the answers to check with
"Sửa" back to the right page, then the receipt. The building permit's form has groups, so
it is in sections; the extract's form has none, so it stays on one page."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Dossier
from engine.wiring import Platform
from tests.helpers import APPLICANT_ID, EXTRACT, MINH_XUAN, PDF, PERMIT, page_login, token

START = f"/thu-tuc/{PERMIT}?agency={MINH_XUAN}"
STEP = re.compile(r"/thu-tuc/[^/]+/buoc/(\d+)\?nhap=([\w-]+)")
SECTION_1 = {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": APPLICANT_ID, "dien_thoai": "0912345678",
             "email": "an@example.vn", "dia_chi_lien_he": "Tổ 5, phường Minh Xuân",
             "uy_quyen": "false"}


def _begin(client: FlaskClient) -> tuple[str, str]:
    """Press "Bắt đầu" on the start page: the first step's URL and the draft's key."""
    started = client.post(f"/thu-tuc/{PERMIT}/bat-dau",
                          data={"csrf_token": token(client.get(START).data), "agency": MINH_XUAN})
    assert started.status_code == 303, started.data[:500]
    found = STEP.search(started.headers["Location"])
    assert found and found.group(1) == "1"
    return started.headers["Location"], found.group(2)


def _post(client: FlaskClient, url: str, fields: dict[str, Any]) -> Any:
    return client.post(url, data={"csrf_token": token(client.get(url).data), **fields},
                       content_type="multipart/form-data")


def _step(key: str, number: int, back: bool = False) -> str:
    return f"/thu-tuc/{PERMIT}/buoc/{number}?nhap={key}" + ("&quay_lai=1" if back else "")


def _fill_all(client: FlaskClient, key: str) -> None:
    """Sections 1-5 and the papers, each page moving on to the next."""
    pages: list[dict[str, Any]] = [
        SECTION_1,
        {"lo_dat.dia_chi": "Số 12 đường Bình Thuận", "lo_dat.dien_tich": "120,5"},
        {"cong_trinh.loai_cong_trinh": "nha_o_rieng_le_do_thi", "cong_trinh.dien_tich_xay_dung": "80",
         "cong_trinh.so_tang": "3", "cong_trinh.chieu_cao": "12,5"},
        {"don_vi_thiet_ke.0.ten": "Công ty A"},
        {"ngay_khoi_cong": "15/01/2027", "cam_ket": "true"},
        {f"_file.{i}": (io.BytesIO(PDF + str(i).encode()), f"giay-{i}.pdf") for i in range(3)},
    ]
    for number, fields in enumerate(pages, start=1):
        moved = _post(client, _step(key, number), {**fields, "nhap": key, "_action": "next"})
        assert moved.status_code == 303, (number, moved.data.decode()[:3000])
        expected = f"/thu-tuc/{PERMIT}/kiem-tra" if number == 6 else f"/buoc/{number + 1}?"
        assert expected in moved.headers["Location"]


def test_the_start_page_says_what_is_needed_how_long_the_fee_and_who(client: FlaskClient) -> None:
    page = client.get(START).data.decode()
    assert "Bắt đầu" in page and 'id="start-journey"' in page
    assert "75.000 đồng" in page and "15 ngày làm việc" in page
    assert "Bản vẽ thiết kế xây dựng" in page  # the papers to prepare
    assert "Ủy ban nhân dân phường Minh Xuân" in page or "Minh Xuân" in page
    assert 'name="ho_ten"' not in page  # the form itself comes after "Bắt đầu"
    assert 'id="one-page"' in page  # or, for who prefers it, the whole form on one page
    whole = client.get(f"{START}&mot_trang=1").data.decode()
    assert 'name="ho_ten"' in whole and 'name="lo_dat.dia_chi"' in whole


def test_a_form_without_groups_stays_on_one_page(client: FlaskClient) -> None:
    page = client.get(f"/thu-tuc/{EXTRACT}").data.decode()
    assert 'name="ho_ten"' in page and 'id="submit-dossier"' in page
    assert 'id="start-journey"' not in page


def test_the_whole_journey_without_javascript(app: Flask, platform: Platform) -> None:
    client = app.test_client()
    first, key = _begin(client)
    page = client.get(first).data.decode()
    assert "Bước 1/7" in page and 'aria-current="step"' in page
    assert 'name="ho_ten"' in page and 'name="lo_dat.dia_chi"' not in page  # one section
    # A wrong page stays, says precisely what is wrong, in page order, and keeps the typing.
    wrong = _post(client, first, {**SECTION_1, "so_dinh_danh": "0010 9901", "dien_thoai": "12345",
                                  "email": "an@", "nhap": key, "_action": "next"})
    html = wrong.data.decode()
    assert wrong.status_code == 422
    begins = html.index('id="error-summary"')
    summary = html[begins:html.index("</ul>", begins)]
    messages = ["Số định danh cá nhân gồm 12 chữ số.", "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.",
                "Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn."]
    assert [summary.index(m) for m in messages] == sorted(summary.index(m) for m in messages)
    assert 'value="an@"' in html and 'value="12345"' in html and 'value="Nguyễn Văn An"' in html
    assert "Vui lòng nhập «Địa điểm" not in html  # later pages are not judged yet
    _fill_all(client, key)

    check = client.get(f"/thu-tuc/{PERMIT}/kiem-tra?nhap={key}").data.decode()
    assert "Bước 7/7" in check
    for shown in ("Nguyễn Văn An", "120,5", "12,5", "15/01/2027", "Nhà ở riêng lẻ tại đô thị",
                  "giay-2.pdf", "Công ty A"):
        assert shown in check, shown
    assert "2027-01-15" not in check and "120.5" not in check
    edit = re.search(r'href="([^"]*buoc/2[^"]*quay_lai=1)#f-lo_dat-dien_tich"', check)
    assert edit, "no Sửa link to the land's page"
    again = client.get(edit.group(1).replace("&amp;", "&")).data.decode()
    assert 'value="120,5"' in again and "Lưu và quay lại trang kiểm tra" in again
    changed = _post(client, _step(key, 2, back=True), {
        "lo_dat.dia_chi": "Số 12 đường Bình Thuận", "lo_dat.dien_tich": "1.130,5", "nhap": key,
        "quay_lai": "1", "_action": "next"})
    assert changed.status_code == 303 and "/kiem-tra" in changed.headers["Location"]
    assert "1.130,5" in client.get(changed.headers["Location"]).data.decode()

    sent = client.post(f"/thu-tuc/{PERMIT}/kiem-tra?nhap={key}",
                       data={"csrf_token": token(check.encode()), "nhap": key})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/bien-nhan")
    code = sent.headers["Location"].split("/")[-2]
    assert code in client.get(sent.headers["Location"]).data.decode()
    desk = app.test_client()  # the officers read the same answers the Vietnamese way
    page_login(desk, "motcua.minhxuan")
    task = re.search(r'href="(/can-bo/cong-viec/\d+)"', desk.get("/can-bo").data.decode())
    assert task, "no task in the desk's inbox"
    review = desk.get(task.group(1)).data.decode()
    assert "1.130,5" in review and "15/01/2027" in review and "12,5" in review
    assert "2027-01-15" not in review and "1130.5" not in review
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        assert dossier.data["lo_dat"]["dien_tich"] == 1130.5
        assert dossier.data["ngay_khoi_cong"] == "2027-01-15"
        assert dossier.data["cong_trinh"]["chieu_cao"] == 12.5


def test_a_page_with_an_error_keeps_the_rest_of_the_draft(client: FlaskClient) -> None:
    _, key = _begin(client)
    _fill_all(client, key)
    wrong = _post(client, _step(key, 3), {
        "cong_trinh.loai_cong_trinh": "nha_o_rieng_le_do_thi", "cong_trinh.dien_tich_xay_dung": "80",
        "cong_trinh.so_tang": "ba", "nhap": key, "_action": "next"})
    html = wrong.data.decode()
    assert wrong.status_code == 422
    assert "Chỉ nhập số, ví dụ: 3" in html and 'value="ba"' in html
    assert "Vui lòng nhập «Chiều cao công trình (m)»." in html  # emptied: asked again
    check = client.get(f"/thu-tuc/{PERMIT}/kiem-tra?nhap={key}").data.decode()
    assert "120,5" in check and "giay-0.pdf" in check  # the other pages are untouched


def test_submitting_an_unfinished_draft_links_each_problem_to_its_page(client: FlaskClient) -> None:
    _, key = _begin(client)
    check_url = f"/thu-tuc/{PERMIT}/kiem-tra?nhap={key}"
    refused = client.post(check_url, data={"csrf_token": token(client.get(check_url).data),
                                           "nhap": key})
    html = refused.data.decode().replace("&amp;", "&")
    assert refused.status_code == 422 and "Hồ sơ chưa nộp được" in html
    assert f'href="/thu-tuc/{PERMIT}/buoc/1?nhap={key}#f-ho_ten"' in html
    assert f'href="/thu-tuc/{PERMIT}/buoc/2?nhap={key}#f-lo_dat"' in html
    assert f'href="/thu-tuc/{PERMIT}/buoc/6?nhap={key}#paper-0"' in html


def test_the_papers_page_names_each_missing_paper_and_keeps_a_good_file(client: FlaskClient) -> None:
    _, key = _begin(client)
    stays = _post(client, _step(key, 6), {"_file.0": (io.BytesIO(PDF), "don.pdf"), "nhap": key,
                                          "_action": "next"})
    html = stays.data.decode()
    assert stays.status_code == 422
    assert '<a href="#paper-1">' in html and '<a href="#paper-2">' in html
    assert 'id="paper-0-error"' not in html and "Đã đính kèm: don.pdf" in html
    assert 'id="paper-3-error"' not in html  # the optional paper is not asked for


def test_rows_are_added_and_a_draft_is_saved_without_moving_on(client: FlaskClient) -> None:
    _, key = _begin(client)
    added = _post(client, _step(key, 4), {"don_vi_thiet_ke.0.ten": "Công ty A", "nhap": key,
                                          "_add_row": "don_vi_thiet_ke"})
    assert added.status_code == 200
    assert 'name="don_vi_thiet_ke.1.ten"' in added.data.decode()
    saved = _post(client, _step(key, 2), {"lo_dat.dien_tich": "99", "nhap": key, "_action": "save"})
    assert saved.status_code == 200 and "Đã lưu bản nháp." in saved.data.decode()
    assert 'value="99"' in client.get(_step(key, 2)).data.decode()


def test_a_draft_resumes_at_its_first_unfinished_page_and_only_for_its_owner(app: Flask) -> None:
    citizen = app.test_client()
    page_login(citizen, "congdan")
    _, key = _begin(citizen)
    first = citizen.get(_step(key, 1)).data.decode()
    assert 'value="008090001234"' in first  # prefilled from the account
    _post(citizen, _step(key, 1), {**SECTION_1, "so_dinh_danh": "008090001234", "nhap": key,
                                   "_action": "next"})
    start = citizen.get(f"/thu-tuc/{PERMIT}?nhap={key}").data.decode()
    assert f'href="/thu-tuc/{PERMIT}/buoc/2?nhap={key}"' in start and "Tiếp tục hồ sơ đang soạn" in start
    stranger = app.test_client()
    assert stranger.get(f"/thu-tuc/{PERMIT}?nhap={key}").status_code == 404
    assert stranger.get(_step(key, 2)).status_code == 404
    assert stranger.get(f"/thu-tuc/{PERMIT}/kiem-tra?nhap={key}").status_code == 404


def test_pages_without_a_draft_or_out_of_range(client: FlaskClient) -> None:
    lost = client.get(f"/thu-tuc/{PERMIT}/buoc/2")
    assert lost.status_code == 303 and lost.headers["Location"].endswith(f"/thu-tuc/{PERMIT}")
    _, key = _begin(client)
    assert client.get(_step(key, 7)).status_code == 404  # 7 is the check page, not a step
    assert client.get(_step(key, 0)).status_code == 404


def test_back_after_submitting_leads_to_the_dossier_not_an_error(app: Flask) -> None:
    """The browser's Back after «Nộp hồ sơ» reopens the submitted draft's pages: they lead on
    to the dossier it became (the citizen's own page, or the public lookup with its code for
    someone not signed in) instead of a «Mã lỗi 409» page with no way there."""
    for username in ("congdan", None):
        client = app.test_client()
        if username:
            page_login(client, username)
        _, key = _begin(client)
        _fill_all(client, key)
        check_url = f"/thu-tuc/{PERMIT}/kiem-tra?nhap={key}"
        check = client.get(check_url).data
        sent = client.post(check_url, data={"csrf_token": token(check), "nhap": key})
        code = sent.headers["Location"].split("/")[-2]
        for url in (check_url, _step(key, 2)):
            back = client.get(url)
            assert back.status_code == 303, (username, url, back.status_code)
            expected = f"/ca-nhan/ho-so/{code}" if username else f"/tra-cuu?ma={code}"
            assert back.headers["Location"] == expected, (username, back.headers["Location"])
        landed = client.get(expected).data.decode()
        assert f"Bản nháp này đã được nộp thành hồ sơ {code}." in landed


def test_quay_lai_keeps_what_was_typed_on_the_page(client: FlaskClient) -> None:
    """«Quay lại» on a page saves what was typed there before going back (it was a link and
    lost it; the page promises the draft is kept): nothing is judged, the page before opens,
    and coming forward again shows the typing."""
    _, key = _begin(client)
    _post(client, _step(key, 1), {**SECTION_1, "nhap": key, "_action": "next"})
    back = _post(client, _step(key, 2), {"lo_dat.dia_chi": "Số 99 đường Trần Phú",
                                          "lo_dat.dien_tich": "88", "nhap": key,
                                          "_action": "back"})
    assert back.status_code == 303 and back.headers["Location"] == _step(key, 1)
    again = client.get(_step(key, 2)).data.decode()
    assert 'value="Số 99 đường Trần Phú"' in again and 'value="88"' in again
    first = _post(client, _step(key, 1), {"nhap": key, "_action": "back"})
    assert first.status_code == 303 and f"/thu-tuc/{PERMIT}?" in first.headers["Location"]
