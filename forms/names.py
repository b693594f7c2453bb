"""Field names a form may use: the safe pattern, checked wherever a schema names a field.

A field's name becomes the input's ``name``, part of its ``id``, of the dotted paths in
errors and posted data, and of CSS selectors in the page's script. The renderer escapes
everything, but a name that is only letters, digits, ``_`` and ``-`` can never need it,
never splits a dotted path (``.``) and never collides with the row numbers (a leading
digit). The pattern:

- the first character is a letter (Vietnamese letters included): the page's own controls
  post names that start with ``_``, and those are never read as form data;
- the others are letters, combining diacritics (Vietnamese typed in decomposed form),
  the digits 0-9, ``_`` or ``-``;
- at most `MAX_NAME_LENGTH` characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

MAX_NAME_LENGTH = 64
_SHOWN = 80  # characters of a refused name quoted back in the message

NAME_RULE = (f'Tên trường chỉ gồm chữ cái (có thể có dấu tiếng Việt), chữ số, "_" và "-", '
             f'bắt đầu bằng chữ cái, dài tối đa {MAX_NAME_LENGTH} ký tự.')
# Names the form pages post beside the generated fields (CSRF token, chosen agency, draft
# key): a top-level field of the same name would be overwritten by them.
RESERVED_TOP_LEVEL = frozenset({"csrf_token", "agency", "nhap"})
_NAMING = re.compile(r"/(properties|required|dependentRequired|dependentSchemas)/[^/]*(/\d+)?$")
_DESCENDS = re.compile(r"/(properties|items|prefixItems|additionalProperties|patternProperties|"
                       r"unevaluatedProperties|unevaluatedItems|contains)(/|$)")

# Keywords whose value is one subschema, a list of them, or a mapping to them (draft 2020-12).
_ONE = ("items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains",
        "propertyNames", "not", "if", "then", "else")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAPPED = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")


def is_safe_name(name: object) -> bool:
    """Whether `name` follows the field-name pattern of this module."""
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME_LENGTH:
        return False
    first, rest = name[0], name[1:]
    if not first.isalpha():
        return False
    return all(c.isalpha() or c in "0123456789_-" or unicodedata.category(c) in ("Mn", "Mc")
               for c in rest)


def bad_field_names(schema: object) -> list[tuple[str, str]]:
    """Every field name in `schema` outside the pattern, as (JSON pointer, Vietnamese message):
    property names at any depth (nested objects, array items, `allOf`/`oneOf`/`anyOf`
    branches, `if`/`then`/`else`, `dependentSchemas`), and the names `required` and
    `dependentRequired` mention."""
    found: list[tuple[str, str]] = []
    for pointer, name in _names(schema, ""):
        if not is_safe_name(name):
            shown = str(name) if len(str(name)) <= _SHOWN else str(name)[: _SHOWN - 1] + "…"
            found.append((pointer, f"Tên trường «{shown}» không hợp lệ (tại {pointer}). {NAME_RULE}"))
        elif name in RESERVED_TOP_LEVEL and _top_level(pointer):
            found.append((pointer, f"Tên trường «{name}» trùng tên dành riêng của trang nộp hồ sơ "
                                   f"(tại {pointer}); hãy đặt tên khác."))
    return found


def _top_level(pointer: str) -> bool:
    """Whether the name at `pointer` is a field of the form itself (not of a nested object
    or a row), i.e. posted under its bare name."""
    return not _DESCENDS.search(_NAMING.sub("", pointer))


def _names(node: object, pointer: str) -> Iterator[tuple[str, object]]:
    """(pointer, name) of every field name a (sub)schema declares or mentions."""
    if not isinstance(node, Mapping):
        return
    props = node.get("properties")
    if isinstance(props, Mapping):
        for name in props:
            yield f"{pointer}/properties/{_token(name)}", name
    required = node.get("required")
    if isinstance(required, list):
        for index, name in enumerate(required):
            yield f"{pointer}/required/{index}", name
    dependent = node.get("dependentRequired")
    if isinstance(dependent, Mapping):
        for name, needed in dependent.items():
            yield f"{pointer}/dependentRequired/{_token(name)}", name
            for index, other in enumerate(needed if isinstance(needed, list) else []):
                yield f"{pointer}/dependentRequired/{_token(name)}/{index}", other
    schemas = node.get("dependentSchemas")
    if isinstance(schemas, Mapping):
        for name in schemas:
            yield f"{pointer}/dependentSchemas/{_token(name)}", name
    yield from _inside(node, pointer)


def _inside(node: Mapping[str, Any], pointer: str) -> Iterator[tuple[str, object]]:
    """The names of the subschemas of `node` (values such as `default` or `const` are data,
    not schemas, and are not looked into)."""
    for keyword in _ONE:
        yield from _names(node.get(keyword), f"{pointer}/{keyword}")
    for keyword in _MANY:
        branches = node.get(keyword)
        for index, branch in enumerate(branches if isinstance(branches, list) else []):
            yield from _names(branch, f"{pointer}/{keyword}/{index}")
    for keyword in _MAPPED:
        mapped = node.get(keyword)
        if isinstance(mapped, Mapping):
            for key, sub in mapped.items():
                yield from _names(sub, f"{pointer}/{keyword}/{_token(key)}")


def _token(name: object) -> str:
    """`name` as one reference token of a JSON pointer (RFC 6901: ~ and / escaped)."""
    return str(name).replace("~", "~0").replace("/", "~1")
