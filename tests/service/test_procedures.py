"""Importing and publishing procedure versions; migrations match the models."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select

from engine.core.actors import SYSTEM
from engine.core.errors import Forbidden
from engine.core.models import Procedure, ProcedureVersion
from engine.procedures import catalogue as procedures
from engine.procedures import versions
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def _counts(platform: Platform) -> tuple[int, int]:
    with platform.uow() as uow:
        return (uow.session.scalar(select(func.count()).select_from(Procedure)) or 0,
                uow.session.scalar(select(func.count()).select_from(ProcedureVersion)) or 0)


def test_the_migrations_match_the_models(platform: Platform) -> None:
    command.check(platform.alembic_config())


def test_an_invalid_package_stores_nothing(platform: Platform, tmp_path: Path) -> None:
    broken = tmp_path / "goi"
    shutil.copytree(PACKAGE, broken)
    (broken / "forms" / "tham_dinh.schema.json").unlink()
    before = _counts(platform)
    with platform.uow() as uow:
        report, version = procedures.import_package(uow, actor=SYSTEM, agency_code=MINH_XUAN,
                                                    path=broken)
    assert version is None and not report.valid
    assert _counts(platform) == before


def test_a_new_published_version_serves_new_dossiers_and_retires_the_old(platform: Platform) -> None:
    with platform.uow() as uow:
        _, version = procedures.import_package(uow, actor=SYSTEM, agency_code=MINH_XUAN,
                                               path=PACKAGE)
    assert version is not None and (version["number"], version["status"]) == (2, "draft")
    with platform.uow() as uow:
        published = versions.act(uow, actor=SYSTEM, agency_code=MINH_XUAN, code=PERMIT,
                                 number=2, action="publish")
    assert published["status"] == "published"
    with platform.uow() as uow:
        assert procedures.published_version(uow, code=PERMIT, agency_code=MINH_XUAN).version_id
        statuses = uow.session.execute(
            select(ProcedureVersion.number, ProcedureVersion.status)
            .join(Procedure).where(Procedure.code == PERMIT, Procedure.agency.has(code=MINH_XUAN))
            .order_by(ProcedureVersion.number)).all()
    assert [tuple(r) for r in statuses] == [(1, "retired"), (2, "published")]


def test_only_designers_of_the_agency_may_import(platform: Platform) -> None:
    from engine.identity.accounts import authenticate
    from engine.seed import DEMO_PASSWORD

    with platform.uow() as uow:
        desk = authenticate(uow, username="motcua.minhxuan", password=DEMO_PASSWORD)
    before = _counts(platform)
    with platform.uow() as uow, pytest.raises(Forbidden, match="không có quyền"):
        procedures.import_package(uow, actor=desk, agency_code=MINH_XUAN, path=PACKAGE)
    assert _counts(platform) == before
