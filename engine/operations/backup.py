"""Backups: a consistent copy of the database, the files kept outside it, and a manifest.

A backup is a folder:

- `database.pgdump` (PostgreSQL: `pg_dump` in custom format) or `database.sqlite3`
  (SQLite: the online backup API, a consistent copy while the platform keeps running);
- `attachments/<sha256>`: the papers whose bytes live in an object store (S3), copied out;
  papers stored in the database are inside the dump already;
- `manifest.json`: when, which database, the schema revision, every table with its row
  count, every file of the folder with its size and SHA-256.

On PostgreSQL the row counts are read in the very snapshot `pg_dump` copies (a repeatable
read transaction exports it and `pg_dump --snapshot` uses it), so the manifest describes
exactly the dump. A restore goes only into an empty database, checks the folder first and
the row counts after; `verify` re-reads every file against the manifest without restoring.
Tiền Giang 2016 art. 13, Tuyên Quang art. 29.2a: data backed up and recoverable.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL

from engine.applicants.storage import DATABASE, AttachmentStorage

MANIFEST = "manifest.json"
FORMAT = 1
ATTACHMENTS = "attachments"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup, restore or verification refused or failed; `message` says why in Vietnamese."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def create_backup(
    engine: Engine, target: Path, *, storage: AttachmentStorage, now: datetime
) -> dict[str, Any]:
    """Copy the database and the externally stored papers into the new folder `target`
    and write its manifest; returns the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"Thư mục {target} đã có dữ liệu; hãy chọn một thư mục mới.")
    target.mkdir(parents=True, exist_ok=True)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        tables, revision, external = _sqlite_copy(engine, target / DUMPS["sqlite"])
    elif dialect == "postgresql":
        tables, revision, external = _pg_dump(engine, target / DUMPS["postgresql"])
    else:
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu loại {dialect}.")
    if external:
        (target / ATTACHMENTS).mkdir()
    for digest in external:
        (target / ATTACHMENTS / digest).write_bytes(storage.read(digest, "s3", None))
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "database": dialect,
        "schema_revision": revision,
        "attachment_store": storage.store,
        "tables": tables,
        "files": _describe_files(target),
    }
    (target / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
    )
    return manifest


def _sqlite_copy(engine: Engine, path: Path) -> tuple[dict[str, int], str | None, list[str]]:
    """SQLite's online backup into `path`, then everything read from the copy itself."""
    source = engine.raw_connection()
    try:
        with closing(sqlite3.connect(path)) as copy:
            source.driver_connection.backup(copy)  # type: ignore[union-attr]
    finally:
        source.close()
    with closing(sqlite3.connect(path)) as copy:
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        names = [
            r[0]
            for r in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        tables = {
            n: int(copy.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0])  # noqa: S608
            for n in names
        }
        revision = (
            _one(copy.execute("SELECT version_num FROM alembic_version").fetchall())
            if "alembic_version" in names
            else None
        )
        external = (
            [
                r[0]
                for r in copy.execute(
                    "SELECT sha256 FROM attachment_contents WHERE store <> 'database' ORDER BY sha256"
                )
            ]
            if "attachment_contents" in names
            else []
        )
    return tables, revision, external


