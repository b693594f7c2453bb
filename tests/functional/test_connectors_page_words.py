"""The connectors page as the province administrator read it: «(mục «esign» trong cấu hình
kết nối)», «Bản rỗng (không gửi đi)», «Idempotency-Key» — words for programmers, and
nothing said about where the connections are configured."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from tests.helpers import login


def test_the_connectors_page_speaks_to_administrators(client: FlaskClient) -> None:
    login(client, "quantri")
    page = client.get("/quan-tri/ket-noi").data.decode()
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1])))
    for jargon in ("Idempotency", "Bản rỗng", "mục «"):
        assert jargon not in text, jargon
    assert "Chưa kết nối — chỉ ghi lại, không gửi đi" in text
    assert ("người vận hành máy chủ khai báo trong biến môi trường MOTCUA_CONNECTORS (nội dung "
            "cấu hình hoặc đường dẫn tới tệp cấu hình) rồi khởi động lại dịch vụ") in text
