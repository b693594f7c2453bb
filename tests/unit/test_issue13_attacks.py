"""What still got through the fixes of issue 13, pinned as the harm each would do.

A designer's regular expression (`pattern`, a `patternProperties` name) runs on every
submission: with Python's backtracking `re`, `^(a+)+$` against a few dozen letters and a "!"
holds a worker for hours, even under a `maxLength` (every keyword is checked). Forms now run
their expressions in RE2 (linear time) and the schema check refuses what RE2 cannot run.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from forms import FormValidator, check_schema

S = "https://json-schema.org/draft/2020-12/schema"
# Each takes exponential time in a backtracking engine on "aaaa…a!".
CATASTROPHIC = ["^(a+)+$", "^(a|aa)+$", "^(a|a?)+$", "^(\\w+\\s?)*$"]


def _form(field: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"$schema": S, "type": "object", "properties": {"x": field}, **more}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_backtracking_pattern_cannot_freeze_a_submission(pattern: str) -> None:
    schema = _form({"type": "string", "maxLength": 40, "pattern": pattern})
    assert check_schema(schema) == []  # legitimate shapes: the engine, not the check, bounds them
    validator = FormValidator(schema)
    started = time.perf_counter()
    errors = validator.validate_submission({"x": "a" * 34 + "!"})
    assert time.perf_counter() - started < 1.0
    assert [e.field for e in errors] == ["x"]
    assert errors[0].message == "Không đúng định dạng yêu cầu."
    assert validator.validate_submission({"x": "aaaa"}) == []  # a good value still passes


@pytest.mark.timeout(20)
def test_a_backtracking_field_name_pattern_cannot_freeze_a_submission() -> None:
    schema = {"$schema": S, "type": "object", "patternProperties": {"^(a|aa)+$": {"type": "string"}},
              "additionalProperties": False}
    assert check_schema(schema) == []
    validator = FormValidator(schema)
    started = time.perf_counter()
    errors = validator.validate_submission({"a" * 60 + "!": "v", "aa": 3})
    assert time.perf_counter() - started < 1.0
    assert {e.field for e in errors} >= {"aa"}  # the matching name is still validated
    assert any("không có trong biểu mẫu" in e.message for e in errors)


@pytest.mark.parametrize("pattern", [
    "^(?=.*[0-9])[a-z0-9]+$",        # look-ahead
    "(?<=x)y",                       # look-behind
    "^(a)\\1$",                      # back-reference
    "(?:a{1000}){1000}",             # a repetition too large to compile
    "[0-9]" * 300,                   # longer than any field format
])
def test_a_pattern_the_engine_cannot_bound_is_refused_at_upload_by_name(pattern: str) -> None:
    problems = check_schema(_form({"type": "string", "pattern": pattern}))
    assert [p.pointer for p in problems] == ["/properties/x/pattern"]
    assert "Biểu thức định dạng" in problems[0].message


def test_a_field_name_pattern_the_engine_cannot_bound_is_refused_at_upload() -> None:
    problems = check_schema({"$schema": S, "type": "object",
                             "patternProperties": {"^(?!x)": {"type": "string"}}})
    assert [p.pointer for p in problems] == ["/patternProperties/^(?!x)"]


def test_pattern_names_with_unevaluated_properties_are_refused() -> None:
    # jsonschema matches patternProperties' names with Python's `re` for unevaluatedProperties.
    problems = check_schema({"$schema": S, "type": "object",
                             "patternProperties": {"^x_": {"type": "string"}},
                             "unevaluatedProperties": False})
    assert [p.message for p in problems] == [
        "Biểu mẫu không được dùng cùng lúc patternProperties và unevaluatedProperties."]


def test_a_pattern_written_as_data_is_not_mistaken_for_the_forms_expression() -> None:
    schema = _form({"type": "object", "default": {"pattern": "(?=x)"},
                    "properties": {"pattern": {"type": "string", "pattern": "^[0-9]{12}$"}}})
    assert check_schema(schema) == []


@pytest.mark.timeout(20)
def test_a_stored_form_with_an_expression_the_engine_cannot_run_refuses_instead_of_hanging() -> None:
    # A version stored before the check may hold one: the value is refused, nothing hangs.
    validator = FormValidator(_form({"type": "string", "pattern": "^(?=a)(a+)+$"}))
    assert [e.message for e in validator.validate({"x": "a" * 40 + "!"})] == [
        "Không đúng định dạng yêu cầu."]


def test_the_shipped_formats_still_match() -> None:
    validator = FormValidator(_form({"type": "string", "pattern": "^(0|\\+84)[0-9]{9,10}$"}))
    assert validator.validate({"x": "+84912345678"}) == []
    assert [e.field for e in validator.validate({"x": "0912"})] == ["x"]
