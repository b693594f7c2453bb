"""bpmn/limits.py repeats the database's column lengths (bpmn/ never imports the engine):
each limit must equal the columns it stands for, so validation and database agree."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String

from bpmn import limits
from bpmn.validation import validate_path
from engine.core import models


@pytest.mark.parametrize("name", sorted(limits.COLUMNS))
def test_a_validation_limit_equals_the_database_columns_it_guards(name: str) -> None:
    limit, columns = limits.COLUMNS[name]
    assert getattr(limits, name) == limit
    for column in columns:
        model, attribute = column.split(".")
        column_type = getattr(models, model).__table__.c[attribute].type
        assert isinstance(column_type, String), column
        assert column_type.length == limit, f"{column} is {column_type.length}, limits.{name} {limit}"


# --- validation refuses what the columns cannot hold, naming the element ---------------------

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
EXTRACT = PROCEDURES / "cap-ban-sao-trich-luc-ho-tich"
_REFERENCE = re.compile(
    r'((?:id|sourceRef|targetRef|attachedToRef|bpmnElement)="|<bpmn:flowNodeRef>)([^"<]+)')


def long_package(target: Path, *, element_id: str = "tl_tra_cuu", task_name: str | None = None,
                 form: str = "tra_cuu.schema.json", manifest: dict[str, Any] | None = None,
                 roles: dict[str, dict[str, str]] | None = None) -> Path:
    """The extract package with its search step (tl_tra_cuu) given these id, name and form,
    and procedure.json merged with `manifest` (roles merged lane by lane)."""
    folder = target / "extract"
    shutil.copytree(EXTRACT, folder)
    bpmn = folder / "process.bpmn"
    text = _REFERENCE.sub(lambda m: m.group(1) + (element_id if m.group(2) == "tl_tra_cuu"
                                                  else m.group(2)),
                          bpmn.read_text(encoding="utf-8"))
    if task_name is not None:
        text = text.replace('name="Tra cứu sổ hộ tịch, cấp bản sao trích lục"',
                            f'name="{task_name}"')
    text = text.replace('value="tra_cuu.schema.json"', f'value="{form}"')
    bpmn.write_text(text, encoding="utf-8")
    if form != "tra_cuu.schema.json":
        (folder / "forms" / "tra_cuu.schema.json").rename(folder / "forms" / form)
    tests = folder / "tests" / "tra-ket-qua.json"
    tests.write_text(tests.read_text(encoding="utf-8").replace('"tl_tra_cuu"', f'"{element_id}"'),
                     encoding="utf-8")
    data = json.loads((folder / "procedure.json").read_text(encoding="utf-8"))
    data.update(manifest or {})
    for lane, changes in (roles or {}).items():
        data["roles"][lane].update(changes)
    (folder / "procedure.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def _errors(folder: Path) -> list[tuple[str, str | None]]:
    report, compiled = validate_path(folder)
    assert (compiled is None) == bool(report.errors)
    return [(e.code, e.element) for e in report.errors]


def test_the_unchanged_package_is_valid(tmp_path: Path) -> None:
    assert _errors(long_package(tmp_path)) == []


def test_an_element_id_longer_than_its_column_is_refused_naming_it(tmp_path: Path) -> None:
    long_id = "b" * (limits.ELEMENT_ID + 1)
    assert _errors(long_package(tmp_path, element_id=long_id)) == [("bpmn.id_length", long_id)]


def test_a_task_name_longer_than_its_column_is_refused_naming_the_task(tmp_path: Path) -> None:
    errors = _errors(long_package(tmp_path, task_name="Tra cứu " + "x" * limits.TASK_NAME))
    assert errors == [("task.name_length", "tl_tra_cuu")]


def test_a_form_file_name_longer_than_its_column_is_refused_naming_the_task(tmp_path: Path) -> None:
    form = "f" * (limits.FORM + 1 - len(".schema.json")) + ".schema.json"
    errors = _errors(long_package(tmp_path, form=form))
    assert errors == [("task.form_length", "tl_tra_cuu")]


def test_a_role_code_longer_than_its_column_is_refused_naming_the_lane(tmp_path: Path) -> None:
    errors = _errors(long_package(tmp_path, roles={"ho_tich": {"role": "r" * (limits.ROLE + 1)}}))
    assert errors == [("manifest.length", "roles.ho_tich.role")]


def test_an_agency_code_longer_than_its_column_is_refused_naming_the_lane(tmp_path: Path) -> None:
    errors = _errors(long_package(
        tmp_path, roles={"ho_tich": {"agency": "A" * (limits.AGENCY_CODE + 1)}}))
    assert errors == [("manifest.length", "roles.ho_tich.agency")]


def test_a_paper_name_longer_than_its_column_is_refused_naming_it(tmp_path: Path) -> None:
    component = {"name": "G" * (limits.PAPER_NAME + 1), "originals": 1, "copies": 0,
                 "required": True}
    errors = _errors(long_package(tmp_path, manifest={"components": [component]}))
    assert errors == [("manifest.length", "components.0.name")]


@pytest.mark.parametrize(("key", "limit"), [("code", limits.PROCEDURE_CODE),
                                            ("name", limits.PROCEDURE_NAME),
                                            ("field", limits.PROCEDURE_FIELD)])
def test_procedure_code_name_and_field_longer_than_their_columns_are_refused(
    tmp_path: Path, key: str, limit: int
) -> None:
    errors = _errors(long_package(tmp_path, manifest={key: "1" * (limit + 1)}))
    assert errors == [("manifest.invalid", key)]


def test_values_exactly_at_the_limits_are_valid(tmp_path: Path) -> None:
    form = "f" * (limits.FORM - len(".schema.json")) + ".schema.json"
    folder = long_package(
        tmp_path, element_id="b" * limits.ELEMENT_ID, task_name="x" * limits.TASK_NAME, form=form,
        roles={"ho_tich": {"role": "r" * limits.ROLE}},
        manifest={"code": "1" * limits.PROCEDURE_CODE, "name": "N" * limits.PROCEDURE_NAME,
                  "field": "F" * limits.PROCEDURE_FIELD})
    assert _errors(folder) == []
