"""Checking a form's schema before it is stored: a usable draft 2020-12 object schema,
field names in the safe pattern (`forms.names`), regular expressions the linear-time engine
can run (`forms.patterns`), and references that resolve inside the form without a loop."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from forms import patterns
from forms.names import bad_field_names
from forms.problems import MAX_SCHEMA_DEPTH, SchemaProblem, nesting_depth


def check_schema(schema: object) -> list[SchemaProblem]:
    """Problems that make `schema` unusable as a form (empty list when it is fine)."""
    if not isinstance(schema, dict):
        return [SchemaProblem("Biểu mẫu phải là một đối tượng JSON Schema.", "")]
    problems: list[SchemaProblem] = []
    declared = schema.get("$schema")
    if declared is not None and "2020-12" not in str(declared):
        problems.append(SchemaProblem(
            f"Biểu mẫu phải theo JSON Schema draft 2020-12 (đang khai báo {declared}).", "/$schema"
        ))
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        pointer = "/" + "/".join(str(p) for p in exc.path)
        problems.append(SchemaProblem(f"JSON Schema không hợp lệ: {exc.message}", pointer))
        return problems
    if schema.get("type") != "object":
        problems.append(SchemaProblem('Biểu mẫu phải có "type": "object" ở gốc.', "/type"))
    if nesting_depth(schema, MAX_SCHEMA_DEPTH) > MAX_SCHEMA_DEPTH:
        problems.append(SchemaProblem("Biểu mẫu lồng nhau quá sâu.", ""))
    else:  # names become HTML ids and input names: only the safe pattern (forms/names.py)
        problems.extend(SchemaProblem(message, pointer) for pointer, message in bad_field_names(schema))
        problems.extend(_pattern_problems(schema))
        problems.extend(_reference_problems(schema))
        problems.extend(_told_problems(schema))
    return problems


# The annotation a designer puts on a field of a step's form whose answer the applicant is
# told (the decision, the permit's number): their dossier page, the officers' page and the
# dossier API list it. Any other field of a step's form stays among the officers.
TOLD = "x-told-to-applicant"


def _told_problems(schema: Mapping[str, Any]) -> list[SchemaProblem]:
    """A «Cho người nộp biết» mark that is not true or false, by where it is."""
    found: list[SchemaProblem] = []
    stack: list[tuple[object, str]] = [(schema, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"{pointer}/{i}") for i, item in enumerate(node))
        elif isinstance(node, dict):
            if TOLD in node and not isinstance(node[TOLD], bool):
                found.append(SchemaProblem(
                    f"Dấu «Cho người nộp biết» ({TOLD}) chỉ nhận true hoặc false.", f"{pointer}/{TOLD}"))
            stack.extend((value, f"{pointer}/{key}") for key, value in node.items()
                         if key not in ("const", "enum", "default", "examples"))
    return found


# Keywords whose sub-schemas apply to the same value (not to a part of it): a loop through
# them and `$ref` never reaches the end of the data and only ends in a RecursionError.
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONE = ("not", "if", "then", "else")


def _reference_problems(schema: Mapping[str, Any]) -> list[SchemaProblem]:
    """References a form may not hold, each named: anything but a local JSON pointer ("#",
    "#/$defs/dia_chi") to a schema of this document (nothing is fetched, no anchor or
    dynamic reference), and references that lead back to the same value in a loop."""
    found: list[SchemaProblem] = []
    edges: dict[str, list[str]] = {}
    stack: list[tuple[object, str]] = [(schema, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"{pointer}/{i}") for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key in ("const", "enum", "default", "examples"):
                continue
            here = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key == "$id" and pointer:  # a new base would re-anchor the "#/…" inside it
                found.append(SchemaProblem("Chỉ gốc biểu mẫu được khai báo $id.", here))
            elif key in ("$dynamicRef", "$recursiveRef"):
                found.append(SchemaProblem("Biểu mẫu không được dùng tham chiếu động "
                                           f"({key}).", here))
            elif key == "$ref":
                target = _pointer_target(schema, value)
                if target is None:
                    found.append(SchemaProblem(
                        f"Tham chiếu «{str(value)[:80]}» không trỏ tới một phần của biểu mẫu này "
                        "(chỉ dùng dạng \"#/$defs/ten\").", here))
                else:
                    edges.setdefault(pointer, []).append(target)
            elif key in _IN_PLACE_LISTS and isinstance(value, list):
                edges.setdefault(pointer, []).extend(f"{here}/{i}" for i in range(len(value)))
            elif key in _IN_PLACE_ONE:
                edges.setdefault(pointer, []).append(here)
            elif key == "dependentSchemas" and isinstance(value, dict):
                edges.setdefault(pointer, []).extend(
                    f"{here}/{str(k).replace('~', '~0').replace('/', '~1')}" for k in value)
            stack.append((value, here))
    loop = _loop(edges)
    if loop is not None:
        found.append(SchemaProblem("Tham chiếu $ref vòng lặp: phần biểu mẫu này dẫn lại chính nó "
                                   "mà không đi vào một trường con.", loop))
    return found


def _pointer_target(schema: Mapping[str, Any], ref: object) -> str | None:
    """The JSON pointer a local `$ref` names when it leads to a schema, else None."""
    if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
        return None
    target: Any = schema
    for part in ref[2:].split("/") if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            return None
    return ref[1:] if isinstance(target, dict | bool) else None


def _loop(edges: Mapping[str, list[str]]) -> str | None:
    """A node of `edges` that can reach itself (depth-first, without recursion), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in edges:
        if state.get(start):
            continue
        path: list[tuple[str, Iterator[str]]] = [(start, iter(edges.get(start, [])))]
        state[start] = 1
        while path:
            node, following = path[-1]
            step = next(following, None)
            if step is None:
                state[node] = 2
                path.pop()
            elif state.get(step) == 1:
                return step or "/"
            elif not state.get(step):
                state[step] = 1
                path.append((step, iter(edges.get(step, []))))
    return None


def _pattern_problems(schema: Mapping[str, Any]) -> list[SchemaProblem]:
    """Expressions the linear-time engine cannot run (forms/patterns.py), each named."""
    found: list[SchemaProblem] = []
    named = False
    for pointer, pattern in patterns.schema_patterns(schema):
        named = named or "/patternProperties/" in pointer
        message = patterns.pattern_problem(pattern)
        if message is not None:
            found.append(SchemaProblem(f"{message} («{pattern[:80]}»)", pointer))
    # jsonschema finds what unevaluatedProperties left over with Python's backtracking `re`
    # on patternProperties' names; the two together are not needed by a form.
    if named and _uses_unevaluated_properties(schema):
        found.append(SchemaProblem("Biểu mẫu không được dùng cùng lúc patternProperties và "
                                   "unevaluatedProperties.", ""))
    return found


_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")


def _uses_unevaluated_properties(schema: Mapping[str, Any]) -> bool:
    """Whether some sub-schema uses `unevaluatedProperties` (a field of that name does not)."""
    stack: list[object] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "unevaluatedProperties" in node:
                return True
            for key, value in node.items():
                if key in _SCHEMA_MAPS and isinstance(value, dict):
                    stack.extend(value.values())
                elif key not in ("const", "enum", "default", "examples"):
                    stack.append(value)
    return False
