"""The REST API under /api/v1 (ARCHITECTURE.md, "Contract: HTTP API").

Each view parses input, calls one engine service with the current actor, and returns
JSON; refusals become `{"error": {...}}` through `webapp.errors`. One blueprint, "api",
shared by the resource modules (`common.bp`); importing them registers their routes.
"""

from __future__ import annotations

from webapp.api import (
    accounts,
    agencies,
    announcements,
    calendars,
    claims,
    connector_callbacks,
    dossiers,
    officers,
    organisations,
    payment_gateway,
    postal,
    procedure_agencies,
    procedures,
    refunds,
    reports,
    tasks,
)
from webapp.api.common import bp

__all__ = ["accounts", "agencies", "announcements", "bp", "calendars", "claims", "connector_callbacks",
           "dossiers", "officers", "organisations", "payment_gateway", "postal", "procedure_agencies",
           "procedures", "refunds", "reports", "tasks"]
