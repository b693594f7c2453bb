"""Attachments in an S3-compatible store: moto's S3 server, started on loopback by the test,
speaks the real protocol to boto3. Papers go to the bucket named by their SHA-256 and come
back identical; replacing, withdrawing and forgetting drafts behave as with the database
store; a changed object or an unreachable store is refused, never served or half-stored;
backups copy the objects out and a restore puts them back."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from engine.applicants.storage import AttachmentStorage, S3Settings
from engine.core.clock import FixedClock
from engine.core.models import Attachment, AttachmentContent
from engine.operations import create_backup, restore_backup
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PDF, PERMIT, login, permit_data
from webapp import create_app

MOTO = Path(sys.executable).parent / "moto_server"
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a loopback port, for the module's tests."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto's S3 server did not start")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def _settings(endpoint: str, bucket: str | None = None) -> S3Settings:
    return S3Settings(
        bucket=bucket or f"motcua-{uuid.uuid4().hex[:8]}",
        endpoint_url=endpoint,
        access_key="test",
        secret_key="test",
        prefix="tep/",
    )


def _bucket(settings: S3Settings) -> Any:
    client = boto3.client(
        "s3",
        endpoint_url=settings.endpoint_url,
        region_name=settings.region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=settings.bucket)
    return client


def _app(platform: Platform) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
        }
    )


def _attach(client: FlaskClient, code: str, paper: str, content: bytes, name: str) -> Any:
    return client.post(
        f"/api/v1/dossiers/{code}/attachments", data={"paper": paper, "file": (io.BytesIO(content), name)}
    )


def _scenario(app: Flask, tag: bytes) -> dict[str, Any]:
    """Submit, attach, replace, withdraw; what the applicant and the desk then see (the
    files' bytes end with `tag`, so that each store gets contents of its own)."""
    citizen, officer = app.test_client(), app.test_client()
    login(citizen, "congdan")
    login(officer, "motcua.minhxuan")
    code = citizen.post(
        "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}
    ).json["code"]
    first = _attach(citizen, code, PAPERS[0], PDF + b"% ban dau " + tag, "ban-dau.pdf")
    second = _attach(citizen, code, PAPERS[0], PDF + b"% ban moi " + tag, "ban-moi.pdf")
    assert first.status_code == second.status_code == 201, (first.json, second.json)
    withdrawn = citizen.post(f"/api/v1/dossiers/{code}/withdraw", json={"reason": "Nộp nhầm"})
    listed = citizen.get(f"/api/v1/dossiers/{code}/attachments").json["attachments"]
    return {
        "withdrawn": withdrawn.status_code,
        "listed": [(a["filename"], a["replaced_at"] is None) for a in listed],
        "digests": [a["sha256"] for a in listed],
        "read": [officer.get(f"/api/v1/dossiers/{code}/attachments/{a['id']}").data for a in listed],
        "late": _attach(citizen, code, PAPERS[1], PDF, "muon.pdf").status_code,
    }


def test_papers_in_s3_come_back_identical_and_behave_as_in_the_database(
    database_url: str, clock: FixedClock, s3_endpoint: str
) -> None:
    settings = _settings(s3_endpoint)
    client = _bucket(settings)
    in_s3 = Platform(database_url, clock=clock, storage=AttachmentStorage("s3", s3=settings))
    in_db = Platform(database_url, clock=clock, storage=AttachmentStorage("database"))
    try:
        with_s3 = _scenario(_app(in_s3), b"s3")
        with_db = _scenario(_app(in_db), b"db")
        with in_s3.engine.connect() as db:
            rows = {
                r.sha256: (r.store, r.content)
                for r in db.execute(
                    sa.select(AttachmentContent.sha256, AttachmentContent.store, AttachmentContent.content)
                )
            }
    finally:
        in_s3.dispose()
        in_db.dispose()
    for tag, seen in ((b"s3", with_s3), (b"db", with_db)):
        assert seen["listed"] == [("ban-dau.pdf", False), ("ban-moi.pdf", True)]
        assert seen["read"] == [PDF + b"% ban dau " + tag, PDF + b"% ban moi " + tag]
        assert seen["withdrawn"] == 200 and seen["late"] == 409
    for digest, content in zip(with_s3["digests"], with_s3["read"], strict=True):
        stored = client.get_object(Bucket=settings.bucket, Key=f"tep/{digest}")["Body"].read()
        assert stored == content and hashlib.sha256(stored).hexdigest() == digest
        assert rows[digest] == ("s3", None)  # the bytes are in the bucket only
    for digest, content in zip(with_db["digests"], with_db["read"], strict=True):
        assert rows[digest] == ("database", content)


@SQLITE_ONLY
def test_a_changed_object_is_refused_and_an_unreachable_store_stores_nothing(
    database_url: str, clock: FixedClock, s3_endpoint: str
) -> None:
    settings = _settings(s3_endpoint)
    client = _bucket(settings)
    platform = Platform(database_url, clock=clock, storage=AttachmentStorage("s3", s3=settings))
    try:
        app = _app(platform)
        citizen = app.test_client()
        login(citizen, "congdan")
        code = citizen.post(
            "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}
        ).json["code"]
        stored = _attach(citizen, code, PAPERS[0], PDF + b"% that\n", "that.pdf").json
        client.put_object(Bucket=settings.bucket, Key=f"tep/{stored['sha256']}", Body=PDF)
        swapped = citizen.get(f"/api/v1/dossiers/{code}/attachments/{stored['id']}")
        assert swapped.status_code == 503
        assert swapped.json["error"]["message"] == (
            "Tệp trong kho lưu trữ không khớp mã băm đã ghi; không trả về."
        )
        with platform.engine.connect() as db:
            before = db.scalar(sa.select(sa.func.count()).select_from(Attachment))
    finally:
        platform.dispose()
    down = Platform(
        database_url,
        clock=clock,
        storage=AttachmentStorage("s3", s3=_settings(f"http://127.0.0.1:{_free_port()}", settings.bucket)),
    )
    try:
        citizen = _app(down).test_client()
        login(citizen, "congdan")
        refused = _attach(citizen, code, PAPERS[1], PDF + b"% moi\n", "moi.pdf")
        assert refused.status_code == 503
        assert "tệp chưa được lưu" in refused.json["error"]["message"]
        with down.engine.connect() as db:
            assert db.scalar(sa.select(sa.func.count()).select_from(Attachment)) == before
    finally:
        down.dispose()


@SQLITE_ONLY
def test_files_stored_before_the_switch_to_s3_are_still_read(
    database_url: str, clock: FixedClock, s3_endpoint: str
) -> None:
    before = Platform(database_url, clock=clock, storage=AttachmentStorage("database"))
    try:
        citizen = _app(before).test_client()
        login(citizen, "congdan")
        code = citizen.post(
            "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}
        ).json["code"]
        old = _attach(citizen, code, PAPERS[0], PDF + b"% truoc\n", "truoc.pdf").json
    finally:
        before.dispose()
    settings = _settings(s3_endpoint)
    _bucket(settings)
    after = Platform(database_url, clock=clock, storage=AttachmentStorage("s3", s3=settings))
    try:
        citizen = _app(after).test_client()
        login(citizen, "congdan")
        assert citizen.get(f"/api/v1/dossiers/{code}/attachments/{old['id']}").data == (PDF + b"% truoc\n")
    finally:
        after.dispose()


@SQLITE_ONLY
def test_a_backup_copies_the_objects_out_and_a_restore_puts_them_back(
    database_url: str, clock: FixedClock, s3_endpoint: str, tmp_path: Path
) -> None:
    settings = _settings(s3_endpoint)
    _bucket(settings)
    source = Platform(database_url, clock=clock, storage=AttachmentStorage("s3", s3=settings))
    try:
        citizen = _app(source).test_client()
        login(citizen, "congdan")
        code = citizen.post(
            "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}
        ).json["code"]
        paper = _attach(citizen, code, PAPERS[0], PDF + b"% sao luu\n", "sao-luu.pdf").json
        manifest = create_backup(source.engine, tmp_path / "backup", storage=source.storage, now=clock.now())
    finally:
        source.dispose()
    assert f"attachments/{paper['sha256']}" in manifest["files"]
    assert manifest["attachment_store"] == "s3"
    # Into a new bucket, then into the database: the paper is read back either way.
    fresh = _settings(s3_endpoint)
    _bucket(fresh)
    for number, storage in enumerate((AttachmentStorage("s3", s3=fresh), AttachmentStorage("database"))):
        target = Platform(f"sqlite:///{tmp_path}/restored-{number}.db", clock=clock, storage=storage)
        try:
            restore_backup(tmp_path / "backup", target.engine, storage=storage)
            officer = _app(target).test_client()
            login(officer, "motcua.minhxuan")
            answer = officer.get(f"/api/v1/dossiers/{code}/attachments/{paper['id']}")
            assert answer.status_code == 200 and answer.data == PDF + b"% sao luu\n"
        finally:
            target.dispose()


def test_the_store_is_chosen_by_configuration() -> None:
    from engine.wiring import storage_from_env

    assert storage_from_env({}).store == "database"
    chosen = storage_from_env(
        {
            "MOTCUA_ATTACHMENT_STORE": "s3",
            "MOTCUA_S3_BUCKET": "ho-so",
            "MOTCUA_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        }
    )
    assert chosen.store == "s3" and chosen.s3 is not None and chosen.s3.bucket == "ho-so"
    with pytest.raises(ValueError, match="needs a bucket"):
        storage_from_env({"MOTCUA_ATTACHMENT_STORE": "s3"})
    with pytest.raises(ValueError, match="unknown attachment store 'ftp'"):
        storage_from_env({"MOTCUA_ATTACHMENT_STORE": "ftp"})
    assert os.environ.get("MOTCUA_ATTACHMENT_STORE") in (None, "database")


@SQLITE_ONLY
def test_drafts_keep_what_was_typed_when_the_store_is_down_and_forget_like_the_database(
    database_url: str, clock: FixedClock, s3_endpoint: str
) -> None:
    from datetime import timedelta

    from engine.applicants import Upload, forget_stale_drafts, save_draft
    from engine.core.actors import ANONYMOUS
    from engine.core.models import Draft

    settings = _settings(s3_endpoint)
    client = _bucket(settings)
    down = Platform(
        database_url,
        clock=clock,
        storage=AttachmentStorage("s3", s3=_settings(f"http://127.0.0.1:{_free_port()}", settings.bucket)),
    )
    try:
        with down.uow() as uow:
            saved = save_draft(
                uow,
                actor=ANONYMOUS,
                key=None,
                procedure_code=PERMIT,
                agency_code=MINH_XUAN,
                data=permit_data(),
                uploads=[Upload("0", "don.pdf", PDF + b"% nhap\n")],
            )
        assert saved["errors"] == [
            {
                "field": "_paper.0",
                "message": ("Kho lưu trữ tệp đang không ghi được; tệp chưa được lưu, vui lòng thử lại sau."),
            }
        ]
        with down.uow() as uow:
            draft = uow.session.scalar(sa.select(Draft).where(Draft.key == saved["key"]))
            assert draft is not None and draft.data["ho_ten"] == "Nguyễn Văn An"
    finally:
        down.dispose()
    up = Platform(database_url, clock=clock, storage=AttachmentStorage("s3", s3=settings))
    try:
        with up.uow() as uow:
            again = save_draft(
                uow,
                actor=ANONYMOUS,
                key=saved["key"],
                procedure_code=PERMIT,
                agency_code=MINH_XUAN,
                data=permit_data(),
                uploads=[Upload("0", "don.pdf", PDF + b"% nhap\n")],
            )
        assert again["errors"] == []
        digest = hashlib.sha256(PDF + b"% nhap\n").hexdigest()
        clock.advance(timedelta(days=31))
        with up.uow() as uow:
            assert forget_stale_drafts(uow) >= 1
        with up.engine.connect() as db:  # the record goes, the content (maybe shared) stays
            assert (
                db.scalar(
                    sa.select(sa.func.count()).select_from(Attachment).where(Attachment.sha256 == digest)
                )
                == 0
            )
            assert (
                db.scalar(sa.select(AttachmentContent.store).where(AttachmentContent.sha256 == digest))
                == "s3"
            )
        assert client.get_object(Bucket=settings.bucket, Key=f"tep/{digest}")["Body"].read() == (
            PDF + b"% nhap\n"
        )
    finally:
        up.dispose()
