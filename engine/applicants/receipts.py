"""Receipt numbers: one series per agency and year («BL2026-0000001»), numbered by one
atomic upsert, as dossier codes are."""

from __future__ import annotations

from engine.core.clock import VN_TZ
from engine.core.uow import UnitOfWork
from engine.dossiers.codes import next_number


def receipt_number(uow: UnitOfWork, agency_code: str) -> str:
    year = uow.clock.now().astimezone(VN_TZ).strftime("%Y")
    number = next_number(uow, series=f"BL:{agency_code}"[:40], period=year)
    return f"BL{year}-{number:07d}"
