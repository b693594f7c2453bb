"""Reports: the standard statistics (JSON, XLSX or CSV), the QĐ 766 indicators and an
agency's tracking book (Mẫu 06)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from engine import reports
from engine.core import Invalid
from webapp.api.common import bp, iso_date, signed_in
from webapp.context import reports_uow, uow
from webapp.documents import document_response


@bp.get("/reports/statistics")
def report_statistics() -> Response:
    """The standard statistics report for `from`..`to` (ISO dates), optionally one `agency`
    (its leaders; all agencies: administrators), `procedure`, `channel`; `format`
    json (default), xlsx or csv."""
    actor = signed_in()
    period = reports.Period(iso_date(request.args.get("from", "")),
                            iso_date(request.args.get("to", "")))
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "xlsx", "csv"):
        raise Invalid("Định dạng phải là json, xlsx hoặc csv.")
    with reports_uow() as work:
        report = reports.statistics_report(
            work, actor=actor, period=period, agency_code=request.args.get("agency") or None,
            procedure=request.args.get("procedure") or None,
            channel=request.args.get("channel") or None)
    if fmt == "json":
        return jsonify(report)
    name = f"bao-cao-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    content = reports.to_xlsx(report) if fmt == "xlsx" else reports.to_csv(report)
    mimetype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                if fmt == "xlsx" else "text/csv")
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/reports/indicators")
def report_indicators() -> Response:
    """QĐ 766 indicators of one `agency` for `from`..`to`, each with numerator,
    denominator, value and score."""
    actor = signed_in()
    with reports_uow() as work:
        return jsonify(reports.service_indicators(
            work, actor=actor, agency_code=request.args.get("agency", ""),
            start=iso_date(request.args.get("from", "")), end=iso_date(request.args.get("to", ""))))


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
