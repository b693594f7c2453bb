"""Phản ánh, kiến nghị (PAKN): a citizen's complaint or suggestion about one of their
dossiers or about a procedure; the competent agency's officers answer it, and answered
feedback is published (title, content, answer, agency — never the sender).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, FormInvalid, NotFound
from engine.core.models import Agency, Dossier, Feedback
from engine.core.permissions import is_citizen, is_officer, is_officer_of, owns
from engine.core.uow import UnitOfWork
from engine.dossiers.submit import find_visible
from engine.identity.ratelimit import hit
from engine.procedures.catalogue import published_version
from engine.records.outbox import enqueue

KINDS = {"phan_anh": "Phản ánh", "kien_nghi": "Kiến nghị"}
PER_DAY = 10


def send(uow: UnitOfWork, *, actor: Actor, kind: str, title: str, body: str,
         dossier_code: str | None = None, procedure_code: str | None = None,
         agency_code: str | None = None) -> dict[str, Any]:
    """File feedback about one's own dossier, or about a published procedure (of the
    agency given, when several agencies offer it)."""
    if not is_citizen(actor):
        raise Forbidden("Hãy đăng nhập bằng tài khoản công dân để gửi phản ánh, kiến nghị.")
    errors = []
    if kind not in KINDS:
        errors.append({"field": "kind", "message": "Vui lòng chọn phản ánh hoặc kiến nghị."})
    if not 5 <= len(title.strip()) <= 200:
        errors.append({"field": "title", "message": "Tiêu đề từ 5 đến 200 ký tự."})
    if not 10 <= len(body.strip()) <= 5000:
        errors.append({"field": "body", "message": "Nội dung từ 10 đến 5.000 ký tự."})
    if errors:
        raise FormInvalid("Phản ánh, kiến nghị chưa hợp lệ.", details=errors)
    dossier_id = None
    if dossier_code:
        dossier = find_visible(uow, actor=actor, code=dossier_code)
        if not owns(actor, dossier.owner_id):
            raise NotFound("Không tìm thấy hồ sơ.")
        agency_id, dossier_id = dossier.agency_id, dossier.id
        procedure_code = dossier.version.procedure.code
    elif procedure_code:
        agency_id = published_version(uow, code=procedure_code, agency_code=agency_code).agency_id
    else:
        raise FormInvalid("Cần chọn hồ sơ hoặc thủ tục được phản ánh.", details=[
            {"field": "procedure", "message": "Vui lòng chọn thủ tục hoặc hồ sơ."}])
    hit(uow, bucket=f"feedback:{actor.account_id}", limit=PER_DAY, window=timedelta(days=1),
        message="Bạn đã gửi nhiều phản ánh trong hôm nay; vui lòng gửi tiếp vào ngày mai.")
    item = Feedback(account_id=actor.account_id, agency_id=agency_id, dossier_id=dossier_id,
                    procedure_code=procedure_code, kind=kind, title=title.strip(),
                    body=body.strip(), created_at=uow.clock.now())
    uow.session.add(item)
    uow.session.flush()
    uow.audit("feedback.sent", actor_id=actor.account_id, object_type="feedback",
              object_id=str(item.id))
    uow.commit()
    return _view(uow, item, with_dossier=True)


def answer(uow: UnitOfWork, *, actor: Actor, feedback_id: int, text: str) -> dict[str, Any]:
    """An officer of the agency concerned answers; the answer makes the feedback public and
    is sent to the citizen."""
    item = uow.session.get(Feedback, feedback_id, with_for_update=True)
    if item is None or not is_officer_of(actor, item.agency_id):
        raise NotFound("Không tìm thấy phản ánh, kiến nghị.")
    if item.answered_at is not None:
        raise Conflict("Phản ánh, kiến nghị này đã được trả lời.")
    if len(text.strip()) < 10:
        raise FormInvalid("Câu trả lời quá ngắn.", details=[
            {"field": "answer", "message": "Vui lòng trả lời ít nhất 10 ký tự."}])
    item.answer, item.answered_by_id, item.answered_at = text.strip(), actor.account_id, (
        uow.clock.now())
    enqueue(uow, channel="web", recipient=str(item.account_id), account_id=item.account_id,
            subject=f"Đã trả lời {KINDS[item.kind].lower()}: {item.title}"[:300],
            body=item.answer[:2000], dossier_id=item.dossier_id, delivered=True)
    uow.audit("feedback.answered", actor_id=actor.account_id, object_type="feedback",
              object_id=str(item.id))
    uow.commit()
    return _view(uow, item, with_dossier=True)


def _view(uow: UnitOfWork, item: Feedback, *, with_dossier: bool) -> dict[str, Any]:
    agency = uow.session.get(Agency, item.agency_id)
    found = {"id": item.id, "kind": item.kind, "kind_label": KINDS[item.kind],
             "title": item.title, "body": item.body, "procedure": item.procedure_code,
             "agency": agency.name if agency else "", "created_at": local_iso(item.created_at),
             "answer": item.answer, "answered_at": local_iso(item.answered_at)}
    if with_dossier and item.dossier_id is not None:
        dossier = uow.session.get(Dossier, item.dossier_id)
        found["dossier"] = dossier.code if dossier else None
    return found


def mine(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """The signed-in citizen's feedback, newest first."""
    rows = uow.session.scalars(select(Feedback).where(Feedback.account_id == actor.account_id)
                               .order_by(Feedback.id.desc()))
    return [_view(uow, f, with_dossier=True) for f in rows]


def for_agency(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """Feedback to the officer's agencies, unanswered first."""
    if not is_officer(actor):
        raise Forbidden("Chỉ cán bộ xem được phản ánh, kiến nghị gửi cơ quan.")
    rows = uow.session.scalars(select(Feedback).where(Feedback.agency_id.in_(actor.agencies()))
                               .order_by(Feedback.answered_at.is_not(None), Feedback.id.desc())
                               .limit(200))
    return [_view(uow, f, with_dossier=True) for f in rows]


def public(uow: UnitOfWork, *, limit: int = 100) -> list[dict[str, Any]]:
    """Answered feedback, newest answers first, without the sender or the dossier code."""
    rows = uow.session.scalars(select(Feedback).where(Feedback.answered_at.is_not(None))
                               .order_by(Feedback.answered_at.desc()).limit(limit))
    return [_view(uow, f, with_dossier=False) for f in rows]
