"""What a supplement request (form 02) asks for, and whether an answer gives it.

The desk writes the request as lines (`details.missing` of the `supplement_requested`
event): a line naming one of the procedure's papers asks for that paper (a new file of it,
uploaded after the request); any other line asks for a correction in the declaration or
explains something. An answer must carry a new file of every paper asked for; a request
asking for no paper needs at least one change (the declaration or any file) or the
applicant's explicit word that nothing needed changing (`confirmed_unchanged`). The
citizen's page, the API and the desk's «Nhận bổ sung» all go through
`dossiers.supplement`, so the rule is the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select

from engine.core.models import Attachment, Dossier, Event
from engine.core.uow import UnitOfWork

UNCHANGED_FIELD = "_unchanged"  # the error of an answer that changes nothing
UNCHANGED_WORDS = "Tôi đã kiểm tra, không cần sửa gì"
# A line shortened by the desk: «Bản cam kết bảo đảm an toàn…» still names the paper.
_ELLIPSIS = re.compile(r"(\u2026|\.{3})\s*$")
_MIN_SHORT_WORDS = 3  # a shortened line names a paper only from three words on


def _plain(text: str) -> str:
    """`text` compared loosely: one form of each letter, case and spacing ignored, no
    trailing punctuation."""
    folded = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return folded.rstrip(" .;:,")


def asked_papers(missing: Iterable[str], papers: Sequence[str]) -> list[str]:
    """The papers (names from `papers`, in their order) that the request's lines name: a
    line equal to the name, starting with it, or the name shortened with an ellipsis (at
    least three words, and only one paper starting so)."""
    named: set[str] = set()
    for line in missing:
        short = _ELLIPSIS.search(line.strip())
        wanted = _plain(_ELLIPSIS.sub("", line.strip()))
        for name in papers:
            plain = _plain(name)
            if wanted == plain or wanted.startswith(plain + " ") or wanted.startswith(
                    plain + "("):
                named.add(name)
        starting = [n for n in papers if _plain(n).startswith(wanted)]
        if short and len(wanted.split()) >= _MIN_SHORT_WORDS and len(starting) == 1:
            named.add(starting[0])
    return [name for name in papers if name in named]


def last_request(uow: UnitOfWork, dossier_id: int) -> Event | None:
    """The dossier's latest `supplement_requested` event."""
    return uow.session.scalar(select(Event).where(
        Event.dossier_id == dossier_id, Event.kind == "supplement_requested")
        .order_by(Event.id.desc()).limit(1))


def files_so_far(uow: UnitOfWork, dossier_id: int) -> int:
    """The id of the dossier's latest file (0 without one): the request keeps it, so
    that the answer's files are told from the earlier ones whatever the clock says."""
    return int(uow.session.scalar(select(func.max(Attachment.id)).where(
        Attachment.dossier_id == dossier_id)) or 0)


def new_files(uow: UnitOfWork, dossier_id: int, asked: Event | None) -> set[str]:
    """The papers with a current file attached since the request."""
    details = (asked.details or {}) if asked is not None else {}
    rows = select(Attachment).where(Attachment.dossier_id == dossier_id,
                                    Attachment.replaced_at.is_(None))
    if isinstance(details.get("files_before"), int):
        rows = rows.where(Attachment.id > details["files_before"])
    elif asked is not None:  # a request from before `files_before` was kept
        rows = rows.where(Attachment.uploaded_at >= asked.at)
    return {a.paper for a in uow.session.scalars(rows)}


def answer_problems(
    uow: UnitOfWork, dossier: Dossier, components: Sequence[dict[str, Any]],
    data: dict[str, Any], *, confirmed_unchanged: bool,
) -> list[dict[str, str]]:
    """What the answer still lacks: one problem per paper asked for without a new file
    (field `_paper.<index>`, the paper's place in the procedure's list), or — when no
    paper was asked for — the answer changing nothing and not saying so."""
    asked = last_request(uow, dossier.id)
    names = [str(c["name"]) for c in components]
    wanted = asked_papers((asked.details or {}).get("missing", []) if asked else [], names)
    given = new_files(uow, dossier.id, asked)
    problems = [{"field": f"_paper.{names.index(name)}", "paper": name,
                 "message": f"Bạn chưa tải lên «{name}» mà cơ quan yêu cầu."}
                for name in wanted if name not in given]
    if not wanted and not given and data == dossier.data and not confirmed_unchanged:
        problems.append({"field": UNCHANGED_FIELD, "message": (
            "Bạn chưa sửa nội dung nào và chưa tải lên giấy tờ nào. Hãy sửa theo yêu cầu "
            f"của cơ quan, hoặc đánh dấu «{UNCHANGED_WORDS}».")})
    return problems
