"""The applicant's history on /ca-nhan/ho-so/<code> in plain sentences: an officer's working
document (its name, its event's code) never shows, nor any workflow word («Chuyển bước»,
«Hoàn thành bước») or the diagram's ids; a step's end and the next start share a line."""

from __future__ import annotations

import re

from flask import Flask

from tests.functional.test_appraisal_desk import _client, _dossier, _through_appraisal


def _timeline(html: str) -> str:
    found = re.search(r'<ol class="timeline" id="timeline">(.*?)</ol>', html, re.S)
    assert found is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def test_the_applicant_reads_sentences_and_no_officers_document(app: Flask) -> None:
    code, _, _ = _dossier(app)
    _through_appraisal(app, code)  # the specialist attached «du-thao-giay-phep.pdf»
    citizen = _client(app, "congdan", pages=True)
    html = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    timeline = _timeline(html)
    assert "Hiện hành" not in html and "Đang dùng" in html  # the files' notes, in plain words
    for internal in ("du-thao-giay-phep.pdf", "step_document_attached", "Chuyển bước",
                     "Hoàn thành bước", "Activity_", "tham_dinh", "Hiện hành"):
        assert internal not in timeline, timeline
    assert "Hồ sơ đã được tiếp nhận; chuyển sang thẩm định hồ sơ, đề xuất" in timeline
    assert "Hoàn tất thẩm định hồ sơ, đề xuất; chuyển sang xem xét, ký duyệt" in timeline
