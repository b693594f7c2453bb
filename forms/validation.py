"""Validating data against a form's JSON Schema (draft 2020-12), with Vietnamese messages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.validators import extend

from forms import patterns
from forms.names import bad_field_names

MAX_SCHEMA_DEPTH = 20
# What the platform accepts in submitted data whatever a form says (see `submission_problems`):
# a text field without its own `maxLength`, a list without `maxItems`, a whole document.
MAX_TEXT_CHARS = 10_000
MAX_LIST_ROWS = 500
MAX_DATA_BYTES = 1024 * 1024
# Objects and lists inside one another: forms nest a few levels; deeper data only serves to
# exhaust the recursion of the validator, the process engine's copies and the JSON encoder.
MAX_DATA_DEPTH = 32

_FORMATS = FormatChecker(formats=("date",))
# One "@" between a local part and a dotted domain, no space nor control character: the
# address becomes an e-mail header, where a line break is an injection or a refused message.
_EMAIL = re.compile(r"[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f.]+(\.[^@\x00-\x20\x7f.]+)+")


@_FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or (len(value) <= 254 and _EMAIL.fullmatch(value) is not None)


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        datetime.fromisoformat(value)
    return True


@_FORMATS.checks("vn-phone")
def _is_vn_phone(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"(0|\+84)[0-9]{9,10}", value) is not None


@_FORMATS.checks("cccd")
def _is_citizen_id(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"[0-9]{12}", value) is not None


@dataclass(frozen=True)
class FieldError:
    """One problem with submitted data: the field's dotted path ("" for the form) and a message."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """Plain dictionary for the HTTP API."""
        return {"field": self.field, "message": self.message}


@dataclass(frozen=True)
class SchemaProblem:
    """A form schema that is not a usable draft 2020-12 schema."""

    message: str
    pointer: str


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
    return problems


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


def _regex_error(pattern: str, matched: bool | None) -> ValidationError | None:
    if matched is None:  # a schema stored before expressions were checked: refuse, never hang
        return ValidationError(f"unsupported pattern {pattern!r}")
    return None


def _pattern(validator: Any, pattern: str, instance: object,
             schema: Mapping[str, Any]) -> Iterable[ValidationError]:
    if validator.is_type(instance, "string"):
        matched = patterns.search(pattern, str(instance))
        if not matched:
            yield _regex_error(pattern, matched) or ValidationError(
                f"{instance!r} does not match {pattern!r}")


def _names_matching(pattern: str, instance: Mapping[str, Any]) -> Iterable[str]:
    return [name for name in instance if patterns.search(pattern, name)]


