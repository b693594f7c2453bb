"""Per-request access to the platform and the current actor."""

from __future__ import annotations

from flask import Response, abort, current_app, g, request, session, url_for

from engine.core import ANONYMOUS, Actor, RateLimited, Unauthenticated, UnitOfWork, is_citizen
from engine.identity import authenticate_key, resume_session
from engine.identity import log_api_call as log_call
from engine.wiring import Platform


def platform() -> Platform:
    """The platform built by `create_app`."""
    found: Platform = current_app.extensions["motcua"]
    return found


def uow() -> UnitOfWork:
    """A new unit of work for one service call."""
    return platform().uow()


def reports_uow() -> UnitOfWork:
    """A unit of work on the reports database (MOTCUA_REPORTS_DATABASE_URL, a replica), for
    reports that only read."""
    return platform().reports_uow()


def current_actor() -> Actor:
    """The logged-in actor, or the anonymous public (set on `g` by `load_current_actor`)."""
    actor: Actor = g.actor
    return actor


def current_citizen() -> Actor:
    """The logged-in citizen: 401 for the anonymous public, 403 for staff (the citizen's
    own pages: «Hồ sơ của tôi», drafts, adding a dossier)."""
    actor = current_actor()
    if actor.account_id is None:
        abort(401)
    if not is_citizen(actor):
        abort(403, description="Trang này dành cho tài khoản công dân.")
    return actor


API_PREFIX = "/api/v1"
KEY_ONLY_FOR_API = ("Khóa API chỉ dùng cho giao diện lập trình /api/v1; trang web và tệp tải "
                    "về cần đăng nhập bằng tài khoản.")


def is_api_call() -> bool:
    """True for a request to the REST API (the only place an API key counts)."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header (the scheme in any case), if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def load_current_actor() -> None:
    """Before each request: the caller as `g.actor` (blueprints read it there) — an API
    key's integration (`Authorization: Bearer …`, under /api/v1 only) or the session's
    account.

    A key grants nothing outside the API: a page or download asked for with one is
    refused with 401 (never served as anonymous, so an integration learns at once that it
    called the wrong address), without even looking the key up."""
    g.actor, g.pending_second_factor, g.session_expired = ANONYMOUS, False, False
    token = bearer_token()
    if token is not None:
        if not is_api_call():
            raise Unauthenticated(KEY_ONLY_FOR_API)
        with uow() as work:
            try:
                key = authenticate_key(work, token=token)
            except RateLimited as exc:
                g.api_key_id = exc.key_id
                raise
        g.actor, g.api_key_id = key.actor, key.key_id
        return
    sid = session.get("sid")
    if not isinstance(sid, str):
        return
    try:
        with uow() as work:
            resumed = resume_session(work, token=sid,
                                     policy=current_app.config["SESSION_POLICY"])
    except Unauthenticated:
        session.pop("sid", None)  # the CSRF token stays: the open page can still say why
        g.session_expired = True
        return
    if resumed.actor is None:
        g.pending_second_factor = True
    else:
        g.actor = resumed.actor


def log_key_call(response: Response) -> Response:
    """After each request made with a key: one row in its call log, whatever the answer
    (refusals, unknown routes and rate-limited calls included: the limit counts them)."""
    key_id = g.get("api_key_id")
    if key_id is not None:
        with uow() as work:
            log_call(work, key_id=key_id, method=request.method, route=request.path,
                     status=response.status_code, address=client_address())
    return response


def client_address() -> str:
    """The caller's address, as the server sees it (behind a proxy, configure the proxy fix
    so that this is the client's, not the proxy's)."""
    return request.remote_addr or "unknown"


def task_link() -> str:
    """The public address of a task page without its id (the links of «Giao việc» e-mails)."""
    page = url_for("officer.task", task_id=1).rsplit("/", 1)[0]
    return str(current_app.config["PUBLIC_URL"]).rstrip("/") + page
