"""The live process instance survives writes of the dossier row that leave the process
alone (issue 15, throughput).

Asking the fee and taking it in cash bump the dossier's row version through the ORM; the
cached instance was then taken for stale, so the hand-over step and the fee read from the
decision table both rebuilt the whole process from its stored JSON. Now the instance
follows such writes, and only such writes: one that changes the process, or that rolls
back, leaves the cache as it was, so a step never runs on a process that is not current.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bpmn.runtime import ProcessModel
from engine.applicants import record_cash_payment, request_payment
from engine.core.actors import ANONYMOUS
from engine.core.models import Dossier
from engine.dossiers import submit as dossiers
from engine.dossiers.fees import fee_lines
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, Officers, permit_data

DESK = "motcua.minhxuan"


@pytest.fixture
def restores(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times a process was rebuilt from its stored state (a list, appended to)."""
    counted: list[int] = []
    original = ProcessModel.restore

    def counting(self: ProcessModel, state: Any, *, owned: bool = False) -> Any:
        counted.append(1)
        return original(self, state, owned=owned)

    monkeypatch.setattr(ProcessModel, "restore", counting)
    yield counted


def _decided(platform: Platform, people: Officers) -> str:
    """A permit dossier through reception, appraisal and the leader's decision: it waits
    for the desk's hand-over."""
    with platform.uow() as uow:
        code = str(dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                           agency_code=MINH_XUAN, data=permit_data())["code"])
    people.complete(DESK, "tiep_nhan", {"ket_qua_kiem_tra": "tiep_nhan"})
    people.complete("chuyenvien.minhxuan", "tham_dinh",
                    {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    people.complete("lanhdao.minhxuan", "phe_duyet",
                    {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    return code


def _fee(platform: Platform, code: str) -> int:
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        return sum(line.total for line in fee_lines(uow, dossier))


def test_the_fee_and_the_hand_over_run_on_the_live_instance(
    platform: Platform, restores: list[int]
) -> None:
    people = Officers(platform)
    code = _decided(platform, people)
    desk = people.actor(DESK)
    with platform.uow() as uow:
        asked = request_payment(uow, actor=desk, code=code)
    assert asked["amount"] == 75_000  # what the permit's table decides for 80 m²
    with platform.uow() as uow:
        record_cash_payment(uow, actor=desk, code=code, amount=asked["amount"])
    assert _fee(platform, code) == asked["amount"]
    people.complete(DESK, "tra_giay_phep", {"hinh_thuc_tra": "truc_tiep"})
    assert restores == []  # one process, every step on the instance it left
    with platform.uow() as uow:
        status = uow.session.scalar(select(Dossier.status).where(Dossier.code == code))
    assert status == 10


def test_a_write_that_rolls_back_or_changes_the_process_moves_nothing(
    platform: Platform, restores: list[int]
) -> None:
    people = Officers(platform)
    code = _decided(platform, people)
    with platform.uow() as uow:  # a payment asked, then abandoned: the version is unchanged
        request_payment(uow, actor=people.actor(DESK), code=code, amount=1000)
        uow.session.rollback()
    assert _fee(platform, code) > 0
    assert restores == []
    with platform.uow() as uow:  # a write of the process itself: the cached one is stale
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        dossier.workflow_state = {**dossier.workflow_state, "edited": True}
        uow.commit()
    _fee(platform, code)
    assert restores == [1]  # read from what is stored, not from the instance left before
