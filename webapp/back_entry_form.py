"""The desk page's back-entry (nhập bù): when the desk picks a declared outage and types the
true reception time, the paper dossier goes through `applicants.back_enter_paper_dossier`
instead of the ordinary reception (Đồng Tháp art. 21.4; Tuyên Quang art. 11.3)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import request

from engine import applicants, records
from engine.core import VN_TZ, Invalid
from forms.formats import read_moment
from webapp.context import uow

OUTAGE_FIELD, DAY_FIELD, CLOCK_FIELD = "gian_doan", "ngay_nhan", "gio_nhan"


def outages() -> list[dict[str, Any]]:
    """The declared outages the desk may back-enter in, newest first (at most ten)."""
    with uow() as work:
        return records.outage_windows(work, include_withdrawn=True)[:10]


def receiver() -> Callable[..., dict[str, Any]]:
    """The reception the posted form asks for: ordinary, or a back-entry with the outage and
    the true time typed (Vietnam time); `Invalid` when the time is missing or wrong."""
    outage = request.form.get(OUTAGE_FIELD, "")
    if not outage:
        return applicants.receive_paper_dossier
    try:
        true_time = read_moment(request.form.get(DAY_FIELD, "")[:40],
                                request.form.get(CLOCK_FIELD, "")[:40], "Ngày tiếp nhận thực tế")
        return partial(
            applicants.back_enter_paper_dossier,
            outage_id=int(outage),
            received_at=true_time.replace(tzinfo=VN_TZ),
        )
    except ValueError as exc:
        raise Invalid(str(exc)) from None
