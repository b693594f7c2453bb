"""Agencies in tree order: the administrators' list (scoped to what the actor
administers) and the public directory (Tuyên Quang seed, art. 4.1a)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.agencies.tree import KINDS, chain
from engine.core.actors import Actor
from engine.core.errors import Forbidden
from engine.core.models import Agency, Province
from engine.core.permissions import may_administer_agency, may_open_agency_admin
from engine.core.text import fold
from engine.core.uow import UnitOfWork


def _ordered(uow: UnitOfWork) -> list[tuple[Agency, int, list[int]]]:
    """Every agency with its depth and lineage, each under its parent (siblings by name)."""
    agencies = list(uow.session.scalars(select(Agency)))
    parents = {a.id: a.parent_id for a in agencies}
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in parents else None
        children.setdefault(parent, []).append(agency)
    ordered: list[tuple[Agency, int, list[int]]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for agency in sorted(children.get(parent, []), key=lambda a: (a.name, a.code)):
            if agency.id in seen:
                continue
            seen.add(agency.id)
            ordered.append((agency, depth, chain(parents, agency.id)))
            walk(agency.id, depth + 1)

    walk(None, 0)
    return ordered


def _row(agency: Agency, depth: int, codes: dict[int, str], provinces: dict[int, str]
         ) -> dict[str, Any]:
    return {"code": agency.code, "name": agency.name, "kind": agency.kind,
            "kind_label": KINDS.get(agency.kind, agency.kind), "depth": depth,
            "parent": codes.get(agency.parent_id or 0, ""),
            "province": provinces.get(agency.province_id or 0, ""), "address": agency.address,
            "phone": agency.phone, "email": agency.email, "hotline": agency.hotline,
            "closed": agency.closed_at is not None, "closed_at": agency.closed_at,
            "closed_reason": agency.closed_reason}


def _names(uow: UnitOfWork) -> tuple[dict[int, str], dict[int, str]]:
    codes = dict(uow.session.execute(select(Agency.id, Agency.code)).all())
    provinces = dict(uow.session.execute(select(Province.id, Province.name)).all())
    return codes, provinces


def managed_agencies(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """The agencies the actor administers, in tree order, closed ones included (marked)."""
    if not may_open_agency_admin(actor):
        raise Forbidden("Chỉ quản trị hệ thống hoặc quản trị đơn vị được quản lý cơ quan.")
    codes, provinces = _names(uow)
    return [_row(agency, depth, codes, provinces) for agency, depth, line in _ordered(uow)
            if may_administer_agency(actor, line)]


def directory(uow: UnitOfWork, *, query: str = "") -> list[dict[str, Any]]:
    """The public directory: every open agency in tree order with its address, phone,
    e-mail and hotline; `query` keeps those whose name or address contains it (no diacritics
    needed)."""
    wanted = fold(query.strip()).lower()
    codes, provinces = _names(uow)
    rows = []
    for agency, depth, _ in _ordered(uow):
        if agency.closed_at is not None:
            continue
        if wanted and wanted not in fold(f"{agency.name} {agency.address}").lower():
            continue
        rows.append(_row(agency, depth, codes, provinces))
    return rows


def all_rows(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every agency in tree order (the export), closed ones included."""
    codes, provinces = _names(uow)
    return [_row(agency, depth, codes, provinces) for agency, depth, _ in _ordered(uow)]
