"""Officers' accounts on both databases: the invitation link that sets the first password,
roles with a validity period honoured at login and on every request, the emergency lock
(sessions, API keys and links end at once), reactivation, the transfer to another post, and
a quản trị đơn vị's limits — each action in the audit trail."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine.agencies import (
    Grant,
    deactivate,
    emergency_lock,
    grant_role,
    invite_officer,
    list_officers,
    lock_account,
    reactivate,
    revoke_role,
    transfer,
    unlock,
)
from engine.core.actors import Actor
from engine.core.clock import FixedClock
from engine.core.errors import Conflict, Forbidden, FormInvalid, Invalid, Unauthenticated
from engine.core.models import Account, AuditEntry, Notification
from engine.core.permissions import DESK, LEADER, SPECIALIST, UNIT_ADMIN
from engine.identity import (
    authenticate,
    authenticate_key,
    create_api_key,
    reset_password,
    resume_session,
    start_session,
)
from engine.wiring import Platform
from tests.helpers import AN_TUONG, MINH_XUAN

SO = "000.05.00.H64"
LINK = "https://dichvucong.example/dat-lai-mat-khau"
NEW_PASSWORD = "Mat-khau-moi-2027!"


def _actor(platform: Platform, username: str) -> Actor:
    from engine.identity.accounts import actor_of

    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == username))
        assert account is not None
        return actor_of(account, uow.clock.now())


def _link(platform: Platform, email: str) -> str:
    with platform.uow() as uow:
        body = uow.session.scalars(select(Notification.body).where(
            Notification.recipient == email).order_by(Notification.id.desc())).first()
    assert body is not None, f"no mail to {email}"
    found = re.search(re.escape(LINK) + r"/(\S+)", body)
    assert found, body
    return found.group(1)


def _audit(platform: Platform, action: str, username: str) -> list[dict[str, Any]]:
    with platform.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry.summary).where(
            AuditEntry.action == action, AuditEntry.object_id == username)))


def _invite(platform: Platform, actor: Actor, username: str = "motcua2.minhxuan",
            grants: list[Grant] | None = None) -> dict[str, Any]:
    with platform.uow() as uow:
        return invite_officer(uow, actor=actor, username=username, full_name="Hà Thị Ngọc",
                              email=f"{username}@tuyenquang.example",
                              grants=grants or [Grant(MINH_XUAN, DESK)], link_base=LINK)


def test_an_invited_officer_sets_the_password_through_the_link_and_works(
    platform: Platform,
) -> None:
    admin = _actor(platform, "quantri")
    made = _invite(platform, admin)
    assert made["grants"][0]["role"] == DESK and made["state"] == "Đang hoạt động"
    with platform.uow() as uow, pytest.raises(Invalid):  # no password works before the link
        authenticate(uow, username="motcua2.minhxuan", password=NEW_PASSWORD)
    token = _link(platform, "motcua2.minhxuan@tuyenquang.example")
    with platform.uow() as uow:
        reset_password(uow, token=token, new=NEW_PASSWORD)
    with platform.uow() as uow:
        actor = authenticate(uow, username="motcua2.minhxuan", password=NEW_PASSWORD)
    assert actor.grants and next(iter(actor.grants))[1] == DESK
    with platform.uow() as uow, pytest.raises(Invalid):  # the link is spent
        reset_password(uow, token=token, new=NEW_PASSWORD + "x")
    [created] = _audit(platform, "account.created", "motcua2.minhxuan")
    assert created["grants"][0]["agency"] == MINH_XUAN


def test_wrong_fields_create_nothing(platform: Platform) -> None:
    admin = _actor(platform, "quantri")
    with platform.uow() as uow, pytest.raises(FormInvalid) as refused:
        invite_officer(uow, actor=admin, username="Tên Sai", full_name="", email="khong",
                       grants=[], link_base=LINK)
    assert {d["field"] for d in refused.value.details} == {"username", "full_name", "email",
                                                           "role"}
    with platform.uow() as uow, pytest.raises(FormInvalid):
        invite_officer(uow, actor=admin, username="motcua.minhxuan", full_name="Trùng",
                       email="a@b.vn", grants=[Grant(MINH_XUAN, DESK)], link_base=LINK)
    with platform.uow() as uow, pytest.raises(FormInvalid):
        invite_officer(uow, actor=admin, username="moi.minhxuan", full_name="Mới",
                       email="a@b.vn", grants=[Grant("KHONG-CO", DESK)], link_base=LINK)
    with platform.uow() as uow:
        assert uow.session.scalar(select(Account.id).where(
            Account.username == "moi.minhxuan")) is None


def test_a_role_counts_only_within_its_validity_period(
    platform: Platform, clock: FixedClock,
) -> None:
    admin = _actor(platform, "quantri")
    officer = _actor(platform, "chuyenvien.minhxuan").account_id or 0
    start = clock.now() + timedelta(minutes=10)
    with platform.uow() as uow:
        grant_role(uow, actor=admin, username="chuyenvien.minhxuan", grant=Grant(
            MINH_XUAN, LEADER, valid_from=start, valid_until=start + timedelta(days=7)))
    with platform.uow() as uow:
        token = start_session(uow, account_id=officer)

    def roles(session: str | None = None) -> set[str]:
        with platform.uow() as uow:
            actor = resume_session(uow, token=session or start_session(
                uow, account_id=officer)).actor
        assert actor is not None
        return {role for _, role in actor.grants}

    assert roles(token) == {SPECIALIST}
    clock.advance(timedelta(minutes=15))
    assert roles(token) == {SPECIALIST, LEADER}  # the same session, once the period begins
    clock.advance(timedelta(days=7))
    assert roles() == {SPECIALIST}  # a new login after the period: gone
    with platform.uow() as uow, pytest.raises(FormInvalid):
        grant_role(uow, actor=admin, username="chuyenvien.minhxuan", grant=Grant(
            MINH_XUAN, LEADER, valid_from=start, valid_until=start))
    with platform.uow() as uow:
        revoke_role(uow, actor=admin, username="chuyenvien.minhxuan", agency=MINH_XUAN,
                    role=LEADER)
    assert _audit(platform, "account.role_granted", "chuyenvien.minhxuan")[0]["role"] == LEADER
    assert _audit(platform, "account.role_revoked", "chuyenvien.minhxuan") == [
        {"agency": MINH_XUAN, "role": LEADER}]


def test_the_emergency_lock_ends_every_session_key_and_link_at_once(platform: Platform) -> None:
    admin = _actor(platform, "quantri")
    with platform.uow() as uow:
        _make_second_admin(uow)
    issuer = _actor(platform, "quantri2")
    with platform.uow() as uow:
        key = create_api_key(uow, actor=issuer, name="Cổng tỉnh", agency_code=MINH_XUAN,
                             scopes=["procedures:read"])
    with platform.uow() as uow:
        tokens = [start_session(uow, account_id=issuer.account_id or 0) for _ in range(2)]
    with platform.uow() as uow:
        done = emergency_lock(uow, actor=admin, username="quantri2", reason="Mất máy tính")
    assert done["sessions_ended"] == 2 and done["api_keys_revoked"] == 1
    for token in tokens:
        with platform.uow() as uow, pytest.raises(Unauthenticated):
            resume_session(uow, token=token)
    with platform.uow() as uow, pytest.raises(Unauthenticated):
        authenticate_key(uow, token=key["key"])
    with platform.uow() as uow, pytest.raises(Invalid, match="quản trị khóa"):
        authenticate(uow, username="quantri2", password="Mat-khau-quan-tri-2")
    with platform.uow() as uow, pytest.raises(Conflict):  # unlock does not lift it
        unlock(uow, actor=admin, username="quantri2")
    with platform.uow() as uow:
        reactivate(uow, actor=admin, username="quantri2", link_base=LINK)
    with platform.uow() as uow, pytest.raises(Invalid):  # the old password is gone
        authenticate(uow, username="quantri2", password="Mat-khau-quan-tri-2")
    with platform.uow() as uow:
        reset_password(uow, token=_link(platform, "quantri2@tuyenquang.example"), new=NEW_PASSWORD)
    with platform.uow() as uow:
        assert authenticate(uow, username="quantri2", password=NEW_PASSWORD).account_id
    [locked] = _audit(platform, "account.emergency_lock", "quantri2")
    assert locked == {"reason": "Mất máy tính", "sessions": 2, "api_keys": 1}
    assert _audit(platform, "account.reactivated", "quantri2")


def _make_second_admin(uow: Any) -> None:
    from engine.identity.accounts import create_account

    create_account(uow, username="quantri2", password="Mat-khau-quan-tri-2",
                   full_name="Quản trị dự phòng", kind="admin",
                   email="quantri2@tuyenquang.example")
    uow.commit()


def test_lock_unlock_deactivate_and_reactivate(platform: Platform) -> None:
    admin = _actor(platform, "quantri")
    with platform.uow() as uow:
        assert lock_account(uow, actor=admin, username="hotich.minhxuan",
                            reason="Nghỉ phép dài")["state"] == "Bị khóa"
    with platform.uow() as uow, pytest.raises(Conflict):
        lock_account(uow, actor=admin, username="hotich.minhxuan", reason="Lần nữa")
    with platform.uow() as uow:
        assert unlock(uow, actor=admin, username="hotich.minhxuan")["state"] == "Đang hoạt động"
    with platform.uow() as uow, pytest.raises(FormInvalid):
        deactivate(uow, actor=admin, username="hotich.minhxuan", reason=" ")
    with platform.uow() as uow:
        assert deactivate(uow, actor=admin, username="hotich.minhxuan",
                          reason="Nghỉ hưu")["state"] == "Ngừng hoạt động"
    with platform.uow() as uow, pytest.raises(Invalid):
        authenticate(uow, username="hotich.minhxuan", password="motcua-demo-2026")
    with platform.uow() as uow:
        assert reactivate(uow, actor=admin, username="hotich.minhxuan",
                          link_base=LINK)["state"] == "Đang hoạt động"
    for action in ("account.locked", "account.unlock", "account.deactivated",
                   "account.reactivated"):
        assert _audit(platform, action, "hotich.minhxuan"), action


def test_a_transfer_hands_the_work_over_and_moves_the_roles(platform: Platform) -> None:
    admin = _actor(platform, "quantri")
    with platform.uow() as uow:
        moved = transfer(uow, actor=admin, username="chuyenvien.antuong", from_agency=AN_TUONG,
                         to_agency=MINH_XUAN, roles=[SPECIALIST], successor="motcua.antuong",
                         reason="Quyết định điều động số 12/QĐ-UBND")
    assert {(g["agency"], g["role"]) for g in moved["grants"]} == {(MINH_XUAN, SPECIALIST)}
    successor = _actor(platform, "motcua.antuong")
    assert {role for _, role in successor.grants} == {DESK, SPECIALIST}
    [audited] = _audit(platform, "account.transferred", "chuyenvien.antuong")
    assert audited["from"] == AN_TUONG and audited["to"] == MINH_XUAN
    with platform.uow() as uow:
        assert uow.session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "agency.handover", AuditEntry.object_id == AN_TUONG))


def test_a_delegated_administrator_manages_only_officers_of_its_subtree(
    platform: Platform,
) -> None:
    delegate = _actor(platform, "quantri.soxaydung")
    made = _invite(platform, delegate, "chuyenvien2.soxaydung", [Grant(SO, SPECIALIST)])
    assert made["grants"][0]["agency"] == SO
    with platform.uow() as uow:
        names = {a["username"] for a in list_officers(uow, actor=delegate)}
    assert {"chuyenvien.soxaydung", "chuyenvien2.soxaydung"} <= names
    assert "motcua.minhxuan" not in names and "quantri" not in names
    refusals = [
        lambda uow: invite_officer(uow, actor=delegate, username="x.minhxuan", full_name="X",
                                   email="x@b.vn", grants=[Grant(MINH_XUAN, DESK)],
                                   link_base=LINK),
        lambda uow: lock_account(uow, actor=delegate, username="motcua.minhxuan", reason="x"),
        lambda uow: emergency_lock(uow, actor=delegate, username="quantri", reason="x"),
        lambda uow: grant_role(uow, actor=delegate, username="motcua.minhxuan",
                               grant=Grant(MINH_XUAN, LEADER)),
    ]
    for refused in refusals:
        with platform.uow() as uow, pytest.raises(Forbidden):
            refused(uow)
    with platform.uow() as uow, pytest.raises(FormInvalid, match="chưa hợp lệ"):
        grant_role(uow, actor=delegate, username="chuyenvien.soxaydung",
                   grant=Grant(SO, UNIT_ADMIN))
    with platform.uow() as uow:
        assert lock_account(uow, actor=delegate, username="chuyenvien.soxaydung",
                            reason="Điều tra")["locked"]


def test_the_accounts_list_finds_an_officer_by_the_words_of_a_name_typed_without_accents(
    platform: Platform,
) -> None:
    """The accounts list's search: each word typed begins a word of the name or the username
    (a desk types «tran binh» for «Trần Thị Bình»); a piece inside a word finds nothing."""
    admin = _actor(platform, "quantri")

    def found(query: str) -> set[str]:
        with platform.uow() as uow:
            return {a["username"] for a in list_officers(uow, actor=admin, query=query)}

    assert found("tran binh") == found("Trần Bình") == {"motcua.minhxuan"}
    assert found("DUNG") == {"lanhdao.minhxuan"}  # Phạm Thị Dung
    assert "chuyenvien.minhxuan" in found("minhxuan") and found("chuyenvien.minh") == {
        "chuyenvien.minhxuan"}
    assert found("inh") == set()  # inside «Bình», «minhxuan»: once matched them all
    assert found("tran cuong") == set()  # Trần Thị Bình, Lê Văn Cường: no one is both
