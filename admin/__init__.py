"""Pages for process designers and administrators (mounted by the web app).

`common` holds the one blueprint; importing the area modules registers their pages on it."""

from admin import agencies, calendars, form_builder, procedures, reports, sandbox, security
from admin.common import bp

__all__ = ["agencies", "bp", "calendars", "form_builder", "procedures", "reports", "sandbox",
           "security"]
