"""A refused package tells the designer what to fix in their words (reviewer's finding: the
report read «[Activity_0x1] Thời hạn bước 'P10X' bị từ chối … (process.bpmn, dòng 74)»,
«[/properties/de_xuat/type] JSON Schema không hợp lệ: 'chuoi' is not valid under any of the
given schemas (forms/tham_dinh.schema.json)»): each problem names the step, flow or field by
the name the builder shows, its file by what it is («Sơ đồ quy trình», «Biểu mẫu bước «…»»),
and says what to do; ids, pointers, file names and English only under «Chi tiết kỹ thuật» —
on the upload's report, on the kept draft's page and in the answer of a save."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, package_files, page_login, token, zip_bytes

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
STEP = "Thẩm định hồ sơ, đề xuất"
CODES = ("Activity_0x1", "Flow_1ab", "/properties", "process.bpmn", "forms/", ".json",
         "is not valid", "procedure.json", "lane", "roles:", "mot_cuaX", "formJsonSchemaFilename")


def _broken_files() -> dict[str, bytes]:
    """The sample package drawn as bpmn.io names things, with four mistakes: a step's
    deadline, a lane that is no role, a flow's condition and a field's type."""
    files = package_files(PACKAGE)
    bpmn = files["process.bpmn"].decode().replace('"tham_dinh"', '"Activity_0x1"')
    bpmn = bpmn.replace('"f_cap_phep"', '"Flow_1ab"')
    bpmn = bpmn.replace('name="deadline" value="P10D"', 'name="deadline" value="P10X"')
    bpmn = bpmn.replace('name="mot_cua"', 'name="mot_cuaX"')
    bpmn = bpmn.replace('quyet_dinh == "cap_phep"', "__import__('os')")
    files["process.bpmn"] = bpmn.encode()
    schema = json.loads(files["forms/tham_dinh.schema.json"])
    schema["properties"]["de_xuat"]["type"] = "chuoi"
    files["forms/tham_dinh.schema.json"] = json.dumps(schema, ensure_ascii=False).encode()
    return files


def _designer(app: Flask) -> FlaskClient:
    client = app.test_client()
    page_login(client, "thietke.minhxuan")
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token(client.get("/quan-tri/thu-tuc").data)
    return client


def _upload(client: FlaskClient) -> str:
    page = client.get("/quan-tri/thu-tuc")
    response = client.post("/quan-tri/thu-tuc", data={
        "csrf_token": token(page.data), "agency": MINH_XUAN,
        "package": (io.BytesIO(zip_bytes(_broken_files())), "goi.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    return str(response.data.decode())


def _problems(html: str, list_id: str) -> list[str]:
    """Each problem of the list as a reader sees it unfolded (technical details left out)."""
    found = re.search(rf'<ul id="{list_id}"[^>]*>(.*?)</ul>', html, re.S)
    assert found is not None, html
    shown = re.sub(r"<details.*?</details>", "", found.group(1), flags=re.S)
    items = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li.*?</li>", shown, re.S)]
    return [" ".join(item.replace("&#39;", "'").replace("&gt;", ">").split()) for item in items]


def _told_in_words(problems: list[str]) -> None:
    said = "\n".join(problems)
    assert f"Sơ đồ quy trình › Bước «{STEP}»: Thời hạn của bước không đọc được" in said, said
    assert "ví dụ «10 ngày làm việc»" in said
    assert f"Biểu mẫu bước «{STEP}» › Trường «Đề xuất»: Cách khai báo trường này không đúng" in said
    assert "Bước «Tiếp nhận, kiểm tra hồ sơ»: Làn của bước này không phải người xử lý" in said
    assert "«Bộ phận Một cửa»" in said  # the roles by their labels
    assert "Luồng «Đồng ý»: Điều kiện «__import__('os')» không dùng được" in said
    for problem in problems:
        assert not [code for code in CODES if code in problem], problem


def test_the_upload_report_names_steps_and_fields_not_codes(app: Flask) -> None:
    html = _upload(_designer(app))
    _told_in_words(_problems(html, "report-problems"))
    assert "Chi tiết kỹ thuật" in html and "Activity_0x1" in html  # still there, folded


def test_the_kept_drafts_page_names_steps_and_fields_not_codes(app: Flask) -> None:
    designer = _designer(app)
    link = re.search(r'id="open-draft" href="(/quan-tri/ban-nhap/\d+)"', _upload(designer))
    assert link is not None
    page = designer.get(link.group(1)).data.decode()
    _told_in_words(_problems(page, "problems"))
    assert 'data-element="Activity_0x1"' in page  # the link still marks it on the drawing


def test_a_refused_save_answers_in_words(app: Flask) -> None:
    designer = _designer(app)
    link = re.search(r'id="open-draft" href="(/quan-tri/ban-nhap/\d+)"', _upload(designer))
    assert link is not None
    files = {k: v.decode() for k, v in _broken_files().items()}
    answer = designer.post(f"{link.group(1)}/luu", json={"files": {
        "process.bpmn": files["process.bpmn"].replace(f'name="{STEP}"', 'name="Thẩm định"')}})
    assert answer.status_code == 422
    problems = answer.get_json()["report"]["problems"]
    step = [p for p in problems if p["element"] == "Activity_0x1" and p["code"] == "task.deadline"]
    assert step and step[0]["where"] == "Bước «Thẩm định»" and step[0]["file_words"] == "Sơ đồ quy trình"
    assert "Activity_0x1" in step[0]["technical"]
    for p in problems:
        shown = f"{p['file_words']} {p['where']} {p['words']}"
        assert not [code for code in CODES if code in shown], shown
