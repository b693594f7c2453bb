"""Officers' accounts (`/quan-tri/tai-khoan`): invite, roles per agency with a validity
period, lock and unlock, the emergency lock, deactivate and reactivate, transfer to another
post, bulk import and export — administrators for every account, a quản trị đơn vị for the
officers of its subtree (the engine decides, `engine.agencies`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as Redirect

from admin.agencies import agency_admin
from admin.common import bp, uow
from engine import agencies
from engine.core import VN_TZ, Actor, Conflict, FormInvalid, Invalid
from forms.formats import read_day

NO_AGENCY = "Chưa chọn cơ quan nơi cán bộ nhận vai trò."
ACTIONS = ("lock", "unlock", "emergency", "deactivate", "reactivate", "resend")


def link_base() -> str:
    """Where invitation links point: the password page of this installation."""
    return str(current_app.config["PUBLIC_URL"]).rstrip("/") + "/dat-lai-mat-khau"


def _day(text: str, *, end: bool = False) -> datetime | None:
    """A date field (15/01/2027, or ISO) as the start of that day in Vietnam (the next day's
    for an inclusive end); `FormInvalid` when unreadable."""
    if not text.strip():
        return None
    field = "valid_until" if end else "valid_from"
    try:
        day = read_day(text[:40], "Hiệu lực đến hết ngày" if end else "Hiệu lực từ ngày")
    except ValueError as exc:
        raise FormInvalid("Ngày không hợp lệ.", [{"field": field, "message": str(exc)}]) from None
    if not agencies.FIRST_YEAR <= day.year <= agencies.LAST_YEAR:  # 9999-12-31 + 1 overflows
        raise FormInvalid("Ngày không hợp lệ.", [{"field": field, "message": agencies.YEARS_REFUSED}])
    return datetime.combine(day + timedelta(days=1 if end else 0), time(), VN_TZ)


def _grants(form: Any) -> list[agencies.Grant]:
    start, end = _day(form.get("valid_from", "")), _day(form.get("valid_until", ""), end=True)
    return [agencies.Grant(agency=str(form.get("agency", ""))[:40], role=role[:50],
                           valid_from=start, valid_until=end)
            for role in form.getlist("roles") if role]


def _list_page(actor: Actor, *, errors: list[dict[str, Any]] | None = None,
               typed: dict[str, Any] | None = None, report: FormInvalid | None = None,
               status: int = 200) -> tuple[str, int]:
    query = request.args.get("q", "")[:100]
    with uow() as work:
        officers = agencies.list_officers(work, actor=actor, query=query)
        places = [a for a in agencies.managed_agencies(work, actor=actor) if not a["closed"]]
        roles = agencies.role_choices(work, actor=actor)
    typed = typed or _chosen(roles)  # from an agency's page or «Áp dụng cho cơ quan»
    return render_template("admin_accounts.html", officers=officers, places=places,
                           roles=roles, errors=errors or [], typed=typed,
                           report=report, query=query), status


def _chosen(roles: list[agencies.RoleChoice]) -> dict[str, Any]:
    """The invitation form as a link opens it: `?co-quan=` the agency chosen, `?vai-tro=`
    a role ticked when it is one the actor may grant (any other value is ignored)."""
    role = request.args.get("vai-tro", "")[:50]
    return {"agency": request.args.get("co-quan", "")[:40],
            "roles": [role] if any(r.code == role for r in roles) else []}


@bp.get("/tai-khoan")
def accounts_page() -> tuple[str, int]:
    """The staff accounts the actor manages, the invitation form and the bulk import."""
    return _list_page(agency_admin())


@bp.post("/tai-khoan")
def accounts_invite() -> Redirect | tuple[str, int]:
    """Create an officer's account and e-mail the link to choose its password."""
    actor = agency_admin()
    form = request.form
    typed = {**form, "roles": form.getlist("roles")}
    try:
        with uow() as work:
            made = agencies.invite_officer(
                work, actor=actor, username=form.get("username", "")[:100],
                full_name=form.get("full_name", "")[:200], email=form.get("email", "")[:200],
                phone=form.get("phone", "")[:20], grants=_grants(form), link_base=link_base())
    except FormInvalid as exc:  # the agency asked even when no role was ticked yet
        unchosen = not form.get("agency") and all(d["field"] != "agency" for d in exc.details)
        errors = exc.details + ([{"field": "agency", "message": NO_AGENCY}] if unchosen else [])
        return _list_page(actor, errors=errors, typed=typed, status=422)
    flash(f"Đã tạo tài khoản {made['username']} và gửi thư mời đặt mật khẩu đến {made['email']}.",
          "success")
    return redirect(url_for("admin.account_page", username=made["username"]), 303)


