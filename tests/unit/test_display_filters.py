"""The display filters: Vietnamese dates, numbers and money as pages show them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask

from webapp.filters import init_app, vn_date, vn_money, vn_number
from webapp.text import vn_datetime


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2027-01-15", "15/01/2027"),
        (date(2027, 1, 5), "05/01/2027"),
        (datetime(2026, 12, 31, 18, 30, tzinfo=UTC), "01/01/2027"),  # 01:30 in Vietnam the next day
        ("2026-12-14T17:00:00+07:00", "14/12/2026"),
        (datetime(2026, 3, 2, 8, 0), "02/03/2026"),
        (None, ""),
        ("", ""),
        ("không phải ngày", "không phải ngày"),
    ],
)
def test_dates_are_day_month_year(value: object, shown: str) -> None:
    assert vn_date(value) == shown


def test_datetimes_are_hour_then_day_in_vietnam_time() -> None:
    assert vn_datetime("2026-12-14T10:05:00+00:00") == "17:05 ngày 14/12/2026"
    assert vn_datetime(None) == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (120.5, "120,5"),
        ("120.5", "120,5"),
        (1234.5, "1.234,5"),
        (1234567, "1.234.567"),
        (Decimal("-9876543.21"), "-9.876.543,21"),
        (0, "0"),
        (999, "999"),
        ("  42 ", "42"),
        (None, ""),
        ("", ""),
        ("abc", "abc"),
        (True, "True"),
        (float("nan"), "nan"),
    ],
)
def test_numbers_use_the_decimal_comma_and_dot_thousands(value: object, shown: str) -> None:
    assert vn_number(value) == shown


def test_numbers_with_fixed_decimals_round_half_up() -> None:
    assert vn_number(2.345, 2) == "2,35"
    assert vn_number(1000, 1) == "1.000,0"
    assert vn_number("1999.5", 0) == "2.000"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (75000, "75.000 đồng"),
        ("75000", "75.000 đồng"),
        (1500000, "1.500.000 đồng"),
        (0, "0 đồng"),
        (Decimal("2500.6"), "2.501 đồng"),
        (None, ""),
        ("miễn phí", "miễn phí"),
    ],
)
def test_money_is_whole_dong_with_dot_thousands(value: object, shown: str) -> None:
    assert vn_money(value) == shown


def test_the_filters_are_registered_on_the_app() -> None:
    app = Flask(__name__)
    init_app(app)
    template = app.jinja_env.from_string(
        "{{ d|vn_date }} {{ n|vn_number }} {{ m|vn_money }} {{ t|vn_datetime }}"
    )
    shown = template.render(d="2027-01-15", n="120.5", m=75000, t="2026-12-14T17:00:00+07:00")
    assert shown == "15/01/2027 120,5 75.000 đồng 17:00 ngày 14/12/2026"
