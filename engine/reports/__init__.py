"""Figures and documents, read-only: statistics, indicators, exports, dashboard,
legal documents.

The public face of `engine.reports`: entry points import from here only (import-linter
holds them to it); the modules behind it are free to change.
"""

from __future__ import annotations

from engine.reports.archive import export_archive as export_dossier_archive
from engine.reports.archive import verify_archive as verify_dossier_archive
from engine.reports.dashboard import dashboard as leader_dashboard
from engine.reports.dashboard import public_figures
from engine.reports.documents import (
    Document,
    render_dossier_document,
    render_submission_receipt,
    render_tracking_book,
)
from engine.reports.duration_exports import durations_to_csv
from engine.reports.exports import COLUMNS as EXPORT_COLUMNS
from engine.reports.exports import to_csv, to_xlsx
from engine.reports.indicator_exports import indicators_to_csv
from engine.reports.indicators import indicators as service_indicators
from engine.reports.retention import ArchiveFolderError, RetentionRun, apply_retention
from engine.reports.retention import may_archive as may_archive_dossier
from engine.reports.statistics import (
    Period,
    reportable_agencies,
    statistics_report,
    step_times,
    tracking_book_agencies,
)

__all__ = [
    "EXPORT_COLUMNS",
    "ArchiveFolderError",
    "Document",
    "Period",
    "RetentionRun",
    "apply_retention",
    "durations_to_csv",
    "export_dossier_archive",
    "indicators_to_csv",
    "leader_dashboard",
    "may_archive_dossier",
    "public_figures",
    "render_dossier_document",
    "render_submission_receipt",
    "render_tracking_book",
    "reportable_agencies",
    "service_indicators",
    "statistics_report",
    "step_times",
    "to_csv",
    "to_xlsx",
    "tracking_book_agencies",
    "verify_dossier_archive",
]
