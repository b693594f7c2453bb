"""The platform's limits on submitted data, whatever a form says (see `submission_problems`):
a form describes what it wants; anything else — a field it does not declare, a 9 MB
"name", data nested a thousand levels deep — would be stored twice, shown to officers and
kept for years, so it is refused with the field named."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from forms import patterns
from forms.problems import BRANCH_KEYWORDS, CONDITION_KEYWORDS, MAX_SCHEMA_DEPTH, FieldError, dotted

# What the platform accepts in submitted data whatever a form says (see `submission_problems`):
# a text field without its own `maxLength`, a list without `maxItems`, a whole document.
MAX_TEXT_CHARS = 10_000
MAX_LIST_ROWS = 500
MAX_DATA_BYTES = 1024 * 1024
# Objects and lists inside one another: forms nest a few levels; deeper data only serves to
# exhaust the recursion of the validator, the process engine's copies and the JSON encoder.
MAX_DATA_DEPTH = 32

_FREE: Mapping[str, Any] = {"additionalProperties": True}  # stands for "anything goes"
# NUL and lone UTF-16 surrogates: PostgreSQL cannot store the first, no encoder the second.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_TEXT = "Có ký tự không hợp lệ (ký tự NUL hoặc mã UTF-16 lẻ); vui lòng xóa ký tự này."
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

