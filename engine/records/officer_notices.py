"""An officer's in-system notices (`notices.tell_officer`: «Bạn được giao: …», a step a
leader gave them) stay new until the officer reads them: opening one (its link leads to
the dossier), opening the notices page, or «Đánh dấu đã đọc» (one, or all). Showing them
on the inbox marks nothing. The citizen's notices page works the same way
(`engine.applicants.citizens.notices`)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, select, update

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import NotFound
from engine.core.models import Dossier, Notification
from engine.core.uow import UnitOfWork

_NOTIFICATIONS = cast(Table, Notification.__table__)
_MINE = (_NOTIFICATIONS.c.account_id == bindparam("b_account"), _NOTIFICATIONS.c.channel == "web")
_UNREAD = (select(_NOTIFICATIONS.c.id, _NOTIFICATIONS.c.subject, _NOTIFICATIONS.c.body,
                  _NOTIFICATIONS.c.created_at, Dossier.code)
           .outerjoin(Dossier, Dossier.id == _NOTIFICATIONS.c.dossier_id)
           .where(*_MINE, _NOTIFICATIONS.c.read_at.is_(None))
           .order_by(_NOTIFICATIONS.c.id.desc()).limit(20))
_UNREAD_COUNT = select(func.count()).select_from(_NOTIFICATIONS).where(
    *_MINE, _NOTIFICATIONS.c.read_at.is_(None))


def unread_notices(connection: Connection, account_id: int) -> dict[str, Any]:
    """The account's unread in-system notices, newest first (at most 20: `items`), and how
    many are unread (`count`). Nothing is marked read: they stay until read."""
    rows = connection.execute(_UNREAD, {"b_account": account_id}).all()
    count = connection.scalar(_UNREAD_COUNT, {"b_account": account_id}) or 0
    return {"items": [{"id": r.id, "subject": r.subject, "body": r.body,
                       "at": local_iso(r.created_at), "dossier": r.code} for r in rows],
            "count": int(count)}


def _account(actor: Actor) -> int:
    if actor.account_id is None:
        raise NotFound("Không có thông báo.")
    return actor.account_id


def my_notices(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """The notices page: the account's in-system notices, newest first (at most 100), each
    `read` or not as it was when the page was opened; opening it reads them all."""
    account = _account(actor)
    rows = uow.session.execute(
        select(Notification, Dossier.code)
        .outerjoin(Dossier, Notification.dossier_id == Dossier.id)
        .where(Notification.account_id == account, Notification.channel == "web")
        .order_by(Notification.id.desc()).limit(100)).all()
    found = [{"id": n.id, "subject": n.subject, "body": n.body, "at": local_iso(n.created_at),
              "read": n.read_at is not None, "dossier": code} for n, code in rows]
    mark_read(uow, actor=actor)
    return found


def mark_read(uow: UnitOfWork, *, actor: Actor, notice_id: int | None = None) -> int:
    """Mark one of the account's notices read (`notice_id`), or all of them; how many were
    unread. Someone else's notice is not found."""
    account = _account(actor)
    chosen = [] if notice_id is None else [_NOTIFICATIONS.c.id == notice_id]
    if notice_id is not None and uow.connection.scalar(
            select(_NOTIFICATIONS.c.id).where(*_MINE, *chosen), {"b_account": account}) is None:
        raise NotFound("Không có thông báo này.")
    done = uow.connection.execute(
        update(_NOTIFICATIONS).where(_NOTIFICATIONS.c.account_id == account,
                                     _NOTIFICATIONS.c.channel == "web",
                                     _NOTIFICATIONS.c.read_at.is_(None), *chosen)
        .values(read_at=uow.clock.now()))
    uow.commit()
    return int(done.rowcount or 0)


def open_notice(uow: UnitOfWork, *, actor: Actor, notice_id: int) -> str | None:
    """Open one of the account's notices: it is read now; the code of the dossier it is
    about (None when it is about none). Someone else's notice is not found."""
    account = _account(actor)
    code = uow.connection.execute(
        select(Dossier.code).select_from(_NOTIFICATIONS)
        .outerjoin(Dossier, Dossier.id == _NOTIFICATIONS.c.dossier_id)
        .where(*_MINE, _NOTIFICATIONS.c.id == notice_id), {"b_account": account}).first()
    if code is None:
        raise NotFound("Không có thông báo này.")
    mark_read(uow, actor=actor, notice_id=notice_id)
    return cast(str | None, code[0])
