"""«Thêm hồ sơ đã nộp vào tài khoản» (/ca-nhan/them-ho-so): a citizen types the code of a
dossier they submitted without an account, receives a one-time code by SMS (and e-mail) at
the contact written on it, types that code, and the dossier joins «Hồ sơ của tôi»
(`engine.applicants.claims`). Registered on the citizen area's blueprint (`add_routes`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import applicants
from engine.core import FormInvalid, RateLimited, ServiceError
from forms import FieldError
from webapp.context import current_citizen, uow

Page = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]


def add_routes(bp: Blueprint) -> None:
    """Add the two steps to the citizen area's blueprint ("mine.claim", "mine.claim_confirm")."""
    bp.add_url_rule("/ca-nhan/them-ho-so", "claim", claim, methods=["GET", "POST"])
    bp.add_url_rule("/ca-nhan/them-ho-so/xac-nhan", "claim_confirm", claim_confirm,
                    methods=["POST"])




def _code() -> str:
    source = request.form if request.method == "POST" else request.args
    return "".join(source.get("ma", "").split())[:60]


def _errors(exc: ServiceError, field: str) -> list[FieldError]:
    details = exc.details if isinstance(exc.details, list) else []
    found = [FieldError(str(d.get("field", "")), str(d.get("message", "")))
             for d in details if isinstance(d, dict)]
    return found or [FieldError(field, exc.message)]


def claim() -> Page:
    """Step 1: the dossier's code (GET shows the form, `?ma=` filled in from tracking);
    posting it sends the one-time code and shows step 2."""
    actor = current_citizen()
    code = _code()
    if request.method == "GET":
        return render_template("claim.html", step=1, code=code, errors=[])
    if not code:
        errors = [FieldError("ma", "Vui lòng nhập mã hồ sơ.")]
        return render_template("claim.html", step=1, code=code, errors=errors), 422
    try:
        with uow() as work:
            sent = applicants.send_claim_code(work, actor=actor, code=code)
    except RateLimited as exc:
        page = render_template("claim.html", step=1, code=code, errors=_errors(exc, ""))
        return page, 429, {"Retry-After": str(exc.retry_after)}
    except ServiceError as exc:
        return render_template("claim.html", step=1, code=code, errors=_errors(exc, "ma")), exc.status
    return render_template("claim.html", step=2, code=sent["code"], sent=sent, errors=[])


def claim_confirm() -> Page:
    """Step 2: the one-time code; right, the dossier is the citizen's and its page opens."""
    actor = current_citizen()
    code = _code()
    otp = "".join(request.form.get("ma_xac_nhan", "").split())[:20]
    sent: dict[str, Any] = {}
    try:
        with uow() as work:
            done = applicants.confirm_claim(work, actor=actor, code=code, otp=otp)
    except FormInvalid as exc:
        errors = _errors(exc, "ma_xac_nhan")
        return render_template("claim.html", step=2, code=code, sent=sent, errors=errors), 422
    except RateLimited as exc:
        page = render_template("claim.html", step=2, code=code, sent=sent, errors=_errors(exc, ""))
        return page, 429, {"Retry-After": str(exc.retry_after)}
    except ServiceError as exc:
        return render_template("claim.html", step=1, code=code, errors=_errors(exc, "ma")), exc.status
    flash(f"Đã thêm hồ sơ {done['code']} vào tài khoản của bạn.", "success")
    return redirect(url_for("mine.dossier", code=done["code"]), 303)
