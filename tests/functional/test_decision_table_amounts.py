"""The decision table editor takes amounts as designers write them (walker's finding: «80.000»
in «Lệ phí (đồng)» was refused — «viết 80000, không dùng dấu chấm…» — and every failed save was
kept as one more «bản nháp chưa hợp lệ»). `80.000` and `80 000` are 80000, «Có»/«Không» are
yes/no; what the checks still refuse makes no draft; an uploaded table stays strict."""

from __future__ import annotations

import html

from flask import Flask
from sqlalchemy import select

from engine.core.models import ProcedureDraft
from tests.functional.test_draft_decision_table import VERSION, _designer, _kept_with_overlap, _table


def _drafts(app: Flask) -> int:
    with app.extensions["motcua"].uow() as uow:
        return len(uow.session.scalars(select(ProcedureDraft.id)).all())


def test_a_fee_typed_with_dots_and_yes_no_in_words_saves_as_the_amount(app: Flask) -> None:
    designer = _designer(app)
    page = designer.get(f"{VERSION}/bang-quyet-dinh").text
    assert f'data-url="{VERSION}/bang-quyet-dinh/luu"' in page
    assert "ví dụ: <code>80.000</code>" in page
    xml = _table(page)["xml"].replace("<text>75000</text>", "<text>80.000</text>").replace(
        "<text>150000</text>", "<text>150 000</text>").replace("<text>True</text>", "<text>Có</text>")
    saved = designer.post(f"{VERSION}/bang-quyet-dinh/luu", json={"files": {"le_phi.dmn": xml}})
    assert saved.status_code == 201, saved.json
    table = _table(designer.get(saved.json["url"] + "/bang-quyet-dinh").text)["xml"]
    assert "<text>80000</text>" in table and "<text>150000</text>" in table
    assert "<text>True</text>" in table and "Có" not in table


def test_a_refused_save_from_the_editor_keeps_no_draft_and_says_why(app: Flask) -> None:
    designer = _designer(app)
    xml = _table(designer.get(f"{VERSION}/bang-quyet-dinh").text)["xml"].replace(
        "<text>75000</text>", "<text>80.5</text>")
    before = _drafts(app)
    refused = designer.post(f"{VERSION}/bang-quyet-dinh/luu", json={"files": {"le_phi.dmn": xml}})
    assert refused.status_code == 422 and refused.json["draft"] is None
    messages = [p["message"] for p in refused.json["report"]["problems"]]
    assert any("cột kiểu số nguyên chỉ nhận số nguyên" in m for m in messages), messages
    rows = [p["row"] for p in refused.json["report"]["problems"] if p.get("file") == "le_phi.dmn"]
    assert 2 in rows  # the editor marks the row as it shows it
    assert _drafts(app) == before


def test_a_table_saved_through_the_package_path_is_still_read_strictly(app: Flask) -> None:
    designer = _designer(app)
    xml = _table(designer.get(f"{VERSION}/bang-quyet-dinh").text)["xml"].replace(
        "<text>75000</text>", "<text>80.000</text>")
    refused = designer.post(f"{VERSION}/luu", json={"files": {"le_phi.dmn": xml}})
    assert refused.status_code == 422
    assert any("viết 80000, không dùng dấu chấm" in html.unescape(p["message"])
               for p in refused.json["report"]["problems"])


def test_a_kept_drafts_table_editor_reads_amounts_the_same_way(app: Flask) -> None:
    designer = _designer(app)
    draft, overlapping = _kept_with_overlap(designer)
    fixed = overlapping.replace("<text>&lt;= 100</text>", "<text>&lt; 100</text>").replace(
        "<text>75000</text>", "<text>80.000</text>")
    saved = designer.post(f"{draft}/bang-quyet-dinh/luu", json={"files": {"le_phi.dmn": fixed}})
    assert saved.status_code == 201, saved.json
    assert "<text>80000</text>" in _table(designer.get(saved.json["url"] + "/bang-quyet-dinh").text)["xml"]
