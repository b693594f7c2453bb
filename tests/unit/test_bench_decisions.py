"""The decision tables the modeler offers a business rule task: id and name of every
decision of the package's top-level .dmn files."""

from __future__ import annotations

from engine.procedures.bench_decisions import decision_choices

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
  {decisions}
</definitions>"""
TABLE = """<decision id="{id}"{name}><decisionTable id="t_{id}" hitPolicy="UNIQUE">
    <input id="i_{id}" label="Diện tích"><inputExpression id="e_{id}" typeRef="number">
      <text>dien_tich</text></inputExpression></input>
    <output id="o_{id}" label="Lệ phí" name="le_phi" typeRef="integer" />
    <rule id="r_{id}"><inputEntry id="ie_{id}"><text>-</text></inputEntry>
      <outputEntry id="oe_{id}"><text>1</text></outputEntry></rule>
  </decisionTable></decision>"""


def _dmn(*decisions: tuple[str, str]) -> str:
    return DMN.format(decisions="".join(
        TABLE.format(id=i, name=f' name="{n}"' if n else "") for i, n in decisions))


def test_every_decision_of_every_top_level_file_by_name() -> None:
    texts = {"le_phi.dmn": _dmn(("le_phi", "Lệ phí"), ("uu_tien", "")),
             "b.dmn": _dmn(("bac_thang", "Bậc thang")),
             "forms/x.dmn": _dmn(("khong_lay", "Không lấy")),
             "process.bpmn": "<x/>"}
    assert decision_choices(texts) == [
        {"id": "bac_thang", "name": "Bậc thang", "file": "b.dmn"},
        {"id": "le_phi", "name": "Lệ phí", "file": "le_phi.dmn"},
        {"id": "uu_tien", "name": "uu_tien", "file": "le_phi.dmn"},  # no name: its id
    ]


def test_no_table_or_a_broken_file_offers_nothing() -> None:
    assert decision_choices({"process.bpmn": "<x/>"}) == []
    assert decision_choices({"hong.dmn": "<definitions"}) == []
