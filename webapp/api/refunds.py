"""Money to pay back to applicants (`engine.applicants.refunds`): a dossier's refunds, the
refund made recorded by an officer of its agency, and the agency's refunds not yet made."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from engine import applicants
from engine.core import Invalid
from webapp.api.common import bp, json_body, signed_in
from webapp.context import uow


@bp.get("/dossiers/<code>/refunds")
def dossier_refunds(code: str) -> Response:
    """A dossier's refunds (due and made) for its applicant and its officers, and whether the
    caller may record one made (`may_record`)."""
    actor = signed_in()
    with uow() as work:
        return jsonify(applicants.dossier_refunds(work, actor=actor, code=code[:60]))


@bp.post("/dossiers/<code>/refunds/<int:refund_id>/record")
def record_refund(code: str, refund_id: int) -> Response:
    """An officer of the dossier's agency records the refund made: `{method, voucher?, note}`
    → the refund closed. Anyone else: 403; a method not listed, a voucher over 100 or a note
    under 3 or over 1000 characters: 400 with `details` per field; recorded already: 409."""
    actor = signed_in()
    body = json_body()
    fields = {name: body.get(name, "") for name in ("method", "voucher", "note")}
    wrong = {name: f"Trường '{name}' phải là chuỗi ký tự." for name, value in fields.items()
             if not isinstance(value, str)}
    if wrong:
        raise Invalid(next(iter(wrong.values())), wrong)
    text: dict[str, Any] = {name: str(value)[:2000] for name, value in fields.items()}
    with uow() as work:
        return jsonify(applicants.record_refund(work, actor=actor, code=code[:60],
                                                refund_id=refund_id, **text))


@bp.get("/refunds")
def refunds_due() -> Response:
    """The refunds not yet made in the caller's agencies, the oldest first (officers)."""
    actor = signed_in()
    with uow() as work:
        return jsonify({"refunds": applicants.agency_refunds_due(work, actor=actor)})
