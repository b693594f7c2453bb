"""«Thêm hồ sơ đã nộp vào tài khoản»: an applicant who submitted without an account takes
the dossier into their citizen account, and from then on every page of «Hồ sơ của tôi»
(supplement, fees, postal orders, result, refusal letter, rating) is theirs.

A dossier code is easy to guess and a locally registered account's ID number was never
checked, so the code and the ID number alone never hand a dossier over: a one-time 6-digit
code goes by SMS (and e-mail) to the contact written on the dossier, through the
notification outbox; it is stored as a hash, lasts `CODE_LIFETIME`, is used once, and
both sending and typing it are rate limited. The dossier's applicant ID number must be the
account's login name, and a dossier that has an owner is never taken from them.

A VNeID login vouches for the ID number itself: `take_vouched` attaches the anonymous
dossiers of that ID number at that login, without a code (`engine.applicants.eid`). The
account keeps no mark of how it logged in, so nothing else may rely on it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, func, select, update

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, FormInvalid, NotFound
from engine.core.models import Account, Dossier, DossierClaim
from engine.core.permissions import is_citizen
from engine.core.uow import UnitOfWork
from engine.dossiers.rows import DossierRow, record
from engine.identity.ratelimit import hit
from engine.records.outbox import enqueue

__all__ = ["CODE_LIFETIME", "claimable", "confirm_claim", "send_claim_code", "take_vouched"]

CODE_LIFETIME = timedelta(minutes=10)
SENDS_PER_HOUR = 5
TRIES_PER_WINDOW = 5
TRY_WINDOW = timedelta(minutes=15)
VOUCHED_LIMIT = 100
DOSSIERS: Table = Dossier.__table__  # type: ignore[assignment]

OWN_ALREADY = "Hồ sơ này đã có trong tài khoản của bạn."
OWNED_BY_OTHER = ("Hồ sơ này đã thuộc một tài khoản khác nên không thể thêm vào tài khoản của "
                  "bạn. Nếu bạn là người nộp hồ sơ, hãy liên hệ Bộ phận Một cửa.")
OTHER_ID_NUMBER = ("Hồ sơ này được nộp với số định danh cá nhân khác số định danh của tài khoản "
                   "bạn đang dùng. Chỉ người nộp hồ sơ mới thêm được hồ sơ vào tài khoản của mình.")
NO_CONTACT = ("Hồ sơ không ghi số điện thoại hay thư điện tử để nhận mã xác nhận. Hãy mang giấy "
              "tờ tùy thân đến Bộ phận Một cửa để được hỗ trợ.")
NOT_FOUND = ("Không tìm thấy hồ sơ có mã này. Hãy kiểm tra lại mã in trên giấy xác nhận nộp hồ "
             "sơ, ví dụ 000.00.01.H01-261201-0001.")
EXPIRED = "Mã xác nhận đã hết hạn hoặc đã được dùng. Hãy bấm «Gửi lại mã» để nhận mã mới."
WRONG = "Mã xác nhận không đúng. Hãy nhập đúng 6 chữ số trong tin nhắn vừa nhận."
CODE_FIELD, OTP_FIELD = "ma", "ma_xac_nhan"


def claimable(uow: UnitOfWork, *, code: str) -> bool:
    """Whether the dossier (found by public tracking) has no owner yet and could be added to
    its applicant's account."""
    return uow.session.scalar(select(Dossier.id).where(
        Dossier.code == code, Dossier.owner_id.is_(None))) is not None


