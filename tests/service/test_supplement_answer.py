"""An answer to a supplement request gives what form 02 asked for (walk report b4): a new
file of each paper the request names — an earlier file of it is what was asked again —
and, for a request naming no paper, a change or the applicant's word that nothing needed
changing. On the real engine, SQLite and PostgreSQL, with a clock that does not move (the
answer's files are told from the earlier ones without it)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.applicants.attachments import attach
from engine.applicants.drafts import Upload
from engine.applicants.supplement import NOT_KEPT, send_supplement
from engine.core.actors import ANONYMOUS, Actor
from engine.core.errors import FormInvalid
from engine.core.models import Attachment, Dossier
from engine.core.statuses import Status
from engine.dossiers import deadlines
from engine.dossiers import submit as dossiers
from engine.dossiers.deadlines import SupplementRequest
from engine.dossiers.supplement_answer import asked_papers
from engine.identity.accounts import authenticate
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS as REQUIRED
from tests.helpers import MINH_XUAN, PDF, PERMIT, permit_data

# The permit's fourth paper, optional, never uploaded at submission.
COMMITMENT = ("Bản cam kết bảo đảm an toàn đối với công trình liền kề (nhà ở có công trình "
              "liền kề)")
PAPERS = [*REQUIRED, COMMITMENT]


class Round:
    """One permit dossier with its drawings attached, asked for a supplement."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        with platform.uow() as uow:
            self.desk: Actor = authenticate(uow, username="motcua.minhxuan",
                                            password=DEMO_PASSWORD)
        with platform.uow() as uow:
            self.code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                                agency_code=MINH_XUAN, data=permit_data())["code"]
        self.attach(PAPERS[2], b"old drawing")

    def attach(self, paper: str, content: bytes) -> None:
        with self.platform.uow() as uow:
            attach(uow, actor=self.desk, code=self.code, paper=paper, filename="giay.pdf",
                   content=PDF + content)

    def ask(self, *missing: str) -> None:
        with self.platform.uow() as uow:
            deadlines.request_supplement(uow, actor=self.desk, code=self.code,
                                         request=SupplementRequest(list(missing)))

    def answer(self, data: dict[str, Any] | None = None, *, confirmed: bool = False
               ) -> dict[str, Any]:
        with self.platform.uow() as uow:
            return deadlines.supplement(uow, actor=self.desk, code=self.code,
                                        data=data or permit_data(), confirmed_unchanged=confirmed)

    def refused(self, data: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with pytest.raises(FormInvalid) as refused:
            self.answer(data)
        return list(refused.value.details or [])

    def send(self, uploads: list[Upload]) -> dict[str, Any]:
        with self.platform.uow() as uow:
            return send_supplement(uow, actor=self.desk, code=self.code, data=permit_data(),
                                   uploads=uploads)

    def refused_with(self, uploads: list[Upload]) -> list[dict[str, Any]]:
        with pytest.raises(FormInvalid) as refused:
            self.send(uploads)
        return list(refused.value.details or [])

    def files(self) -> list[tuple[str, str, bool]]:
        """The dossier's files, oldest first: paper, file name, current."""
        with self.platform.uow() as uow:
            return [(a.paper, a.filename, a.replaced_at is None) for a in uow.session.scalars(
                select(Attachment).join(Dossier, Attachment.dossier_id == Dossier.id)
                .where(Dossier.code == self.code).order_by(Attachment.id))]

    def status(self) -> int:
        with self.platform.uow() as uow:
            view = dossiers.get_dossier(uow, actor=self.desk, code=self.code)
        return int(view["status"])


def test_each_paper_asked_for_needs_its_file_and_nothing_is_sent_without_it(
    platform: Platform,
) -> None:
    one = Round(platform)
    one.ask(COMMITMENT, "Ghi rõ số tầng")
    problems = one.refused(permit_data(dia_chi_lien_he="Địa chỉ mới"))
    assert problems == [{"field": "_paper.3", "paper": COMMITMENT,
                         "message": f"Bạn chưa tải lên «{COMMITMENT}» mà cơ quan yêu cầu."}]
    assert one.status() == Status.SUPPLEMENT
    one.attach(COMMITMENT, b"commitment")
    assert one.answer()["status"] != Status.SUPPLEMENT


def test_a_paper_asked_again_needs_a_new_file_not_the_one_it_had(platform: Platform) -> None:
    one = Round(platform)
    one.ask("Bản vẽ thiết kế xây dựng…", "Bản vẽ mờ, chụp lại")
    assert [p["paper"] for p in one.refused()] == [PAPERS[2]]
    one.attach(PAPERS[2], b"a readable drawing")
    assert one.answer()["status"] != Status.SUPPLEMENT


def test_a_request_for_corrections_needs_a_change_or_the_word_that_none_was_needed(
    platform: Platform,
) -> None:
    one = Round(platform)
    one.ask("Sửa địa chỉ liên hệ cho đúng giấy tờ đất")
    assert [p["field"] for p in one.refused()] == ["_unchanged"]
    assert one.status() == Status.SUPPLEMENT
    assert one.answer(confirmed=True)["status"] != Status.SUPPLEMENT

    two = Round(platform)
    two.ask("Sửa địa chỉ liên hệ cho đúng giấy tờ đất")
    assert two.answer(permit_data(dia_chi_lien_he="Số 8 ngõ 3"))["status"] != Status.SUPPLEMENT


def test_the_request_names_a_paper_in_full_or_shortened_with_an_ellipsis() -> None:
    assert asked_papers([COMMITMENT], PAPERS) == [COMMITMENT]
    assert asked_papers(["  bản cam kết bảo đảm an toàn…"], PAPERS) == [COMMITMENT]
    assert asked_papers([PAPERS[2] + " (có chữ ký)"], PAPERS) == [PAPERS[2]]
    # a note is not a paper: too short, no ellipsis, or more than one paper starts so
    assert asked_papers(["Bản vẽ", "Bản vẽ mặt cắt có chữ ký", "Bản..."], PAPERS) == []


def test_a_refused_answer_stores_no_file_and_replaces_none(platform: Platform) -> None:
    """The files sent with an answer go with it: a file of the wrong type, or a paper asked
    for still missing, refuses the answer and the dossier's papers stay exactly as they were
    (explorer's report: the paper tried again listed as current and as replaced)."""
    one = Round(platform)
    one.ask(PAPERS[2], COMMITMENT)
    before = one.files()
    drawing = Upload("2", "ban-ve-moi.pdf", PDF + b"a readable drawing")
    for uploads in ([drawing, Upload("3", "cam-ket.pdf", b"GIF89a")], [drawing]):
        problems = one.refused_with(uploads)
        assert {p["field"] for p in problems} == {"_paper.2", "_paper.3"}
        assert next(p["message"] for p in problems if p["field"] == "_paper.2") == (
            NOT_KEPT.format(file="ban-ve-moi.pdf"))
        assert one.files() == before
        assert one.status() == Status.SUPPLEMENT
    answered = one.send([drawing, Upload("3", "cam-ket.pdf", PDF + b"commitment")])
    assert answered["status"] != Status.SUPPLEMENT
    assert one.files() == [*before[:-1], (PAPERS[2], "giay.pdf", False),
                           (PAPERS[2], "ban-ve-moi.pdf", True), (COMMITMENT, "cam-ket.pdf", True)]
