"""The form renderer escapes everything a designer or a citizen wrote, and a form's field
names are limited to a safe pattern when its schema is checked.

A procedure's forms are written by one department's designer and shown, for a whole
province, to reviewers, approvers, citizens and officers: nothing in them may become markup.
`check_schema` now refuses hostile field names, but versions stored before that (and any
future path around the check) still go through the renderer, so it must escape on its own.
"""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest

from forms import FieldError, PaperSlot, check_schema, render_form, render_summary

# Each breaks out of a double-quoted attribute, a single-quoted one, or text.
NAME = 'q" autofocus onfocus="window.__pwned=1" x="'
NAME2 = "r' onmouseover='window.__pwned=2' y='"
TEXT = '</label><script>window.__pwned=3</script><img src=x onerror="window.__pwned=4">'
S = "https://json-schema.org/draft/2020-12/schema"

# Every attribute the renderer means to write; anything else was injected.
ALLOWED_ATTRIBUTES = {
    "id", "name", "for", "class", "type", "value", "checked", "selected", "readonly", "role",
    "tabindex", "href", "rows", "autocomplete", "inputmode", "maxlength", "pattern", "accept",
    "formnovalidate", "aria-describedby", "aria-invalid", "aria-required", "aria-hidden",
    "data-show-if", "aria-live", "hidden", "data-required-if-shown",
}
ALLOWED_TAGS = {
    "div", "fieldset", "legend", "label", "input", "select", "option", "textarea", "button",
    "p", "span", "h2", "ul", "ol", "li", "a", "dl", "dt", "dd",
}


