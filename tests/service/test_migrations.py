"""Migrations keep data: upgrading from 0001 moves each agency's province into its table;
0027 goes down and up again."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from engine.wiring import Platform


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin: sa.Engine = request.getfixturevalue("postgres_admin")
    name = f"motcua_m_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield str(admin.url.set(database=name).render_as_string(hide_password=False))
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_upgrading_moves_agency_provinces_into_the_provinces_table(empty_url: str) -> None:
    platform = Platform(empty_url)
    try:
        command.upgrade(platform.alembic_config(), "0001")
        with platform.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO agencies (code, name, province) VALUES "
                "('A', 'UBND xã A', 'Tuyên Quang'), ('B', 'UBND xã B', 'Tuyên Quang'), "
                "('C', 'UBND xã C', 'Hà Giang'), ('D', 'Sở D', '')"))
        command.upgrade(platform.alembic_config(), "head")
        with platform.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT a.code, p.name FROM agencies a LEFT JOIN provinces p "
                "ON p.id = a.province_id ORDER BY a.code")).all()
            periods = connection.execute(sa.text(
                "SELECT periods FROM provinces WHERE name = 'Hà Giang'")).scalar_one()
        assert [tuple(r) for r in rows] == [("A", "Tuyên Quang"), ("B", "Tuyên Quang"),
                                            ("C", "Hà Giang"), ("D", None)]
        assert (periods if isinstance(periods, list) else json.loads(periods)) == [
            ["07:00", "11:30"], ["13:30", "17:00"]]
        command.check(platform.alembic_config())
    finally:
        platform.dispose()


def test_procedure_agencies_go_down_and_up_again(empty_url: str) -> None:
    """0027 («Áp dụng cho cơ quan») drops its table going down and makes it again going up,
    the schema then matching the models."""
    platform = Platform(empty_url)
    try:
        command.upgrade(platform.alembic_config(), "0027")
        assert "procedure_agencies" in sa.inspect(platform.engine).get_table_names()
        command.downgrade(platform.alembic_config(), "0026")
        assert "procedure_agencies" not in sa.inspect(platform.engine).get_table_names()
        command.upgrade(platform.alembic_config(), "head")
        assert "procedure_agencies" in sa.inspect(platform.engine).get_table_names()
        command.check(platform.alembic_config())
    finally:
        platform.dispose()
