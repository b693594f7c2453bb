"""The small types and helpers every part of `forms/` shares: a problem with submitted
data (`FieldError`) or with a schema (`SchemaProblem`), dotted field paths, nesting depth."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_SCHEMA_DEPTH = 20
# Keywords whose sub-schemas may declare more fields of the same object.
BRANCH_KEYWORDS = ("allOf", "oneOf", "anyOf")
CONDITION_KEYWORDS = ("then", "else")


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



def dotted(parts: Iterable[Any]) -> str:
    """The dotted path of a field: lo_dat.dien_tich, don_vi_thiet_ke.0.ten."""
    return ".".join(str(p) for p in parts)


def nesting_depth(node: object, limit: int, level: int = 0) -> int:
    """How deeply JSON data nests (objects and lists), counting no further than `limit` + 1."""
    if level > limit:
        return level
    if isinstance(node, dict):
        return max([level, *(nesting_depth(v, limit, level + 1) for v in node.values())])
    if isinstance(node, list):
        return max([level, *(nesting_depth(v, limit, level + 1) for v in node)])
    return level
