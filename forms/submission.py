"""Turning posted HTML form fields (dotted names) back into typed JSON data.

Values are coerced by the schema's types where they parse; anything that does not
parse is kept as text so that validation reports it with its field, instead of
being lost.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from forms.formats import field_format, parse_number, typed_value
from forms.validation import field_schema, properties_of

ADD = "_add_row"
REMOVE = "_remove_row"
MAX_FIELDS = 2000
MAX_ROWS = 100


@dataclass(frozen=True)
class FormSubmission:
    """The parsed data, plus the row action when the person pressed add/remove instead of send."""

    data: dict[str, Any]
    add_row: str | None = None
    remove_row: str | None = None

    @property
    def is_row_action(self) -> bool:
        """True when the post only asked to add or remove a repeatable row."""
        return self.add_row is not None or self.remove_row is not None


def parse_submission(schema: Mapping[str, Any], fields: Iterable[tuple[str, str]]) -> FormSubmission:
    """Build nested data from (name, value) pairs such as ("lo_dat.dien_tich", "120")."""
    data: dict[str, Any] = {}
    add_row = remove_row = None
    for count, (name, raw) in enumerate(fields):
        if count >= MAX_FIELDS:
            break
        if name == ADD:
            add_row = raw
            continue
        if name == REMOVE:
            remove_row = raw
            continue
        if name.startswith("_") or name == "csrf_token":
            continue
        parts: list[str | int] = [int(p) if is_index(p) else p for p in name.split(".")]
        if any(isinstance(p, int) and p >= MAX_ROWS for p in parts):
            continue
        leaf = field_schema(schema, parts)
        if not leaf and not _declared(schema, parts):
            continue
        value = _coerce(leaf, raw)
        if value is not None:
            _put(data, parts, value)
    cleaned = _clean(data)
    if remove_row is not None:
        _remove(cleaned, remove_row)
    if add_row is not None:
        _add(schema, cleaned, add_row)
    return FormSubmission(cleaned if isinstance(cleaned, dict) else {}, add_row, remove_row)


def is_index(part: str) -> bool:
    """A row number in a field's dotted name: ASCII digits, short ("²" passes isdigit() but
    not int(), and int() refuses 5,000 digits: a hostile name must not be a 500)."""
    return part.isascii() and part.isdigit() and len(part) <= 9


def _declared(schema: Mapping[str, Any], parts: list[str | int]) -> bool:
    parent = field_schema(schema, parts[:-1])
    props = parent.get("properties")
    return isinstance(props, dict) and parts[-1] in props


def _coerce(leaf: Mapping[str, Any], raw: str) -> Any:
    text = raw.strip()
    if text == "":
        return None
    kind = leaf.get("type")
    if kind == "boolean":
        if text.lower() in ("true", "on", "1", "có"):
            return True
        if text.lower() in ("false", "off", "0", "không"):
            return False
        return text
    if kind in ("integer", "number"):
        number = parse_number(text)
        if number is None:
            return text
        if number == number.to_integral_value() and number.as_tuple().exponent == 0:
            return int(number)  # "120" stays an integer; "120,0" is a number with a fraction
        as_float = float(number)
        return as_float if math.isfinite(as_float) else text
    if leaf.get("format") is None and field_format(leaf) is None:
        return raw
    return typed_value(leaf, text)


def _put(data: dict[str, Any], parts: list[str | int], value: Any) -> None:
    node: Any = data
    for part in parts[:-1]:
        node = node.setdefault(str(part), {})
        if not isinstance(node, dict):
            return
    node[str(parts[-1])] = value


def _clean(node: Any) -> Any:
    """Dictionaries keyed by row numbers become lists; empty rows and groups disappear."""
    if not isinstance(node, dict):
        return node
    cleaned = {k: _clean(v) for k, v in node.items()}
    cleaned = {k: v for k, v in cleaned.items() if v not in ({}, [], None)}
    if cleaned and all(is_index(k) for k in cleaned):
        return [cleaned[k] for k in sorted(cleaned, key=int)]
    return cleaned


def _lookup(data: dict[str, Any], dotted_path: str) -> tuple[Any, str] | None:
    parts = dotted_path.split(".")
    node: Any = data
    for part in parts[:-1]:
        if isinstance(node, dict):
            node = node.setdefault(part, {})
        elif isinstance(node, list) and is_index(part) and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node, parts[-1]


def _remove(data: dict[str, Any], dotted_path: str) -> None:
    found = _lookup(data, dotted_path)
    if found is None:
        return
    parent, last = found
    if isinstance(parent, list) and is_index(last) and int(last) < len(parent):
        parent.pop(int(last))


def _add(schema: Mapping[str, Any], data: dict[str, Any], dotted_path: str) -> None:
    parts: list[str | int] = [int(p) if is_index(p) else p for p in dotted_path.split(".")]
    if field_schema(schema, parts).get("type") != "array":
        return
    found = _lookup(data, dotted_path)
    if found is None:
        return
    parent, last = found
    if isinstance(parent, dict):
        rows = parent.get(last)
        rows = rows if isinstance(rows, list) else []
        if len(rows) < MAX_ROWS:
            rows.append({})
        parent[last] = rows


def keep_read_only(
    schema: Mapping[str, Any], ui: Mapping[str, Any] | None, posted: dict[str, Any],
    known: Mapping[str, Any],
) -> dict[str, Any]:
    """`posted` with every read-only field (``readOnly`` in the schema or ``readonly`` in the
    UI schema) set back to its `known` value: a browser cannot change what the form shows
    as fixed (pre-filled identity, values computed by the agency)."""
    fields = ui.get("fields", {}) if ui and isinstance(ui.get("fields"), dict) else {}
    return _keep(schema, fields, posted, known, [])


def _keep(
    schema: Mapping[str, Any], ui_fields: Mapping[str, Any], posted: dict[str, Any],
    known: Mapping[str, Any], path: list[str],
) -> dict[str, Any]:
    result = dict(posted)
    for name, sub in properties_of(schema).items():
        dotted_name = ".".join([*path, name])
        ui = ui_fields.get(dotted_name, {})
        if sub.get("readOnly") is True or (isinstance(ui, dict) and ui.get("readonly")):
            if name in known:
                result[name] = known[name]
            else:
                result.pop(name, None)
        elif sub.get("type") == "object" and isinstance(known.get(name), dict):
            inner = posted.get(name)
            result[name] = _keep(sub, ui_fields, inner if isinstance(inner, dict) else {},
                                 known[name], [*path, name])
    return result
