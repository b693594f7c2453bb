"""Per-request access to the platform and the current actor."""

from __future__ import annotations

from flask import current_app, g, request, session

from engine.actors import ANONYMOUS, Actor
from engine.api_keys import authenticate_key
from engine.errors import RateLimited, Unauthenticated
from engine.platform import Platform
from engine.sessions import resume_session
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
    g.actor, g.pending_second_factor, g.session_expired = ANONYMOUS, False, False
    token = session.get("sid")
    if not isinstance(token, str):
        return
    try:
        with uow() as work:
            resumed = resume_session(work, token=token,
                                     policy=current_app.config["SESSION_POLICY"])
    except Unauthenticated:
        session.pop("sid", None)  # the CSRF token stays: the open page can still say why
        g.session_expired = True
        return
    if resumed.actor is None:
        g.pending_second_factor = True
    else:
        g.actor = resumed.actor


def client_address() -> str:
    """The caller's address, as the server sees it (behind a proxy, configure the proxy fix
    so that this is the client's, not the proxy's)."""
    return request.remote_addr or "unknown"
