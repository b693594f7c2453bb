"""The report of a period without any dossier resolved: «Thời gian giải quyết theo thủ tục»
was a heading over an empty table (at 390 px, nothing at all under it); now it says so."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from tests.helpers import login


def test_a_period_without_resolved_dossiers_says_there_are_no_figures(client: FlaskClient) -> None:
    login(client, "quantri")
    page = client.get("/quan-tri/bao-cao?tu=01/01/2020&den=31/01/2020").data.decode()
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    assert ("Thời gian giải quyết theo thủ tục (ngày, từ khi tiếp nhận) Không có số liệu trong kỳ: "
            "chưa có hồ sơ nào được giải quyết.") in text
    assert 'id="durations"' not in page
