"""Reading list filters from query strings, refusing what does not parse."""

from __future__ import annotations

from collections.abc import Mapping

from engine.core import Invalid
from engine.dossiers import ASSIGNED, URGENCIES, InboxFilter

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
        limit=_int(args, "limit", 50) or 50,
        offset=_int(args, "offset", 0) or 0,
    )
