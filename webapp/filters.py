"""Filters: the Jinja display filters (Vietnamese dates, numbers, money) and the list
filters read from query strings (refusing what does not parse).

Display filters, registered by `init_app` (templates use them by name):

- ``vn_date``: a date, a datetime or an ISO string → ``15/01/2027`` (a moment in Vietnam time);
- ``vn_datetime``: a moment → ``17:00 ngày 14/12/2026`` (Vietnam time);
- ``vn_number``: ``1234.5`` or ``"1234.5"`` → ``1.234,5`` (dot thousands, decimal comma);
  ``vn_number(2)`` fixes the decimals;
- ``vn_money``: an amount in đồng → ``75.000 đồng``;
- ``fee_parts(amount)``: a payment's description that already ends with its amount
  («Lệ phí …: 75.000 đồng», «8.000 đồng × 3 bản = 24.000 đồng») → its words before the
  amount and the joiner (``": "``, ``" = "``), so a page prints the amount once.

Each returns ``""`` for ``None`` or ``""`` and gives back unchanged what is not a date or a
number (a display filter never breaks a page over a value a user typed).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import Flask

from engine.core import VN_TZ, Invalid
from engine.dossiers import ASSIGNED, INBOX_VIEWS, URGENCIES, InboxFilter
from webapp.text import vn_datetime


def init_app(app: Flask) -> None:
    """Register the display filters on the app's templates."""
    app.jinja_env.filters.update(
        vn_date=vn_date, vn_datetime=vn_datetime, vn_number=vn_number, vn_money=vn_money,
        fee_parts=fee_parts,
    )


def vn_date(value: object) -> str:
    """``2027-01-15`` (a date, a datetime in any zone, an ISO string) → ``15/01/2027``."""
    if value is None or value == "":
        return ""
    moment: date
    if isinstance(value, datetime):
        moment = value.astimezone(VN_TZ) if value.tzinfo else value
    elif isinstance(value, date):
        moment = value
    elif isinstance(value, str):
        try:
            moment = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            return value
        if isinstance(moment, datetime) and moment.tzinfo:
            moment = moment.astimezone(VN_TZ)
    else:
        return str(value)
    return f"{moment.day:02d}/{moment.month:02d}/{moment.year:04d}"


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def vn_number(value: object, places: int | None = None) -> str:
    """``1234.5`` → ``1.234,5``; with `places`, rounded half up to that many decimals."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign, digits = ("-", -number) if number < 0 else ("", number)
    whole, _, fraction = f"{digits:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def fee_parts(description: str | None, amount: object) -> tuple[str, str]:
    """A payment's description without the amount it ends with, and the joiner before the
    amount: ``("Lệ phí cấp phép", ": ")`` for «Lệ phí cấp phép: 75.000 đồng» of 75000;
    a description that does not end with it is kept whole, joined by ``": "``."""
    words, money = (description or "").strip(), vn_money(amount)
    for joiner in (" = ", ": "):
        if money and words.endswith(joiner + money):
            return words[: -len(joiner + money)], joiner
    return words, ": "


def vn_money(value: object) -> str:
    """An amount in đồng → ``75.000 đồng`` (rounded to the đồng)."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    return f"{vn_number(number, 0)} đồng"


LARGEST = 1_000_000_000  # bigger numbers are no page, status or limit, and overflow SQL integers


def _int(args: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"Tham số '{name}' phải là số nguyên.") from None
    if not 0 <= value <= LARGEST:
        raise Invalid(f"Tham số '{name}' phải từ 0 đến {LARGEST}.")
    return value


def _choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = args.get(name) or None
    if value is not None and value not in allowed:
        raise Invalid(f"Tham số '{name}' phải là một trong: {', '.join(allowed)}.")
    return value


def inbox_filter(args: Mapping[str, str]) -> InboxFilter:
    """The inbox filter of a request (`overdue=true` is kept as `urgency=overdue`)."""
    urgency = _choice(args, "urgency", URGENCIES)
    if urgency is None and (args.get("overdue") or "").lower() in ("1", "true", "yes"):
        urgency = "overdue"
    return InboxFilter(
        role=args.get("role") or None,
        procedure=args.get("procedure") or None,
        step=args.get("step") or None,
        status=_int(args, "status", None),
        urgency=urgency,
        channel=_choice(args, "channel", ("online", "desk", "post")),
        assigned=_choice(args, "assigned", ASSIGNED),
        search=(args.get("q") or "")[:100] or None,
        view=_choice(args, "view", INBOX_VIEWS),
        assignee=_int(args, "assignee", None),
        limit=_int(args, "limit", 50) or 50,
        offset=_int(args, "offset", 0) or 0,
    )
