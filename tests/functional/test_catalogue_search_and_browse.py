"""The public catalogue `/` as a citizen on a phone uses it: everyday words, no accents,
each word matched on its own, the best match first."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

PERMIT = "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
EXTRACT = "Cấp bản sao trích lục hộ tịch"


def names(page: str) -> list[str]:
    """The procedures listed, in order."""
    return re.findall(r"<h2><a [^>]*>([^<]+)</a></h2>", page)


def test_everyday_words_find_the_building_permit(client: FlaskClient) -> None:
    page = client.get("/?q=xin phép xây nhà").data.decode()
    assert "Không tìm thấy" not in page
    assert names(page)[0] == PERMIT


def test_words_without_accents_find_the_civil_status_extract(client: FlaskClient) -> None:
    page = client.get("/?q=trich luc khai sinh").data.decode()
    assert "Không tìm thấy" not in page
    assert names(page)[0] == EXTRACT
    assert PERMIT not in names(page)


def test_words_in_another_order_and_case(client: FlaskClient) -> None:
    page = client.get("/?q=XÂY DỰNG giấy phép").data.decode()
    assert names(page)[0] == PERMIT


def test_nothing_matching_says_so(client: FlaskClient) -> None:
    page = client.get("/?q=xe máy ô tô").data.decode()
    assert "Không tìm thấy thủ tục phù hợp với «xe máy ô tô»" in page
