"""Where the bytes of attached files live: in the database (default) or in an S3-compatible
object store, chosen by configuration (`MOTCUA_ATTACHMENT_STORE=database|s3`).

Either way a file's bytes are stored once per content under their SHA-256, and a row of
`attachment_contents` records the digest and where the bytes are (`store`), written in the
same transaction as the attachment that points at it. With S3 the object is written first
(named by the digest, so writing it again is harmless): a transaction that then rolls back
leaves at most an object no row names, never a row without its bytes. Reading checks the
bytes against the digest, so an object changed or swapped in the bucket is refused rather
than served. Rows keep saying where their bytes are: a platform switched to S3 still reads
the files stored in the database before the switch.

Nothing is ever deleted from either store: a replaced paper stays as history, a withdrawn
dossier keeps its papers, and a forgotten draft's attachment rows go while the content,
which another dossier may share, stays.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from engine.core.errors import ServiceError
from engine.core.models import AttachmentContent
from engine.core.uow import UnitOfWork

DATABASE = "database"
S3 = "s3"


class StorageError(ServiceError):
    """The bytes of a file cannot be read back as they were stored."""

    status = 503
    code = "storage_unavailable"


class ObjectClient(Protocol):
    """The part of boto3's S3 client the store uses."""

    def put_object(self, **kwargs: Any) -> Any:
        """Write one object."""
        ...

    def get_object(self, **kwargs: Any) -> Any:
        """Read one object."""
        ...


@dataclass(frozen=True)
class S3Settings:
    """Where the objects go: an S3-compatible endpoint (MinIO, Ceph, a cloud), a bucket and
    a key prefix; credentials come from the usual AWS variables or these fields."""

    bucket: str
    endpoint_url: str | None = None
    region: str = "us-east-1"
    prefix: str = "attachments/"
    access_key: str | None = None
    secret_key: str | None = None

    def client(self) -> ObjectClient:
        """A boto3 S3 client for these settings."""
        import boto3  # only a platform configured for S3 loads the SDK
        from botocore.config import Config

        client: ObjectClient = boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
                s3={"addressing_style": "path"},
            ),
        )
        return client


class AttachmentStorage:
    """Puts and gets file contents by digest; `store` says where new ones go."""

    def __init__(
        self, kind: str = DATABASE, *, s3: S3Settings | None = None, client: ObjectClient | None = None
    ) -> None:
        if kind not in (DATABASE, S3):
            raise ValueError(f"unknown attachment store {kind!r} (database or s3)")
        if kind == S3 and s3 is None:
            raise ValueError("the s3 attachment store needs a bucket (MOTCUA_S3_BUCKET)")
        self.store = kind
        self.s3 = s3
        self._client = client

    @property
    def client(self) -> ObjectClient:
        """The S3 client, made on first use."""
        if self._client is None:
            if self.s3 is None:
                raise StorageError("Tệp nằm trong kho S3 nhưng nền tảng chưa cấu hình kho S3.")
            self._client = self.s3.client()
        return self._client

    def _key(self, digest: str) -> str:
        prefix = self.s3.prefix if self.s3 is not None else ""
        return f"{prefix}{digest}"

    def put(self, session: Session, content: bytes) -> str:
        """Store `content` once (in the caller's transaction); returns its SHA-256."""
        digest = hashlib.sha256(content).hexdigest()
        if session.get(AttachmentContent, digest) is not None:
            return digest
        if self.store == S3:
            self.put_object(digest, content)
            session.add(AttachmentContent(sha256=digest, content=None, store=S3))
        else:
            session.add(AttachmentContent(sha256=digest, content=content, store=DATABASE))
        session.flush()  # the bytes first: an attachment's foreign key points at them
        return digest

    def put_object(self, digest: str, content: bytes) -> None:
        """Write the object of `digest` (restores and the S3 store's own puts)."""
        assert self.s3 is not None
        try:
            self.client.put_object(
                Bucket=self.s3.bucket, Key=self._key(digest), Body=content, ContentLength=len(content)
            )
        except Exception as exc:  # botocore's errors: network, credentials, no bucket
            raise StorageError(
                "Kho lưu trữ tệp đang không ghi được; tệp chưa được lưu, vui lòng thử lại sau."
            ) from exc

    def get(self, session: Session, digest: str) -> bytes:
        """The bytes stored under `digest`, wherever its row says they are."""
        row = session.get(AttachmentContent, digest)
        if row is None:
            raise StorageError("Không tìm thấy nội dung tệp.")
        return self.read(row.sha256, row.store, row.content)

    def read(self, digest: str, store: str, content: bytes | None) -> bytes:
        """The bytes of one content row (`store`, `content` as stored), checked."""
        if store == DATABASE and content is not None:
            return content
        if store != S3 or self.s3 is None:
            raise StorageError("Tệp nằm trong kho S3 nhưng nền tảng chưa cấu hình kho S3.")
        try:
            answer = self.client.get_object(Bucket=self.s3.bucket, Key=self._key(digest))
            data: bytes = answer["Body"].read()
        except Exception as exc:  # botocore's errors: missing object, network, credentials
            raise StorageError("Không đọc được tệp từ kho lưu trữ; vui lòng thử lại sau.") from exc
        if hashlib.sha256(data).hexdigest() != digest:
            raise StorageError("Tệp trong kho lưu trữ không khớp mã băm đã ghi; không trả về.")
        return data


def storage_for(uow: UnitOfWork) -> AttachmentStorage:
    """The storage wired into this unit of work (the database's when none was)."""
    try:
        return uow.port(AttachmentStorage)
    except LookupError:
        return AttachmentStorage()
