"""Reports for leaders and administrators (`/quan-tri/bao-cao`, `/quan-tri/bang-dieu-khien`):
the standard statistics table with QĐ 766 indicators and XLSX/CSV downloads, and the
dashboard — leaders see their agency, administrators the province."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import abort, current_app, flash, render_template, request, url_for

from admin.common import bp, staff, uow
from engine import reports
from engine.core import VN_TZ, UnitOfWork, is_admin_account
from engine.wiring import Platform
from forms.formats import DAY_HINT, read_day


def reports_uow() -> UnitOfWork:
    """A unit of work on the reports database (a replica when configured: the figures read
    every dossier of a period and must not compete with the desk for the primary)."""
    platform: Platform = current_app.extensions["motcua"]
    return platform.reports_uow()


def column_groups() -> list[tuple[str, list[tuple[str, str, tuple[str, ...]]]]]:
    """The report's column groups with their columns, in the order of the XLSX export (the
    standard report form: Tiếp nhận, Đã giải quyết, Đang giải quyết, Tạm dừng, Khác) —
    Jinja's `groupby` would sort them by name."""
    return [(group, list(items))
            for group, items in groupby(reports.EXPORT_COLUMNS, key=lambda column: column[1])]


@bp.get("/bao-cao")
def report_page() -> str | tuple[str, int]:
    """The standard statistics report for a period (this month by default), printable,
    with its XLSX/CSV downloads; with one agency chosen, its QĐ 766 indicators too."""
    actor = staff()
    args = request.args
    with uow() as work:
        today = work.clock.now().astimezone(VN_TZ).date()
        agencies = reports.reportable_agencies(work, actor=actor)
    if not agencies:
        abort(403, description="Báo cáo dành cho lãnh đạo cơ quan và quản trị hệ thống.")
    agency = args.get("co_quan", "" if is_admin_account(actor) else agencies[0]["code"])
    typed = {"tu": args.get("tu", "")[:40], "den": args.get("den", "")[:40]}
    try:
        start = read_day(typed["tu"], "Từ ngày") if typed["tu"] else today.replace(day=1)
        end = read_day(typed["den"], "Đến ngày") if typed["den"] else today
        with reports_uow() as work:
            report = reports.statistics_report(work, actor=actor, period=reports.Period(start, end),
                                               agency_code=agency or None)
            found = (reports.service_indicators(work, actor=actor, agency_code=agency, start=start,
                                                end=end) if agency else None)
    except ValueError as exc:
        flash(str(exc), "error")
        return render_template("admin_report.html", report=None, found=None, agencies=agencies,
                               agency=agency, typed=typed, day_hint=DAY_HINT,
                               columns=column_groups()), 400
    return render_template("admin_report.html", report=report, found=found, agencies=agencies,
                           agency=agency, start=start, end=end, day_hint=DAY_HINT,
                           typed={"tu": f"{start:%d/%m/%Y}", "den": f"{end:%d/%m/%Y}"},
                           columns=column_groups())


@bp.get("/bang-dieu-khien")
def dashboard_page() -> str:
    """The leader's dashboard: on-time rate by month, dossiers by status, the slowest
    procedures, open work per officer — bars drawn on the server, every value in words,
    each count a link to the list it counts."""
    actor = staff()
    with reports_uow() as work:
        today = work.clock.now().astimezone(VN_TZ).date()
        agencies = reports.reportable_agencies(work, actor=actor)
        if not agencies:
            abort(403, description="Bảng điều khiển dành cho lãnh đạo cơ quan và quản trị hệ thống.")
        agency = request.args.get("co_quan", "" if is_admin_account(actor) else agencies[0]["code"])
        board = reports.leader_dashboard(work, actor=actor, agency_code=agency or None, today=today)
    return render_template("admin_dashboard.html", charts=_charts(board, leader=not is_admin_account(actor)),
                           agencies=agencies, agency=agency)


Bar = tuple[str, float, str, str | None]  # label, value, value in words, link


def _percent(rate: float | None) -> str:
    return "không có hồ sơ" if rate is None else f"{rate * 100:.1f}%".replace(".", ",")


def _trend(board: dict[str, Any], agency: dict[str, str]) -> list[Bar]:
    """An agency's on-time rate month by month; a month without a resolved dossier says so
    (the rate of dossiers still within their time alone read «100,0%»)."""
    items: list[Bar] = []
    for month in board["trend"]:
        rate = month["agencies"][agency["code"]]
        resolved = month["resolved"][agency["code"]]
        link = url_for("admin.report_page", co_quan=agency["code"], tu=month["start"],
                       den=month["end"])
        items.append((month["month"], (rate or 0.0) if resolved else 0.0,
                      _percent(rate) if resolved else "Chưa có hồ sơ hoàn thành", link))
    return items


def _charts(board: dict[str, Any], *, leader: bool) -> list[tuple[str, str, list[Bar], float]]:
    """The dashboard's bar charts: (id, title, [(label, value, value in words, link)], full
    bar). Statuses and procedures link to the agency's dossiers; a leader's workload bars
    to «Việc của đơn vị» (an administrator leads no agency and has no such list)."""
    charts = [(f"dung-han-{index}", f"Tỉ lệ đúng hạn theo tháng (gồm hồ sơ đang giải quyết còn "
                                         f"trong hạn) — {agency['name']}",
               _trend(board, agency), 1.0)
              for index, agency in enumerate(board["agencies"][:6], start=1)]
    statuses: list[Bar] = [(s["label"], s["count"], f"{s['count']} hồ sơ",
                            url_for("officer_dossiers.dossier_list", status=s["status"]))
                           for s in board["statuses"]]
    slowest: list[Bar] = [(s["name"], s["average_days"],
                           f"{s['average_days']} ngày ({s['count']} hồ sơ)".replace(".", ","),
                           url_for("officer_dossiers.dossier_list", procedure=s["code"]))
                          for s in board["slowest"]]
    workload: list[Bar] = [(w["officer"], w["open"], f"{w['open']} việc, {w['overdue']} quá hạn",
                            (url_for("officer.inbox", view="team", assignee=w["officer_id"])
                             if w["officer_id"] else url_for("officer.inbox", view="team",
                                                             assigned="unassigned"))
                            if leader else None)
                           for w in board["workload"]]
    for chart_id, title, items in (
            ("trang-thai", "Hồ sơ theo trạng thái hiện tại", statuses),
            ("cham-nhat", "Thủ tục giải quyết lâu nhất (90 ngày qua, số ngày trung bình)", slowest),
            ("khoi-luong", "Công việc đang mở theo cán bộ", workload)):
        charts.append((chart_id, title, items, max((v for _, v, _, _ in items), default=1) or 1))
    return charts
