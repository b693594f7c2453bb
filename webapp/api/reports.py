"""Reports: the standard statistics (JSON, XLSX or CSV: the agencies' table, or with
`table=procedures` the resolution times by procedure), the QĐ 766 indicators (JSON or CSV) and
an agency's tracking book (Mẫu 06)."""

from __future__ import annotations

import re

from flask import Response, current_app, jsonify, request

from engine import reports
from engine.core import Invalid
from webapp.api.common import bp, iso_date, signed_in
from webapp.context import reports_uow, uow
from webapp.documents import document_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(content: bytes, fmt: str, name: str) -> Response:
    """A download: `content` as an attachment named `name`.`fmt`."""
    response = Response(content, mimetype=XLSX if fmt == "xlsx" else "text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@bp.get("/reports/statistics")
def report_statistics() -> Response:
    """The standard statistics report for `from`..`to` (ISO dates), optionally one `agency`
    (its leaders; all agencies: administrators), `procedure`, `channel`; `format`
    json (default), xlsx or csv. The XLSX holds the resolution times by procedure in a
    worksheet of their own; of one agency, without a procedure or channel filter (the
    indicators count the whole agency), its QĐ 766 indicators too, as the report page shows
    them. The CSV is one table: the agencies', or with `table=procedures` the resolution
    times by procedure."""
    actor = signed_in()
    period = reports.Period(iso_date(request.args.get("from", "")),
                            iso_date(request.args.get("to", "")))
    fmt, table = request.args.get("format", "json"), request.args.get("table", "agencies")
    if fmt not in ("json", "xlsx", "csv"):
        raise Invalid("Định dạng phải là json, xlsx hoặc csv.")
    if table not in ("agencies", "procedures") or (table == "procedures" and fmt != "csv"):
        raise Invalid("Tham số table phải là agencies hoặc procedures (procedures chỉ dùng với format=csv).")
    agency = request.args.get("agency") or None
    procedure, channel = request.args.get("procedure") or None, request.args.get("channel") or None
    with reports_uow() as work:
        report = reports.statistics_report(work, actor=actor, period=period, agency_code=agency,
                                           procedure=procedure, channel=channel)
        found = (reports.service_indicators(work, actor=actor, agency_code=agency,
                                            start=period.start, end=period.end)
                 if fmt == "xlsx" and agency and not (procedure or channel) else None)
    if fmt == "json":
        return jsonify(report)
    days = f"{period.start.isoformat()}-{period.end.isoformat()}"
    if table == "procedures":
        code = re.sub(r"[^\w.-]", "-", agency or "toan-tinh", flags=re.ASCII)
        return _file(reports.durations_to_csv(report), fmt, f"thoi-gian-giai-quyet-{code}-{days}")
    content = reports.to_xlsx(report, found) if fmt == "xlsx" else reports.to_csv(report)
    return _file(content, fmt, f"bao-cao-{days}")


@bp.get("/reports/indicators")
def report_indicators() -> Response:
    """QĐ 766 indicators of one `agency` for `from`..`to`, each with numerator,
    denominator, value and score; `format` json (default) or csv (the report page's
    indicators table, one row per indicator)."""
    actor = signed_in()
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Invalid("Định dạng phải là json hoặc csv.")
    agency = request.args.get("agency", "")
    start, end = iso_date(request.args.get("from", "")), iso_date(request.args.get("to", ""))
    with reports_uow() as work:
        found = reports.service_indicators(work, actor=actor, agency_code=agency, start=start,
                                           end=end)
    if fmt == "json":
        return jsonify(found)
    code = re.sub(r"[^\w.-]", "-", found["agency"]["code"], flags=re.ASCII)
    return _file(reports.indicators_to_csv(found), fmt,
                 f"chi-so-qd766-{code}-{start.isoformat()}-{end.isoformat()}")


@bp.get("/agencies/<agency>/tracking-book")
def tracking_book(agency: str) -> Response:
    """The agency's tracking book (Mẫu 06) for `from`..`to` (ISO dates), PDF or HTML."""
    actor = signed_in()
    start, end = iso_date(request.args.get("from", "")), iso_date(request.args.get("to", ""))
    if end < start or (end - start).days > 366:
        raise Invalid("Khoảng thời gian không hợp lệ (tối đa một năm).")
    fmt = request.args.get("format", "pdf")
    with uow() as work:
        document = reports.render_tracking_book(
            work, actor=actor, agency_code=agency, start=start, end=end,
            fmt=fmt, set_name=current_app.config["DOCUMENT_SET"])
    return document_response(document, fmt)
