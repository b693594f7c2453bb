"""A number typed in a page form is a finite number or stays text (so the schema refuses
it in Vietnamese): Python's float() reads "nan" and "inf", which are not JSON."""

from __future__ import annotations

import math

import pytest

from forms import parse_submission, validate_data

SCHEMA = {"type": "object", "properties": {
    "dien_tich": {"type": "number", "title": "Diện tích (m²)", "exclusiveMinimum": 0}}}


@pytest.mark.parametrize("typed", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999"])
def test_a_number_field_typed_as_nan_or_infinity_is_refused_not_stored(typed: str) -> None:
    data = parse_submission(SCHEMA, [("dien_tich", typed)]).data
    value = data["dien_tich"]
    assert not (isinstance(value, float) and not math.isfinite(value)), value
    assert value == typed  # kept as typed, so the form shows it back with its error
    errors = validate_data(SCHEMA, data)
    assert [e.field for e in errors] == ["dien_tich"]


def test_an_ordinary_number_still_reads(typed: str = "120,5") -> None:
    assert parse_submission(SCHEMA, [("dien_tich", typed)]).data == {"dien_tich": 120.5}
