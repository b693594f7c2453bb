"""Live process instances are reused only while the dossier's row version is unchanged."""

from __future__ import annotations

from engine.core.actors import ANONYMOUS
from engine.core.clock import FixedClock
from engine.dossiers import submit as dossiers
from engine.dossiers import tasks
from engine.dossiers.inbox import inbox
from engine.identity.accounts import authenticate
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, permit_data


def _complete(platform: Platform, username: str, task_id: int, data: dict) -> dict:
    with platform.uow() as uow:
        actor = authenticate(uow, username=username, password=DEMO_PASSWORD)
    with platform.uow() as uow:
        return tasks.complete_task(uow, actor=actor, task_id=task_id, data=data)


def test_a_worker_with_a_stale_instance_restores_what_another_worker_stored(
    platform: Platform, clock: FixedClock
) -> None:
    other_worker = Platform(platform.database_url, clock=clock)  # another process, own caches
    try:
        with platform.uow() as uow:
            code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                           agency_code=MINH_XUAN, data=permit_data())["code"]
        with platform.uow() as uow:
            desk = authenticate(uow, username="motcua.minhxuan", password=DEMO_PASSWORD)
        with platform.uow() as uow:
            first = inbox(uow, actor=desk)["tasks"][0]["id"]
        appraisal = _complete(platform, "motcua.minhxuan", first,
                              {"ket_qua_kiem_tra": "tiep_nhan"})["opened"][0]
        # The other worker takes the next step; this worker's cached instance is now stale.
        approval = _complete(other_worker, "chuyenvien.minhxuan", appraisal,
                             {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Vượt chỉ giới."})["opened"][0]
        result = _complete(platform, "lanhdao.minhxuan", approval,
                           {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Vượt chỉ giới."})
        with platform.uow() as uow:
            full = dossiers.get_dossier(uow, actor=desk, code=code)
        assert [t["step"] for t in full["tasks"]] == [
            "tiep_nhan", "tham_dinh", "phe_duyet", "tra_van_ban_tu_choi"]
        assert result["dossier"]["status"] == 9
    finally:
        other_worker.dispose()


def test_a_finished_dossier_leaves_the_instance_cache(platform: Platform) -> None:
    """While a dossier has steps ahead its live instance is kept for the next one; once its
    process ends there is no next step, so the cache lets it go (issue 15: a finished
    300-step dossier held about 1.3 MB until evicted)."""
    with platform.uow() as uow:
        code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                       agency_code=MINH_XUAN, data=permit_data())["code"]
    with platform.uow() as uow:
        desk = authenticate(uow, username="motcua.minhxuan", password=DEMO_PASSWORD)
        first = inbox(uow, actor=desk)["tasks"][0]["id"]
        dossier_id = dossiers.find_visible(uow, actor=desk, code=code).id
    appraisal = _complete(platform, "motcua.minhxuan", first,
                          {"ket_qua_kiem_tra": "tiep_nhan"})["opened"][0]
    approval = _complete(platform, "chuyenvien.minhxuan", appraisal,
                         {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Vượt chỉ giới."})["opened"][0]
    letter = _complete(platform, "lanhdao.minhxuan", approval,
                       {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Vượt chỉ giới."})["opened"][0]
    assert platform.instances.holds(dossier_id)  # a step is ahead: kept
    done = _complete(platform, "motcua.minhxuan", letter, {"hinh_thuc_tra": "buu_chinh"})
    assert done["dossier"]["status"] == 10
    assert not platform.instances.holds(dossier_id)
