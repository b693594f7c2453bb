"""The civil-status extract's form says whose extract it is: the person the extract names
(for example her baby), and what the applicant is to that person."""

from __future__ import annotations

from flask import Flask

from tests.helpers import EXTRACT


def test_the_extract_form_says_whose_name_and_which_relation(app: Flask) -> None:
    page = app.test_client().get(f"/thu-tuc/{EXTRACT}?mot_trang=1").data.decode()
    assert "Người mà trích lục ghi tên" in page
    assert "ví dụ: con của bạn" in page
    assert "Bạn là gì của người đó" in page
    assert "Họ tên người được cấp bản sao trích lục" not in page
    assert "Quan hệ với người được cấp" not in page