def send_claim_code(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """Send a fresh one-time code to the contact written on the dossier (earlier codes for
    the same dossier and account stop working). Commits.

    Refused: not a citizen's account (`Forbidden`), an unknown code (`NotFound`), another ID
    number (`Forbidden`), a dossier with an owner or without any contact (`Conflict`), too
    many codes asked (`RateLimited`)."""
    account = _account(uow, actor)
    hit(uow, bucket=f"claim-send:{account.id}", limit=SENDS_PER_HOUR, window=timedelta(hours=1),
        message="Bạn đã yêu cầu gửi mã quá nhiều lần; vui lòng thử lại sau một giờ.")
    uow.commit()
    dossier = _checked(uow, account, code)
    phone, email = _contact(dossier)
    if not (phone or email):
        raise Conflict(NO_CONTACT)
    now = uow.clock.now()
    uow.session.execute(update(DossierClaim).where(
        DossierClaim.dossier_id == dossier.id, DossierClaim.account_id == account.id,
        DossierClaim.used_at.is_(None)).values(expires_at=now))
    otp = f"{secrets.randbelow(10**6):06d}"
    uow.session.add(DossierClaim(dossier_id=dossier.id, account_id=account.id,
                                 code_hash=_hash(dossier.id, account.id, otp), created_at=now,
                                 expires_at=now + CODE_LIFETIME))
    text = (f"Mã xác nhận thêm hồ sơ {dossier.code} vào tài khoản: {otp}. Mã dùng một lần, hết "
            f"hạn sau {int(CODE_LIFETIME.total_seconds() // 60)} phút. Không đưa mã này cho ai.")
    subject = f"Mã xác nhận thêm hồ sơ {dossier.code} vào tài khoản"
    # Not tied to the dossier (dossier_id None): the officers' list of the dossier's notices
    # never shows the code.
    if phone:
        enqueue(uow, channel="sms", recipient=phone, subject=text, body=text)
    if email:
        enqueue(uow, channel="email", recipient=email, subject=subject, body=text)
    uow.session.flush()
    uow.audit("dossier.claim_code_sent", actor_id=account.id, object_type="dossier",
              object_id=str(dossier.id), summary={"sms": bool(phone), "email": bool(email)})
    uow.commit()
    return {"code": dossier.code, "phone": _masked_phone(phone), "email": _masked_email(email),
            "expires_at": local_iso(now + CODE_LIFETIME)}


def confirm_claim(uow: UnitOfWork, *, actor: Actor, code: str, otp: str) -> dict[str, Any]:
    """Add the dossier to the account when `otp` is the live code sent for it: the code is
    spent, the dossier gets its owner, the officers' history and the audit trail say so.
    Commits. A wrong, expired or spent code is refused (`FormInvalid` on `ma_xac_nhan`)."""
    account = _account(uow, actor)
    hit(uow, bucket=f"claim-try:{account.id}", limit=TRIES_PER_WINDOW, window=TRY_WINDOW,
        message="Bạn đã nhập mã xác nhận quá nhiều lần; vui lòng thử lại sau 15 phút.")
    uow.commit()
    otp = "".join(otp.split())
    if not (len(otp) == 6 and otp.isdigit()):
        raise _otp_error("Mã xác nhận gồm 6 chữ số.")
    dossier = _checked(uow, account, code)
    now = uow.clock.now()
    claim = uow.session.scalar(
        select(DossierClaim).where(DossierClaim.dossier_id == dossier.id,
                                   DossierClaim.account_id == account.id,
                                   DossierClaim.used_at.is_(None),
                                   DossierClaim.expires_at > now)
        .order_by(DossierClaim.id.desc()).limit(1))
    if claim is None:
        raise _otp_error(EXPIRED)
    if not hmac.compare_digest(claim.code_hash, _hash(dossier.id, account.id, otp)):
        raise _otp_error(WRONG)
    claim.used_at = now
    _attach(uow, actor, dossier.id, via="sms")
    uow.commit()
    return {"code": dossier.code, "owned": True}


def take_vouched(uow: UnitOfWork, *, actor: Actor, id_number: str) -> list[str]:
    """At a VNeID login (the provider vouched for `id_number`, the caller checked its ID
    token): the codes of the dossiers submitted without an account under that ID number,
    now the account's. Only when the ID number is the account's login name. The caller
    commits."""
    account = _account(uow, actor)
    if account.username != id_number:
        return []
    found = list(uow.session.scalars(
        select(Dossier.id).where(Dossier.applicant_id_number == id_number,
                                 Dossier.owner_id.is_(None))
        .order_by(Dossier.id).limit(VOUCHED_LIMIT)))
    return [code for dossier_id in found
            if (code := _attach(uow, actor, dossier_id, via="vneid", refuse=False))]


def _account(uow: UnitOfWork, actor: Actor) -> Account:
    account = uow.session.get(Account, actor.account_id) if actor.account_id else None
    if account is None or not is_citizen(actor):
        raise Forbidden("Chỉ tài khoản công dân được thêm hồ sơ đã nộp vào tài khoản.")
    return account


def _checked(uow: UnitOfWork, account: Account, code: str) -> Dossier:
    """The dossier `code` names, when it may go to `account` (its ID number, no owner)."""
    code = code.strip()[:60]
    dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code)) if code else None
    if dossier is None and code:  # typed in another letter case
        found = uow.session.scalars(select(Dossier).where(
            func.upper(Dossier.code) == code.upper()).limit(2)).all()
        dossier = found[0] if len(found) == 1 else None
    if dossier is None:
        raise NotFound(NOT_FOUND, details=[{"field": CODE_FIELD, "message": NOT_FOUND}])
    if dossier.owner_id == account.id:
        raise Conflict(OWN_ALREADY)
    if not hmac.compare_digest(dossier.applicant_id_number.encode(), account.username.encode()):
        raise Forbidden(OTHER_ID_NUMBER)
    if dossier.owner_id is not None:
        raise Conflict(OWNED_BY_OTHER)
    return dossier


