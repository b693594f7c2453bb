"""A test run reads as words, for a designer who is not a programmer: what each step was
given is listed by the forms' field titles (choices by their labels, yes/no as «Có»/«Không»,
a conditional answer right after the answer that asked it); a timer is offered by its name,
its step and its wait in words, not by its id and ISO-8601 text; the JSON box is folded away
under «Nhập JSON (nâng cao)»; a refused form says which fields by their titles only."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import EXTRACT, MINH_XUAN, PERMIT, login, page_login, permit_data, token

EXTRACT_START = {"ho_ten": "Trần Thị Hoa", "so_dinh_danh": "008190004321",
                 "dien_thoai": "0987654321", "loai_trich_luc": "khai_sinh",
                 "nguoi_duoc_cap": "Trần Minh Khôi", "quan_he": "khac",
                 "quan_he_khac": "Cháu ruột", "so_luong_ban_sao": 2}


def _text(page: str) -> str:
    """The page's words as a reader gets them: tags dropped, entities and spaces resolved."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _answers(page: str) -> str:
    found = re.search(r'<section aria-labelledby="answers-h" id="sandbox-answers">(.*?)</section>',
                      page, re.S)
    assert found, "no «Dữ liệu đã nhập» on the run's page"
    return _text(found.group(1))


def _run(client: FlaskClient, code: str, start: dict[str, object],
         steps: list[tuple[str, dict[str, object]]]) -> int:
    """A run through the API: started with `start`, then each (step, data) completed."""
    started = client.post(f"/api/v1/procedures/{code}/versions/1/sandbox?agency={MINH_XUAN}",
                          json={"data": start})
    assert started.status_code == 201, started.json
    run = dict(started.json)
    for bpmn_id, data in steps:
        task = next(t for t in run["waiting"] if t["bpmn_id"] == bpmn_id)
        done = client.post(f"/api/v1/sandbox/{run['id']}/tasks/{task['id']}", json={"data": data})
        assert done.status_code == 200, done.json
        run = dict(done.json)
    return int(run["id"])


def _clients(app: Flask) -> tuple[FlaskClient, FlaskClient]:
    api, pages = app.test_client(), app.test_client()
    login(api, "thietke.minhxuan")
    page_login(pages, "thietke.minhxuan")
    return api, pages


def test_the_data_so_far_reads_as_titles_and_values_and_the_timer_in_words(app: Flask) -> None:
    api, pages = _clients(app)
    run = _run(api, PERMIT, permit_data(), [("tiep_nhan", {"ket_qua_kiem_tra": "tiep_nhan"})])
    page = pages.get(f"/quan-tri/chay-thu/{run}").data.decode()
    said = _answers(page)
    assert "Dữ liệu đã nhập" in said
    assert "1. Nộp hồ sơ: Đơn đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ" in said
    assert "Họ và tên chủ đầu tư Nguyễn Văn An" in said
    assert "Nội dung đề nghị cấp phép › Loại công trình Nhà ở riêng lẻ tại đô thị" in said
    assert "Thông tin lô đất › Diện tích lô đất (m²) 120,5" in said
    assert "2. Tiếp nhận, kiểm tra hồ sơ Kết quả kiểm tra Hồ sơ đầy đủ, hợp lệ — tiếp nhận" in said
    # Nothing of the raw data: no field names, no codes of choices, no JSON.
    assert "ho_ten" not in said and "nha_o_rieng_le_do_thi" not in said and "{" not in said
    # The timer by its name, its step and its wait; its id and ISO-8601 text only on hover.
    button = re.search(r'<button type="submit" class="secondary" title="[^"]*">([^<]*)</button>',
                       page)
    assert button and _text(button.group(1)) == (
        "Cho hết hạn: «Quá hạn thẩm định» (bước «Thẩm định hồ sơ, đề xuất»), "
        "sau 10 ngày làm việc")
    fired = pages.post(re.findall(r'action="([^"]+/hen-gio/[^"]+)"', page)[0],
                       data={"csrf_token": token(page.encode())})
    assert fired.status_code == 303
    after = _answers(pages.get(f"/quan-tri/chay-thu/{run}").data.decode())
    assert "3. Hết hạn: Quá hạn thẩm định" in after


def test_yes_no_and_a_conditional_answer_read_as_the_form_asks_them(app: Flask) -> None:
    api, pages = _clients(app)
    run = _run(api, EXTRACT, EXTRACT_START, [
        ("tl_tiep_nhan", {"ket_qua_kiem_tra": "tiep_nhan"}),
        ("tl_tra_cuu", {"co_du_lieu": True, "so_trich_luc": "TL-2026-0042"})])
    said = _answers(pages.get(f"/quan-tri/chay-thu/{run}").data.decode())
    assert ("Bạn là gì của người đó Khác Ghi rõ bạn là gì của người đó Cháu ruột"
            in said)
    assert "Loại trích lục Trích lục khai sinh" in said
    assert ("3. Tra cứu sổ hộ tịch, cấp bản sao trích lục "
            "Có dữ liệu hộ tịch trong sổ/cơ sở dữ liệu Có Số bản sao trích lục TL-2026-0042"
            in said)


def test_the_json_box_is_folded_away_and_a_refusal_names_no_field_codes(app: Flask) -> None:
    api, pages = _clients(app)
    run = _run(api, EXTRACT, EXTRACT_START, [])
    page = pages.get(f"/quan-tri/chay-thu/{run}").data.decode()
    # Every JSON box sits inside the folded «Nhập JSON (nâng cao)», after the step's form.
    folded = re.findall(r'<details class="advanced">\s*<summary>Nhập JSON \(nâng cao\)</summary>'
                        r'.*?</details>', page, re.S)
    assert folded and all('class="code"' in part for part in folded)
    assert page.count('class="code"') == len(folded)
    assert page.index('name="ket_qua_kiem_tra"') < page.index("Nhập JSON (nâng cao)")
    step = re.findall(r'action="([^"]+/buoc/[^"]+)"', page)[0]
    refused = pages.post(step, data={"csrf_token": token(page.encode()), "_mode": "form"})
    assert refused.status_code == 422
    alert = re.search(r'id="sandbox-error">([^<]*)<', refused.data.decode())
    assert alert and "ket_qua_kiem_tra" not in alert.group(1)
    start = pages.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{EXTRACT}/1/chay-thu").data.decode()
    assert "Biểu mẫu nộp hồ sơ «Tờ khai cấp bản sao trích lục hộ tịch»" in _text(start)
    assert "<summary>Nhập JSON (nâng cao)</summary>" in start
