"""The officers see the applicant's CURRENT papers (task H1): the task page and the dossier
page choose the files in use by the replaced mark, never as the newest row; a supplement
the desk receives at the counter and that is refused changes nothing — no new file, no
file marked replaced, no bytes written, nothing a later answer picks up.

On the engine, SQLite then PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from engine.applicants import attach
from engine.applicants.desk_scans import Scan
from engine.applicants.desk_supplement import receive_supplement_at_desk
from engine.applicants.storage import AttachmentStorage, S3Settings
from engine.core.clock import FixedClock
from engine.core.errors import FormInvalid
from engine.core.models import Attachment, AttachmentContent, Dossier, Task
from engine.dossiers.search import dossier_file
from engine.dossiers.tasks import get_task
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS
from tests.helpers import PDF, permit_data
from tests.service.test_legal_clock import Desk

DESK = "motcua.minhxuan"


class Bucket:
    """An S3 client that keeps what is written (the part `AttachmentStorage` uses)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put_object(self, **kwargs: Any) -> None:
        self.objects[str(kwargs["Key"])] = bytes(kwargs["Body"])

    def get_object(self, **kwargs: Any) -> Any:
        raise AssertionError("not read here")


@pytest.fixture
def bucket() -> Bucket:
    return Bucket()


@pytest.fixture
def in_s3(database_url: str, clock: FixedClock, bucket: Bucket) -> Iterator[Platform]:
    """The engine storing its files in an S3 bucket that shows every write."""
    made = Platform(database_url, clock=clock, storage=AttachmentStorage(
        "s3", s3=S3Settings(bucket="ho-so"), client=bucket))
    yield made
    made.dispose()


def _attached(desk: Desk, paper: str, name: str, content: bytes) -> None:
    with desk.platform.uow() as uow:
        attach(uow, actor=desk.actor(DESK), code=desk.code, paper=paper, filename=name,
               content=content)


def _rows(platform: Platform, code: str) -> list[tuple[int, str, str, object]]:
    with platform.uow() as uow:
        return [(a.id, a.paper, a.filename, a.replaced_at) for a in uow.session.scalars(
            select(Attachment).join(Dossier, Attachment.dossier_id == Dossier.id)
            .where(Dossier.code == code).order_by(Attachment.id))]


def _shown(desk: Desk) -> list[tuple[str, list[str], list[str]]]:
    """Each paper as the task page lists it: its files in use, its earlier versions."""
    with desk.platform.uow() as uow:
        task_id = uow.session.scalar(select(Task.id).join(Task.dossier).where(
            Dossier.code == desk.code).order_by(Task.id.desc()).limit(1))
    with desk.platform.uow() as uow:
        view = get_task(uow, actor=desk.actor("chuyenvien.minhxuan"), task_id=int(task_id or 0))
    return [(p["paper"], [f["filename"] for f in p["currents"]],
             [f["filename"] for f in p["earlier"]]) for p in view["papers"]]


def test_the_papers_in_use_are_chosen_by_the_replaced_mark_not_as_the_newest_row(
        platform: Platform, clock: FixedClock) -> None:
    desk = Desk(platform, clock)
    _attached(desk, PAPERS[0], "don.pdf", PDF)
    _attached(desk, PAPERS[1], "so-do.pdf", PDF + b"%1\n")
    _attached(desk, PAPERS[2], "ban-ve-1.pdf", PDF + b"%2\n")
    with platform.uow() as uow:  # rows as an import from a former system writes them:
        first = uow.session.scalars(select(Attachment).where(
            Attachment.paper == PAPERS[1])).one()
        drawing = uow.session.scalars(select(Attachment).where(
            Attachment.paper == PAPERS[2])).one()

        def row(paper: str, name: str, replaced: bool) -> Attachment:
            return Attachment(dossier_id=first.dossier_id, paper=paper, filename=name,
                              media_type="application/pdf", size=first.size,
                              sha256=first.sha256, uploaded_by_id=first.uploaded_by_id,
                              uploaded_at=clock.now(),
                              replaced_at=clock.now() if replaced else None)
        # the land paper's earlier version written after the file in use, and a second
        # sheet of the drawings (a paper of several files), both newer rows
        uow.session.add_all([row(PAPERS[1], "so-do-cu.pdf", True),
                             row(PAPERS[2], "ban-ve-2.pdf", False)])
        drawing_id = drawing.id
        uow.commit()
    desk.receive()
    expected = [(PAPERS[0], ["don.pdf"], []), (PAPERS[1], ["so-do.pdf"], ["so-do-cu.pdf"]),
                (PAPERS[2], ["ban-ve-2.pdf", "ban-ve-1.pdf"], [])]
    assert _shown(desk) == expected
    with platform.uow() as uow:  # the officers' dossier page, by the same rule
        papers = dossier_file(uow, actor=desk.actor(DESK), code=desk.code)["papers"]
    assert [(p["paper"], [f["filename"] for f in p["currents"]],
             [f["filename"] for f in p["earlier"]]) for p in papers] == expected
    assert papers[1]["current"]["filename"] == "so-do.pdf"
    assert papers[2]["current"]["filename"] == "ban-ve-2.pdf"
    assert drawing_id in [f["id"] for f in papers[2]["currents"]]


