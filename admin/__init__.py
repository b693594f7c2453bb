"""Pages for process designers and administrators (mounted by the web app).

`common` holds the one blueprint; importing the area modules registers their pages on it."""

from admin import (
    accounts,
    agencies,
    announcements,
    calendars,
    decisions,
    form_builder,
    home,
    integrations,
    new_procedure,
    old_drafts,
    procedure_agencies,
    procedure_details,
    procedures,
    reports,
    retention,
    sandbox,
    sandbox_case,
    security,
)
from admin.common import bp

__all__ = ["accounts", "agencies", "announcements", "bp", "calendars", "decisions",
           "form_builder", "home", "integrations", "new_procedure", "old_drafts", "procedure_agencies",
           "procedure_details",
           "procedures", "reports", "retention",
           "sandbox", "sandbox_case", "security"]