def _pattern_properties(validator: Any, rules: Mapping[str, Any], instance: object,
                        schema: Mapping[str, Any]) -> Iterable[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    assert isinstance(instance, Mapping)
    for pattern, subschema in rules.items():
        if patterns.search(pattern, "") is None:
            yield ValidationError(f"unsupported pattern {pattern!r}")
            continue
        for name in _names_matching(pattern, instance):
            yield from validator.descend(instance[name], subschema, path=name,
                                         schema_path=pattern)


def _additional_properties(validator: Any, allowed: Any, instance: object,
                           schema: Mapping[str, Any]) -> Iterable[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    assert isinstance(instance, Mapping)
    declared = schema.get("properties", {})
    named = list(schema.get("patternProperties", {}))
    extras = [name for name in instance if name not in declared
              and not any(patterns.search(p, name) for p in named)]
    if validator.is_type(allowed, "object"):
        for name in extras:
            yield from validator.descend(instance[name], allowed, path=name)
    elif not allowed and extras:
        yield ValidationError(f"Additional properties are not allowed ({sorted(extras)!r})")


def _multiple_of(validator: Any, step: Any, instance: object,
                 schema: Mapping[str, Any]) -> Iterable[ValidationError]:
    if not validator.is_type(instance, "number"):
        return
    try:  # jsonschema divides in floats: a 400-digit integer over 0.5 overflows
        yield from list(_BASE_MULTIPLE_OF(validator, step, instance, schema))
    except OverflowError:
        assert isinstance(instance, int | float)
        if (Fraction(instance) / Fraction(step)).denominator != 1:
            yield ValidationError(f"{instance!r} is not a multiple of {step}")


_BASE_MULTIPLE_OF = Draft202012Validator.VALIDATORS["multipleOf"]

# Draft 2020-12 with every regular expression run by RE2 (forms/patterns.py) instead of `re`.
_Validator = extend(Draft202012Validator, {  # type: ignore[no-untyped-call]
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
    "multipleOf": _multiple_of,
})


def nesting_depth(node: object, limit: int, level: int = 0) -> int:
    """How deeply JSON data nests (objects and lists), counting no further than `limit` + 1."""
    if level > limit:
        return level
    if isinstance(node, dict):
        return max([level, *(nesting_depth(v, limit, level + 1) for v in node.values())])
    if isinstance(node, list):
        return max([level, *(nesting_depth(v, limit, level + 1) for v in node)])
    return level


class FormValidator:
    """A form's schema compiled once; `validate` may then run many times."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self._validator = _Validator(schema, format_checker=_FORMATS)

    def validate(self, data: object) -> list[FieldError]:
        """Every problem of `data`, one per field, in form order."""
        found: dict[str, FieldError] = {}
        for error in _leaves(self._validator.iter_errors(data)):
            item = _to_field_error(self.schema, error)
            found.setdefault(item.field, item)
        return list(found.values())

    def validate_submission(self, data: object) -> list[FieldError]:
        """`validate` plus the platform's limits on submitted data (`submission_problems`):
        undeclared fields and oversized text, lists or documents, each named."""
        limits = submission_problems(self.schema, data)
        if any(error.field == "" for error in limits):  # too large to be worth validating
            return limits
        found = {error.field: error for error in limits}
        for error in self.validate(data):
            found.setdefault(error.field, error)
        return list(found.values())


def validate_data(schema: Mapping[str, Any], data: object) -> list[FieldError]:
    """Every problem of `data` against `schema`, one per field, in form order."""
    return FormValidator(schema).validate(data)


def _leaves(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    """Prefer the specific errors inside if/then/allOf over their umbrella error, and for
    a choice (`oneOf`/`anyOf` told apart by a constant) the errors of the chosen branch."""
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        if error.validator in ("allOf", "if", "then", "else") and error.context:
            yield from _leaves(error.context)
        elif error.validator in ("oneOf", "anyOf") and error.context:
            chosen = chosen_branch(error.validator_value, error.instance)
            inside = [e for e in error.context if chosen is not None
                      and e.relative_schema_path and e.relative_schema_path[0] == chosen]
            if inside:
                yield from _leaves(inside)
            else:
                yield error
        else:
            yield error


def discriminator(options: object) -> str | None:
    """The property whose constant tells a choice's branches apart (`oneOf`/`anyOf` of
    objects that each fix the same property with `const`), if there is one."""
    if not isinstance(options, list) or not options:
        return None
    names: set[str] | None = None
    for option in options:
        props = option.get("properties") if isinstance(option, dict) else None
        if not isinstance(props, dict):
            return None
        fixed = {k for k, v in props.items() if isinstance(v, dict) and "const" in v}
        names = fixed if names is None else names & fixed
    return sorted(names)[0] if names else None


def chosen_branch(options: object, instance: object) -> int | None:
    """The index of the branch whose constant the data picked (None when none is)."""
    name = discriminator(options)
    if name is None or not isinstance(instance, dict) or not isinstance(options, list):
        return None
    for index, option in enumerate(options):
        if option["properties"][name]["const"] == instance.get(name):
            return index
    return None


def dotted(parts: Iterable[Any]) -> str:
    """The dotted path of a field: lo_dat.dien_tich, don_vi_thiet_ke.0.ten."""
    return ".".join(str(p) for p in parts)


def _to_field_error(schema: Mapping[str, Any], error: ValidationError) -> FieldError:
    path = list(error.absolute_path)
    kind = error.validator
    rule: Any = error.validator_value
    if kind == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else ""
        path.append(name)
        if field_schema(schema, path).get("const") is True:  # an unticked confirmation box
            return FieldError(dotted(path), _const_message(True, None))
        return FieldError(dotted(path), f"Vui lòng nhập «{_title(schema, path)}».")
    if kind == "dependentRequired":
        trigger = next((name for name, needed in (rule or {}).items()
                        if isinstance(needed, list) and isinstance(error.instance, dict)
                        and name in error.instance and any(n not in error.instance for n in needed)),
                       "")
        missing_name = next((n for n in (rule or {}).get(trigger, [])
                             if isinstance(error.instance, dict) and n not in error.instance), "")
        target = [*path, missing_name]
        return FieldError(dotted(target), f"Vui lòng nhập «{_title(schema, target)}» "
                                          f"khi đã nhập «{_title(schema, [*path, trigger])}».")
    if kind in ("oneOf", "anyOf") and discriminator(rule) is not None:
        name = discriminator(rule) or ""
        return FieldError(dotted([*path, name]),
                          f"Vui lòng chọn một trường hợp cho «{_title(schema, [*path, name])}».")
    message = _MESSAGES.get(str(kind))
    if message is None:
        text = "Giá trị không hợp lệ."
    elif callable(message):
        text = message(rule, error.instance)
    else:
        text = message.format(rule=rule)
    return FieldError(dotted(path), text)


def _type_message(rule: Any, _: Any) -> str:
    names = {
        "string": "chuỗi ký tự", "number": "số", "integer": "số nguyên",
        "boolean": "lựa chọn có/không", "object": "nhóm thông tin", "array": "danh sách",
        "null": "rỗng",
    }
    kinds = rule if isinstance(rule, list) else [rule]
    return "Phải là " + " hoặc ".join(names.get(str(k), str(k)) for k in kinds) + "."


def _format_message(rule: Any, _: Any) -> str:
    return {
        "email": "Địa chỉ thư điện tử không hợp lệ.",
        "date": "Ngày không hợp lệ (định dạng NNNN-TT-NN).",
        "date-time": "Thời điểm không hợp lệ.",
        "vn-phone": "Số điện thoại không hợp lệ.",
        "cccd": "Số định danh cá nhân phải gồm 12 chữ số.",
    }.get(str(rule), "Không đúng định dạng.")


def _const_message(rule: Any, _: Any) -> str:
    if rule is True:
        return "Bạn cần đánh dấu xác nhận mục này."
    return f"Giá trị phải là {rule!r}."


_MESSAGES: dict[str, Any] = {
    "type": _type_message,
    "format": _format_message,
    "const": _const_message,
    "minLength": "Cần ít nhất {rule} ký tự.",
    "maxLength": "Tối đa {rule} ký tự.",
    "pattern": "Không đúng định dạng yêu cầu.",
    "minimum": "Giá trị nhỏ nhất là {rule}.",
    "maximum": "Giá trị lớn nhất là {rule}.",
    "exclusiveMinimum": "Giá trị phải lớn hơn {rule}.",
    "exclusiveMaximum": "Giá trị phải nhỏ hơn {rule}.",
    "multipleOf": "Giá trị phải là bội số của {rule}.",
    "enum": "Vui lòng chọn một giá trị trong danh sách.",
    "oneOf": "Vui lòng chọn đúng một lựa chọn hợp lệ.",
    "anyOf": "Giá trị không khớp lựa chọn nào.",
    "minItems": "Cần ít nhất {rule} dòng.",
    "maxItems": "Tối đa {rule} dòng.",
    "uniqueItems": "Các dòng không được trùng nhau.",
    "additionalProperties": "Có trường không thuộc biểu mẫu.",
    "minProperties": "Cần ít nhất {rule} mục.",
    "maxProperties": "Tối đa {rule} mục.",
    "not": "Giá trị không được phép.",
}


BRANCH_KEYWORDS = ("allOf", "oneOf", "anyOf")
CONDITION_KEYWORDS = ("then", "else")


def properties_of(node: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every property an object schema may have: its own, then those its branches add
    (`allOf`, `oneOf`, `anyOf`, `if`/`then`/`else`, `dependentSchemas`), first one winning."""
    found: dict[str, Mapping[str, Any]] = {}
    own = node.get("properties")
    if isinstance(own, dict):
        found.update({k: v for k, v in own.items() if isinstance(v, dict)})
    branches: list[Any] = [node.get(k) for k in CONDITION_KEYWORDS]
    for keyword in BRANCH_KEYWORDS:
        if isinstance(node.get(keyword), list):
            branches.extend(node[keyword])
    if isinstance(node.get("dependentSchemas"), dict):
        branches.extend(node["dependentSchemas"].values())
    for branch in branches:
        if isinstance(branch, dict):
            for name, sub in properties_of(branch).items():
                found.setdefault(name, sub)
    return found


def field_schema(schema: Mapping[str, Any], path: Iterable[Any]) -> Mapping[str, Any]:
    """The sub-schema that describes the field at `path` ({} when unknown), looking into
    conditional and alternative branches too."""
    node: Mapping[str, Any] = schema
    for part in path:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            items = node.get("items")
            node = items if isinstance(items, dict) else {}
        else:
            node = properties_of(node).get(str(part), {})
    return node


def _title(schema: Mapping[str, Any], path: list[Any]) -> str:
    title = field_schema(schema, path).get("title")
    return str(title) if title else str(path[-1] if path else "")


# The platform's limits on submitted data. A form describes what it wants; anything else
# (a field it does not declare, a 9 MB "name") would be stored twice, shown to officers
# and kept for years, so it is refused with the field named.

_FREE: Mapping[str, Any] = {"additionalProperties": True}  # stands for "anything goes"
# NUL and lone UTF-16 surrogates: PostgreSQL cannot store the first, no encoder the second.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_TEXT = "Có ký tự không hợp lệ (ký tự NUL hoặc mã UTF-16 lẻ); vui lòng xoá ký tự này."
_SHOWN_NAME = 80


def submission_problems(schema: Mapping[str, Any], data: object) -> list[FieldError]:
    """What the platform refuses in submitted data whatever the form: a property the form
    does not declare at any level (unless that level allows more with
    `additionalProperties`/`unevaluatedProperties`), text over `MAX_TEXT_CHARS` where the
    form sets no `maxLength`, a list over `MAX_LIST_ROWS` rows where it sets no `maxItems`,
    and a document nested deeper than `MAX_DATA_DEPTH` or over `MAX_DATA_BYTES` once
    serialised (both reported for the form, field "")."""
    if data_depth(data) > MAX_DATA_DEPTH:
        return [FieldError("", f"Dữ liệu tờ khai lồng nhau quá sâu (tối đa {MAX_DATA_DEPTH} cấp).")]
    size = data_size(data)
    if size > MAX_DATA_BYTES:
        return [FieldError("", f"Dữ liệu tờ khai quá lớn ({size // 1024} KB, tối đa "
                               f"{MAX_DATA_BYTES // 1024} KB).")]
    found: list[FieldError] = []
    _limit(schema, schema, data, [], found)
    return found


def data_depth(data: object) -> int:
    """How many objects and lists `data` nests inside one another (walked without recursion,
    and no further than one level past `MAX_DATA_DEPTH`)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_DATA_DEPTH:
                return depth
            stack.extend((item, depth) for item in (value.values() if isinstance(value, dict)
                                                     else value))
    return deepest


def data_size(data: object) -> int:
    """The bytes `data` takes serialised as UTF-8 JSON (more than `MAX_DATA_BYTES` when it
    nests too deeply to serialise)."""
    try:
        return len(json.dumps(data, ensure_ascii=False, default=str).encode("utf-8",
                                                                           "surrogatepass"))
    except (ValueError, RecursionError):
        return MAX_DATA_BYTES + 1


def _limit(root: Mapping[str, Any], node: Mapping[str, Any], value: object, path: list[Any],
           found: list[FieldError]) -> None:
    node = _resolve(root, node)
    if isinstance(value, dict):
        declared = _declared(root, node, 0)
        patterns = _patterns(root, node, 0)
        extra = _extra(root, node, 0)
        for name, item in value.items():
            sub = declared.get(name)
            if sub is None:
                sub = next((s for p, s in patterns.items() if _matches(p, name)), extra)
            if _UNSTORABLE.search(name):
                found.append(FieldError(dotted(path), UNSTORABLE_TEXT))
            elif sub is None:
                shown = name if len(name) <= _SHOWN_NAME else name[:_SHOWN_NAME] + "…"
                found.append(FieldError(dotted([*path, shown]),
                                        f"Trường «{shown}» không có trong biểu mẫu."))
            else:
                _limit(root, sub, item, [*path, name], found)
    elif isinstance(value, list):
        if "maxItems" not in node and len(value) > MAX_LIST_ROWS:
            found.append(FieldError(dotted(path), f"Tối đa {MAX_LIST_ROWS} dòng "
                                                  f"(đã gửi {len(value)} dòng)."))
            return
        prefix = node.get("prefixItems")
        prefix = prefix if isinstance(prefix, list) else []
        items = node.get("items")
        rest = items if isinstance(items, dict) else _FREE if items in (None, True) else None
        for index, item in enumerate(value):
            sub = prefix[index] if index < len(prefix) and isinstance(prefix[index], dict) else rest
            if sub is not None:
                _limit(root, sub, item, [*path, index], found)
    elif isinstance(value, str) and _UNSTORABLE.search(value):
        found.append(FieldError(dotted(path), UNSTORABLE_TEXT))
    elif isinstance(value, str) and "maxLength" not in node and len(value) > MAX_TEXT_CHARS:
        found.append(FieldError(dotted(path), f"Tối đa {MAX_TEXT_CHARS} ký tự "
                                              f"(đã nhập {len(value)} ký tự)."))


def _resolve(root: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local `$ref` ("#/$defs/dia_chi") to the schema it names ({} when unknown)."""
    for _ in range(MAX_SCHEMA_DEPTH):
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return node
        target: Any = root
        for part in ref[1:].split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return {}
        merged = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **merged}
    return node


