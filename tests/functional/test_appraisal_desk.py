"""The task page as an appraisal desk: the dossier's papers shown in place (an inline
variant of the download, PDF and images only, for whoever may read the dossier), the
earlier steps in words with their working documents, documents attached to a step, the
leader's conditional fields, the history in words, consultation by the unit's name."""

from __future__ import annotations

import io
import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from engine.core.models import Attachment
from engine.identity.accounts import create_account
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PERMIT, complete, login, page_login, permit_data, task_for, token

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
OTHER_PASSWORD = "Mai-Bui-2026-khac!"
OPINION = "Phù hợp quy hoạch chi tiết.\nMật độ xây dựng 66%, đạt.\nĐề nghị cấp phép."


def _client(app: Flask, username: str, pages: bool = False) -> FlaskClient:
    client = app.test_client()
    (page_login if pages else login)(client, username)
    return client


def _dossier(app: Flask) -> tuple[str, FlaskClient, list[int]]:
    """A permit dossier of congdan with two PDF papers and a photo."""
    citizen = _client(app, "congdan")
    code = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()}).json["code"]
    ids = []
    for paper, content, name in ((PAPERS[0], PDF, "don-de-nghi.pdf"),
                                 (PAPERS[1], PDF + b"%1\n", "so-do.pdf"),
                                 (PAPERS[2], PNG, "mat-bang.png")):
        sent = citizen.post(f"/api/v1/dossiers/{code}/attachments",
                            data={"paper": paper, "file": (io.BytesIO(content), name)})
        assert sent.status_code == 201, sent.json
        ids.append(int(sent.json["id"]))
    return code, citizen, ids


def _text(html: bytes) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode())))


def test_papers_are_shown_inline_to_their_readers_only(app: Flask, platform: Platform) -> None:
    code, citizen, ids = _dossier(app)
    desk = _client(app, "motcua.minhxuan", pages=True)
    shown = desk.get(f"/ho-so/{code}/tep/{ids[0]}/xem")
    assert shown.status_code == 200 and shown.data == PDF
    assert shown.headers["Content-Type"] == "application/pdf"
    assert shown.headers["Content-Disposition"].startswith("inline;")
    assert "don-de-nghi.pdf" in shown.headers["Content-Disposition"]
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    image = desk.get(f"/ho-so/{code}/tep/{ids[2]}/xem")
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    # the owner reads their own; another agency's officer and another citizen read nothing
    assert citizen.get(f"/ho-so/{code}/tep/{ids[0]}/xem").status_code == 200
    outsider = _client(app, "motcua.antuong", pages=True)
    assert outsider.get(f"/ho-so/{code}/tep/{ids[0]}/xem").status_code in (403, 404)
    assert outsider.get(f"/can-bo/ho-so/{code}/tep/{ids[0]}").status_code in (403, 404)
    assert app.test_client().get(f"/ho-so/{code}/tep/{ids[0]}/xem").status_code in (303, 401)
    with platform.uow() as uow:
        create_account(uow, username="congdan.khac", password=OTHER_PASSWORD, full_name="Bùi Thị Mai",
                       kind="citizen", id_number="008090009999")
        uow.commit()
    other = app.test_client()
    page_login(other, "congdan.khac", OTHER_PASSWORD)
    assert other.get(f"/ho-so/{code}/tep/{ids[0]}/xem").status_code in (403, 404)
    # an attachment id of another dossier is not reachable through this one
    _, _, more = _dossier(app)
    assert desk.get(f"/ho-so/{code}/tep/{more[0]}/xem").status_code == 404


