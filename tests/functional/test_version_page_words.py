"""A version's page speaks the designer's, the reviewer's and the approver's language: files by
what they are («Biểu mẫu bước «…»», «Sơ đồ quy trình»), never by their file names in the text
(a file name stays as a tooltip or a small detail), and the decision tables read-only in
words — «từ 100 đến dưới 500», «dưới 100», «từ 500 trở lên», «Có»/«Không», «75.000 đồng»."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask

from tests.helpers import MINH_XUAN, PERMIT, login

PAGE = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1"


def _text(html: str) -> str:
    """What a reader sees: the page's text without its tags, attributes and scripts."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.DOTALL)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_version_page_names_forms_by_their_step_not_their_file(app: Flask) -> None:
    for who in ("thietke.minhxuan", "xemxet.minhxuan", "pheduyet.minhxuan"):
        client = app.test_client()
        login(client, who)
        page = client.get(PAGE)
        assert page.status_code == 200
        shown = _text(page.text)
        assert "Biểu mẫu bước «Thẩm định hồ sơ, đề xuất»" in shown, who
        assert not re.search(r"\w+\.(schema\.json|bpmn)\b", shown), re.findall(
            r"\S+\.(?:schema\.json|bpmn)", shown)
        assert 'title="tham_dinh.schema.json"' in page.text  # the file, as a detail


def test_the_version_page_shows_its_decision_table_in_words(app: Flask) -> None:
    client = app.test_client()
    login(client, "xemxet.minhxuan")
    shown = _text(client.get(PAGE).text)
    table = shown[shown.index("Bảng quyết định: Lệ phí"):]
    assert "Khi «Tổng diện tích sàn (m²)»" in table and "Thì «Lệ phí (đồng)»" in table
    for words in ("dưới 100 50.000 đồng Không", "từ 100 đến dưới 500 75.000 đồng Không",
                  "từ 500 trở lên 150.000 đồng Có"):
        assert words in table, words
    assert "<" not in table.split("Ca kiểm thử của gói")[0] and "True" not in table
