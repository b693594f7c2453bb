"""Administrators' page of the connections to outside systems (`/quan-tri/ket-noi`): each
connector's implementation and health, the outbox per connector, the dead letters with
"gửi lại", and the reconciliation with the national portal for a day."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import administrator, bp, uow
from engine import records
from engine.core import VN_TZ, ServiceError
from forms.formats import read_day
from integrations import (
    SPECS,
    STATUS_WORDS,
    ConfigError,
    Connectors,
    DeliveryFailed,
    Difference,
    connectors_from,
    reconcile,
)

LABELS = {spec.name: spec.label for spec in SPECS}
_OLD_HTTP = re.compile(r"^(?:DeliveryFailed: )?HTTP (\d{3}) từ ")


def failure_parts(connector: str, text: str) -> tuple[str, str]:
    """A dead letter's last error as (words, technical detail): the words on its first line;
    an error kept before the words were (one line) said from its HTTP status if it has one."""
    words, newline, detail = (text or "").partition("\n")
    if newline:
        return words, detail
    old = _OLD_HTTP.match(text or "")
    if old:
        status = int(old.group(1))
        meaning = STATUS_WORDS.get(status, "lỗi phía hệ thống đó" if status >= 500 else "từ chối yêu cầu")
        return f"{LABELS.get(connector, connector)} trả lỗi {status} ({meaning})", text
    return "Không gửi được (xem chi tiết kỹ thuật)", text


def connectors() -> Connectors:
    """The web app's connectors, built once from `CONNECTORS` (app config) or
    `MOTCUA_CONNECTORS`."""
    found = current_app.extensions.get("motcua_connectors")
    if found is None:
        found = connectors_from(current_app.config.get("CONNECTORS") or os.environ.get("MOTCUA_CONNECTORS"))
        current_app.extensions["motcua_connectors"] = found
    assert isinstance(found, Connectors)
    return found


@bp.get("/ket-noi")
def integrations_page() -> str:
    """Connectors, the outbox, dead letters; with `kiem_tra=1` each connector's health, with
    `doi_soat=YYYY-MM-DD` the portal reconciliation of that day."""
    actor = administrator()
    with uow() as work:
        counts = records.outbox_counts(work, actor=actor)
        dead = records.dead_letters(work, actor=actor)
    for message in dead:
        message["error_words"], message["error_detail"] = failure_parts(message["connector"],
                                                                        message["last_error"])
    try:
        built = connectors()
    except ConfigError as exc:
        return render_template("admin_integrations.html", config_error=str(exc), counts=counts, dead=dead,
                               chosen=[], health={}, day=None, differences=None, reconcile_error=None,
                               yesterday=None, labels=LABELS, max_attempts=records.MESSAGE_MAX_ATTEMPTS)
    chosen = [(name, province, c.implementation) for (name, province), c in sorted(built.chosen.items())]
    health = built.health() if request.args.get("kiem_tra") else {}
    day, differences, reconcile_error = _reconciliation(built)
    yesterday = (current_app.extensions["motcua"].clock.now().astimezone(VN_TZ) - timedelta(days=1)).date()
    return render_template("admin_integrations.html", config_error=None, counts=counts, dead=dead,
                           chosen=chosen, health=health, day=day, differences=differences,
                           reconcile_error=reconcile_error, yesterday=yesterday, labels=LABELS,
                           max_attempts=records.MESSAGE_MAX_ATTEMPTS)


def _reconciliation(built: Connectors) -> tuple[date | None, list[Difference] | None, str | None]:
    text = request.args.get("doi_soat", "")
    if not text:
        return None, None, None
    try:
        day = read_day(text[:40], "Ngày đối soát")
    except ValueError as exc:
        return None, None, str(exc)
    platform = current_app.extensions["motcua"]
    try:
        return day, reconcile(platform.uow, built, day=day, now=platform.clock.now), None
    except DeliveryFailed as exc:
        return day, None, f"Không lấy được dữ liệu từ Cổng Dịch vụ công quốc gia: {exc}"


@bp.post("/ket-noi/<int:message_id>/gui-lai")
def integrations_resend(message_id: int) -> Response:
    """Give a dead letter a fresh round of attempts (same idempotency key)."""
    actor = administrator()
    try:
        with uow() as work:
            resent = records.resend_dead_letter(work, actor=actor, message_id=message_id)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        if resent:
            flash(f"Thông điệp số {message_id} sẽ được gửi lại ở lượt gửi tiếp theo.", "success")
        else:
            flash(f"Thông điệp số {message_id} không còn ở trạng thái gửi lỗi.", "error")
    return redirect(url_for("admin.integrations_page"), 303)
