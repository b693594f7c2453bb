"""Durations in words, for designers who are not programmers: "10 ngày làm việc" ↔ ``P10D``.

The diagram keeps ISO-8601 (the one grammar of `bpmn.durations`, read by the engine's
calendar); designers read and type a number and a unit. Every unit the grammar has is here,
with the meaning the engine gives it:

| unit key          | words            | ISO-8601 |
|-------------------|------------------|----------|
| `working_days`    | ngày làm việc    | ``PnD``  |
| `working_weeks`   | tuần làm việc    | ``PnW``  (5 working days) |
| `working_hours`   | giờ làm việc     | ``PTnH`` |
| `working_minutes` | phút làm việc    | ``PTnM`` |
| `working_seconds` | giây làm việc    | ``PTnS`` |
| `months`          | tháng            | ``PnM``  (calendar months, Civil Code art. 147–148) |
| `years`           | năm              | ``PnY``  (calendar years) |

There are no calendar days in a step deadline or timer: ``D`` is always a working day of
the province's calendar (a procedure's total time may be in calendar days: that is
`processing_time`, not a duration). A mixed duration (``P1M2DT3H``) reads as its parts
joined ("1 tháng, 2 ngày làm việc và 3 giờ làm việc") and is parsed back from the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bpmn.durations import Duration, DurationError, parse_duration

__all__ = ["OFFERED", "UNITS", "Unit", "from_words", "parse_words", "single_unit", "to_iso", "to_words",
           "words_or_text"]


@dataclass(frozen=True)
class Unit:
    """One unit a designer picks: its key, its words, where it sits in ISO-8601."""

    key: str
    label: str
    field: str  # the `Duration` field it fills
    designator: str  # the ISO-8601 letter
    time_part: bool  # written after "T"

    def iso(self, number: int) -> str:
        """``P10D``, ``PT4H`` …"""
        return f"P{'T' if self.time_part else ''}{number}{self.designator}"


# In the order of the ISO-8601 text, which is also the order words are written in.
UNITS: tuple[Unit, ...] = (
    Unit("years", "năm", "years", "Y", False),
    Unit("months", "tháng", "months", "M", False),
    Unit("working_weeks", "tuần làm việc", "weeks", "W", False),
    Unit("working_days", "ngày làm việc", "days", "D", False),
    Unit("working_hours", "giờ làm việc", "hours", "H", True),
    Unit("working_minutes", "phút làm việc", "minutes", "M", True),
    Unit("working_seconds", "giây làm việc", "seconds", "S", True),
)
# What a designer picks for a new deadline or timer: an administrative procedure counts in
# working days and hours; the other units are still read (an older diagram keeps them).
OFFERED: tuple[str, ...] = ("working_days", "working_hours")
_BY_KEY = {unit.key: unit for unit in UNITS}
_BY_LABEL = {unit.label: unit for unit in UNITS}
# An unknown unit's error names only the offered ones (the older ones are read, not taught).
_OFFERED_WORDS = ", ".join(_BY_KEY[key].label for key in OFFERED)
# What a designer may also type: "ngày" alone is read as a working day (the engine has no
# other day in a duration), "tuần" as a working week, "giờ" as a working hour.
_ALIASES = {
    "ngày": "working_days",
    "tuần": "working_weeks",
    "giờ": "working_hours",
    "phút": "working_minutes",
    "giây": "working_seconds",
}
_PART = re.compile(r"^(\d+)\s*(\D+)$")
_SEPARATORS = re.compile(r",|\svà\s")


def to_iso(duration: Duration) -> str:
    """The ISO-8601 text of a parsed duration (``P0D`` for nothing at all)."""
    date = "".join(
        f"{getattr(duration, u.field)}{u.designator}"
        for u in UNITS
        if not u.time_part and getattr(duration, u.field)
    )
    time = "".join(
        f"{getattr(duration, u.field)}{u.designator}"
        for u in UNITS
        if u.time_part and getattr(duration, u.field)
    )
    if not date and not time:
        return "P0D"
    return f"P{date}{'T' + time if time else ''}"


def to_words(text: str) -> str:
    """ "10 ngày làm việc" for ``P10D``; raises `DurationError` (in Vietnamese) when `text`
    is not a duration the engine computes."""
    duration = parse_duration(text)
    parts = [f"{getattr(duration, u.field)} {u.label}" for u in UNITS if getattr(duration, u.field)]
    if not parts:
        return "0 ngày làm việc"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} và {parts[-1]}"


def words_or_text(text: str) -> str:
    """For pages: the words of a duration, or the text itself when it is not one (the
    validation report already names why)."""
    if not text:
        return ""
    try:
        return to_words(text)
    except DurationError:
        return text


def from_words(number: int | str, unit: str) -> str:
    """``P10D`` for (10, "working_days") — `unit` is a key or its words; raises
    `DurationError` for a number that is not a whole number ≥ 0, an unknown unit, or a
    duration beyond what the engine computes."""
    chosen = _BY_KEY.get(unit) or _BY_LABEL.get(unit.strip().lower())
    if chosen is None and unit.strip().lower() in _ALIASES:
        chosen = _BY_KEY[_ALIASES[unit.strip().lower()]]
    if chosen is None:
        raise DurationError(f"Đơn vị «{unit}» không có; chọn một trong: {_OFFERED_WORDS}.")
    value = str(number).strip()
    if not value.isdigit() or not value.isascii():
        raise DurationError(
            f"Số «{value}» phải là số nguyên không âm (ví dụ 10 {chosen.label}); "
            "số lẻ: đổi sang đơn vị nhỏ hơn (1,5 ngày = 12 giờ làm việc)."
        )
    iso = chosen.iso(int(value))
    parse_duration(iso)  # bounds: the same ceiling as any duration
    return iso


def parse_words(text: str) -> str:
    """The ISO-8601 text of a duration in words: "10 ngày làm việc", "2 tuần",
    "1 tháng, 2 ngày làm việc và 3 giờ làm việc"; raises `DurationError` otherwise."""
    value = " ".join(text.strip().lower().split())
    if not value:
        raise DurationError("Chưa nhập thời hạn (ví dụ 10 ngày làm việc).")
    matches = [_PART.match(part.strip()) for part in _SEPARATORS.split(value)]
    if not all(matches):
        raise DurationError(
            f"«{text.strip()[:60]}» không phải thời hạn: viết số rồi đơn vị, "
            "ví dụ 10 ngày làm việc, 4 giờ làm việc, 1 tháng."
        )
    fields: dict[str, int] = {}
    for number, words in (match.groups() for match in matches if match):
        if len(number) > 6:
            raise DurationError(f"Thời hạn «{text.strip()[:60]}» quá dài.")
        unit = _BY_LABEL.get(words.strip()) or _BY_KEY.get(_ALIASES.get(words.strip(), ""))
        if unit is None:
            raise DurationError(
                f"Đơn vị «{words.strip()}» không có; chọn một trong: {_OFFERED_WORDS}."
            )
        if unit.field in fields:
            raise DurationError(f"«{unit.label}» được viết hai lần.")
        fields[unit.field] = int(number)
    iso = to_iso(Duration(**fields))
    parse_duration(iso)
    return iso


def single_unit(text: str) -> tuple[int, str] | None:
    """(10, "working_days") for ``P10D``: the number and unit a form's two inputs show;
    None for a mixed duration or one the engine refuses."""
    try:
        duration = parse_duration(text)
    except DurationError:
        return None
    used = [u for u in UNITS if getattr(duration, u.field)]
    if len(used) > 1:
        return None
    if not used:
        return 0, "working_days"
    return getattr(duration, used[0].field), used[0].key
