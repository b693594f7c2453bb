"""«Hiệu lực từ» on a version's page is typed day first (01/12/2026) and as a time of day
(07:30), Vietnam time, like every other date an officer types: a wrong day is refused in
words with what was typed, the page shown again with it; a right one is the moment the
version takes effect. The JSON API keeps its ISO `effective_from`."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select

from admin.procedures import read_effective
from engine.core import VN_TZ
from engine.core.models import Agency, Procedure, ProcedureVersion
from engine.wiring import Platform
from tests.functional.test_review_queues import _browser, _page, _press, _status, _upload
from tests.helpers import MINH_XUAN, PERMIT, token


def test_a_wrong_day_is_refused_with_what_was_typed_and_a_right_one_takes_effect(
    app: Flask, platform: Platform,
) -> None:
    number = _upload(app)
    _press(_browser(app, "thietke.minhxuan"), number, "gui-xem-xet")
    _press(_browser(app, "xemxet.minhxuan"), number, "xem-xet", decision="accept")
    approver = _browser(app, "pheduyet.minhxuan")
    page = _press(approver, number, "phe-duyet")
    assert 'type="datetime-local"' not in page and 'id="effective_day"' in page
    refused = approver.post(f"{_page(number)}/cong-bo", data={
        "csrf_token": token(page.encode()), "effective_day": "12/31/2026", "effective_time": "7:30"})
    assert refused.status_code == 422
    html = refused.data.decode()
    assert ("«Hiệu lực từ» chưa đúng: nhập ngày/tháng/năm, ví dụ 15/01/2027 "
            "(đã nhập «12/31/2026»).") in html
    assert re.search(r'id="effective_day"[^>]*value="12/31/2026"', html)
    assert re.search(r'id="effective_time"[^>]*value="7:30"', html)
    assert _status(html) == "Đã phê duyệt"  # not published
    published = _press(approver, number, "cong-bo", effective_day="01/12/2026",
                       effective_time="7:30")
    assert "Hiệu lực từ 07:30 ngày 01/12/2026." in published
    with platform.uow() as uow:
        effective = uow.session.scalar(
            select(ProcedureVersion.effective_from).join(Procedure).join(Agency).where(
                Procedure.code == PERMIT, Agency.code == MINH_XUAN,
                ProcedureVersion.number == number))
    assert effective == datetime(2026, 12, 1, 7, 30, tzinfo=VN_TZ)


@pytest.mark.parametrize(("day", "clock", "moment"), [
    ("", "", None),  # now
    ("02/12/2026", "", datetime(2026, 12, 2, 0, 0, tzinfo=VN_TZ)),
    ("2/12/2026", "14h", datetime(2026, 12, 2, 14, 0, tzinfo=VN_TZ)),
])
def test_the_typed_moment_reads_as_vietnam_time(day: str, clock: str, moment: datetime | None) -> None:
    assert read_effective({"effective_day": day, "effective_time": clock}) == moment


@pytest.mark.parametrize(("day", "clock", "message"), [
    ("", "07:30", "«Hiệu lực từ» chưa đúng: nhập ngày/tháng/năm"),
    ("31/11/2026", "", "(đã nhập «31/11/2026»)"),
    ("01/12/2026", "25:00", "Giờ của «Hiệu lực từ» chưa đúng: nhập giờ:phút"),
])
def test_a_wrong_moment_says_what_to_type(day: str, clock: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        read_effective({"effective_day": day, "effective_time": clock})
