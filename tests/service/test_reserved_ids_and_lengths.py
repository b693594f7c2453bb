"""Through the real engine on SQLite and PostgreSQL: a package using SpiffWorkflow's own
element ids runs like any other; one whose values fill the columns exactly imports and
runs (PostgreSQL enforces the lengths); a condition over budget refuses, never a 500."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bpmn import limits
from engine.core.actors import ANONYMOUS, SYSTEM
from engine.core.errors import Invalid
from engine.core.models import Account, Agency, Dossier, Procedure, RoleGrant, Task, Timer
from engine.dossiers import submit as dossiers
from engine.procedures import catalogue as procedures
from engine.seed import MINH_XUAN
from engine.wiring import Platform
from tests.helpers import PERMIT, Officers, import_and_publish, permit_data
from tests.unit.test_limits import long_package
from tests.unit.test_reserved_ids import PROCESS, reserved_package

EXTRACT_START = {"ho_ten": "Trần Thị Hoa", "so_dinh_danh": "008190004321",
                 "dien_thoai": "0987654321", "loai_trich_luc": "khai_sinh",
                 "nguoi_duoc_cap": "Trần Minh Khôi", "quan_he": "cha_me",
                 "ngay_dang_ky": "2019-05-12", "so_dang_ky": "115/2019", "so_luong_ban_sao": 2}


def _submit(platform: Platform, code: str, data: dict[str, Any]) -> str:
    with platform.uow() as uow:
        submitted: str = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=code,
                                                 agency_code=MINH_XUAN, data=data)["code"]
    return submitted


def test_a_dossier_through_spiffworkflow_reserved_ids_ends_granted(
    platform: Platform, tmp_path: Path
) -> None:
    import_and_publish(platform, reserved_package(tmp_path))
    code = _submit(platform, PERMIT, permit_data())
    people = Officers(platform)
    people.complete("motcua.minhxuan", f"{PROCESS}.EndJoin", {"ket_qua_kiem_tra": "tiep_nhan"})
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        timers = set(uow.session.scalars(select(Timer.bpmn_id).where(
            Timer.dossier_id == dossier_id, Timer.kind == "bpmn")))
    assert timers == {"Root.BoundaryEventSplit"}  # the designer's timer id, not SpiffWorkflow's
    people.complete("chuyenvien.minhxuan", "Root",
                    {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện."})
    people.complete("lanhdao.minhxuan", "phe_duyet",
                    {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    people.complete("motcua.minhxuan", "tra_giay_phep", {"hinh_thuc_tra": "truc_tiep"})
    with platform.uow() as uow:
        dossier = uow.session.scalars(select(Dossier).where(Dossier.code == code)).one()
        steps = list(uow.session.scalars(select(Task.bpmn_id).where(
            Task.dossier_id == dossier.id).order_by(Task.id)))
        assert (dossier.status, dossier.outcome) == (10, "granted")
        assert dossier.ended_at is not None
    assert steps == [f"{PROCESS}.EndJoin", "Root", "phe_duyet", "tra_giay_phep"]


def test_a_package_filling_every_column_exactly_imports_and_runs(
    platform: Platform, tmp_path: Path
) -> None:
    code = "9" * limits.PROCEDURE_CODE
    step = "b" * limits.ELEMENT_ID
    role = "r" * limits.ROLE
    form = "f" * (limits.FORM - len(".schema.json")) + ".schema.json"
    component = {"name": "G" * limits.PAPER_NAME, "originals": 1, "copies": 0, "required": False}
    folder = long_package(
        tmp_path, element_id=step, task_name="T" * limits.TASK_NAME, form=form,
        roles={"ho_tich": {"role": role}},
        manifest={"code": code, "name": "N" * limits.PROCEDURE_NAME,
                  "field": "F" * limits.PROCEDURE_FIELD, "components": [component]})
    with platform.uow() as uow:  # an officer of the agency holds the longest role code
        account = uow.session.scalars(select(Account).where(
            Account.username == "hotich.minhxuan")).one()
        agency_id = uow.session.scalars(select(Agency.id).where(Agency.code == MINH_XUAN)).one()
        uow.session.add(RoleGrant(account_id=account.id, agency_id=agency_id, role=role))
        uow.commit()
    import_and_publish(platform, folder)
    dossier_code = _submit(platform, code, EXTRACT_START)
    people = Officers(platform)
    people.complete("motcua.minhxuan", "tl_tiep_nhan", {"ket_qua_kiem_tra": "tiep_nhan"})
    opened = people.task("hotich.minhxuan", step)
    assert opened["name"] == "T" * limits.TASK_NAME
    people.complete("hotich.minhxuan", step, {"co_du_lieu": True, "so_trich_luc": "TL-1"})
    people.complete("motcua.minhxuan", "tl_tra_ket_qua", {"hinh_thuc_tra": "truc_tuyen"})
    with platform.uow() as uow:
        dossier = uow.session.scalars(select(Dossier).where(Dossier.code == dossier_code)).one()
        row = uow.session.scalars(select(Task).where(Task.bpmn_id == step)).one()
        assert (dossier.status, dossier.outcome) == (10, "granted")
        assert (len(row.bpmn_id), len(row.name), len(row.role), len(row.form)) == (
            limits.ELEMENT_ID, limits.TASK_NAME, limits.ROLE, limits.FORM)


def test_an_id_one_character_too_long_is_refused_at_import_and_stores_nothing(
    platform: Platform, tmp_path: Path
) -> None:
    folder = long_package(tmp_path, element_id="b" * (limits.ELEMENT_ID + 1),
                          manifest={"code": "TEST.DAI.01"})
    with platform.uow() as uow:
        report, version = procedures.import_package(uow, actor=SYSTEM, agency_code=MINH_XUAN,
                                                    path=folder)
    assert version is None
    assert [e.code for e in report.errors] == ["bpmn.id_length"]
    assert "vượt giới hạn 100 ký tự" in report.errors[0].message
    with platform.uow() as uow:
        assert uow.session.scalar(select(Procedure.id).where(Procedure.code == "TEST.DAI.01")) is None


def test_a_condition_over_budget_at_run_time_refuses_the_step_cleanly(
    platform: Platform, tmp_path: Path
) -> None:
    folder = long_package(tmp_path, manifest={"code": "TEST.NGAN_SACH.01"})
    bpmn = folder / "process.bpmn"
    # Valid, and cheap for sensible data; an officer's huge negative precision would make
    # round() build a 10^8-digit number under the GIL (the server froze before the budget).
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(
        "co_du_lieu == True", "co_du_lieu == True and round(1, so_chu_so or 0) == 1"),
        encoding="utf-8")
    form = folder / "forms" / "tra_cuu.schema.json"
    schema = json.loads(form.read_text(encoding="utf-8"))
    schema["properties"]["so_chu_so"] = {"type": "integer", "title": "Số chữ số làm tròn"}
    form.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    import_and_publish(platform, folder)
    code = _submit(platform, "TEST.NGAN_SACH.01", EXTRACT_START)
    people = Officers(platform)
    people.complete("motcua.minhxuan", "tl_tiep_nhan", {"ket_qua_kiem_tra": "tiep_nhan"})
    started = time.perf_counter()
    with pytest.raises(Invalid, match="round"):
        people.complete("hotich.minhxuan", "tl_tra_cuu",
                        {"co_du_lieu": True, "so_trich_luc": "TL-1", "so_chu_so": -100_000_000})
    assert time.perf_counter() - started < 5
    # Nothing was lost: the step still waits, and sensible data goes through.
    people.complete("hotich.minhxuan", "tl_tra_cuu",
                    {"co_du_lieu": True, "so_trich_luc": "TL-1", "so_chu_so": 0})
    with platform.uow() as uow:
        dossier = uow.session.scalars(select(Dossier).where(Dossier.code == code)).one()
        open_steps = list(uow.session.scalars(select(Task.bpmn_id).where(
            Task.dossier_id == dossier.id, Task.state == "open")))
    assert open_steps == ["tl_tra_ket_qua"]
