"""«Thêm hồ sơ đã nộp vào tài khoản» for the citizen's API: ask for a one-time code sent to
the contact written on a dossier submitted without an account, then confirm it to make the
dossier the caller's (`engine.applicants.claims`)."""

from __future__ import annotations

from flask import Response, jsonify

from engine import applicants
from webapp.api.common import bp, json_body, signed_in
from webapp.context import uow


@bp.post("/me/dossiers/<code>/claim")
def send_claim_code(code: str) -> tuple[Response, int]:
    """Send a one-time code to the dossier's phone (and e-mail); the answer names them
    masked, with when the code expires."""
    actor = signed_in()
    with uow() as work:
        return jsonify(applicants.send_claim_code(work, actor=actor, code=code[:60])), 202


@bp.post("/me/dossiers/<code>/claim/confirm")
def confirm_claim(code: str) -> Response:
    """The one-time code (`otp`): right, the dossier is the caller's from now on."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(applicants.confirm_claim(work, actor=actor, code=code[:60],
                                                otp=str(body.get("otp", ""))[:20]))
