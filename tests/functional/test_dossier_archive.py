"""Retention: a closed dossier exported as a self-contained archive package (data, papers,
history, generated documents, manifest with SHA-256), by a leader of its agency, audited."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from flask import Flask
from sqlalchemy import select

from engine.applicants import DeskContact, PaperScan, receive_paper_dossier
from engine.core.errors import Conflict, Forbidden
from engine.core.models import AuditEntry
from engine.reports import export_dossier_archive, verify_dossier_archive
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PERMIT, Officers, login, paper_files, permit_data


def _refused_at_the_counter(platform: Platform, officers: Officers) -> str:
    pdf = next(iter(paper_files(1).values()))[0].getvalue()
    result = receive_paper_dossier(
        platform.uow, actor=officers.actor("motcua.minhxuan"), procedure_code=PERMIT,
        agency_code=MINH_XUAN, data=permit_data(), papers=PAPERS[1:], decision="complete",
        reception={"ket_qua_kiem_tra": "tu_choi",
                   "ly_do_tu_choi": "Thửa đất thuộc quy hoạch giao thông."},
        scans=[PaperScan(PAPERS[0], "don.pdf", pdf)], contact=DeskContact("", ""))
    assert result["status"] == 3
    return str(result["code"])


def test_a_closed_dossier_is_archived_whole_and_its_manifest_checks_every_file(
    platform: Platform,
) -> None:
    officers = Officers(platform)
    code = _refused_at_the_counter(platform, officers)
    package = export_dossier_archive(platform.uow, actor=officers.actor("lanhdao.minhxuan"),
                                     code=code)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("dossier.json"))
        history = json.loads(archive.read("history.json"))
        manifest = json.loads(archive.read("manifest.json"))
        paper = next(n for n in names if n.startswith("papers/"))
        assert archive.read(paper).startswith(b"%PDF")
        assert archive.read("documents/refusal.pdf").startswith(b"%PDF")
    assert data["code"] == code and data["status"] == 3 and data["form"] == permit_data()
    assert data["applicant"]["id_number"] and data["status_label"]
    assert history["events"] and history["audit"] and history["steps"]
    assert sorted(manifest["files"]) == sorted(n for n in names if n != "manifest.json")
    assert verify_dossier_archive(package) == []
    with platform.uow() as uow:
        assert uow.session.scalars(select(AuditEntry.id).where(
            AuditEntry.action == "dossier.archive_export")).all()


def test_a_changed_file_is_found_by_the_manifest(platform: Platform) -> None:
    officers = Officers(platform)
    code = _refused_at_the_counter(platform, officers)
    package = export_dossier_archive(platform.uow, actor=officers.actor("lanhdao.minhxuan"),
                                     code=code)
    tampered = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content.replace(b'"status": 3', b'"status": 10')
                            if name == "dossier.json" else content)
    assert verify_dossier_archive(tampered.getvalue()) == ["sai mã băm dossier.json"]


def test_only_a_leader_archives_and_only_a_closed_dossier(platform: Platform) -> None:
    officers = Officers(platform)
    code = _refused_at_the_counter(platform, officers)
    for who in ("motcua.minhxuan", "lanhdao.soxaydung", "quantri"):
        with pytest.raises(Forbidden):
            export_dossier_archive(platform.uow, actor=officers.actor(who), code=code)
    open_one = receive_paper_dossier(
        platform.uow, actor=officers.actor("motcua.minhxuan"), procedure_code=PERMIT,
        agency_code=MINH_XUAN, data=permit_data(), papers=PAPERS, decision="complete",
        reception={"ket_qua_kiem_tra": "tiep_nhan"})
    with pytest.raises(Conflict, match="chưa kết thúc"):
        export_dossier_archive(platform.uow, actor=officers.actor("lanhdao.minhxuan"),
                               code=str(open_one["code"]))


def test_the_leader_downloads_the_package_and_others_are_refused(app: Flask) -> None:
    platform = app.extensions["motcua"]
    code = _refused_at_the_counter(platform, Officers(platform))
    leader = app.test_client()
    login(leader, "lanhdao.minhxuan")
    answer = leader.get(f"/quan-tri/ho-so/{code}/luu-tru.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert f'filename="luu-tru-{code}.zip"' in answer.headers["Content-Disposition"]
    assert verify_dossier_archive(answer.data) == []
    for who, status in (("motcua.minhxuan", 403), ("quantri", 403), ("congdan", 403)):
        other = app.test_client()
        login(other, who)
        assert other.get(f"/quan-tri/ho-so/{code}/luu-tru.zip").status_code == status, who
    assert app.test_client().get(f"/quan-tri/ho-so/{code}/luu-tru.zip").status_code in (303, 401)
