"""JSON text for storage and for outgoing messages, written by orjson (C, several times
faster than the standard library's `json`: a dossier's workflow state is written at every
step).

What orjson refuses — an integer beyond 64 bits, a key that is not a string, a type it
would write differently from `json` (dates, dataclasses) — goes to the standard library
instead, so the result is what `json.dumps` accepts and no value is silently changed.
NaN and the infinities never get here: the API refuses them in the request
(`webapp.errors.NonFiniteNumber`).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_STRICT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value: Any) -> str:
    """`value` as compact JSON text, characters kept as they are (UTF-8)."""
    try:
        return orjson.dumps(value, option=_STRICT).decode()
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dumps_sorted(value: Any) -> str:
    """`dumps` with the keys of every object in order (the same value, the same text)."""
    try:
        return orjson.dumps(value, option=_STRICT | orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
