"""The version in force honours its effective date everywhere: published today with effect
from tomorrow, version 2 waits — a dossier submitted today runs version 1, and the
designers' and reviewers' pages say «Có hiệu lực từ 26/11/2026» of version 2 and keep
calling version 1 the one in force; from tomorrow, version 2 is in force, new dossiers run
it and version 1 reads «Hết hiệu lực»."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import lxml.html
from flask import Flask
from flask.testing import FlaskClient

from engine.core.clock import FixedClock
from tests.helpers import MINH_XUAN, PERMIT, login, package_files, permit_data, zip_bytes

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
Q = f"?agency={MINH_XUAN}"


def _publish_tomorrow(app: Flask, clock: FixedClock) -> dict[str, FlaskClient]:
    """Version 2 (12 days instead of 15) through four eyes, published effective tomorrow."""
    people = {}
    for role, user in (("designer", "thietke.minhxuan"), ("reviewer", "xemxet.minhxuan"),
                       ("approver", "pheduyet.minhxuan")):
        people[role] = app.test_client()
        login(people[role], user)
    files = package_files(PACKAGE)
    manifest = json.loads(files["procedure.json"])
    manifest["processing_time"]["value"] = 12
    files["procedure.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    uploaded = people["designer"].post("/api/v1/procedures", data={
        "agency": MINH_XUAN, "package": (io.BytesIO(zip_bytes(files)), "goi.zip")})
    assert uploaded.status_code == 201 and uploaded.json["version"]["number"] == 2
    base = f"/api/v1/procedures/{PERMIT}/versions/2"
    for who, action, body in (("designer", "submit", {}),
                              ("reviewer", "review", {"decision": "accept"}),
                              ("approver", "approve", {}),
                              ("approver", "publish", {"effective_from": (
                                  clock.now() + timedelta(days=1)).isoformat()})):
        response = people[who].post(f"{base}/{action}{Q}", json=body or None)
        assert response.status_code == 200, (action, response.json)
    return people


def _submitted_version(app: Flask) -> int:
    client = app.test_client()
    code = client.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).json["code"]
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    return int(desk.get(f"/api/v1/dossiers/{code}").json["version"])


def _listed(client: FlaskClient) -> dict[int, str]:
    """The versions list's status cell of each version of the permit at Minh Xuân."""
    page = lxml.html.fromstring(client.get("/quan-tri/thu-tuc").data)
    found = {}
    for row in page.xpath('//table[@id="versions"]/tbody/tr[not(@class="older-drafts")]'):
        cells = row.xpath("td")
        link = cells[0].xpath("a")[0].get("href")
        if link.startswith(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/"):
            found[int(cells[2].text_content())] = " ".join(cells[3].text_content().split())
    return found


def _version_page(client: FlaskClient, number: int) -> tuple[str, str]:
    """A version's page: its state line and its summary's heading."""
    page = lxml.html.fromstring(client.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}").data)
    state = " ".join(page.get_element_by_id("version-status").text_content().split())
    return state, " ".join(page.get_element_by_id("summary-h").text_content().split())


def test_a_version_published_for_tomorrow_waits_for_its_date(app: Flask, clock: FixedClock) -> None:
    people = _publish_tomorrow(app, clock)
    reviewer = people["reviewer"]
    assert _submitted_version(app) == 1
    assert _listed(reviewer) == {2: "Có hiệu lực từ 26/11/2026", 1: "Đang áp dụng"}
    assert _version_page(reviewer, 2) == (
        "Có hiệu lực từ 26/11/2026",
        "Tóm tắt phiên bản 2 — Có hiệu lực từ 26/11/2026; đang áp dụng: phiên bản 1")
    assert _version_page(reviewer, 1) == ("Đang áp dụng", "Tóm tắt phiên bản 1 (đang áp dụng)")
    shown = reviewer.get(f"/api/v1/procedures/{PERMIT}/versions/2{Q}").json
    assert (shown["status"], shown["in_force"], shown["status_label"]) == (
        "published", False, "Có hiệu lực từ 26/11/2026")

    clock.advance(timedelta(days=1))
    assert _submitted_version(app) == 2
    reviewer = app.test_client()  # a day later: the session has lapsed
    login(reviewer, "xemxet.minhxuan")
    assert _listed(reviewer) == {2: "Đang áp dụng", 1: "Hết hiệu lực"}
    assert _version_page(reviewer, 2) == ("Đang áp dụng", "Tóm tắt phiên bản 2 (đang áp dụng)")
    assert _version_page(reviewer, 1) == (
        "Hết hiệu lực", "Tóm tắt phiên bản 1 — đang áp dụng: phiên bản 2")
    assert reviewer.get(f"/api/v1/procedures/{PERMIT}/versions/2{Q}").json["in_force"] is True


def test_with_only_a_version_for_tomorrow_nothing_is_in_force_today(
        app: Flask, clock: FixedClock) -> None:
    people = _publish_tomorrow(app, clock)
    retired = people["approver"].post(f"/api/v1/procedures/{PERMIT}/versions/1/retire{Q}")
    assert retired.status_code == 200 and retired.json["status"] == "retired"
    refused = app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})
    assert refused.status_code == 404
    admin = app.test_client()
    login(admin, "quantri")
    page = lxml.html.fromstring(admin.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/ap-dung").data)
    assert " ".join(page.get_element_by_id("upcoming").text_content().split()) == (
        "Phiên bản đã công bố có hiệu lực từ 26/11/2026: các cơ quan được chọn nhận hồ sơ "
        "từ ngày đó.")
    assert _version_page(people["reviewer"], 2)[1] == (
        "Tóm tắt phiên bản 2 — Có hiệu lực từ 26/11/2026; thủ tục chưa có phiên bản đang áp dụng")