def _pg_dump(engine: Engine, path: Path) -> tuple[dict[str, int], str | None, list[str]]:
    """`pg_dump` of a snapshot exported by a repeatable-read transaction that also counts
    the rows, so the counts are the dump's."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            tool = pg_tool("pg_dump", _server_major(connection))
            _run(
                [
                    tool,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={path}",
                    _conninfo(engine.url),
                ],
                engine.url,
            )
            tables, revision, external = _contents(connection)
    return tables, revision, external


def _contents(connection: Connection) -> tuple[dict[str, int], str | None, list[str]]:
    """(rows per table, schema revision, digests of papers stored outside the database)."""
    names = sorted(inspect(connection).get_table_names())
    tables = {
        n: int(connection.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one())  # noqa: S608
        for n in names
    }
    revision = (
        _one(connection.execute(text("SELECT version_num FROM alembic_version")).all())
        if "alembic_version" in names
        else None
    )
    external = (
        list(
            connection.execute(
                text("SELECT sha256 FROM attachment_contents WHERE store <> 'database' ORDER BY sha256")
            ).scalars()
        )
        if "attachment_contents" in names
        else []
    )
    return tables, revision, external


def _one(rows: Any) -> str | None:
    return str(rows[0][0]) if rows else None


def _server_major(connection: Connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def pg_tool(name: str, server_major: int) -> str:
    """The `pg_dump`/`pg_restore` of the server's major version when installed (Debian keeps
    each under /usr/lib/postgresql/N/bin), else the one on PATH if not older than the server."""
    own = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    if own.is_file():
        return str(own)
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"Không tìm thấy chương trình {name} (PostgreSQL {server_major}); "
            "hãy cài gói postgresql-client cùng phiên bản với máy chủ."
        )
    version = subprocess.run(  # noqa: S603
        [found, "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    major = int("".join(c for c in version.split()[-1].split(".")[0] if c.isdigit()) or 0)
    if major < server_major:
        raise BackupError(
            f"{name} phiên bản {major} cũ hơn máy chủ PostgreSQL {server_major}; "
            "hãy cài postgresql-client cùng phiên bản với máy chủ."
        )
    return found


def _conninfo(url: URL) -> str:
    """A libpq URL without the password (which goes in PGPASSWORD, never on a command line)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url: URL) -> None:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} thất bại (mã {done.returncode}): {done.stderr.strip()[-1500:]}"
        )


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(folder: Path) -> Iterator[Path]:
    """The backup's files, links included (a link is never followed: `verify` names it)."""
    for path in sorted(folder.rglob("*")):
        if (path.is_symlink() or path.is_file()) and path.name != MANIFEST:
            yield path


def _linked(folder: Path, path: Path) -> bool:
    """A link, or a file reached through a linked folder: never read as part of a backup."""
    inside = path.relative_to(folder).parents  # ends with "." (the folder itself)
    return path.is_symlink() or any((folder / p).is_symlink() for p in inside if p != Path("."))


def _describe_files(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
        for p in _files(folder)
    }