def test_the_task_page_lists_every_paper_with_its_versions_and_previews(app: Flask) -> None:
    code, citizen, ids = _dossier(app)
    newer = citizen.post(f"/api/v1/dossiers/{code}/attachments",
                         data={"paper": PAPERS[1], "file": (io.BytesIO(PDF + b"%2\n"), "so-do-moi.pdf")})
    assert newer.status_code == 201
    desk = _client(app, "motcua.minhxuan", pages=True)
    task = task_for(desk, code)
    page = desk.get(f"/can-bo/cong-viec/{task['id']}")
    html = page.data.decode()
    assert page.status_code == 200
    assert html.count('class="pdf-pages"') == 2  # the current PDF of each paper
    assert f'data-pdf="/ho-so/{code}/tep/{ids[0]}/xem"' in html
    assert f'src="/ho-so/{code}/tep/{ids[2]}/xem"' in html
    text = _text(page.data)
    assert "Các bản trước (1)" in text and "so-do.pdf" in text and "so-do-moi.pdf" in text
    assert "đính kèm bởi" in text
    assert 'type="module" src="/static/appraisal.js"' in html
    assert 'src="/static/forms.js"' in html and "data-conditional" in html


def _through_appraisal(app: Flask, code: str) -> tuple[FlaskClient, FlaskClient, dict[str, object]]:
    desk = _client(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = _client(app, "chuyenvien.minhxuan", pages=True)
    task = task_for(specialist, code)
    page = specialist.get(f"/can-bo/cong-viec/{task['id']}")
    sent = specialist.post(f"/can-bo/cong-viec/{task['id']}/tai-lieu", data={
        "csrf_token": token(page.data), "file": (io.BytesIO(PDF + b"%du-thao\n"), "du-thao-giay-phep.pdf")})
    assert sent.status_code == 303
    done = specialist.post(f"/can-bo/cong-viec/{task['id']}", data={
        "csrf_token": token(page.data), "de_xuat": "cap_phep", "y_kien_tham_dinh": OPINION})
    assert done.status_code == 303, _text(done.data)
    leader = _client(app, "lanhdao.minhxuan", pages=True)
    return specialist, leader, task_for(leader, code)


def test_the_leader_reads_the_specialists_proposal_opinion_and_draft(app: Flask) -> None:
    code, citizen, _ = _dossier(app)
    _, leader, task = _through_appraisal(app, code)
    page = leader.get(f"/can-bo/cong-viec/{task['id']}")
    text = _text(page.data)
    assert re.search(r"Chuyên viên phòng Kinh tế, Hạ tầng và Đô thị \S.* — Thẩm định hồ sơ, đề xuất, "
                     r"\d\d:\d\d ngày \d\d/\d\d/\d{4}", text), text
    assert "Đề xuất Đủ điều kiện — đề xuất cấp giấy phép" in text
    steps = page.data.decode()
    assert f'<dd class="prose">{OPINION}</dd>' in unescape(steps)  # its lines kept
    assert "du-thao-giay-phep.pdf" in text
    draft = re.search(r'/can-bo/ho-so/[^/]+/tep/(\d+)"[^>]*download>Tải về «du-thao',
                      page.data.decode())
    assert draft is not None
    draft_id = int(draft.group(1))
    assert leader.get(f"/ho-so/{code}/tep/{draft_id}/xem").status_code == 200
    # the applicant never sees the officers' working documents
    assert citizen.get(f"/ho-so/{code}/tep/{draft_id}/xem").status_code == 404
    listed = citizen.get(f"/api/v1/dossiers/{code}/attachments").json["attachments"]
    assert "du-thao-giay-phep.pdf" not in {a["filename"] for a in listed}
    # the history speaks in words
    assert "Đổi trạng thái: Mới đăng ký → Đang xử lý" in text
    assert "Chuyển bước: «Xem xét, ký duyệt»" in text
    assert not re.search(r"Đổi trạng thái: \d+ → \d+", text)


def test_a_step_document_goes_only_to_an_open_step_its_officer_may_work(app: Flask) -> None:
    code, _, _ = _dossier(app)
    specialist, leader, task = _through_appraisal(app, code)
    leader_page = leader.get(f"/can-bo/cong-viec/{task['id']}")
    appraised = int(re.findall(rb'id="step-(\d+)"', leader_page.data)[-1])
    # the specialist's step is done: nothing more is attached to it
    refused = specialist.post(f"/can-bo/cong-viec/{appraised}/tai-lieu", data={
        "csrf_token": token(specialist.get("/can-bo").data),
        "file": (io.BytesIO(PDF), "bien-ban.pdf")})
    assert refused.status_code == 303
    assert "Bước này không còn mở" in _text(specialist.get(refused.headers["Location"]).data)
    # an officer of another agency cannot attach to this dossier's step
    outsider = _client(app, "motcua.antuong", pages=True)
    sent = outsider.post(f"/can-bo/cong-viec/{task['id']}/tai-lieu", data={
        "csrf_token": token(outsider.get("/can-bo").data), "file": (io.BytesIO(PDF), "x.pdf")})
    assert sent.status_code == 303
    assert "Không tìm thấy công việc" in _text(outsider.get("/can-bo").data)
    assert "x.pdf" not in _text(leader.get(f"/can-bo/cong-viec/{task['id']}").data)
    # what is attached is checked like any upload
    bad = leader.post(f"/can-bo/cong-viec/{task['id']}/tai-lieu", data={
        "csrf_token": token(leader_page.data), "file": (io.BytesIO(b"MZ\x90\x00"), "virus.pdf")})
    assert bad.status_code == 303
    assert "Nội dung tệp không phải loại được chấp nhận" in _text(leader.get(bad.headers["Location"]).data)
    good = leader.post(f"/can-bo/cong-viec/{task['id']}/tai-lieu", data={
        "csrf_token": token(leader_page.data), "file": (io.BytesIO(PDF), "bien-ban-hop.pdf")})
    assert good.headers["Location"].endswith("#own-documents")
    assert "bien-ban-hop.pdf" in _text(leader.get(good.headers["Location"]).data)


def test_the_leader_is_asked_for_the_permit_number_or_the_reasons_never_both(app: Flask) -> None:
    code, _, _ = _dossier(app)
    _, leader, task = _through_appraisal(app, code)
    page = leader.get(f"/can-bo/cong-viec/{task['id']}")
    html = page.data.decode()
    # nothing decided yet: neither conditional field is marked required
    for field in ("so_giay_phep", "ly_do_tu_choi"):
        label = re.search(rf'<label for="f-{field}">(.*?)</label>', html)
        assert label is not None and 'data-required-if-shown hidden' in label.group(1)
    missing = leader.post(f"/can-bo/cong-viec/{task['id']}", data={
        "csrf_token": token(page.data), "quyet_dinh": "cap_phep"})
    assert missing.status_code == 422
    text = _text(missing.data)
    assert "Có 1 lỗi cần sửa" in text and "Vui lòng nhập «Số giấy phép xây dựng»" in text
    assert "Vui lòng nhập «Lý do từ chối»" not in text
    # No fragment in the form's address, which the browser kept on the next page (the
    # inbox after success) and on every reload; forms.js focuses the summary instead.
    assert f'action="/can-bo/cong-viec/{task["id"]}"' in missing.data.decode()
    assert "#error-summary" not in page.data.decode()
    label = re.search(r'<label for="f-so_giay_phep">(.*?)</label>', missing.data.decode())
    assert label is not None and "data-required-if-shown" not in label.group(1)
    assert "*" in label.group(1)
    granted = leader.post(f"/can-bo/cong-viec/{task['id']}", data={
        "csrf_token": token(page.data), "quyet_dinh": "cap_phep", "so_giay_phep": "215/GPXD"})
    assert granted.status_code == 303
    desk = _client(app, "motcua.minhxuan", pages=True)
    back = task_for(desk, code)
    shown = _text(desk.get(f"/can-bo/cong-viec/{back['id']}").data)
    assert "Số giấy phép xây dựng 215/GPXD" in shown
    assert "Quyết định Đồng ý cấp giấy phép xây dựng" in shown


def test_consultation_by_the_units_name_and_its_answer_on_the_asking_page(app: Flask) -> None:
    code, _, _ = _dossier(app)
    desk = _client(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = _client(app, "chuyenvien.minhxuan", pages=True)
    task = task_for(specialist, code)
    page = specialist.get(f"/can-bo/cong-viec/{task['id']}")
    html = page.data.decode()
    options = dict(re.findall(r'<option value="([^"]+)">([^<]+)</option>',
                              html[html.index('id="agency"'):]))
    construction = next(code for code, name in options.items() if "Xây dựng" in name)
    assert MINH_XUAN not in options  # one's own agency is not consulted
    asked = specialist.post(f"/can-bo/cong-viec/{task['id']}/xin-y-kien", data={
        "csrf_token": token(page.data), "agency": construction,
        "question": "Chỉ giới xây dựng tuyến Chiến Thắng Sông Lô?", "days": "3"})
    assert asked.status_code == 303
    waiting = _text(specialist.get(f"/can-bo/cong-viec/{task['id']}").data)
    assert f"Xin ý kiến {options[construction]}" in waiting and "đang chờ trả lời" in waiting
    unit = _client(app, "chuyenvien.soxaydung")
    consult = task_for(unit, code)
    answered = unit.post(f"/api/v1/tasks/{consult['id']}/complete",
                         json={"data": {"y_kien": "Chỉ giới 6 m tính từ tim đường.\nĐồng ý."}})
    assert answered.status_code == 200, answered.json
    shown = specialist.get(f"/can-bo/cong-viec/{task['id']}")
    assert "Chỉ giới 6 m tính từ tim đường.\nĐồng ý." in unescape(shown.data.decode())
    assert "trả lời bởi" in _text(shown.data)


def test_the_task_page_shows_every_file_in_use_never_a_replaced_one(
        app: Flask, platform: Platform) -> None:
    """Task H1: the page chose the newest row as the paper's file, even a replaced one."""
    code, _, ids = _dossier(app)
    with platform.uow() as uow:  # as an import from a former system writes them
        land = uow.session.get(Attachment, ids[1])
        assert land is not None
        uow.session.add_all([Attachment(
            dossier_id=land.dossier_id, paper=land.paper, filename=name,
            media_type=land.media_type, size=land.size, sha256=land.sha256,
            uploaded_by_id=land.uploaded_by_id, uploaded_at=land.uploaded_at,
            replaced_at=land.uploaded_at if replaced else None)
            for name, replaced in (("so-do-to-2.pdf", False), ("so-do-cu.pdf", True))])
        uow.commit()
    desk = _client(app, "motcua.minhxuan", pages=True)
    task = task_for(desk, code)
    html = desk.get(f"/can-bo/cong-viec/{task['id']}").data.decode()
    section = _text(html[html.index('id="papers"'):].split("</section>")[0].encode())
    land_paper = section[section.index(PAPERS[1]):section.index(PAPERS[2])]
    assert land_paper.index("so-do-cu.pdf") > land_paper.index("Các bản trước (1)")
    assert "Đang dùng 2 tệp" in land_paper
    assert land_paper.index("so-do-to-2.pdf") < land_paper.index("so-do.pdf")
    assert html.count('class="pdf-pages"') == 3  # each PDF in use, none replaced
    papers = _client(app, "motcua.minhxuan").get(f"/api/v1/tasks/{task['id']}").json["papers"]
    assert [f["filename"] for f in papers[1]["currents"]] == ["so-do-to-2.pdf", "so-do.pdf"]
    assert papers[1]["current"]["filename"] == "so-do-to-2.pdf"
    assert [f["filename"] for f in papers[1]["earlier"]] == ["so-do-cu.pdf"]
