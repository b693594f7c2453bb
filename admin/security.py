"""Administrators' security pages: the audit trail (`/quan-tri/nhat-ky`: search, check the
chain), API keys (`/quan-tri/khoa-api`), locked accounts (`/quan-tri/tai-khoan-bi-khoa`)
and failing timers (`/quan-tri/hen-gio-loi`)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import administrator, bp, uow
from engine import agencies, dossiers, identity, procedures, records
from engine.core import ServiceError
from engine.records import AuditFilter
from forms.formats import read_day


@bp.get("/nhat-ky")
def audit_page() -> str:
    """The audit trail and the access log of personal data: search by log, action, account,
    object and days; check the chain."""
    actor = administrator()
    args = request.args
    try:
        filters = AuditFilter(
            action=args.get("hanh_dong", "")[:60], username=args.get("tai_khoan", "")[:100],
            object_id=args.get("doi_tuong", "")[:100], start=_day(args.get("tu_ngay"), "Từ ngày"),
            end=_day(args.get("den_ngay"), "Đến ngày"),
            offset=min(max(args.get("tu", 0, type=int), 0), 10**9),
            log=_LOGS.get(args.get("nguon", ""), ""))
    except ValueError as exc:
        flash(str(exc), "error")
        filters = AuditFilter()
    with uow() as work:
        page = records.search_audit(work, actor=actor, filters=filters,
                                    roles=agencies.role_names(work))
    return render_template("admin_audit.html", page=page, args=args, labels=records.AUDIT_LABELS,
                           chain=None)


@bp.post("/nhat-ky/kiem-tra")
def audit_check() -> str:
    """Walk the whole hash chain now and say whether it holds."""
    actor = administrator()
    with uow() as work:
        chain = records.check_chain(work, actor=actor)
        page = records.search_audit(work, actor=actor, roles=agencies.role_names(work))
    return render_template("admin_audit.html", page=page, args={}, labels=records.AUDIT_LABELS,
                           chain=chain)


# The log asked for in the query string (nguon=kiem-toan|truy-cap), both by default.
_LOGS = {"kiem-toan": "audit", "truy-cap": "access"}


def _day(text: str | None, label: str) -> date | None:
    return read_day(text[:40], label) if text else None


@bp.get("/khoa-api")
def keys_page() -> str:
    """API keys of the integrations: issue, revoke, and each key's call log."""
    actor = administrator()
    shown = request.args.get("khoa", type=int)
    with uow() as work:
        keys = identity.list_api_keys(work, actor=actor)
        key_calls = identity.api_key_calls(work, actor=actor, key_id=shown) if shown else None
        agencies = procedures.list_agencies(work)
    return render_template("admin_keys.html", keys=keys, calls=key_calls, shown=shown,
                           agencies=agencies, scopes=identity.API_SCOPE_LABELS, created=None)


@bp.post("/khoa-api")
def keys_create() -> str | tuple[str, int]:
    """Issue a key; its secret is on this page once and nowhere else."""
    actor = administrator()
    form = request.form
    rate = form.get("rate_per_minute", "").strip()
    try:
        with uow() as work:
            created = identity.create_api_key(
                work, actor=actor, name=form.get("name", "")[:200],
                agency_code=form.get("agency", ""), scopes=form.getlist("scopes"),
                rate_per_minute=int(rate) if rate.isdigit() and len(rate) < 7 else 0)
    except ServiceError as exc:
        flash(exc.message, "error")
        created = None
    with uow() as work:
        keys = identity.list_api_keys(work, actor=actor)
        agencies = procedures.list_agencies(work)
    page = render_template("admin_keys.html", keys=keys, calls=None, shown=None,
                           agencies=agencies, scopes=identity.API_SCOPE_LABELS, created=created)
    return page if created else (page, 422)


@bp.post("/khoa-api/<int:key_id>/thu-hoi")
def keys_revoke(key_id: int) -> Response:
    """Revoke a key at once."""
    actor = administrator()
    try:
        with uow() as work:
            identity.revoke_api_key(work, actor=actor, key_id=key_id)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã thu hồi khóa số {key_id}.", "success")
    return redirect(url_for("admin.keys_page"), 303)


@bp.get("/tai-khoan-bi-khoa")
def locked_page() -> str:
    """Accounts locked now, with an unlock button each."""
    actor = administrator()
    with uow() as work:
        locked = identity.locked_accounts(work, actor=actor)
    return render_template("admin_locked.html", locked=locked)


@bp.post("/tai-khoan-bi-khoa/<username>/mo-khoa")
def unlock(username: str) -> Response:
    """Unlock an account (and clear its count of wrong passwords)."""
    actor = administrator()
    try:
        with uow() as work:
            identity.unlock_account(work, actor=actor, username=username[:100])
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã mở khóa tài khoản {username}.", "success")
    return redirect(url_for("admin.locked_page"), 303)


@bp.get("/hen-gio-loi")
def timers_page() -> str:
    """Timers whose firing failed: waiting for their next try or given up, each with its
    last error and a button to try again now."""
    actor = administrator()
    with uow() as work:
        failing = dossiers.failing_timers(work, actor=actor)
    return render_template("admin_timers.html", failing=failing, attempts=dossiers.TIMER_MAX_ATTEMPTS)


@bp.post("/hen-gio-loi/<int:timer_id>/chay-lai")
def timer_retry(timer_id: int) -> Response:
    """Have a failing timer tried again at the next sweep."""
    actor = administrator()
    try:
        with uow() as work:
            done = dossiers.retry_timer(work, actor=actor, timer_id=timer_id)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Hẹn giờ số {timer_id} của hồ sơ {done['dossier']} sẽ được chạy lại ở lượt quét "
              "tiếp theo.", "success")
    return redirect(url_for("admin.timers_page"), 303)
