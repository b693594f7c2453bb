"""Validating data against a form's JSON Schema (draft 2020-12), with Vietnamese messages.

Checking the schema itself is `forms.schemas`; the platform's limits on any submission,
whatever the form, are `forms.limits`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend

from forms import patterns
from forms.formats import FORMATS, Format, field_format
from forms.limits import submission_problems
from forms.problems import BRANCH_KEYWORDS, CONDITION_KEYWORDS, FieldError, dotted

_FORMATS = FormatChecker(formats=())


def _checker(known: Format) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        return not isinstance(value, str) or known.check(value)
    return check


for _known in FORMATS.values():  # the table of forms.formats: one checker per format
    _FORMATS.checks(_known.name)(_checker(_known))


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
_BASE_IF = Draft202012Validator.VALIDATORS["if"]


def condition_trigger(condition: Any) -> tuple[str, tuple[Any, ...]] | None:
    """The field and values an `if` tests, when it tests one field against constants."""
    if not isinstance(condition, dict) or not isinstance(condition.get("properties"), dict):
        return None
    for name, test in condition["properties"].items():
        if isinstance(test, dict) and "const" in test:
            return name, (test["const"],)
        if isinstance(test, dict) and isinstance(test.get("enum"), list):
            return name, tuple(test["enum"])
    return None


def _if(validator: Any, condition: Any, instance: object,
        schema: Mapping[str, Any]) -> Iterable[ValidationError]:
    """`if`/`then`/`else` as the form shows it: when the `if` tests a field against
    constants and that field is still empty, neither branch applies. (Plain JSON Schema
    would find the `if` true of an absent field and demand the `then` fields: the leader's
    "Số giấy phép" before any decision was made.) The field itself, when required, is
    reported as missing."""
    trigger = condition_trigger(condition)
    if (trigger is not None and isinstance(instance, Mapping)
            and instance.get(trigger[0]) in (None, "", [])):
        return
    yield from _BASE_IF(validator, condition, instance, schema)

# Draft 2020-12 with every regular expression run by RE2 (forms/patterns.py) instead of `re`.
_Validator = extend(Draft202012Validator, {  # type: ignore[no-untyped-call]
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
    "multipleOf": _multiple_of,
    "if": _if,
})




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
        verb = "chọn" if _is_choice(field_schema(schema, path)) else "nhập"
        return FieldError(dotted(path), f"Vui lòng {verb} «{_title(schema, path)}».")
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
    known = field_format(field_schema(schema, path)) if kind in ("format", "pattern") else None
    message = known.message if known is not None else _MESSAGES.get(str(kind))
    if message is None:
        text = "Giá trị không hợp lệ."
    elif callable(message):
        text = message(rule, error.instance)
    else:
        text = message.format(rule=rule)
    return FieldError(dotted(path), text)


def _type_message(rule: Any, instance: Any) -> str:
    names = {
        "string": "chuỗi ký tự", "number": "số", "integer": "số nguyên",
        "boolean": "lựa chọn có/không", "object": "nhóm thông tin", "array": "danh sách",
        "null": "rỗng",
    }
    kinds = rule if isinstance(rule, list) else [rule]
    if isinstance(instance, str) and kinds in (["integer"], ["number"]):
        # typed but not read as a number («3 bản», «chừng 80»): say what to type
        return "Chỉ nhập số, ví dụ: " + ("3" if kinds == ["integer"] else "120,5")
    return "Phải là " + " hoặc ".join(names.get(str(k), str(k)) for k in kinds) + "."


def _format_message(rule: Any, _: Any) -> str:
    known = FORMATS.get(str(rule))
    return known.message if known is not None else "Không đúng định dạng."


def _is_choice(node: Mapping[str, Any]) -> bool:
    """Whether a field is answered by choosing (radios, a list, boxes to tick): its
    missing answer reads "Vui lòng chọn", not "Vui lòng nhập"."""
    if node.get("type") == "boolean" or isinstance(node.get("enum"), list):
        return True
    options = node.get("oneOf") or node.get("anyOf")
    if isinstance(options, list) and options and all(
            isinstance(o, dict) and "const" in o for o in options):
        return True
    items = node.get("items")
    return node.get("type") == "array" and isinstance(items, dict) and _is_choice(items)


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