def _injected(html: str) -> list[str]:
    """Every element or attribute in `html` the renderer would not write itself."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    found = []
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        if element.tag not in ALLOWED_TAGS:
            found.append(f"<{element.tag}>")
        found.extend(f"{element.tag}[{a}]" for a in element.attrib if a not in ALLOWED_ATTRIBUTES)
    return found


def _names(html: str) -> set[str]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return {str(e.get("name")) for e in root.iter() if e.get("name") is not None}


def _scalar(**more: Any) -> dict[str, Any]:
    return {"type": "string", "title": TEXT, "description": TEXT, **more}


CASES: list[tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, Any]]] = [
    ("text input", {"type": "object", "required": [NAME], "properties": {
        NAME: _scalar(maxLength=20, pattern='[a-z"<>]+')}}, None, {NAME: TEXT}),
    ("textarea", {"type": "object", "properties": {NAME: _scalar()}},
     {"fields": {NAME: {"widget": "textarea", "help": TEXT}}}, {NAME: TEXT}),
    ("password", {"type": "object", "properties": {NAME: _scalar()}},
     {"fields": {NAME: {"widget": "password", "readonly": True}}}, {NAME: TEXT}),
    ("select", {"type": "object", "properties": {NAME: _scalar(enum=[TEXT, NAME, NAME2, "d"])}},
     {"fields": {NAME: {"labels": {TEXT: TEXT, NAME: NAME2}}}}, {NAME: NAME}),
    ("radios", {"type": "object", "properties": {NAME: _scalar(enum=[TEXT, NAME2])}},
     {"fields": {NAME: {"widget": "radio", "labels": {NAME2: TEXT}}}}, {NAME: TEXT}),
    ("const choices", {"type": "object", "properties": {NAME: {"title": TEXT, "oneOf": [
        {"const": NAME2, "title": TEXT}, {"const": TEXT, "title": NAME}]}}}, None, {NAME: TEXT}),
    ("yes/no", {"type": "object", "properties": {NAME: {"type": "boolean", "title": TEXT}}},
     None, {NAME: True}),
    ("confirmation box", {"type": "object", "required": [NAME], "properties": {
        NAME: {"type": "boolean", "const": True, "title": TEXT, "description": TEXT}}}, None, {}),
    ("number", {"type": "object", "properties": {NAME: {"type": "number", "title": TEXT}}},
     None, {NAME: TEXT}),
    ("nested group", {"type": "object", "properties": {NAME: {
        "type": "object", "title": TEXT, "required": [NAME2],
        "properties": {NAME2: _scalar()}}}}, None, {NAME: {NAME2: TEXT}}),
    ("repeatable rows", {"type": "object", "properties": {NAME: {
        "type": "array", "title": TEXT, "items": {
            "type": "object", "properties": {NAME2: _scalar()}}}}},
     None, {NAME: [{NAME2: TEXT}, {NAME2: NAME}]}),
    ("repeatable scalars", {"type": "object", "properties": {NAME: {
        "type": "array", "title": TEXT, "items": _scalar()}}}, None, {NAME: [TEXT]}),
    ("if/then condition", {
        "type": "object", "properties": {NAME: _scalar(enum=[TEXT, "b"]), NAME2: _scalar()},
        "if": {"properties": {NAME: {"const": TEXT}}, "required": [NAME]},
        "then": {"required": [NAME2]}}, None, {}),
    ("dependent fields", {
        "type": "object", "properties": {NAME: _scalar(), NAME2: _scalar()},
        "dependentRequired": {NAME: [NAME2]}}, None, {NAME: TEXT}),
    ("choice of branches", {
        "type": "object", "properties": {NAME: {"type": "string", "title": TEXT}},
        "oneOf": [{"title": TEXT, "properties": {NAME: {"const": TEXT}, NAME2: _scalar()}},
                  {"title": NAME2, "properties": {NAME: {"const": NAME2}}}]}, None, {NAME: TEXT}),
]


@pytest.mark.parametrize(("schema", "ui", "values"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_a_field_name_cannot_inject_script_into_the_preview(
    schema: dict[str, Any], ui: dict[str, Any] | None, values: dict[str, Any]
) -> None:
    errors = [FieldError(NAME, TEXT), FieldError(f"{NAME}.{NAME2}", TEXT),
              FieldError(f"{NAME}.0.{NAME2}", TEXT), FieldError(NAME2, TEXT), FieldError("", TEXT)]
    for html in (render_form(schema, ui, values), render_form(schema, ui, values, errors),
                 render_summary(schema, ui, values)):
        assert _injected(html) == []
        assert "__pwned" not in "".join(
            v for e in lxml.html.fragment_fromstring(html, create_parent="div").iter()
            for k, v in e.attrib.items() if k.startswith("on"))


@pytest.mark.parametrize(("schema", "values", "expected"), [
    ({"type": "object", "properties": {NAME: _scalar()}}, {}, {NAME}),
    ({"type": "object", "properties": {NAME: {"type": "object", "properties": {NAME2: _scalar()}}}},
     {}, {f"{NAME}.{NAME2}"}),
    ({"type": "object", "properties": {NAME: {"type": "array", "items": {
        "type": "object", "properties": {NAME2: _scalar()}}}}}, {},
     {f"{NAME}.0.{NAME2}", "_add_row", "_remove_row"}),
])
def test_an_escaped_field_name_still_posts_under_its_own_name(
    schema: dict[str, Any], values: dict[str, Any], expected: set[str]
) -> None:
    assert _names(render_form(schema, None, values)) == expected


def test_the_condition_names_its_trigger_exactly_once_escaped() -> None:
    schema = {"type": "object", "properties": {NAME: _scalar(enum=[TEXT, "b"]), NAME2: _scalar()},
              "if": {"properties": {NAME: {"const": TEXT}}, "required": [NAME]},
              "then": {"required": [NAME2]}}
    root = lxml.html.fragment_fromstring(render_form(schema), create_parent="div")
    (box,) = root.xpath("//*[@data-show-if]")
    assert box.get("data-show-if") == ('{"field": "' + NAME.replace('"', '\\"') + '", '
                                       '"negate": false, "in": ["' + TEXT.replace('"', '\\"') + '"]}')


def test_hostile_papers_cannot_inject_markup() -> None:
    paper = PaperSlot(key=NAME, name=TEXT, required=True, limits=TEXT, accept=NAME2,
                      current=TEXT, stored=((NAME, TEXT), (NAME2, NAME)))
    html = render_form({"type": "object", "properties": {}}, papers=[paper],
                       errors=[FieldError("_paper." + NAME, TEXT)])
    assert _injected(html) == []
    assert _names(html) == {"_file." + NAME, "_stored." + NAME}


@pytest.mark.parametrize(("schema", "pointer"), [
    ({"type": "object", "properties": {NAME: {"type": "string"}}}, "/properties/" + NAME),
    ({"type": "object", "properties": {"lo_dat": {"type": "object", "properties": {
        "a<b": {"type": "string"}}}}}, "/properties/lo_dat/properties/a<b"),
    ({"type": "object", "properties": {"rows": {"type": "array", "items": {
        "type": "object", "properties": {"x y": {"type": "string"}}}}}},
     "/properties/rows/items/properties/x y"),
    ({"type": "object", "properties": {"a": {"type": "string"}},
      "oneOf": [{"properties": {"a": {"const": "1"}, "b.c": {"type": "string"}}}]},
     "/oneOf/0/properties/b.c"),
    ({"type": "object", "anyOf": [{"properties": {"1a": {"type": "string"}}}]},
     "/anyOf/0/properties/1a"),
    ({"type": "object", "if": {"properties": {"a/b": {"const": 1}}}}, "/if/properties/a~1b"),
    ({"type": "object", "then": {"required": ["x'"]}}, "/then/required/0"),
    ({"type": "object", "else": {"properties": {"": {"type": "string"}}}}, "/else/properties/"),
    ({"type": "object", "required": ["ok", "<b>"]}, "/required/1"),
    ({"type": "object", "dependentRequired": {"a&b": []}}, "/dependentRequired/a&b"),
    ({"type": "object", "dependentRequired": {"a": ["b", "c d"]}}, "/dependentRequired/a/1"),
    ({"type": "object", "dependentSchemas": {"a~b": {}}}, "/dependentSchemas/a~0b"),
    ({"type": "object", "allOf": [{"properties": {"x": {"type": "object", "properties": {
        "y=": {}}}}}]}, "/allOf/0/properties/x/properties/y="),
    ({"type": "object", "properties": {"a" * 65: {"type": "string"}}}, "/properties/" + "a" * 65),
])
def test_check_schema_refuses_a_hostile_field_name_with_its_path(
    schema: dict[str, Any], pointer: str
) -> None:
    problems = check_schema({"$schema": S, **schema})
    assert [p.pointer for p in problems] == [pointer]
    assert "Tên trường" in problems[0].message
    assert "chữ cái" in problems[0].message


def test_check_schema_names_the_hostile_field_in_its_message() -> None:
    (problem,) = check_schema({"type": "object", "properties": {NAME: {"type": "string"}}})
    assert NAME in problem.message
    assert problem.message.startswith("Tên trường «")


@pytest.mark.parametrize("name", [
    "họ_tên", "địa_chỉ_thường_trú", "Số_điện_thoại", "so-nha", "a", "x1", "a" * 64,
    "ho\u0323_te\u0302\u0301n",  # decomposed (NFD) Vietnamese, as some keyboards type it
])
def test_check_schema_accepts_vietnamese_field_names(name: str) -> None:
    schema = {"$schema": S, "type": "object", "required": [name],
              "properties": {name: {"type": "object", "properties": {name: {"type": "string"}}}},
              "dependentRequired": {name: [name]}}
    assert check_schema(schema) == []


def test_values_that_merely_look_like_schemas_are_not_checked_as_names() -> None:
    schema = {"type": "object", "properties": {"a": {
        "type": "object", "default": {"properties": {"x y": 1}, "required": ["<b>"]},
        "examples": [{"required": ["<i>"]}], "const": {"properties": {"z z": 1}}}}}
    assert check_schema(schema) == []


def test_a_field_starting_with_underscore_is_refused_because_pages_drop_such_posts() -> None:
    # The form pages post their own controls as "_action", "_file.…": a field named "_x"
    # could never be filled in the browser, so the schema may not declare one.
    (problem,) = check_schema({"type": "object", "properties": {"_noi_bo": {"type": "string"}}})
    assert problem.pointer == "/properties/_noi_bo"
    assert "bắt đầu bằng chữ cái" in problem.message


@pytest.mark.parametrize("name", ["csrf_token", "agency", "nhap"])
def test_a_top_level_field_cannot_take_a_name_the_page_posts_itself(name: str) -> None:
    schema = {"type": "object", "required": [name],
              "allOf": [{"properties": {name: {"type": "string"}}}],
              "properties": {name: {"type": "string"},
                             "lo_dat": {"type": "object", "properties": {name: {"type": "string"}}},
                             "hang": {"type": "array", "items": {
                                 "type": "object", "properties": {name: {"type": "string"}}}}}}
    pointers = [p.pointer for p in check_schema(schema)]
    # Nested and row fields post as "lo_dat.agency", "hang.0.agency": no clash there.
    assert pointers == [f"/properties/{name}", "/required/0", f"/allOf/0/properties/{name}"]
    assert all("dành riêng" in p.message for p in check_schema(schema))


def test_two_different_field_paths_never_share_an_element_id() -> None:
    schema = {"type": "object", "properties": {
        "a": {"type": "object", "properties": {"b-c": {"type": "string"}}},
        "a-b": {"type": "object", "properties": {"c": {"type": "string"}}}}}
    ids = [el.get("id") for el in lxml.html.fragment_fromstring(
        render_form(schema, {}), create_parent="div").iter() if el.get("id")]
    assert len(ids) == len(set(ids)), ids
