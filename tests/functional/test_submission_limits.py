"""Anonymous floods and junk data: a submission carries only the fields its form declares,
each of a bounded size; anonymous callers submit at most a few dossiers per address in ten
minutes (signed-in citizens more, the desk without limit). Every refusal stores nothing
and says, in Vietnamese, which field or which limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.core.clock import FixedClock
from engine.core.models import Dossier, Draft, Event, Task
from engine.wiring import Platform
from forms.limits import MAX_LIST_ROWS, MAX_TEXT_CHARS, submission_problems
from tests.functional.test_citizen_area import PAGE, draft_key, flat, post_form
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PERMIT, login, paper_files, permit_data

API = "/api/v1/dossiers"


def _counts(platform: Platform) -> tuple[int, ...]:
    with platform.uow() as uow:
        return tuple(int(uow.session.scalar(select(func.count()).select_from(m)) or 0)
                     for m in (Dossier, Task, Event))


def _submit(client: FlaskClient, data: dict[str, Any]) -> Any:
    return client.post(API, json={"procedure": PERMIT, "agency": MINH_XUAN, "data": data})


def _app(platform: Platform, **config: Any) -> Flask:
    from webapp import create_app

    return create_app({"TESTING": True, "PLATFORM": platform, "SECRET_KEY": "test-secret",
                       "DATABASE_URL": platform.database_url, **config})


def _details(response: Any) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json["error"]["details"]}


def test_undeclared_properties_are_refused_by_path_and_nothing_is_stored(
    client: FlaskClient, platform: Platform
) -> None:
    before = _counts(platform)
    data = permit_data(rac="x" * 1000)
    data["lo_dat"] = {**data["lo_dat"], "ghi_chu_an": "y"}
    data["don_vi_thiet_ke"] = [{**data["don_vi_thiet_ke"][0], "them": 1}]
    response = _submit(client, data)
    assert response.status_code == 422, response.json
    details = _details(response)
    assert details["rac"] == "Trường «rac» không có trong biểu mẫu."
    assert details["lo_dat.ghi_chu_an"] == "Trường «ghi_chu_an» không có trong biểu mẫu."
    assert details["don_vi_thiet_ke.0.them"] == "Trường «them» không có trong biểu mẫu."
    assert _counts(platform) == before


def test_an_oversized_text_field_without_max_length_is_refused_by_name(
    client: FlaskClient, platform: Platform
) -> None:
    before = _counts(platform)
    data = permit_data()
    data["lo_dat"] = {**data["lo_dat"], "dia_chi": "Số 12 " + "x" * MAX_TEXT_CHARS}
    response = _submit(client, data)
    assert response.status_code == 422, response.json
    assert _details(response)["lo_dat.dia_chi"] == (
        f"Tối đa {MAX_TEXT_CHARS} ký tự (đã nhập {MAX_TEXT_CHARS + 6} ký tự).")
    assert _counts(platform) == before


def test_a_document_over_the_data_cap_is_refused_for_the_form(
    client: FlaskClient, platform: Platform
) -> None:
    before = _counts(platform)
    response = _submit(client, permit_data(rac="x" * (1100 * 1024)))
    assert response.status_code == 422, response.json
    assert "Dữ liệu tờ khai quá lớn" in _details(response)[""]
    assert _counts(platform) == before


def test_a_nine_megabyte_junk_field_is_413_before_it_is_read(
    client: FlaskClient, platform: Platform
) -> None:
    before = _counts(platform)
    response = _submit(client, permit_data(rac="x" * (9 * 1024 * 1024)))
    assert response.status_code == 413
    assert response.json["error"]["message"] == "Dữ liệu gửi lên quá lớn."
    assert _counts(platform) == before


def test_the_eleventh_anonymous_submission_is_429_and_creates_nothing(
    client: FlaskClient, app: Flask, platform: Platform, clock: FixedClock
) -> None:
    for _ in range(10):
        assert _submit(client, permit_data()).status_code == 201
    before = _counts(platform)
    refused = _submit(client, permit_data())
    assert refused.status_code == 429, refused.json
    assert refused.json["error"]["code"] == "rate_limited"
    assert refused.json["error"]["message"].startswith("Đã nộp 10 hồ sơ trong 10 phút")
    assert int(refused.headers["Retry-After"]) > 0
    assert _counts(platform) == before
    # The limit is the anonymous caller's: a signed-in citizen and the desk go on.
    citizen = app.test_client()
    login(citizen, "congdan")
    assert _submit(citizen, permit_data()).status_code == 201
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    received = desk.post("/api/v1/desk/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(), "papers": PAPERS,
        "decision": "complete", "reception": {"ket_qua_kiem_tra": "tiep_nhan"}})
    assert received.status_code == 201, received.json
    # Ten minutes later the address may submit again.
    clock.advance(timedelta(minutes=10, seconds=1))
    assert _submit(client, permit_data()).status_code == 201


def test_refused_forms_do_not_use_up_the_limit(client: FlaskClient, platform: Platform) -> None:
    for _ in range(12):
        assert _submit(client, permit_data(so_dinh_danh="sai")).status_code == 422
    assert _submit(client, permit_data()).status_code == 201


def test_the_limits_come_from_configuration(platform: Platform) -> None:
    app = _app(platform, SUBMISSIONS_ANONYMOUS=2, SUBMISSIONS_CITIZEN=1)
    anonymous = app.test_client()
    assert [_submit(anonymous, permit_data()).status_code for _ in range(3)] == [201, 201, 429]
    citizen = app.test_client()
    login(citizen, "congdan")
    assert [_submit(citizen, permit_data()).status_code for _ in range(2)] == [201, 429]


def test_a_rate_limited_page_submission_says_why_and_keeps_the_draft(platform: Platform) -> None:
    client = _app(platform, SUBMISSIONS_ANONYMOUS=1).test_client()
    first = post_form(client, PAGE, {**flat(permit_data()), **paper_files(), "_action": "submit"})
    assert first.status_code == 303, first.data.decode()[:2000]
    before = _counts(platform)
    typed = permit_data(ho_ten="Trần Thị Bình")
    response = post_form(client, PAGE, {**flat(typed), **paper_files(), "_action": "submit"})
    page = response.data.decode()
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Đã nộp 1 hồ sơ trong 10 phút" in page and "Bản nháp của bạn vẫn được giữ" in page
    assert 'value="Trần Thị Bình"' in page
    assert _counts(platform) == before
    key = draft_key(response.data)
    with platform.uow() as uow:
        draft = uow.session.scalar(select(Draft).where(Draft.key == key))
        assert draft is not None and draft.submitted_code is None
        assert draft.data["ho_ten"] == "Trần Thị Bình"
    assert 'value="Trần Thị Bình"' in client.get(f"/thu-tuc/{PERMIT}?nhap={key}&mot_trang=1").data.decode()


def test_an_oversized_field_on_the_page_is_named_and_kept_in_the_draft(
    client: FlaskClient, platform: Platform
) -> None:
    before = _counts(platform)
    long_address = "Số 12 " + "đ" * MAX_TEXT_CHARS
    data = permit_data()
    data["lo_dat"] = {**data["lo_dat"], "dia_chi": long_address}
    response = post_form(client, PAGE, {**flat(data), **paper_files(), "_action": "submit",
                                        "khong_co": "rac"})
    page = response.data.decode()
    assert response.status_code == 422
    assert f"Tối đa {MAX_TEXT_CHARS} ký tự (đã nhập {MAX_TEXT_CHARS + 6} ký tự)." in page
    assert _counts(platform) == before
    with platform.uow() as uow:
        draft = uow.session.scalar(select(Draft).where(Draft.key == draft_key(response.data)))
        assert draft is not None and draft.data["lo_dat"]["dia_chi"] == long_address
        assert "khong_co" not in draft.data  # an undeclared posted field is never kept


# The limits themselves, on schemas the shipped procedures do not use.

def test_a_schema_that_allows_more_properties_still_caps_their_size() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}},
              "additionalProperties": True}
    assert submission_problems(schema, {"a": "x", "b": {"c": "y"}}) == []
    problems = submission_problems(schema, {"b": {"c": "y" * (MAX_TEXT_CHARS + 1)}})
    assert [p.field for p in problems] == ["b.c"]


def test_references_patterns_and_branches_declare_properties() -> None:
    schema = {
        "type": "object",
        "$defs": {"dia_chi": {"type": "object", "properties": {"so_nha": {"type": "string"}}}},
        "properties": {"noi_o": {"$ref": "#/$defs/dia_chi"}, "loai": {"type": "string"}},
        "patternProperties": {"^ghi_chu_": {"type": "string", "maxLength": 20}},
        "if": {"properties": {"loai": {"const": "to_chuc"}}},
        "then": {"properties": {"ma_so_thue": {"type": "string"}}},
    }
    good = {"noi_o": {"so_nha": "12"}, "loai": "to_chuc", "ma_so_thue": "0101",
            "ghi_chu_1": "x"}
    assert submission_problems(schema, good) == []
    bad = submission_problems(schema, {"noi_o": {"tang": 3}, "ghi_chu": "x"})
    assert [p.field for p in bad] == ["noi_o.tang", "ghi_chu"]


def test_a_list_without_max_items_is_capped_and_a_long_key_is_shortened_in_the_message() -> None:
    schema = {"type": "object", "properties": {"dong": {"type": "array",
                                                          "items": {"type": "integer"}}}}
    problems = submission_problems(schema, {"dong": list(range(MAX_LIST_ROWS + 1))})
    assert [(p.field, p.message) for p in problems] == [
        ("dong", f"Tối đa {MAX_LIST_ROWS} dòng (đã gửi {MAX_LIST_ROWS + 1} dòng).")]
    long_name = "k" * 5000
    problems = submission_problems(schema, {long_name: 1})
    assert len(problems) == 1 and len(problems[0].message) < 200


def test_an_anonymous_address_cannot_start_drafts_without_end(platform: Platform) -> None:
    client = _app(platform, DRAFTS_ANONYMOUS=2).test_client()
    with platform.uow() as uow:
        drafts_before = uow.session.scalar(select(func.count(Draft.id)))
    saved = [post_form(client, PAGE, {**flat(permit_data()), "_action": "save"})
             for _ in range(2)]
    assert [r.status_code for r in saved] == [200, 200]
    refused = post_form(client, PAGE, {**flat(permit_data(ho_ten="Lê Văn Cường")),
                                       "_action": "save"})
    page = refused.data.decode()
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Đã mở 2 bản nháp mới trong 10 phút" in page
    assert 'value="Lê Văn Cường"' in page  # shown again, to copy or send later
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count(Draft.id))) == (drafts_before or 0) + 2
    # A draft already started keeps saving, and a signed-in citizen is not counted.
    key = draft_key(saved[0].data)
    again = post_form(client, f"/thu-tuc/{PERMIT}?nhap={key}&mot_trang=1", {
        **flat(permit_data(ho_ten="Lê Văn Cường")), "nhap": key, "_action": "save"})
    assert again.status_code == 200 and 'value="Lê Văn Cường"' in again.data.decode()
    citizen = _app(platform, DRAFTS_ANONYMOUS=0).test_client()
    login(citizen, "congdan")
    assert post_form(citizen, PAGE, {**flat(permit_data()), "_action": "save"}).status_code == 200


def test_an_officers_step_data_carries_only_the_fields_of_its_form(
    app: Flask, platform: Platform
) -> None:
    from tests.helpers import task_for

    citizen = app.test_client()
    code = _submit(citizen, permit_data()).json["code"]
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    task = task_for(desk, code)
    before = _counts(platform)
    response = desk.post(f"/api/v1/tasks/{task['id']}/complete",
                         json={"data": {"ket_qua_kiem_tra": "tiep_nhan", "rac": "x" * 100_000}})
    assert response.status_code == 422, response.json
    assert _details(response)["rac"] == "Trường «rac» không có trong biểu mẫu."
    assert _counts(platform) == before
    assert task_for(desk, code)["id"] == task["id"]  # the step still waits, nothing lost


def test_data_nested_past_the_limit_is_refused_without_exhausting_the_stack() -> None:
    deep: Any = "đáy"
    for _ in range(5000):
        deep = {"a": deep}
    free = {"type": "object", "additionalProperties": True}
    (problem,) = submission_problems(free, {"ghi_chu": deep})
    assert problem.field == ""
    assert problem.message == "Dữ liệu tờ khai lồng nhau quá sâu (tối đa 32 cấp)."
    shallow: Any = "đáy"
    for _ in range(30):
        shallow = [shallow]
    assert submission_problems(free, {"ghi_chu": shallow}) == []


def test_the_province_sets_the_anonymous_limit_in_its_environment(
    platform: Platform, monkeypatch: Any
) -> None:
    monkeypatch.setenv("MOTCUA_SUBMISSIONS_ANONYMOUS", "1")
    client = _app(platform).test_client()
    assert _submit(client, permit_data()).status_code == 201
    refused = _submit(client, permit_data())
    assert refused.status_code == 429, refused.json
