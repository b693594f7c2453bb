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


def test_a_last_word_typed_half_way_finds_what_it_begins(client: FlaskClient) -> None:
    for typed in ("xây dựn", "giấy phe", "XAY DUNG NHA O RIENG L"):
        page = client.get(f"/?q={typed}").data.decode()
        assert "Không tìm thấy" not in page, typed
        assert names(page)[0] == PERMIT, typed
    for typed in ("khai sin", "trích lụ"):
        page = client.get(f"/?q={typed}").data.decode()
        assert names(page)[0] == EXTRACT, typed
        assert PERMIT not in names(page), typed


def test_wildcards_typed_are_plain_characters(client: FlaskClient) -> None:
    page = client.get("/?q=%25_ %25").data.decode()  # «%_ %»: no word, so every procedure
    assert names(page) == names(client.get("/").data.decode())
    assert names(client.get("/?q=x%25y%25").data.decode()) == []


def test_nothing_matching_says_so(client: FlaskClient) -> None:
    page = client.get("/?q=xe máy ô tô").data.decode()
    assert "Không tìm thấy thủ tục phù hợp với «xe máy ô tô»" in page


MINH_XUAN = "000.00.12.H64"
FIELD = "Hoạt động xây dựng"  # the building permit's


def options(page: str, select: str) -> list[str]:
    """The choices of a select of the page, as shown."""
    body = page.split(f'<select id="{select}"', 1)[1].split("</select>", 1)[0]
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", body)]


def test_browse_by_field_without_javascript(client: FlaskClient) -> None:
    page = client.get("/").data.decode()
    assert options(page, "linh_vuc")[0] == "Tất cả lĩnh vực"
    count = next(o for o in options(page, "linh_vuc") if o.startswith(f"{FIELD} ("))
    count = count.removeprefix(f"{FIELD} (").rstrip(")")
    page = client.get(f"/?linh_vuc={FIELD}").data.decode()
    assert PERMIT in names(page) and EXTRACT not in names(page)
    assert len(names(page)) == int(count)
    assert f"{count} thủ tục phù hợp, lĩnh vực {FIELD}" in page
    assert f'<option value="{FIELD}" selected>' in page


def test_browse_by_agency_and_words_together(client: FlaskClient) -> None:
    page = client.get(f"/?co_quan={MINH_XUAN}").data.decode()
    assert PERMIT in names(page) and EXTRACT in names(page)
    assert f'<option value="{MINH_XUAN}" selected>' in page
    page = client.get(f"/?co_quan={MINH_XUAN}&q=trich luc").data.decode()
    assert names(page)[0] == EXTRACT and PERMIT not in names(page)


def test_the_agency_directory_links_to_each_agency_procedures(client: FlaskClient) -> None:
    page = client.get("/co-quan").data.decode()
    link = re.search(rf'<a href="(/\?co_quan={re.escape(MINH_XUAN)})">Xem (\d+) thủ tục', page)
    assert link is not None
    listed = names(client.get(link.group(1)).data.decode())
    assert len(listed) == int(link.group(2)) and PERMIT in listed
