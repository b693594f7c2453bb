"""An existing JSON Schema form (and its UI schema) read back into the visual builder's
model (`forms.builder`), when the builder can show every part of it; otherwise why not,
so the designer's page opens the raw JSON ("Nâng cao") instead of losing anything."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.builder import _UNIT, FORMATS, PROSE_LENGTH, build
from forms.schemas import TOLD

_COMMON = {"type", "title", "description", TOLD}
_ALLOWED = {
    "text": _COMMON | {"minLength", "maxLength", "format", "pattern"},
    "number": _COMMON | {"minimum", "maximum", "exclusiveMinimum"},
    "date": _COMMON | {"format"},
    "choice": _COMMON | {"enum", "oneOf"},
    "yesno": _COMMON | {"const"},
    "group": _COMMON | {"properties", "required", "if", "then", "else"},
    "rows": _COMMON | {"items", "minItems", "maxItems"},
}
# Patterns older forms wrote for what is now a named format.
_PATTERNS = {"^[0-9]{12}$": "cccd", "^(0|\\+84)[0-9]{9,10}$": "phone"}
_FORMAT_NAMES = {v: k for k, v in FORMATS.items()}


class Unsupported(ValueError):
    """A part of the form the builder cannot show (Vietnamese reason)."""


def model_of(schema: Any, ui: Any = None) -> tuple[dict[str, Any] | None, str]:
    """(the builder's model, "") or (None, why the builder cannot show this form)."""
    if not isinstance(schema, Mapping) or schema.get("type") != "object":
        return None, "Biểu mẫu phải là một đối tượng JSON Schema."
    given = ui.get("fields") if isinstance(ui, Mapping) else None
    hints: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    listed = ui.get("order") if isinstance(ui, Mapping) else None
    order: list[Any] = listed if isinstance(listed, list) else []
    extra = set(schema) - _ALLOWED["group"] - {"$schema"}
    try:
        if extra:
            raise Unsupported(f"biểu mẫu dùng {', '.join(sorted(extra))}")
        fields = _fields(schema, [], hints)
    except Unsupported as exc:
        return None, f"Trình dựng biểu mẫu chưa hiển thị được: {exc}. Hãy sửa ở chế độ Nâng cao."
    rank = {name: i for i, name in enumerate(order)}
    fields.sort(key=lambda f: rank.get(f["name"], len(rank)))
    model = {"title": str(schema.get("title") or ""), "fields": fields}
    try:
        build(model)
    except ValueError as exc:
        return None, f"Trình dựng biểu mẫu chưa hiển thị được: {exc}. Hãy sửa ở chế độ Nâng cao."
    return model, ""


def _fields(schema: Mapping[str, Any], path: list[str], hints: Mapping[str, Any]) -> list[dict[str, Any]]:
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    if not isinstance(properties, Mapping):
        raise Unsupported("«properties» không phải đối tượng")
    found = [_field(name, sub, name in required, path, hints) for name, sub in properties.items()]
    condition = schema.get("if")
    if condition is None:
        if "then" in schema or "else" in schema:
            raise Unsupported("«then»/«else» không có «if»")
        return found
    tests = condition.get("properties") if isinstance(condition, Mapping) else None
    if not isinstance(tests, Mapping) or len(tests) != 1 or set(condition) - {"properties", "required"}:
        raise Unsupported("điều kiện «if» phức tạp hơn một trường")
    [(trigger, test)] = tests.items()
    if isinstance(test, Mapping) and "const" in test and len(test) == 1:
        values = [test["const"]]
    elif isinstance(test, Mapping) and isinstance(test.get("enum"), list) and len(test) == 1:
        values = list(test["enum"])
    else:
        raise Unsupported(f"điều kiện trên «{trigger}» không phải một danh sách giá trị")
    for keyword, negate in (("then", False), ("else", True)):
        branch = schema.get(keyword)
        if branch is None:
            continue
        if not isinstance(branch, Mapping) or set(branch) - {"properties", "required"}:
            raise Unsupported(f"nhánh «{keyword}» phức tạp")
        needed = set(branch.get("required") or [])
        for name, sub in (branch.get("properties") or {}).items():
            field = _field(name, sub, name in needed, path, hints)
            field["show_if"] = {"field": trigger, "values": values, "negate": negate}
            found.append(field)
        for name in sorted(needed - set(branch.get("properties") or {})):
            # A field declared above and required only in the branch: asked only then.
            same = [f for f in found if f["name"] == name and "show_if" not in f]
            field = same[0] if same else {}
            if not same or name in required or field["name"] == trigger:
                raise Unsupported(f"nhánh «{keyword}» bắt buộc trường «{name}»")
            field["required"] = True
            field["show_if"] = {"field": trigger, "values": values, "negate": negate}
    return found


def _kind(sub: Mapping[str, Any]) -> str:
    kind = sub.get("type")
    if kind == "string":
        choice = "enum" in sub or "oneOf" in sub
        return "date" if sub.get("format") == "date" else "choice" if choice else "text"
    if kind in ("number", "integer"):
        return "number"
    if kind == "boolean":
        return "yesno"
    if kind == "object":
        return "group"
    if kind == "array" and isinstance(sub.get("items"), Mapping) and sub["items"].get("type") == "object":
        return "rows"
    raise Unsupported(f"kiểu «{kind}»")


def _field(name: str, sub: Any, required: bool, path: list[str],
           hints: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(sub, Mapping):
        raise Unsupported(f"trường «{name}»")
    kind = _kind(sub)
    extra = set(sub) - _ALLOWED[kind]
    if extra:
        raise Unsupported(f"trường «{name}» dùng {', '.join(sorted(extra))}")
    dotted = ".".join([*path, name])
    found = hints.get(dotted)
    hint: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    field: dict[str, Any] = {"name": name, "label": str(sub.get("title") or name), "kind": kind,
                             "required": required}
    help_text = hint.get("help") or sub.get("description")
    if help_text:
        field["help"] = str(help_text)
    if sub.get(TOLD) is True:
        field["told"] = True
    if kind == "text":
        _text(field, sub, hint)
    elif kind == "number":
        _number(field, sub)
    elif kind == "choice":
        named = hint.get("labels")
        labels: Mapping[str, Any] = named if isinstance(named, Mapping) else {}
        field["options"] = _options(field["name"], sub, labels)
        field["display"] = _display(hint.get("widget"), len(field["options"]))
    elif kind == "yesno":
        field["must_be_yes"] = sub.get("const") is True
    elif kind == "group":
        field["fields"] = _fields(sub, [*path, name], hints)
    elif kind == "rows":
        field["fields"] = _fields(sub["items"], [*path, name], hints)
        field.update({k: sub[s] for k, s in (("min_rows", "minItems"), ("max_rows", "maxItems"))
                      if s in sub})
    return field


def _text(field: dict[str, Any], sub: Mapping[str, Any], hint: Mapping[str, Any]) -> None:
    if "pattern" in sub:
        if sub["pattern"] not in _PATTERNS:
            raise Unsupported(f"trường «{field['name']}» dùng biểu thức chính quy (pattern)")
        field["format"] = _PATTERNS[sub["pattern"]]
    if "format" in sub:
        if sub["format"] not in _FORMAT_NAMES:
            raise Unsupported(f"trường «{field['name']}» dùng định dạng {sub['format']}")
        field["format"] = _FORMAT_NAMES[sub["format"]]
    field["multiline"] = hint.get("widget") == "textarea" or int(sub.get("maxLength", 0)) >= 500
    for key, source in (("min_length", "minLength"), ("max_length", "maxLength")):
        if source in sub and not (key == "max_length" and field["multiline"]
                                  and sub[source] == PROSE_LENGTH):
            field[key] = sub[source]


def _number(field: dict[str, Any], sub: Mapping[str, Any]) -> None:
    field["integer"] = sub.get("type") == "integer"
    match = _UNIT.match(field["label"])
    if match:
        field["label"], field["unit"] = match["label"], match["unit"]
    for key in ("minimum", "maximum"):
        if key in sub:
            field[key] = sub[key]
    if "exclusiveMinimum" in sub:
        if sub["exclusiveMinimum"] != 0 or "minimum" in sub:
            raise Unsupported(f"trường «{field['name']}» dùng exclusiveMinimum khác 0")
        field["positive"] = True


def _display(widget: Any, options: int) -> str:
    """How a choice shows: the UI's widget, else as `forms.render` shows it (radios up to 3)."""
    if widget in ("radio", "select"):
        return str(widget)
    return "radio" if options <= 3 else "select"


def _options(name: str, sub: Mapping[str, Any], labels: Mapping[str, Any]) -> list[dict[str, str]]:
    """A choice's values and labels: `enum` with the UI's labels, or `oneOf` of titled consts."""
    if "enum" in sub:
        return [{"value": str(v), "label": str(labels.get(v, v))} for v in sub["enum"]]
    options = sub.get("oneOf")
    if not isinstance(options, list) or not all(
            isinstance(o, Mapping) and set(o) <= {"const", "title"} and isinstance(o.get("const"), str)
            for o in options):
        raise Unsupported(f"trường «{name}» dùng oneOf khác danh sách giá trị có tên")
    return [{"value": o["const"], "label": str(labels.get(o["const"], o.get("title") or o["const"]))}
            for o in options]
