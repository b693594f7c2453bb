"""Rendering an accessible HTML form from a JSON Schema and an optional UI schema.

The output is a fragment (fields only); the page wraps it in ``<form>`` with its
CSRF token and buttons. It works without JavaScript: repeatable groups add and
remove rows with submit buttons that the server handles (see `submission`).

UI schema (``forms/<name>.ui.json``)::

    {"order": ["field", ...],
     "fields": {"dotted.path": {"widget": "textarea|radio|select", "help": "...",
                                "labels": {"value": "label"}, "readonly": true}}}

Paths in ``fields`` leave out row numbers: ``don_vi_thiet_ke.ten``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from forms.submission import ADD, REMOVE
from forms.validation import FieldError

Json = Mapping[str, Any]


def render_form(
    schema: Json,
    ui: Json | None = None,
    values: Json | None = None,
    errors: Sequence[FieldError] = (),
) -> str:
    """HTML for every field of `schema`, filled with `values`, with `errors` beside fields."""
    ctx = _Context(schema, ui or {}, errors)
    parts = []
    if errors:
        parts.append(ctx.summary())
    parts.append(ctx.object_fields(schema, [], values or {}))
    return "\n".join(parts)


class _Context:
    def __init__(self, schema: Json, ui: Json, errors: Sequence[FieldError]) -> None:
        self.schema = schema
        self.ui_fields: Json = ui.get("fields", {}) if isinstance(ui.get("fields"), dict) else {}
        self.order: list[str] = list(ui.get("order", [])) if isinstance(ui.get("order"), list) else []
        self.errors = {e.field: e.message for e in errors}

    def summary(self) -> str:
        items = []
        for field, message in self.errors.items():
            target = _field_id(field.split(".")) if field else "form-top"
            label = escape(self._title_of(field)) if field else "Biểu mẫu"
            items.append(f'<li><a href="#{target}">{label}: {escape(message)}</a></li>')
        return (
            '<div class="error-summary" role="alert" tabindex="-1" id="error-summary">'
            f"<h2>Có {len(self.errors)} lỗi cần sửa</h2><ul>{''.join(items)}</ul></div>"
        )

    def _title_of(self, field: str) -> str:
        node: Any = self.schema
        for part in field.split("."):
            if part.isdigit():
                node = node.get("items", {}) if isinstance(node, dict) else {}
            else:
                props = node.get("properties", {}) if isinstance(node, dict) else {}
                node = props.get(part, {}) if isinstance(props, dict) else {}
        title = node.get("title") if isinstance(node, dict) else None
        return str(title or field)

    def ui(self, path: Sequence[str | int]) -> Json:
        key = ".".join(str(p) for p in path if not isinstance(p, int))
        found = self.ui_fields.get(key, {})
        return found if isinstance(found, dict) else {}

    def ordered(self, props: Json, path: Sequence[str | int]) -> list[str]:
        if path:
            return list(props)
        known = [name for name in self.order if name in props]
        return known + [name for name in props if name not in known]

    def object_fields(self, schema: Json, path: list[str | int], values: Any) -> str:
        props = schema.get("properties", {})
        if not isinstance(props, dict):
            return ""
        required = set(schema.get("required", [])) if isinstance(schema.get("required"), list) else set()
        values = values if isinstance(values, dict) else {}
        return "\n".join(
            self.field(props[name], [*path, name], values.get(name), name in required)
            for name in self.ordered(props, path)
            if isinstance(props[name], dict)
        )

    def field(self, schema: Json, path: list[str | int], value: Any, required: bool) -> str:
        kind = schema.get("type")
        if kind == "object":
            return self.group(schema, path, value, required)
        if kind == "array" and isinstance(schema.get("items"), dict):
            return self.rows(schema, path, value, required)
        return self.scalar(schema, path, value, required)

    def group(self, schema: Json, path: list[str | int], value: Any, required: bool) -> str:
        legend = escape(str(schema.get("title") or path[-1])) + _marker(required)
        inner = self.object_fields(schema, path, value)
        error = self.error_html(path)
        return f'<fieldset class="group"><legend>{legend}</legend>{error}{inner}</fieldset>'

    def rows(self, schema: Json, path: list[str | int], value: Any, required: bool) -> str:
        items: Json = schema["items"]
        rows = value if isinstance(value, list) and value else [{}]
        name = _name(path)
        legend = escape(str(schema.get("title") or path[-1])) + _marker(required)
        parts = [f'<fieldset class="rows" id="{_field_id(path)}"><legend>{legend}</legend>',
                 self.error_html(path)]
        for index, row in enumerate(rows):
            row_path = [*path, index]
            inner = (
                self.object_fields(items, row_path, row)
                if items.get("type") == "object"
                else self.scalar(items, row_path, row, False)
            )
            parts.append(
                f'<div class="row" id="{_field_id(row_path)}"><p class="row-title">Dòng {index + 1}</p>'
                f"{inner}"
                f'<button type="submit" class="secondary" name="{REMOVE}" value="{name}.{index}" '
                f'formnovalidate>Xóa dòng {index + 1}</button></div>'
            )
        parts.append(
            f'<button type="submit" class="secondary" name="{ADD}" value="{name}" formnovalidate>'
            "Thêm dòng</button></fieldset>"
        )
        return "".join(parts)

    def scalar(self, schema: Json, path: list[str | int], value: Any, required: bool) -> str:
        ui = self.ui(path)
        field_id = _field_id(path)
        label = escape(str(schema.get("title") or path[-1])) + _marker(required)
        described = []
        help_text = ui.get("help") or schema.get("description")
        help_html = ""
        if help_text:
            help_html = f'<p class="help" id="{field_id}-help">{escape(str(help_text))}</p>'
            described.append(f"{field_id}-help")
        error_html = self.error_html(path)
        if error_html:
            described.append(f"{field_id}-error")
        attrs = _aria(described, bool(error_html), required)
        if ui.get("readonly") or schema.get("readOnly"):
            attrs += " readonly"
        choices = _choices(schema, ui)
        if schema.get("type") == "boolean":
            control, label_for = self.boolean(schema, path, value, attrs, label)
            if label_for is None:
                return f'<div class="field">{control}{help_html}{error_html}</div>'
        elif choices is not None and (ui.get("widget") == "radio" or len(choices) <= 3):
            legend = f"<legend>{label}</legend>"
            return (f'<fieldset class="field choice" id="{field_id}"{attrs}>{legend}{help_html}'
                    f"{error_html}{_radios(path, choices, value)}</fieldset>")
        elif choices is not None:
            control = _select(path, choices, value, attrs)
        elif ui.get("widget") == "textarea":
            text = "" if value is None else escape(str(value))
            control = f'<textarea id="{field_id}" name="{_name(path)}" rows="4"{attrs}>{text}</textarea>'
        else:
            control = _input(schema, path, value, attrs)
        return (f'<div class="field"><label for="{field_id}">{label}</label>{help_html}'
                f"{control}{error_html}</div>")

    def boolean(
        self, schema: Json, path: list[str | int], value: Any, attrs: str, label: str
    ) -> tuple[str, str | None]:
        field_id = _field_id(path)
        if schema.get("const") is True:
            checked = " checked" if value is True else ""
            return (f'<input type="checkbox" id="{field_id}" name="{_name(path)}" value="true"'
                    f'{checked}{attrs}> <label for="{field_id}" class="inline">{label}</label>', None)
        radios = _radios(path, [(True, "Có"), (False, "Không")], value)
        return (f'<fieldset class="choice" id="{field_id}"{attrs}><legend>{label}</legend>'
                f"{radios}</fieldset>", None)

    def error_html(self, path: Sequence[str | int]) -> str:
        message = self.errors.get(".".join(str(p) for p in path))
        if message is None:
            return ""
        return f'<p class="error" id="{_field_id(path)}-error">{escape(message)}</p>'


def _marker(required: bool) -> str:
    if not required:
        return ""
    return ' <span class="required" aria-hidden="true">*</span><span class="sr-only"> (bắt buộc)</span>'


def _aria(described: list[str], invalid: bool, required: bool) -> str:
    attrs = ""
    if described:
        attrs += f' aria-describedby="{" ".join(described)}"'
    if invalid:
        attrs += ' aria-invalid="true"'
    if required:
        attrs += ' aria-required="true"'
    return attrs


def _name(path: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in path)


def _field_id(path: Sequence[str | int]) -> str:
    return "f-" + "-".join(str(p) for p in path)


def _choices(schema: Json, ui: Json) -> list[tuple[Any, str]] | None:
    labels = ui.get("labels", {}) if isinstance(ui.get("labels"), dict) else {}
    if isinstance(schema.get("enum"), list):
        return [(v, str(labels.get(str(v), v))) for v in schema["enum"]]
    options = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(options, list) and options and all(
        isinstance(o, dict) and "const" in o for o in options
    ):
        return [(o["const"], str(labels.get(str(o["const"]), o.get("title", o["const"]))))
                for o in options]
    return None


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and str(a).lower() == str(b).lower()


def _radios(path: Sequence[str | int], choices: list[tuple[Any, str]], value: Any) -> str:
    out = []
    for index, (option, text) in enumerate(choices):
        option_id = f"{_field_id(path)}-{index}"
        checked = " checked" if _same(option, value) else ""
        raw = "true" if option is True else "false" if option is False else str(option)
        out.append(
            f'<div class="option"><input type="radio" id="{option_id}" name="{_name(path)}" '
            f'value="{escape(raw)}"{checked}> <label for="{option_id}">{escape(text)}</label></div>'
        )
    return "".join(out)


def _select(path: Sequence[str | int], choices: list[tuple[Any, str]], value: Any, attrs: str) -> str:
    options = ['<option value="">— Chọn —</option>']
    for option, text in choices:
        selected = " selected" if _same(option, value) else ""
        options.append(f'<option value="{escape(str(option))}"{selected}>{escape(text)}</option>')
    return (f'<select id="{_field_id(path)}" name="{_name(path)}"{attrs}>'
            f'{"".join(options)}</select>')


def _input(schema: Json, path: Sequence[str | int], value: Any, attrs: str) -> str:
    kind = schema.get("type")
    fmt = schema.get("format")
    input_type = "text"
    extra = ""
    if kind in ("number", "integer"):
        # Text with a numeric keyboard, not type=number: Vietnamese write 15,5 and browsers'
        # number inputs refuse the comma; the server parses both and the schema judges.
        extra += ' inputmode="numeric"' if kind == "integer" else ' inputmode="decimal"'
    elif fmt == "email":
        input_type = "email"
    elif fmt == "date":
        input_type = "date"
    elif fmt in ("vn-phone",):
        input_type = "tel"
    if isinstance(schema.get("maxLength"), int):
        extra += f' maxlength="{schema["maxLength"]}"'
    if isinstance(schema.get("pattern"), str):
        extra += f' pattern="{escape(schema["pattern"])}"'
    text = "" if value is None else escape(str(value))
    return (f'<input type="{input_type}" id="{_field_id(path)}" name="{_name(path)}" '
            f'value="{text}"{extra}{attrs}>')


def render_summary(schema: Json, ui: Json | None, data: Json) -> str:
    """Read-only HTML of submitted data (a definition list), with labels from the schema."""
    ctx = _Context(schema, ui or {}, ())
    return _summary_object(ctx, schema, [], data)


def _summary_object(ctx: _Context, schema: Json, path: list[str | int], data: Any) -> str:
    props = schema.get("properties", {})
    if not isinstance(props, dict) or not isinstance(data, dict):
        return ""
    rows = []
    for name in ctx.ordered(props, path):
        if name not in data or not isinstance(props[name], dict):
            continue
        sub: Json = props[name]
        title = escape(str(sub.get("title") or name))
        value = data[name]
        if sub.get("type") == "object":
            inner = _summary_object(ctx, sub, [*path, name], value)
        elif sub.get("type") == "array" and isinstance(sub.get("items"), dict):
            items: Json = sub["items"]
            inner = "<ol>" + "".join(
                f"<li>{_summary_object(ctx, items, [*path, name, i], v)}</li>"
                for i, v in enumerate(value if isinstance(value, list) else [])) + "</ol>"
        else:
            inner = escape(_display(sub, ctx.ui([*path, name]), value))
        rows.append(f"<dt>{title}</dt><dd>{inner}</dd>")
    return f'<dl class="summary">{"".join(rows)}</dl>'


def _display(schema: Json, ui: Json, value: Any) -> str:
    if value is True:
        return "Có"
    if value is False:
        return "Không"
    for option, text in _choices(schema, ui) or []:
        if _same(option, value):
            return text
    return str(value)
