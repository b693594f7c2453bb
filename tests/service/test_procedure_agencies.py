"""«Áp dụng cho cơ quan» on both databases: a published procedure applied to a new commune
takes dossiers there, whose tasks go to that commune's officers; «Ngừng áp dụng» stops new
dossiers and lets old ones go on; a designer of one agency cannot apply to another's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.agencies import AgencyFields, create_agency
from engine.applicants import desk_catalogue
from engine.core.actors import SYSTEM, Actor
from engine.core.errors import Conflict, Forbidden, NotFound
from engine.core.models import Agency, AuditEntry
from engine.core.permissions import DESIGNER, DESK
from engine.dossiers import submit_dossier
from engine.dossiers.inbox import inbox as inbox_of
from engine.procedures import (
    apply_procedure,
    awaiting_process,
    import_national_catalogue,
    procedure_agencies,
    procedure_catalogue,
    procedure_detail,
    stop_procedure,
)
from engine.procedures.catalogue import import_package
from engine.records import AuditFilter, search_audit
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, permit_data

ADMIN = Actor(account_id=None, kind="admin", name="Quản trị")
HOA_BINH = "000.00.40.H64"
PERMIT_PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def _hoa_binh(platform: Platform) -> int:
    with platform.uow() as uow:
        create_agency(uow, actor=ADMIN, fields=AgencyFields(HOA_BINH, "UBND xã Hòa Bình",
                                                             "commune"))
    with platform.uow() as uow:
        found = uow.session.scalar(select(Agency.id).where(Agency.code == HOA_BINH))
    assert found is not None
    return int(found)


def _officer(agency_id: int, role: str) -> Actor:
    """An officer holding one role (an account id no task is assigned to)."""
    return Actor(account_id=10**6, kind="officer", name="Cán bộ",
                 grants=frozenset({(agency_id, role)}))


def _inbox(platform: Platform, actor: Actor) -> list[dict[str, Any]]:
    with platform.uow() as uow:
        return list(inbox_of(uow, actor=actor)["tasks"])


def _submit(platform: Platform, agency: str) -> str:
    with platform.uow() as uow:
        return str(submit_dossier(uow, actor=SYSTEM, procedure_code=PERMIT, data=permit_data(),
                                  agency_code=agency)["code"])


def test_applied_to_a_new_commune_its_desk_gets_the_dossier_and_stopping_keeps_old_ones(
        platform: Platform) -> None:
    hoa_binh = _hoa_binh(platform)
    with platform.uow() as uow, pytest.raises(NotFound):  # not offered there yet
        procedure_detail(uow, code=PERMIT, agency_code=HOA_BINH)
    with platform.uow() as uow:
        assert apply_procedure(uow, actor=ADMIN, agency_code=MINH_XUAN, code=PERMIT,
                               targets=[HOA_BINH]) == ["UBND xã Hòa Bình"]
    with platform.uow() as uow:
        listed = [e["agency"]["code"] for e in procedure_catalogue(uow) if e["code"] == PERMIT]
        choice = [a["code"] for a in procedure_detail(uow, code=PERMIT)["agencies"]]
        page = procedure_agencies(uow, actor=ADMIN, agency_code=MINH_XUAN, code=PERMIT)
    assert HOA_BINH in listed and HOA_BINH in choice  # citizens and desks may choose it
    states = {a["code"]: a["state"] for g in page["groups"] for a in g["agencies"]}
    assert states[HOA_BINH] == "applied" and states[MINH_XUAN] == "own"
    unstaffed = {a["code"]: [(lane["role"], lane["label"]) for lane in a["unstaffed"]]
                 for g in page["groups"] for a in g["agencies"]}
    assert unstaffed[HOA_BINH] == [  # nobody granted yet
        ("mot_cua", "Bộ phận Một cửa"),
        ("chuyen_vien", "Chuyên viên phòng Kinh tế, Hạ tầng và Đô thị"),
        ("lanh_dao", "Lãnh đạo UBND cấp xã")]
    assert unstaffed[MINH_XUAN] == []

    code = _submit(platform, HOA_BINH)
    desk_hb, desk_mx = _officer(hoa_binh, DESK), _officer(_id(platform, MINH_XUAN), DESK)
    with platform.uow() as uow:  # the commune's desk receives it on paper too
        assert [e["code"] for e in desk_catalogue(uow, actor=desk_hb)] == [PERMIT]
    assert [t["dossier"] for t in _inbox(platform, desk_hb)] == [code]
    assert code not in [t["dossier"] for t in _inbox(platform, desk_mx)]

    with platform.uow() as uow:
        assert stop_procedure(uow, actor=ADMIN, agency_code=MINH_XUAN, code=PERMIT,
                              target=HOA_BINH) == "UBND xã Hòa Bình"
    with platform.uow() as uow, pytest.raises(NotFound):
        submit_dossier(uow, actor=SYSTEM, procedure_code=PERMIT, data=permit_data(),
                       agency_code=HOA_BINH)
    assert [t["dossier"] for t in _inbox(platform, desk_hb)] == [code]  # the old one goes on
    with platform.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_id == f"{MINH_XUAN}/{PERMIT}",
            AuditEntry.action.in_(("procedure.apply", "procedure.stop_applying")))))
    assert actions == ["procedure.apply", "procedure.stop_applying"]
    with platform.uow() as uow:  # «Nhật ký» names them in words
        logged = search_audit(uow, actor=ADMIN, filters=AuditFilter(action="procedure."))
    labels = {e["label"] for e in logged["entries"]}
    assert {"Áp dụng thủ tục cho cơ quan", "Ngừng áp dụng thủ tục tại cơ quan"} <= labels
    with platform.uow() as uow, pytest.raises(Conflict, match="không đang áp dụng"):
        stop_procedure(uow, actor=ADMIN, agency_code=MINH_XUAN, code=PERMIT, target=HOA_BINH)


def _id(platform: Platform, code: str) -> int:
    with platform.uow() as uow:
        found = uow.session.scalar(select(Agency.id).where(Agency.code == code))
    assert found is not None
    return int(found)


def test_a_designer_of_one_agency_cannot_apply_to_another(platform: Platform) -> None:
    hoa_binh = _hoa_binh(platform)
    designer = _officer(_id(platform, MINH_XUAN), DESIGNER)
    with platform.uow() as uow, pytest.raises(Forbidden, match="Hòa Bình"):
        apply_procedure(uow, actor=designer, agency_code=MINH_XUAN, code=PERMIT,
                        targets=[HOA_BINH])
    outsider = _officer(hoa_binh, DESIGNER)  # designs at Hòa Bình, not at Minh Xuân
    with platform.uow() as uow, pytest.raises(Forbidden):
        apply_procedure(uow, actor=outsider, agency_code=MINH_XUAN, code=PERMIT,
                        targets=[HOA_BINH])
    both = Actor(account_id=None, kind="officer", name="Cán bộ", grants=frozenset(
        {(_id(platform, MINH_XUAN), DESIGNER), (hoa_binh, DESIGNER)}))
    with platform.uow() as uow:
        assert apply_procedure(uow, actor=both, agency_code=MINH_XUAN, code=PERMIT,
                               targets=[HOA_BINH]) == ["UBND xã Hòa Bình"]


def test_an_agency_with_its_own_procedure_of_that_code_is_refused(platform: Platform) -> None:
    with platform.uow() as uow, pytest.raises(Conflict, match="thủ tục riêng"):
        apply_procedure(uow, actor=ADMIN, agency_code=MINH_XUAN, code=PERMIT,
                        targets=["000.00.31.H64"])  # An Tường publishes its own copy


def test_a_commune_awaiting_a_process_from_the_national_catalogue_takes_the_applied_one(
        platform: Platform) -> None:
    """The national catalogue lists the permit at Hòa Bình with no process («Nộp trực
    tiếp» only): applying Minh Xuân's published one gives it the online process instead."""
    _hoa_binh(platform)
    header = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Cơ quan thực hiện",
              "Thời hạn giải quyết", "Phí, lệ phí", "Thành phần hồ sơ", "Căn cứ pháp lý"]
    row = [PERMIT, "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Hoạt động xây dựng",
           "Cấp xã", HOA_BINH, "15 ngày làm việc", "75.000 đồng", "Đơn đề nghị", ""]
    content = "\n".join(",".join(f'"{c}"' for c in r) for r in (header, row)).encode()
    with platform.uow() as uow:
        import_national_catalogue(uow, actor=SYSTEM, content=content, filename="dvc.csv")
        uow.commit()
    with platform.uow() as uow:
        assert [w["agency"]["code"] for w in awaiting_process(uow)] == [HOA_BINH]
        apply_procedure(uow, actor=ADMIN, agency_code=MINH_XUAN, code=PERMIT, targets=[HOA_BINH])
    with platform.uow() as uow:
        assert awaiting_process(uow) == []
        assert procedure_detail(uow, code=PERMIT, agency_code=HOA_BINH)["agency"]["code"] == (
            HOA_BINH)
    assert _submit(platform, HOA_BINH).startswith(HOA_BINH)