@bp.post("/tai-khoan/nhap")
def accounts_import() -> Redirect | tuple[str, int]:
    """Create many accounts from a file: all or none, each wrong row named."""
    actor = agency_admin()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _list_page(actor, report=FormInvalid("Chọn tệp .xlsx hoặc .csv để nhập.", []),
                          status=422)
    try:
        with uow() as work:
            counts = agencies.import_officers(work, actor=actor, content=upload.read(),
                                              filename=upload.filename, link_base=link_base())
    except FormInvalid as exc:
        return _list_page(actor, report=exc, status=422)
    except Invalid as exc:
        return _list_page(actor, report=FormInvalid(exc.message, []), status=422)
    flash(f"Đã tạo {counts['created']} tài khoản; mỗi người nhận thư mời đặt mật khẩu.",
          "success")
    return redirect(url_for("admin.accounts_page"), 303)


@bp.get("/tai-khoan/xuat.<fmt>")
def accounts_export(fmt: str) -> Response:
    """The accounts the actor manages, one row per role, as XLSX or CSV."""
    actor = agency_admin()
    if fmt not in ("xlsx", "csv"):
        return Response("Không có định dạng này.", status=404)
    with uow() as work:
        content, media = agencies.export_officers(work, actor=actor, fmt=fmt)
    return Response(content, mimetype=media, headers={
        "Content-Disposition": f'attachment; filename="tai-khoan.{fmt}"'})


