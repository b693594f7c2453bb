"""The fee table editor shows amounts the Vietnamese way and takes them so (designer's
finding: «75000» in «Lệ phí (đồng)» read as a code): the editor opens 75000 as «75.000»,
«50.000», «50000» and «50.000 đồng» all store 50000, and a wrong amount («50,5», «abc») is
refused in words, naming the table, with nothing stored."""

from __future__ import annotations

import html

import pytest
from flask import Flask

from tests.functional.test_draft_decision_table import VERSION, _designer, _table


def test_the_editor_opens_amounts_grouped_by_dots(app: Flask) -> None:
    data = _table(_designer(app).get(f"{VERSION}/bang-quyet-dinh").text)
    assert "<text>75000</text>" in data["xml"]  # stored as the evaluator reads it
    assert "<text>75.000</text>" in data["shown"] and "<text>75000</text>" not in data["shown"]
    assert "<text>150.000</text>" in data["shown"]


@pytest.mark.parametrize("typed", ["50.000", "50000", "50.000 đồng"])
def test_an_amount_typed_either_way_is_stored_as_the_number(app: Flask, typed: str) -> None:
    designer = _designer(app)
    shown = _table(designer.get(f"{VERSION}/bang-quyet-dinh").text)["shown"]
    saved = designer.post(f"{VERSION}/bang-quyet-dinh/luu", json={"files": {
        "le_phi.dmn": shown.replace("<text>75.000</text>", f"<text>{typed}</text>")}})
    answer = saved.get_json()
    assert saved.status_code == 201 and isinstance(answer, dict), answer
    stored = _table(designer.get(answer["url"] + "/bang-quyet-dinh").text)
    assert "<text>50000</text>" in stored["xml"] and "<text>150000</text>" in stored["xml"]
    assert "<text>50.000</text>" in stored["shown"]


@pytest.mark.parametrize("typed", ["50,5", "abc"])
def test_a_wrong_amount_is_refused_in_words(app: Flask, typed: str) -> None:
    designer = _designer(app)
    shown = _table(designer.get(f"{VERSION}/bang-quyet-dinh").text)["shown"]
    refused = designer.post(f"{VERSION}/bang-quyet-dinh/luu", json={"files": {
        "le_phi.dmn": shown.replace("<text>75.000</text>", f"<text>{typed}</text>")}})
    answer = refused.get_json()
    assert refused.status_code == 422 and isinstance(answer, dict) and answer["draft"] is None
    problems = [p for p in answer["report"]["problems"] if p.get("file") == "le_phi.dmn"]
    assert problems, answer
    said = " ".join(html.unescape(p["message"]) for p in problems)
    assert f"ô «Lệ phí (đồng)» ghi «{typed}»" in said and "ví dụ 50.000" in said, said
    assert "True/False" not in said and "kiểu «" not in said
    assert any(p.get("row") == 2 for p in problems)  # the row as the editor shows it
