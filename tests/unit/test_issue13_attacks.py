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


# A reference that leads nowhere, or back to the same value without entering a field, passed
# the schema check and then raised on every submission (a server error for each citizen).

@pytest.mark.parametrize(("reference", "pointer"), [
    ({"$ref": "#/nope"}, "/properties/x/$ref"),
    ({"$ref": "http://127.0.0.1:9/x.json"}, "/properties/x/$ref"),   # nothing is fetched
    ({"$ref": "#anchor"}, "/properties/x/$ref"),
    ({"$dynamicRef": "#meta"}, "/properties/x/$dynamicRef"),
    ({"$id": "khac", "type": "string"}, "/properties/x/$id"),
])
def test_a_reference_outside_the_form_is_refused_at_upload_instead_of_failing_each_submission(
        reference: dict[str, Any], pointer: str) -> None:
    problems = check_schema(_form(reference))
    assert [p.pointer for p in problems] == [pointer]


@pytest.mark.parametrize("schema", [
    _form({"$ref": "#/properties/x"}),
    {"$schema": S, "type": "object", "$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]},
                                                "b": {"not": {"$ref": "#/$defs/a"}}},
     "properties": {"x": {"$ref": "#/$defs/a"}}},
    {"$schema": S, "type": "object", "if": {"$ref": "#"}, "then": {"required": ["x"]}},
])
def test_a_reference_loop_on_one_value_is_refused_instead_of_recursing_on_each_submission(
        schema: dict[str, Any]) -> None:
    problems = check_schema(schema)
    assert len(problems) == 1
    assert "vòng lặp" in problems[0].message


def test_references_that_enter_a_field_each_time_are_still_accepted() -> None:
    tree = {"$schema": S, "type": "object",
            "$defs": {"nut": {"type": "object", "properties": {"ten": {"type": "string"},
                                                               "con": {"$ref": "#/$defs/nut"}}}},
            "properties": {"goc": {"$ref": "#/$defs/nut"}, "ban_sao": {"$ref": "#"}}}
    assert check_schema(tree) == []
    validator = FormValidator(tree)
    assert validator.validate_submission({"goc": {"ten": "a", "con": {"ten": "b"}}}) == []
    assert [e.field for e in validator.validate_submission({"goc": {"con": {"ten": 1}}})] == [
        "goc.con.ten"]


@pytest.mark.parametrize("number", [10**400, -(10**400), 10**400 + 1],
                         ids=["huge", "huge-negative", "huge-odd"])
def test_a_huge_integer_in_a_fractional_multiple_field_is_answered_not_a_server_error(
        number: int) -> None:
    validator = FormValidator(_form({"type": "number", "multipleOf": 0.5}))
    assert validator.validate_submission({"x": number}) == []
    assert [e.message for e in validator.validate_submission({"x": 0.25})] == [
        "Giá trị phải là bội số của 0.5."]
    stepped = FormValidator(_form({"type": "number", "multipleOf": 0.3}))
    assert [e.field for e in stepped.validate_submission({"x": number})] == ["x"]


def test_a_field_named_unevaluated_properties_is_not_the_keyword() -> None:
    schema = {"$schema": S, "type": "object", "patternProperties": {"^x_": {"type": "string"}},
              "properties": {"unevaluatedProperties": {"type": "string"}}}
    assert check_schema(schema) == []