def _refused(platform: Platform, desk: Desk, data: dict[str, Any], scans: list[Scan],
             papers: list[str]) -> list[dict[str, str]]:
    with pytest.raises(FormInvalid) as refused:
        receive_supplement_at_desk(platform.uow, actor=desk.actor(DESK), code=desk.code,
                                   data=data, papers=papers, scans=scans)
    return list(refused.value.details or [])


def test_a_refused_desk_supplement_changes_nothing_and_writes_no_bytes(
        in_s3: Platform, clock: FixedClock, bucket: Bucket) -> None:
    desk = Desk(in_s3, clock)
    for index, paper in enumerate(PAPERS):
        _attached(desk, paper, f"giay-{index}.pdf", PDF + f"%{index}\n".encode())
    desk.receive()
    desk.request_supplement(PAPERS[2])
    rows, shown, written = _rows(in_s3, desk.code), _shown(desk), dict(bucket.objects)
    with in_s3.uow() as uow:
        contents = len(uow.session.scalars(select(AttachmentContent.sha256)).all())
    no_name = permit_data()
    no_name.pop("ho_ten")
    new_drawing = Scan(PAPERS[2], "ban-ve-moi.pdf", PDF + b"ban ve moi")
    tries = [  # a field of the form wrong; then the paper asked for not brought
        (no_name, [new_drawing], [PAPERS[2]], "f-ho_ten"),
        (permit_data(), [Scan(PAPERS[1], "so-do-moi.pdf", PDF + b"so do moi")], [PAPERS[1]],
         "scan.2")]
    for data, scans, handed, wrong in tries:
        problems = _refused(in_s3, desk, data, scans, handed)
        fields = {p["field"] for p in problems}
        assert wrong in fields or wrong.removeprefix("f-") in fields, problems
        assert _rows(in_s3, desk.code) == rows
        assert _shown(desk) == shown
        assert bucket.objects == written
        kept = scans[0]  # the good scan is said not kept, to be chosen again
        assert any(f"Bản quét «{kept.filename}» chưa được lưu" in p["message"]
                   for p in problems), problems
        with in_s3.uow() as uow:
            assert len(uow.session.scalars(select(AttachmentContent.sha256)).all()) == contents
            assert uow.session.scalar(select(Dossier.status).where(
                Dossier.code == desk.code)) == 5
    # nothing held over: an answer without the drawing is still refused as lacking it
    problems = _refused(in_s3, desk, permit_data(), [], [])
    assert any(p["field"] == "scan.2" and "còn thiếu" in p["message"] for p in problems)
    done = receive_supplement_at_desk(in_s3.uow, actor=desk.actor(DESK), code=desk.code,
                                      data=permit_data(), papers=[PAPERS[2]],
                                      scans=[new_drawing])
    assert done["status"] != 5 and done["received_now"] is False
    assert _shown(desk)[2] == (PAPERS[2], ["ban-ve-moi.pdf"], ["giay-2.pdf"])
    assert len(bucket.objects) == len(written) + 1