def _attach(uow: UnitOfWork, actor: Actor, dossier_id: int, *, via: str,
            refuse: bool = True) -> str | None:
    """Give the dossier its owner under its row lock (None, or `Conflict` when `refuse`,
    if someone took it meanwhile); every open code for it stops working."""
    row = DossierRow.lock(uow, dossier_id)
    assert row is not None and actor.account_id is not None  # found above; a citizen
    if row.owner_id is not None:
        if refuse:
            raise Conflict(OWN_ALREADY if row.owner_id == actor.account_id else OWNED_BY_OTHER)
        return None
    uow.connection.execute(update(DOSSIERS).where(DOSSIERS.c.id == dossier_id).values(
        owner_id=actor.account_id, row_version=DOSSIERS.c.row_version + 1))
    uow.session.execute(update(DossierClaim).where(
        DossierClaim.dossier_id == dossier_id, DossierClaim.used_at.is_(None))
        .values(expires_at=uow.clock.now()))
    row.owner_id = actor.account_id
    words = {"sms": "xác nhận bằng mã gửi tới liên hệ ghi trong hồ sơ",
             "vneid": "đăng nhập bằng VNeID"}
    record(uow, row, "claimed", actor=actor, note=f"Người nộp thêm hồ sơ vào tài khoản "
                                                  f"({words[via]}).")
    uow.audit("dossier.owner_set", actor_id=actor.account_id, object_type="dossier",
              object_id=str(dossier_id), summary={"via": via})
    return row.code


def _contact(dossier: Dossier) -> tuple[str | None, str | None]:
    """The phone and e-mail written on the dossier: the desk's, else the form's own."""
    data = dossier.data if isinstance(dossier.data, dict) else {}
    phone = dossier.contact_phone or data.get("dien_thoai")
    email = dossier.contact_email or data.get("email")
    return (str(phone).strip() or None if phone else None,
            str(email).strip() or None if email else None)


def _hash(dossier_id: int, account_id: int, otp: str) -> str:
    return hashlib.sha256(f"claim:{dossier_id}:{account_id}:{otp}".encode()).hexdigest()


def _otp_error(message: str) -> FormInvalid:
    return FormInvalid(message, details=[{"field": OTP_FIELD, "message": message}])


def _masked_phone(phone: str | None) -> str | None:
    """A phone as the page may show it: its last three digits only."""
    return None if not phone else "•" * max(0, len(phone) - 3) + phone[-3:]


def _masked_email(email: str | None) -> str | None:
    """An e-mail as the page may show it: its first letter and its domain."""
    if not email or "@" not in email:
        return None
    name, domain = email.split("@", 1)
    return f"{name[:1]}•••@{domain}"
