"""API keys for integrations (Tuyên Quang seed, art. 8): created and revoked by
administrators, scoped to an agency and to actions, shown once and stored as a SHA-256
hash (the secret is 32 random bytes, so no slow hash is needed), limited to a number of
requests a minute, and every call logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Forbidden, Invalid, NotFound, RateLimited, Unauthenticated
from engine.core.models import Agency, ApiCall, ApiKey
from engine.core.permissions import KEY_GRANT, Kind, is_administrator
from engine.core.uow import UnitOfWork

SCOPES = ("procedures:read", "dossiers:submit", "dossiers:read", "tracking:read")
SCOPE_LABELS = {"procedures:read": "Đọc danh mục thủ tục", "dossiers:submit": "Nộp hồ sơ",
                "dossiers:read": "Đọc hồ sơ của cơ quan", "tracking:read": "Tra cứu tình trạng hồ sơ"}
PREFIX = "mc"


@dataclass(frozen=True)
class KeyActor:
    """What a request made with a key may do."""

    actor: Actor
    key_id: int
    scopes: frozenset[str]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    uow: UnitOfWork, *, actor: Actor, name: str, agency_code: str, scopes: list[str],
    rate_per_minute: int = 60,
) -> dict[str, Any]:
    """Create a key; the returned `key` is shown this once and never stored."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống được cấp khóa API.")
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown or not name.strip() or not 1 <= rate_per_minute <= 10_000:
        raise Invalid("Khóa API cần tên, giới hạn 1–10.000 lượt/phút và phạm vi trong: "
                      + ", ".join(SCOPES), details=unknown or None)
    agency = uow.session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {agency_code}.")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey(name=name.strip(), prefix=prefix, key_hash=_digest(secret), agency_id=agency.id,
                 scopes=sorted(set(scopes)), rate_per_minute=rate_per_minute,
                 created_by_id=actor.account_id, created_at=uow.clock.now())
    uow.session.add(key)
    uow.session.flush()
    uow.audit("api_key.create", actor_id=actor.account_id, object_type="api_key",
              object_id=str(key.id), summary={"name": key.name, "scopes": key.scopes})
    uow.commit()
    return {"id": key.id, "name": key.name, "key": f"{PREFIX}_{prefix}_{secret}",
            "scopes": key.scopes, "rate_per_minute": rate_per_minute}


def revoke_key(uow: UnitOfWork, *, actor: Actor, key_id: int) -> dict[str, Any]:
    """Revoke a key at once."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống được thu hồi khóa API.")
    key = uow.session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("Không có khóa API này.")
    key.revoked_at = key.revoked_at or uow.clock.now()
    uow.audit("api_key.revoke", actor_id=actor.account_id, object_type="api_key",
              object_id=str(key.id))
    uow.commit()
    return {"id": key.id, "revoked_at": local_iso(key.revoked_at)}


def authenticate_key(uow: UnitOfWork, *, token: str) -> KeyActor:
    """The integration behind a bearer token, within its request limit."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise Unauthenticated("Khóa API không hợp lệ.")
    key = uow.session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or key.revoked_at is not None or not hmac.compare_digest(
        key.key_hash, _digest(parts[2])
    ):
        raise Unauthenticated("Khóa API không hợp lệ hoặc đã bị thu hồi.")
    now = uow.clock.now()
    window = now - timedelta(minutes=1)
    recent = uow.session.scalar(select(func.count()).where(
        ApiCall.key_id == key.id, ApiCall.at > window)) or 0
    if recent >= key.rate_per_minute:
        oldest: datetime | None = uow.session.scalar(
            select(func.min(ApiCall.at)).where(ApiCall.key_id == key.id, ApiCall.at > window))
        wait = 60 if oldest is None else max(1, int((oldest - window).total_seconds()) + 1)
        raise RateLimited(f"Vượt giới hạn {key.rate_per_minute} lượt/phút của khóa API.", wait,
                          key.id)
    actor = Actor(account_id=None, kind=Kind.INTEGRATION, name=key.name,
                  grants=frozenset({(key.agency_id, KEY_GRANT)}),
                  scopes=frozenset(key.scopes))
    return KeyActor(actor=actor, key_id=key.id, scopes=frozenset(key.scopes))


def log_call(
    uow: UnitOfWork, *, key_id: int, method: str, route: str, status: int, address: str
) -> None:
    """Record one call made with a key (every call, refused ones included)."""
    uow.session.add(ApiCall(key_id=key_id, at=uow.clock.now(), method=method[:10],
                            route=route[:300], status=status, address=address[:64]))
    uow.commit()


def list_keys(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """Every key (never its secret), newest first, with its use in the last 24 hours."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống xem danh sách khóa API.")
    since = uow.clock.now() - timedelta(days=1)
    recent: dict[int, int] = {key_id: count for key_id, count in uow.session.execute(
        select(ApiCall.key_id, func.count(ApiCall.id)).where(ApiCall.at > since)
        .group_by(ApiCall.key_id))}
    rows = uow.session.execute(select(ApiKey, Agency.name).join(Agency)
                               .order_by(ApiKey.id.desc())).all()
    return [{"id": k.id, "name": k.name, "prefix": f"{PREFIX}_{k.prefix}", "agency": agency,
             "scopes": k.scopes, "rate_per_minute": k.rate_per_minute,
             "created_at": local_iso(k.created_at), "revoked_at": local_iso(k.revoked_at),
             "calls_24h": recent.get(k.id, 0)} for k, agency in rows]


def calls(uow: UnitOfWork, *, actor: Actor, key_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """The newest calls of a key, for administrators."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống xem nhật ký khóa API.")
    rows = uow.session.scalars(select(ApiCall).where(ApiCall.key_id == key_id)
                               .order_by(ApiCall.id.desc()).limit(limit))
    return [{"at": local_iso(c.at), "method": c.method, "route": c.route, "status": c.status,
             "address": c.address} for c in rows]
