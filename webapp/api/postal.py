"""Postal orders of a dossier (issue 19): ``POST /dossiers/<code>/post-orders`` — the
applicant or the desk orders a pickup of the papers or the delivery of the result;
``GET`` lists them with the carrier's tracking number and status."""

from __future__ import annotations

from flask import jsonify
from werkzeug.wrappers import Response

from engine import dossiers
from webapp.api.common import bp, json_body, signed_in
from webapp.context import uow


def _text(body: dict[str, object], key: str) -> str:
    value = body.get(key)
    return value if isinstance(value, str) else ""


@bp.post("/dossiers/<code>/post-orders")
def order_post(code: str) -> tuple[Response, int]:
    """`{kind: pickup|delivery, name, address, phone}`; 201 with the order (status
    "requested"), sent to the carrier after commit; a wrong field: 400 naming it."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        order = dossiers.request_postal_order(
            work,
            actor=actor,
            code=code[:60],
            kind=_text(body, "kind"),
            name=_text(body, "name"),
            address=_text(body, "address"),
            phone=_text(body, "phone"),
        )
    return jsonify(order), 201


@bp.get("/dossiers/<code>/post-orders")
def list_post_orders(code: str) -> Response:
    """The dossier's postal orders, oldest first (whoever may read the dossier)."""
    actor = signed_in()
    with uow() as work:
        return jsonify({"items": dossiers.postal_orders(work, actor=actor, code=code[:60])})
