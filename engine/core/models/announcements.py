"""Announcements shown on every page: maintenance and incident notices, and the outages
during which the desk received dossiers on paper (Tiền Giang 2025 art. 9; Đồng Tháp art. 21).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base


class Announcement(Base):
    """A notice (kind ``maintenance`` or ``incident``) shown from `starts_at` to `ends_at`.

    An incident may be declared an outage: its window is then the only time a dossier
    received on paper may be entered afterwards with its true reception time.
    """

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_window", "ends_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    outage: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # Announced later than the province's minimum notice (a warning, not a refusal).
    short_notice: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    applicants_notified: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    created_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
