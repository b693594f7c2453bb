"""Postal orders (issue 19): a pickup of the applicant's papers or the delivery of the
result by the public postal service, with the carrier's tracking number and status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base


class PostalOrder(Base):
    """One order to the postal connector, sent through the connectors' outbox."""

    __tablename__ = "postal_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)  # ours, sent to the carrier
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "pickup" | "delivery"
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500))
    phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    tracking_number: Mapped[str | None] = mapped_column(String(60), default=None)
    note: Mapped[str] = mapped_column(String(300), default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    created_at: Mapped[datetime]
    status_at: Mapped[datetime | None] = mapped_column(default=None)
