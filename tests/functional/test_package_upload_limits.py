"""An upload whose package tests run too long answers within the limit and keeps the
designer's work: the draft is stored with the failed report naming the limit, shown on
its page, and it cannot be submitted until its tests pass."""

from __future__ import annotations

import io
import json
import time

import pytest
from flask import Flask

from tests.helpers import MINH_XUAN, PERMIT, login, zip_bytes
from tests.unit.test_package_test_steps import rework_case, rework_package


def test_an_upload_whose_tests_run_too_long_is_stored_as_a_draft_with_the_reason(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_PACKAGE_TEST_SECONDS", "2")
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    # Minutes of work on any machine, one case a file (one big file would be refused as a zip
    # bomb); twelve files ran within 2 s on a fast one.
    case = json.dumps([rework_case(150)], ensure_ascii=False).encode("utf-8")
    files = {**rework_package(), **{f"tests/ca{n:02d}.json": case for n in range(48)}}
    started = time.monotonic()
    response = designer.post("/api/v1/procedures", data={
        "agency": MINH_XUAN, "package": (io.BytesIO(zip_bytes(files)), "vong-lap.zip")})
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.json
    assert elapsed < 20, f"the upload took {elapsed:.1f} s despite a 2 s limit"
    version = response.json["version"]
    assert version["status"] == "draft" and not version["tests"]["passed"]
    [problem] = version["tests"]["problems"]
    assert problem["message"] == "Các ca kiểm thử chạy quá thời gian cho phép (2 giây)."
    stored = designer.get(f"/api/v1/procedures/{PERMIT}/versions/{version['number']}"
                          f"?agency={MINH_XUAN}")
    assert stored.status_code == 200 and stored.json["status"] == "draft"
    submit = designer.post(f"/api/v1/procedures/{PERMIT}/versions/{version['number']}/submit"
                           f"?agency={MINH_XUAN}")
    assert submit.status_code in (409, 422), submit.json
    page = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{version['number']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)  # the designer's page says why, not "no test cases"
    assert "Các ca kiểm thử chạy quá thời gian cho phép (2 giây)." in html
    assert "Gói chưa có ca kiểm thử nào" not in html
