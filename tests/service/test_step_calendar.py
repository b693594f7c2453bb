"""A step reads its dossier's province and calendar version with the row's lock (no query
of its own), and each dossier gets its own agency's province, not another's."""

from __future__ import annotations

from sqlalchemy import select, update

from engine.core.actors import ANONYMOUS
from engine.core.models import Agency, Dossier, Province
from engine.dossiers import submit as dossiers
from engine.dossiers.rows import DossierRow
from engine.legal_clock.calendars import default_periods
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, permit_data


def _submit(platform: Platform) -> int:
    with platform.uow() as uow:
        code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                       agency_code=MINH_XUAN, data=permit_data())["code"]
    with platform.uow() as uow:
        found = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
    assert found is not None
    return found


def test_each_locked_dossier_carries_its_own_provinces_calendar_version(platform: Platform) -> None:
    first, second = _submit(platform), _submit(platform)
    with platform.uow() as uow:
        home = uow.session.scalar(select(Agency.province_id).where(Agency.code == MINH_XUAN))
        home_version = uow.session.scalar(
            select(Province.calendar_version).where(Province.id == home))
        other = Province(name="Tỉnh thử lịch", periods=default_periods(), calendar_version=7)
        uow.session.add(other)
        uow.session.flush()
        agency = Agency(code="T.99.01", name="UBND xã Thử Lịch", province_id=other.id)
        uow.session.add(agency)
        uow.session.flush()
        uow.session.execute(update(Dossier).where(Dossier.id == second)
                            .values(agency_id=agency.id))
        uow.commit()
        other_id = other.id
    with platform.uow() as uow:
        mine, theirs = DossierRow.lock(uow, first), DossierRow.lock(uow, second)
    assert mine is not None and theirs is not None
    assert (mine.province_id, mine.calendar_version) == (home, home_version)
    assert (theirs.province_id, theirs.calendar_version) == (other_id, 7)