def _branches(root: Mapping[str, Any], node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The sub-schemas that may add properties to an object: conditions, choices, parts."""
    found: list[Any] = [node.get(k) for k in CONDITION_KEYWORDS]
    for keyword in BRANCH_KEYWORDS:
        if isinstance(node.get(keyword), list):
            found.extend(node[keyword])
    if isinstance(node.get("dependentSchemas"), dict):
        found.extend(node["dependentSchemas"].values())
    return [_resolve(root, b) for b in found if isinstance(b, dict)]


def _declared(root: Mapping[str, Any], node: Mapping[str, Any],
              level: int) -> dict[str, Mapping[str, Any]]:
    """Every property the object schema declares, its branches' included (first wins)."""
    found: dict[str, Mapping[str, Any]] = {}
    own = node.get("properties")
    if isinstance(own, dict):
        found.update({k: v for k, v in own.items() if isinstance(v, dict)})
        found.update({k: _FREE for k, v in own.items() if v is True})
    if level < MAX_SCHEMA_DEPTH:
        for branch in _branches(root, node):
            for name, sub in _declared(root, branch, level + 1).items():
                found.setdefault(name, sub)
    return found


def _patterns(root: Mapping[str, Any], node: Mapping[str, Any],
              level: int) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    own = node.get("patternProperties")
    if isinstance(own, dict):
        found.update({k: v if isinstance(v, dict) else _FREE for k, v in own.items()
                      if v is not False})
    if level < MAX_SCHEMA_DEPTH:
        for branch in _branches(root, node):
            for pattern, sub in _patterns(root, branch, level + 1).items():
                found.setdefault(pattern, sub)
    return found


def _extra(root: Mapping[str, Any], node: Mapping[str, Any],
           level: int) -> Mapping[str, Any] | None:
    """The schema of properties the designer explicitly allows beyond the declared ones
    (`additionalProperties`/`unevaluatedProperties` true or a schema), or None."""
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        allowed = node.get(keyword)
        if allowed is True:
            return _FREE
        if isinstance(allowed, dict):
            return allowed
    if level < MAX_SCHEMA_DEPTH:
        for branch in _branches(root, node):
            found = _extra(root, branch, level + 1)
            if found is not None:
                return found
    return None


def _matches(pattern: str, name: str) -> bool:
    return bool(patterns.search(pattern, name))
