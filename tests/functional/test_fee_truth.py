"""Fees tell the truth, through the real HTTP routes (walk report h5, findings 1, 7, 8, 13, 19):
the desk takes cash for any dossier of its agency waiting for the fee, from the dossier's
page and the agency's list; the receipt and the citizen's page say how the fee was really
paid; a fee per copy is multiplied by the copies asked; a paid fee is never asked again;
a result handed over with its fee unasked says so; no code names reach the people."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from bpmn.validation import validate_path
from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.helpers import EXTRACT, MINH_XUAN, PERMIT, complete, page_login, token

SAMPLES = Path(__file__).resolve().parents[2] / "procedures"


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html.decode())))


def _desk_pages(app: Flask) -> FlaskClient:
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    return desk


def _received_and_asked(app: Flask) -> tuple[FlaskClient, str]:
    """An online permit dossier, received, its fee asked by the specialist (status 6)."""
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = officer(app, "chuyenvien.minhxuan").post(
        f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200, asked.json
    return citizen, code


def _pay_online(citizen: FlaskClient, code: str) -> None:
    page = f"/ca-nhan/ho-so/{code}"
    bank = citizen.post(f"{page}/thanh-toan", data={"csrf_token": token(citizen.get(page).data)})
    assert bank.status_code == 303
    bank_page = citizen.get(bank.headers["Location"]).data
    assert '"null"' not in bank_page.decode() and "null" not in _text(bank_page)  # finding 19
    paid = citizen.post(bank.headers["Location"], data={"csrf_token": token(bank_page)})
    assert paid.status_code == 303


def test_the_desk_takes_cash_for_an_online_dossier_from_the_list_and_the_dossier_page(
    app: Flask,
) -> None:
    citizen, code = _received_and_asked(app)
    desk = _desk_pages(app)
    listed = desk.get("/can-bo/ho-so?status=6").data.decode()
    assert f'href="/can-bo/ho-so/{code}#thu-phi"' in listed and "Thu phí tiền mặt" in listed
    page = desk.get(f"/can-bo/ho-so/{code}").data
    text = _text(page)
    assert "Thu phí tiền mặt" in text and "chờ nộp 75.000 đồng" in text
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    assert "Ghi nhận đã thu" not in specialist.get(f"/can-bo/ho-so/{code}").data.decode()
    refused = specialist.post(f"/can-bo/ho-so/{code}/thu-phi", data={
        "csrf_token": token(specialist.get(f"/can-bo/ho-so/{code}").data), "amount": "75.000"})
    assert refused.status_code == 303
    assert "Chỉ Bộ phận Một cửa" in specialist.get(refused.headers["Location"]).data.decode()
    paid = desk.post(f"/can-bo/ho-so/{code}/thu-phi", data={
        "csrf_token": token(page), "amount": "75.000", "payer": "Nguyễn Văn An"})
    assert paid.status_code == 303 and paid.headers["Location"].endswith(f"/can-bo/ho-so/{code}")
    after = _text(desk.get(paid.headers["Location"]).data)
    assert "Đã thu 75.000 đồng, biên lai số BL2026-" in after
    assert "đã nộp 75.000 đồng" in after and "Ghi nhận đã thu" not in after
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 4  # moves on as online
    receipt = _text(desk.get(f"/api/v1/dossiers/{code}/documents/fee_receipt?format=html").data)
    assert "Hình thức thanh toán: Tiền mặt" in receipt
    assert "NGƯỜI NỘP TIỀN" in receipt and "NGƯỜI THU TIỀN" in receipt and "Thu qua" not in receipt
    mine = _text(citizen.get(f"/ca-nhan/ho-so/{code}").data)
    assert "tiền mặt, biên lai số BL2026-" in mine


def test_an_online_payment_is_called_online_on_the_receipt_and_the_citizens_page(
    app: Flask,
) -> None:
    citizen, code = _received_and_asked(app)
    _pay_online(citizen, code)
    receipt = _text(officer(app, "motcua.minhxuan").get(
        f"/api/v1/dossiers/{code}/documents/fee_receipt?format=html").data)
    assert "Hình thức thanh toán: Trực tuyến qua cổng thanh toán thử nghiệm" in receipt
    assert "Tiền mặt" not in receipt
    # nobody took the money at a desk: no empty «NGƯỜI THU TIỀN» to sign, the gateway named instead
    assert "NGƯỜI THU TIỀN" not in receipt and "NGƯỜI NỘP TIỀN" not in receipt
    assert "Ký, ghi rõ họ tên" not in receipt
    assert "Thu qua cổng thanh toán thử nghiệm của hệ thống, mã giao dịch TT" in receipt
    assert "không có chữ ký tay của người nộp tiền và người thu tiền" in receipt
    mine = _text(citizen.get(f"/ca-nhan/ho-so/{code}").data)
    assert "trực tuyến qua cổng thanh toán thử nghiệm của hệ thống, mã giao dịch TT" in mine
    assert "tiền mặt" not in mine.split("Giấy tờ của hồ sơ")[1]


def test_a_paid_fee_is_never_asked_again(app: Flask) -> None:
    citizen, code = _received_and_asked(app)
    _pay_online(citizen, code)
    again = officer(app, "chuyenvien.minhxuan").post(
        f"/api/v1/dossiers/{code}/request-payment", json={})
    assert again.status_code == 409
    message = again.json["error"]["message"]
    assert "đã nộp phí, lệ phí 75.000 đồng" in message and "không yêu cầu nộp lần nữa" in message
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', specialist.get("/can-bo").data.decode())
    assert link is not None
    task_page = specialist.get(link.group(1)).data.decode()
    assert "<summary>Yêu cầu nộp phí" not in task_page and "trạng thái 6" not in task_page
    assert "null" not in _text(task_page.encode())  # the history names the gateway in words


def test_the_task_page_asks_for_the_fee_in_words_without_a_status_number(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', specialist.get("/can-bo").data.decode())
    assert link is not None
    page = specialist.get(link.group(1)).data.decode()
    assert "Yêu cầu nộp phí, lệ phí</button>" in page and "trạng thái 6" not in page


def _granted_at_hand_over(app: Flask) -> tuple[FlaskClient, str, str]:
    """A granted permit dossier at its hand-over step, its fee never asked: the desk's
    browser, the dossier's code, the step page's address."""
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    desk = _desk_pages(app)
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', desk.get("/can-bo").data.decode())
    assert link is not None
    return desk, code, link.group(1)


def test_the_result_is_handed_over_only_once_its_fee_is_collected(app: Flask) -> None:
    """The fee is collected before the result is returned: the hand-over is refused (the
    page stays with what was chosen, 409 in the API) until the desk takes the cash on the
    same page; then it goes through."""
    desk, code, url = _granted_at_hand_over(app)
    page = desk.get(url).data
    assert "Chưa thu lệ phí 75.000 đồng" in _text(page)
    refused = desk.post(url, data={"csrf_token": token(page), "hinh_thuc_tra": "truc_tiep"})
    assert refused.status_code == 409
    said = _text(refused.data)
    assert f"Chưa trả kết quả được: hồ sơ {code} chưa nộp phí, lệ phí 75.000 đồng" in said
    assert re.search(r'value="truc_tiep"[^>]*checked', refused.data.decode())  # kept
    task_id = int(url.rsplit("/", 1)[1])
    api = officer(app, "motcua.minhxuan")
    for path in (f"/api/v1/tasks/{task_id}/complete", f"/api/v1/dossiers/{code}/return"):
        answer = api.post(path, json={"data": {"hinh_thuc_tra": "truc_tiep"}})
        assert answer.status_code == 409 and "chưa nộp phí, lệ phí" in answer.json["error"][
            "message"], answer.json
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 9

    taken = desk.post(f"/can-bo/ho-so/{code}/thu-phi", data={
        "csrf_token": token(page), "buoc": str(task_id), "amount": "75.000", "payer": "An"})
    assert taken.status_code == 303 and taken.headers["Location"].endswith(url)
    after = desk.get(url).data
    assert "Đã thu 75.000 đồng, biên lai số" in _text(after)
    assert "Chưa thu lệ phí" not in _text(after)
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 9
    done = desk.post(url, data={"csrf_token": token(after), "hinh_thuc_tra": "truc_tiep"})
    assert done.status_code == 303
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 10


def test_a_result_handed_over_with_its_fee_unasked_says_so_and_the_fee_can_be_taken(
    app: Flask,
) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    desk = _desk_pages(app)
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', desk.get("/can-bo").data.decode())
    assert link is not None
    hand_over = desk.get(link.group(1)).data
    text = _text(hand_over)
    assert "Chưa thu lệ phí 75.000 đồng" in text
    asked = desk.post(f"{link.group(1)}/yeu-cau-nop-phi", data={
        "csrf_token": token(hand_over), "amount": "", "description": ""})
    assert asked.status_code == 303
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 6
    page = desk.get(f"/can-bo/ho-so/{code}").data
    desk.post(f"/can-bo/ho-so/{code}/thu-phi", data={"csrf_token": token(page), "amount": "75000"})
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 9  # back to the hand-over
    again = _text(desk.get(link.group(1)).data)
    assert "Chưa thu lệ phí" not in again and "Yêu cầu nộp phí, lệ phí Số tiền" not in again


def _extract(app: Flask, copies: int) -> str:
    data = json.loads((SAMPLES / "cap-ban-sao-trich-luc-ho-tich/tests/tra-ket-qua.json")
                      .read_text(encoding="utf-8"))[0]["start"]
    response = app.test_client().post("/api/v1/dossiers", json={
        "procedure": EXTRACT, "agency": MINH_XUAN, "data": {**data, "so_luong_ban_sao": copies}})
    assert response.status_code == 201, response.json
    return str(response.json["code"])


def test_the_copy_fee_follows_the_number_of_copies(app: Flask) -> None:
    code = _extract(app, 2)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = officer(app, "hotich.minhxuan").post(
        f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200, asked.json
    assert asked.json["amount"] == 16000
    assert "8.000 đồng × 2 bản = 16.000 đồng" in asked.json["description"]
    desk = _desk_pages(app)
    assert "8.000 đồng × 2 bản = 16.000 đồng" in _text(desk.get(f"/can-bo/ho-so/{code}").data)
    three = _extract(app, 3)
    complete(officer(app, "motcua.minhxuan"), three, {"ket_qua_kiem_tra": "tiep_nhan"})
    assert officer(app, "hotich.minhxuan").post(
        f"/api/v1/dossiers/{three}/request-payment", json={}).json["amount"] == 24000
    facts = _text(app.test_client().get(f"/thu-tuc/{EXTRACT}").data)
    assert "8.000 đồng mỗi bản" in facts


def test_the_permits_fee_names_no_file_to_citizens(app: Flask) -> None:
    page = _text(app.test_client().get(f"/thu-tuc/{PERMIT}").data)
    assert "Lệ phí cấp giấy phép xây dựng" in page and ".dmn" not in page


def _copy(tmp_path: Path, fee: dict[str, Any]) -> Path:
    folder = tmp_path / "pkg"
    shutil.copytree(SAMPLES / "cap-ban-sao-trich-luc-ho-tich", folder)
    manifest = json.loads((folder / "procedure.json").read_text(encoding="utf-8"))
    manifest["fees"] = [fee]
    (folder / "procedure.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                           encoding="utf-8")
    return folder


def test_a_fee_per_unit_must_count_a_whole_number_field_of_the_start_form(tmp_path: Path) -> None:
    base = {"name": "Phí cấp bản sao", "amount": 8000, "unit": "bản"}
    report, _ = validate_path(_copy(tmp_path / "a", {**base, "per": "so_luong_ban_sao"}))
    assert not [p for p in report.problems if p.code == "manifest.fee_per"]
    report, _ = validate_path(_copy(tmp_path / "b", {**base, "per": "khong_co"}))
    assert [p.message for p in report.problems if p.code == "manifest.fee_per"] == [
        "Biểu mẫu nộp không có trường 'khong_co' để tính lệ phí theo số lượng."]
    report, _ = validate_path(_copy(tmp_path / "c", {**base, "per": "ho_ten"}))
    [problem] = [p for p in report.problems if p.code == "manifest.fee_per"]
    assert "không phải số nguyên" in problem.message


def test_the_fee_text_the_citizen_reads_is_what_the_fee_table_charges(app: Flask) -> None:
    """Regression: the permit's page said «… tính theo tổng diện tích sàn …: 75.000 đồng», a
    fixed price (the amount charged only when the table decides nothing), while le_phi.dmn
    charges 50.000, 75.000 or 150.000 đồng by floor area. The amounts are read here from the
    package's table itself, so the words and the table cannot drift apart again."""
    dmn = (SAMPLES / "cap-giay-phep-xay-dung-nha-o" / "le_phi.dmn").read_text(encoding="utf-8")
    fee_column = re.findall(r'<output [^>]*name="(\w+)"', dmn).index("le_phi")
    charged = [f"{int(re.findall(r'<outputEntry[^>]*><text>([^<]*)</text>', rule)[fee_column]):,}"
               .replace(",", ".") + " đồng" for rule in re.findall(r"<rule .*?</rule>", dmn, re.S)]
    assert len(charged) == 3
    html = app.test_client().get(f"/thu-tuc/{PERMIT}?agency={MINH_XUAN}").data.decode()
    said = _text(html.split('id="procedure-fees">', 1)[1].split("</dd>", 1)[0].encode())
    said = said.replace(" )", ")").strip()
    named, _, otherwise = said.partition(" (trường hợp khác:")
    assert re.findall(r"\d[\d.]* đồng", named) == charged, said
    assert "tổng diện tích sàn" in named and "«Tổng diện tích sàn (m²)» dưới 100" in named
    assert otherwise.strip() in ("", "75.000 đồng)"), said
