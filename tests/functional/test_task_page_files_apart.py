"""The task page's paper with two files in use shows them apart — a list, one item per file,
numbered «Tệp 1/2», «Tệp 2/2» — where they ran together with nothing between them; a paper
with one file keeps its plain look, and a replaced file stays out of the list."""

from __future__ import annotations

import re

from flask import Flask

from engine.core.models import Attachment
from engine.wiring import Platform
from tests.functional.test_appraisal_desk import _client, _dossier
from tests.functional.test_desk import PAPERS
from tests.helpers import task_for


def test_two_files_in_use_of_one_paper_are_two_items_of_a_list(
        app: Flask, platform: Platform) -> None:
    code, _, ids = _dossier(app)
    with platform.uow() as uow:  # a second file in use of the land paper, and a replaced one
        land = uow.session.get(Attachment, ids[1])
        assert land is not None
        uow.session.add_all([Attachment(
            dossier_id=land.dossier_id, paper=land.paper, filename=name,
            media_type=land.media_type, size=land.size, sha256=land.sha256,
            uploaded_by_id=land.uploaded_by_id, uploaded_at=land.uploaded_at,
            replaced_at=land.uploaded_at if replaced else None)
            for name, replaced in (("so-do-to-2.pdf", False), ("so-do-cu.pdf", True))])
        uow.commit()
    desk = _client(app, "motcua.minhxuan", pages=True)
    html = desk.get(f"/can-bo/cong-viec/{task_for(desk, code)['id']}").data.decode()
    papers = html[html.index('id="papers"'):].split("</section>")[0]
    articles = papers.split("<article")[1:]
    land_paper = next(a for a in articles if PAPERS[1] in a)
    listed = re.search(r'<ol class="paper-files">(.*?)</ol>', land_paper, re.S)
    assert listed is not None, land_paper
    items = re.findall(r'<li class="paper-file">(.*?)</li>', listed.group(1), re.S)
    assert len(items) == 2
    assert [re.search(r"<h4>([^<]+)</h4>", i).group(1) for i in items  # type: ignore[union-attr]
            ] == ["Tệp 1/2", "Tệp 2/2"]
    facts = [re.findall(r'<p class="file-facts">([^ ]+) ', i) for i in items]
    assert sorted(facts) == [["so-do-to-2.pdf"], ["so-do.pdf"]]  # one file in each
    assert "so-do-cu.pdf" not in listed.group(1)
    for single in (a for a in articles if PAPERS[1] not in a):  # one file: no list
        assert "paper-files" not in single and "Tệp 1/" not in single
