"""Organisations a citizen acts for (`/to-chuc`): register the one they represent by law
(its tax code becomes its login), authorise people (ủy quyền) and end it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import identity
from engine.core import VN_TZ, Actor, FormInvalid, is_citizen
from forms.formats import read_day
from webapp.context import current_actor, uow

bp = Blueprint("organisations", __name__)


def _citizen() -> Actor:
    actor = current_actor()
    if actor.account_id is None:
        abort(401)
    if not is_citizen(actor):
        abort(403, description="Trang này dành cho công dân đại diện cho tổ chức, doanh nghiệp.")
    return actor


def _list(actor: Actor, *, errors: list[dict[str, Any]] | None = None,
          typed: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    with uow() as work:
        mine = identity.my_organisations(work, actor=actor)
    return render_template("organisations.html", organisations=mine, errors=errors or [],
                           typed=typed or {}), status


@bp.get("/to-chuc")
def organisations_page() -> tuple[str, int]:
    """The organisations I act for, and the form to register the one I represent."""
    return _list(_citizen())


@bp.post("/to-chuc")
def register() -> Response | tuple[str, int]:
    """Register the organisation I represent by law."""
    actor = _citizen()
    form = request.form
    try:
        with uow() as work:
            made = identity.register_organisation(
                work, actor=actor, tax_code=form.get("tax_code", "")[:20],
                name=form.get("name", "")[:301], address=form.get("address", "")[:301],
                email=form.get("email", "")[:201], password=form.get("password", "")[:201])
    except FormInvalid as exc:
        typed = {k: v for k, v in form.items() if k != "password"}
        return _list(actor, errors=exc.details, typed=typed, status=422)
    flash(f"Đã đăng ký {made['name']}; tổ chức đăng nhập bằng mã số thuế {made['tax_code']}.",
          "success")
    return redirect(url_for("organisations.organisation_page", tax_code=made["tax_code"]), 303)


def _detail(actor: Actor, tax_code: str, *, errors: list[dict[str, Any]] | None = None,
            typed: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    with uow() as work:
        organisation = identity.organisation_detail(work, actor=actor, tax_code=tax_code)
    return render_template("organisation.html", organisation=organisation, errors=errors or [],
                           typed=typed or {}), status


@bp.get("/to-chuc/<tax_code>")
def organisation_page(tax_code: str) -> tuple[str, int]:
    """An organisation I act for and the people acting for it."""
    return _detail(_citizen(), tax_code[:20])


def _until(text: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        day = read_day(text[:40], "Ủy quyền đến hết ngày")
    except ValueError as exc:
        raise FormInvalid("Ngày không hợp lệ.", [{"field": "valid_until", "message": str(exc)}]) from None
    return datetime.combine(day + timedelta(days=1), time(), VN_TZ)


@bp.post("/to-chuc/<tax_code>/uy-quyen")
def authorise(tax_code: str) -> Response | tuple[str, int]:
    """Authorise a person (their username) by a written authorisation, until a day."""
    actor = _citizen()
    form = request.form
    try:
        with uow() as work:
            identity.add_member(work, actor=actor, tax_code=tax_code[:20],
                                username=form.get("username", "")[:100],
                                authorisation=form.get("authorisation", "")[:200],
                                valid_until=_until(form.get("valid_until", "")))
    except FormInvalid as exc:
        return _detail(actor, tax_code[:20], errors=exc.details, typed=dict(form), status=422)
    flash("Đã ủy quyền.", "success")
    return redirect(url_for("organisations.organisation_page", tax_code=tax_code), 303)


@bp.post("/to-chuc/<tax_code>/cham-dut")
def end_authorisation(tax_code: str) -> Response:
    """End a person's authorisation at once."""
    actor = _citizen()
    with uow() as work:
        identity.remove_member(work, actor=actor, tax_code=tax_code[:20],
                               username=request.form.get("username", "")[:100])
    flash("Đã chấm dứt ủy quyền.", "success")
    return redirect(url_for("organisations.organisation_page", tax_code=tax_code), 303)