def verify_backup(source: Path) -> tuple[dict[str, Any], list[str]]:
    """Re-read a backup folder against its manifest: (the manifest, the problems found).
    Every file listed must be there with its size and SHA-256, no file may be unlisted, each
    paper's name must be its own SHA-256, and the database copy must open as one."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, dict[str, Any]] = manifest["files"]
        dump = DUMPS[manifest["database"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(
            f"{source} không phải bản sao lưu đọc được (thiếu hoặc hỏng {MANIFEST}: {type(exc).__name__})."
        ) from exc
    problems = []
    found = list(_files(source))
    present = {p.relative_to(source).as_posix() for p in found}
    links = {p.relative_to(source).as_posix() for p in found if _linked(source, p)}
    for name in sorted(links):
        problems.append(f"{name}: là liên kết tới tệp khác, không phải tệp của bản sao lưu")
    for name in sorted(present - set(files) - links):
        problems.append(f"{name}: tệp không có trong bản kê")
    for name, expected in sorted(files.items()):
        path = source / name
        if name in links:
            continue
        if name not in present:
            problems.append(f"{name}: thiếu tệp")
            continue
        actual = sha256_file(path)
        if path.stat().st_size != expected.get("size") or actual != expected.get("sha256"):
            problems.append(f"{name}: nội dung không khớp mã SHA-256 trong bản kê")
        elif name.startswith(ATTACHMENTS + "/") and name.rpartition("/")[2] != actual:
            problems.append(f"{name}: tên tệp không phải mã băm của nội dung")
    if dump not in files:
        problems.append(f"{dump}: bản kê không có bản sao cơ sở dữ liệu")
    elif not problems:
        problems += _dump_readable(source / dump, manifest["database"])
    return manifest, problems


def _dump_readable(path: Path, database: str) -> list[str]:
    if database == "sqlite":
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as copy:
                answer = copy.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as exc:
            return [f"{path.name}: không mở được ({exc})"]
        return [] if answer == "ok" else [f"{path.name}: kiểm tra toàn vẹn báo lỗi: {answer}"]
    found = shutil.which("pg_restore")
    if found is None:
        return []
    listed = subprocess.run([found, "--list", str(path)], capture_output=True, check=False)  # noqa: S603
    return [] if listed.returncode == 0 else [f"{path.name}: pg_restore không đọc được bản sao"]


def restore_backup(source: Path, engine: Engine, *, storage: AttachmentStorage) -> dict[str, Any]:
    """Restore a verified backup into the EMPTY database of `engine` (refused otherwise),
    put the externally stored papers back into the configured store, and check that every
    table holds the rows the manifest counted. Returns the manifest."""
    manifest, problems = verify_backup(source)
    if problems:
        raise BackupError("Bản sao lưu không toàn vẹn; không khôi phục.", problems)
    dialect = engine.dialect.name
    if manifest["database"] != dialect:
        raise BackupError(
            f"Bản sao lưu của {manifest['database']} chỉ khôi phục được vào "
            f"{manifest['database']}, không vào {dialect}."
        )
    existing = inspect(engine).get_table_names()
    if existing:
        raise BackupError(
            f"Cơ sở dữ liệu đích không trống (đã có {len(existing)} bảng, ví dụ "
            f"{', '.join(sorted(existing)[:3])}). Chỉ khôi phục vào một cơ sở dữ liệu trống: "
            "hãy tạo cơ sở dữ liệu mới rồi chạy lại; không có gì bị ghi đè."
        )
    _load_dump(engine, source / DUMPS[dialect])
    _restore_papers(source, engine, storage)
    _check_counts(engine, manifest["tables"])
    return dict(manifest)


def _load_dump(engine: Engine, dump: Path) -> None:
    """The database copy into the empty database (pg_restore in one transaction)."""
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, dump)
        return
    with engine.connect() as connection:
        tool = pg_tool("pg_restore", _server_major(connection))
    _run(
        [
            tool,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={_conninfo(engine.url)}",
            str(dump),
        ],
        engine.url,
    )


def _check_counts(engine: Engine, expected: dict[str, int]) -> None:
    """Every table holds the rows the manifest counted (`BackupError` naming each that does not)."""
    with engine.connect() as connection:
        counted = _contents(connection)[0]
    if counted != expected:
        differ = sorted(n for n in set(counted) | set(expected) if counted.get(n) != expected.get(n))
        raise BackupError(
            "Số dòng sau khi khôi phục khác bản kê.",
            [f"{n}: {counted.get(n)} dòng, bản kê ghi {expected.get(n)}" for n in differ],
        )


def _sqlite_restore(engine: Engine, dump: Path) -> None:
    engine.dispose()
    target = engine.url.database
    if not target:
        raise BackupError("Không khôi phục được vào cơ sở dữ liệu SQLite trong bộ nhớ.")
    with (
        closing(sqlite3.connect(f"file:{dump}?mode=ro&immutable=1", uri=True)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)


def _restore_papers(source: Path, engine: Engine, storage: AttachmentStorage) -> None:
    """The copied-out papers go to this platform's store: its bucket, or the database rows."""
    folder = source / ATTACHMENTS
    if not folder.is_dir():
        return
    with engine.begin() as connection:
        for path in sorted(folder.iterdir()):
            if storage.store == DATABASE:
                connection.execute(
                    text(
                        "UPDATE attachment_contents SET content = :content, store = 'database' "
                        "WHERE sha256 = :sha256"
                    ),
                    {"content": path.read_bytes(), "sha256": path.name},
                )
            else:
                storage.put_object(path.name, path.read_bytes())