def _account(actor: Actor, username: str, *, errors: list[dict[str, Any]] | None = None,
             typed: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    with uow() as work:
        account = agencies.officer_detail(work, actor=actor, username=username)
        places = [a for a in agencies.managed_agencies(work, actor=actor) if not a["closed"]]
        roles = agencies.role_choices(work, actor=actor)
    for entry in account["history"]:
        entry["label"] = _history_label(entry["action"], entry["summary"])
    # A role is given at the officer's own agency unless another is chosen.
    own = next((g["agency"] for g in account["grants"] if g["in_force"]), "")
    return render_template("admin_account.html", account=account, places=places,
                           roles=roles, errors=errors or [],
                           typed=typed or {"agency": own}, labels=HISTORY), status


def _history_label(action: str, summary: Any) -> str:
    """An audit entry in words; a creation says whether an invitation went (only the sample
    data's demo logins are made with a password set and no invitation)."""
    if action == "account.created":
        invited = summary.get("invited") if isinstance(summary, dict) else None
        return (f"Tạo tài khoản, gửi thư mời đặt mật khẩu đến {invited}" if invited
                else "Tạo tài khoản với mật khẩu đặt sẵn (dữ liệu mẫu), không gửi thư mời")
    return HISTORY.get(action, action)


HISTORY = {"account.created": "Tạo tài khoản", "account.role_granted": "Giao vai trò",
           "account.role_revoked": "Thu hồi vai trò", "account.locked": "Khóa",
           "account.unlock": "Mở khóa", "account.emergency_lock": "Khóa khẩn cấp",
           "account.deactivated": "Ngừng hoạt động", "account.reactivated": "Kích hoạt lại",
           "account.transferred": "Chuyển công tác", "account.login": "Đăng nhập",
           "account.login_failed": "Đăng nhập sai", "account.password_reset": "Đặt mật khẩu",
           "account.password_changed": "Đổi mật khẩu", "account.closed": "Tự đóng tài khoản",
           "account.self_locked": "Tự khóa tài khoản",
           "account.activated": "Kích hoạt tài khoản (tự đặt mật khẩu lần đầu)",
           "account.invitation_resent": "Gửi lại thư mời"}


@bp.get("/tai-khoan/<username>")
def account_page(username: str) -> tuple[str, int]:
    """One account: its roles and their periods, its state, what may be done, its history."""
    return _account(agency_admin(), username[:100])


@bp.post("/tai-khoan/<username>/vai-tro")
def account_grant(username: str) -> Redirect | tuple[str, int]:
    """Give a role in an agency for a period (a role held there gets the new period)."""
    actor = agency_admin()
    form = request.form
    try:
        grants = _grants(form)
        if not grants:
            raise FormInvalid("Chưa chọn vai trò.", [{"field": "roles",
                                                      "message": "Chọn vai trò cần giao."}])
        with uow() as work:
            for grant in grants:
                agencies.grant_role(work, actor=actor, username=username, grant=grant)
    except FormInvalid as exc:
        return _account(actor, username, errors=exc.details,
                        typed={**form, "roles": form.getlist("roles")}, status=422)
    flash("Đã giao vai trò.", "success")
    return redirect(url_for("admin.account_page", username=username), 303)


@bp.get("/tai-khoan/<username>/thu-hoi")
def account_revoke_page(username: str) -> str:
    """Asked before a role is taken away: the work the officer holds in it, and whether
    anyone else at the agency still holds it."""
    actor = agency_admin()
    with uow() as work:
        preview = agencies.revoke_preview(
            work, actor=actor, username=username[:100],
            agency=request.args.get("co-quan", "")[:40], role=request.args.get("vai-tro", "")[:50])
    return render_template("admin_account_revoke.html", p=preview)


@bp.post("/tai-khoan/<username>/thu-hoi")
def account_revoke(username: str) -> Redirect:
    """Take one role away (the page above asks first)."""
    actor = agency_admin()
    with uow() as work:
        agencies.revoke_role(work, actor=actor, username=username,
                             agency=request.form.get("agency", "")[:40],
                             role=request.form.get("role", "")[:50])
    flash("Đã thu hồi vai trò.", "success")
    return redirect(url_for("admin.account_page", username=username), 303)


@bp.post("/tai-khoan/<username>/<action>")
def account_act(username: str, action: str) -> Redirect | tuple[str, int]:
    """Lock, unlock, emergency-lock, deactivate or reactivate the account."""
    actor = agency_admin()
    if action not in ACTIONS:
        return _account(actor, username, status=404)
    reason = request.form.get("reason", "")[:300]
    try:
        with uow() as work:
            if action == "lock":
                agencies.lock_account(work, actor=actor, username=username, reason=reason)
            elif action == "unlock":
                agencies.unlock(work, actor=actor, username=username)
            elif action == "emergency":
                done = agencies.emergency_lock(work, actor=actor, username=username,
                                               reason=reason)
                flash(f"Đã khóa khẩn cấp: {done['sessions_ended']} phiên đăng nhập kết thúc, "
                      f"{done['api_keys_revoked']} khóa API bị thu hồi.", "success")
            elif action == "deactivate":
                agencies.deactivate(work, actor=actor, username=username, reason=reason)
            elif action == "resend":
                agencies.resend_invitation(work, actor=actor, username=username,
                                           link_base=link_base())
            else:
                agencies.reactivate(work, actor=actor, username=username, link_base=link_base())
    except FormInvalid as exc:
        return _account(actor, username, errors=[{**d, "field": f"{action}-{d['field']}"}
                                                 for d in exc.details], status=422)
    except (Conflict, Invalid) as exc:
        return _account(actor, username, errors=[{"field": action, "message": exc.message}],
                        status=409 if isinstance(exc, Conflict) else 400)
    if action != "emergency":
        flash(DONE[action], "success")
    return redirect(url_for("admin.account_page", username=username), 303)


DONE = {"lock": "Đã khóa tài khoản.", "unlock": "Đã mở khóa tài khoản.",
        "deactivate": "Đã ngừng hoạt động tài khoản.",
        "reactivate": "Đã kích hoạt lại; chủ tài khoản nhận thư để đặt mật khẩu mới.",
        "resend": "Đã gửi lại thư mời; liên kết trong thư trước không dùng được nữa."}


@bp.post("/tai-khoan/<username>/chuyen-cong-tac")
def account_transfer(username: str) -> Redirect | tuple[str, int]:
    """Move the officer to another post: the work handed over, the new roles given."""
    actor = agency_admin()
    form = request.form
    try:
        with uow() as work:
            moved = agencies.transfer(
                work, actor=actor, username=username, from_agency=form.get("from_agency", "")[:40],
                to_agency=form.get("to_agency", "")[:40],
                roles=[r[:50] for r in form.getlist("transfer_roles") if r],
                successor=form.get("successor", "")[:100], reason=form.get("reason", "")[:300])
    except FormInvalid as exc:
        return _account(actor, username, errors=[{**d, "field": f"transfer-{d['field']}"}
                                                 for d in exc.details], status=422)
    except (Invalid, Conflict) as exc:
        return _account(actor, username, errors=[{"field": "transfer", "message": exc.message}],
                        status=400)
    flash(f"Đã chuyển công tác; {moved['moved_tasks']} công việc được bàn giao.", "success")
    return redirect(url_for("admin.account_page", username=username), 303)
