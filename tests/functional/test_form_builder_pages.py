"""The visual form builder through HTTP: a version's form opens as the builder's model, a
model with a conditional field builds into a schema the preview renders and a new draft
takes, a bad model is refused by field with nothing saved, and only staff reach it."""

from __future__ import annotations

import json

from flask import Flask

from tests.helpers import MINH_XUAN, PERMIT, login

BASE = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/bieu-mau"


def test_a_form_opens_as_the_model_and_a_built_form_becomes_a_new_draft(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    page = designer.get(f"{BASE}/phe_duyet.schema.json")
    assert page.status_code == 200 and "Trình dựng biểu mẫu" in page.text
    found = designer.get(f"{BASE}/phe_duyet.schema.json/mo-hinh").json
    assert found["why"] == "" and found["ui_path"] == "forms/phe_duyet.ui.json"
    model = found["model"]
    names = [f["name"] for f in model["fields"]]
    assert "quyet_dinh" in names and "so_giay_phep" in names
    model["fields"].append({"name": "ghi_chu_them", "label": "Ghi chú thêm", "kind": "text",
                            "multiline": True, "help": "Không bắt buộc"})
    built = designer.post("/quan-tri/dung-bieu-mau", json={"model": model})
    assert built.status_code == 200, built.json
    assert built.json["problems"] == [] and "Ghi chú thêm" in built.json["html"]
    schema = json.loads(built.json["schema"])
    assert schema["properties"]["ghi_chu_them"]["description"] == "Không bắt buộc"
    saved = designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu", json={"files": {
        "forms/phe_duyet.schema.json": built.json["schema"],
        "forms/phe_duyet.ui.json": built.json["ui"]}})
    assert saved.status_code == 201, saved.json
    number = saved.json["version"]["number"]
    again = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}/bieu-mau/"
                         "phe_duyet.schema.json/mo-hinh").json
    assert again["model"]["fields"][-1]["name"] == "ghi_chu_them"


def test_a_bad_model_is_refused_by_field_and_nothing_is_lost(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    model = designer.get(f"{BASE}/don_de_nghi.schema.json/mo-hinh").json["model"]
    model["fields"].append({"name": "ho_ten", "label": "Họ tên lần hai", "kind": "text"})
    model["fields"].append({"name": "nguoi_lien_he", "label": "Người liên hệ", "kind": "text",
                            "show_if": {"field": "ho_ten", "values": ["x"]}})
    refused = designer.post("/quan-tri/dung-bieu-mau", json={"model": model})
    assert refused.status_code == 422
    text = " ".join(refused.json["problems"])
    assert "Trường «Họ tên lần hai»: tên «ho_ten» đã dùng" in text
    assert "Trường «Người liên hệ»: «Chỉ hỏi khi» chỉ dựa vào trường lựa chọn" in text
    assert designer.post("/quan-tri/dung-bieu-mau", json={"model": "x"}).status_code == 400


def test_a_raw_schema_is_read_back_or_the_reason_given(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    read = designer.post("/quan-tri/doc-bieu-mau", json={"schema": json.dumps({
        "type": "object", "title": "T", "properties": {"a": {"type": "string", "title": "A"}}})})
    assert read.json["model"]["fields"][0]["name"] == "a"
    broken = designer.post("/quan-tri/doc-bieu-mau", json={"schema": "{ không phải"}).json
    assert broken["model"] is None and "JSON không hợp lệ" in broken["why"]


def test_only_staff_reach_the_builder(app: Flask) -> None:
    citizen = app.test_client()
    login(citizen, "congdan")
    assert citizen.get(f"{BASE}/don_de_nghi.schema.json/mo-hinh").status_code == 403
    assert citizen.post("/quan-tri/dung-bieu-mau", json={"model": {}}).status_code == 403
    outsider = app.test_client()
    login(outsider, "motcua.antuong")
    assert outsider.get(f"{BASE}/don_de_nghi.schema.json/mo-hinh").status_code == 404
    anon = app.test_client()
    assert anon.get(f"{BASE}/don_de_nghi.schema.json/mo-hinh").status_code in (401, 303)


def test_the_start_form_edits_its_papers_which_become_the_components(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    found = designer.get(f"{BASE}/don_de_nghi.schema.json/mo-hinh").json
    assert found["start"] is True and len(found["papers"]) == 4
    assert designer.get(f"{BASE}/tham_dinh.schema.json/mo-hinh").json["start"] is False
    papers = [*found["papers"], {"name": "Văn bản ủy quyền (khi nộp thay)", "originals": 1,
                                 "copies": 0, "required": False, "accept": ["pdf"]}]
    refused = designer.post(f"{BASE}/don_de_nghi.schema.json/giay-to",
                            json={"papers": [*papers, {"name": "", "originals": 1}]})
    assert refused.status_code == 422 and refused.json["problems"] == ["Giấy tờ 6: cần tên giấy tờ."]
    assert designer.post(f"{BASE}/tham_dinh.schema.json/giay-to",
                         json={"papers": papers}).status_code == 409
    made = designer.post(f"{BASE}/don_de_nghi.schema.json/giay-to", json={"papers": papers}).json
    manifest = json.loads(made["procedure"])
    assert manifest["components"][-1]["name"] == "Văn bản ủy quyền (khi nộp thay)"
    assert manifest["code"] == PERMIT and manifest["fees"][0]["from"] == "le_phi"
    saved = designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu",
                          json={"files": {"procedure.json": made["procedure"]}})
    assert saved.status_code == 201, saved.json
    number = saved.json["version"]["number"]
    again = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}/bieu-mau/"
                         "don_de_nghi.schema.json/mo-hinh").json
    assert len(again["papers"]) == 5
