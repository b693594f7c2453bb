"""Per-request access to the platform and the current actor."""

from __future__ import annotations

from flask import current_app, g, request, session

from engine.accounts import load_actor
from engine.actors import ANONYMOUS, Actor
from engine.api_keys import authenticate_key
from engine.errors import NotFound, RateLimited
from engine.platform import Platform
from engine.uow import UnitOfWork


def platform() -> Platform:
    """The platform built by `create_app`."""
    found: Platform = current_app.extensions["motcua"]
    return found


def uow() -> UnitOfWork:
    """A new unit of work for one service call."""
    return platform().uow()


def current_actor() -> Actor:
    """The logged-in actor, or the anonymous public (set on `g` by `load_current_actor`)."""
    actor: Actor = g.actor
    return actor


def load_current_actor() -> None:
    """Before each request: the caller as `g.actor` (blueprints read it there) — an API
    key's integration (`Authorization: Bearer …`) or the session's account."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        with uow() as work:
            try:
                key = authenticate_key(work, token=header.removeprefix("Bearer ").strip())
            except RateLimited as exc:
                g.api_key_id = exc.key_id
                raise
        g.actor, g.api_key_id, g.api_scopes = key.actor, key.key_id, key.scopes
        return
    actor = ANONYMOUS
    account_id = session.get("account_id")
    if isinstance(account_id, int):
        try:
            with uow() as work:
                actor = load_actor(work, account_id)
        except NotFound:
            session.clear()
    g.actor = actor