def test_the_missing_staff_are_those_of_the_version_in_force_not_of_a_draft(
        platform: Platform, tmp_path: Path) -> None:
    """«Chưa có cán bộ» names the roles new dossiers need: a new draft whose lane calls the
    leader otherwise changes nothing until it is published (the page once read the newest
    version, draft or not)."""
    _hoa_binh(platform)
    draft = tmp_path / "goi"
    shutil.copytree(PERMIT_PACKAGE, draft)
    manifest = json.loads((draft / "procedure.json").read_text(encoding="utf-8"))
    manifest["roles"]["lanh_dao"]["label"] = "Chủ tịch UBND xã (bản nháp)"
    (draft / "procedure.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                          encoding="utf-8")
    with platform.uow() as uow:
        apply_procedure(uow, actor=ADMIN, agency_code=MINH_XUAN, code=PERMIT, targets=[HOA_BINH])
    with platform.uow() as uow:
        _, version = import_package(uow, actor=SYSTEM, agency_code=MINH_XUAN, path=draft)
    assert version is not None and version["status"] == "draft"
    with platform.uow() as uow:
        page = procedure_agencies(uow, actor=ADMIN, agency_code=MINH_XUAN, code=PERMIT)
    unstaffed = {a["code"]: [lane["label"] for lane in a["unstaffed"]]
                 for g in page["groups"] for a in g["agencies"]}
    assert "Lãnh đạo UBND cấp xã" in unstaffed[HOA_BINH]
    assert "Chủ tịch UBND xã (bản nháp)" not in unstaffed[HOA_BINH]
