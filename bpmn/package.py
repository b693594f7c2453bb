"""Reading a procedure package from a folder, a .zip file or uploaded .zip bytes.

A package is untrusted input: zip entries are checked for path traversal, links,
count, size and compression ratio before anything is read into memory.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_FILES = 200
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100
# Below these many inflated bytes a high ratio is harmless (a small, repetitive JSON file).
ENTRY_RATIO_FLOOR = 256 * 1024
PACKAGE_RATIO_FLOOR = 1024 * 1024
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_METHOD_NAMES = {1: "shrink", 6: "implode", 9: "deflate64", 12: "bzip2", 14: "lzma",
                 93: "zstandard", 95: "xz", 98: "ppmd"}
_ENCRYPTED_FLAGS = 0x0001 | 0x0040  # traditional and strong encryption
_AES_METHOD = 99  # WinZip AES encryption is announced as a compression method
_CHUNK = 64 * 1024
MANIFEST = "procedure.json"


class PackageError(ValueError):
    """The package cannot be read at all; `code` names the rule, message in Vietnamese."""

    def __init__(self, code: str, message: str, file: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.file = file


@dataclass(frozen=True)
class Package:
    """The files of one package, by relative POSIX path ("forms/x.schema.json")."""

    source: str
    files: dict[str, bytes]

    def text(self, name: str) -> str | None:
        """A file decoded as UTF-8, or None when absent."""
        data = self.files.get(name)
        return None if data is None else data.decode("utf-8", errors="replace")

    def bpmn_files(self) -> list[str]:
        """The diagram files at the top of the package, sorted."""
        return sorted(n for n in self.files if "/" not in n and n.endswith(".bpmn"))


def read_package(path: Path) -> Package:
    """Read a package folder or .zip file from disk; raises `PackageError`."""
    if path.is_dir():
        return _read_folder(path)
    if path.is_file() and path.suffix.lower() == ".zip":
        return read_zip(path.read_bytes(), path.name)
    if not path.exists():
        raise PackageError("package.missing", f"Không tìm thấy '{path}'.", str(path))
    raise PackageError(
        "package.kind",
        "Gói thủ tục phải là một thư mục hoặc tệp .zip (hoặc một tệp .bpmn để chỉ kiểm tra sơ đồ).",
        str(path),
    )


def read_zip(data: bytes, source: str = "upload.zip") -> Package:
    """Read a package from .zip bytes, refusing traversal, links, encryption, unknown
    compression, corrupt entries and bombs; every refusal is a `PackageError`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError,
            OSError, struct.error) as exc:
        raise PackageError("zip.invalid", "Tệp tải lên không phải tệp .zip hợp lệ.", source) from exc
    with archive:
        entries = [e for e in archive.infolist() if not e.is_dir()]
        if len(entries) > MAX_FILES:
            raise PackageError("zip.too_many", f"Gói có quá nhiều tệp (tối đa {MAX_FILES}).", source)
        total = compressed = 0
        files: dict[str, bytes] = {}
        for entry in entries:
            name = _safe_name(entry.filename, source)
            if stat.S_ISLNK(entry.external_attr >> 16):
                raise PackageError("zip.symlink", f"Gói chứa liên kết tượng trưng '{name}'.", source)
            if name in files:
                raise PackageError("zip.duplicate", f"Tệp '{name}' có hai lần trong gói.", source)
            _check_entry_kind(entry, name, source)
            _check_size(name, entry.file_size, entry.compress_size, source)
            if total + entry.file_size > MAX_TOTAL_BYTES:
                raise PackageError(
                    "zip.too_large", f"Gói quá lớn khi giải nén (tối đa {MAX_TOTAL_BYTES} byte).", source
                )
            content = _read_entry(archive, entry, name, source)
            total += len(content)
            compressed += entry.compress_size
            files[name] = content
        # Many small entries each below the per-file floor can still inflate a tiny upload
        # into the full total: judge the package as a whole too.
        packed = max(1, min(compressed, len(data)))
        if total > PACKAGE_RATIO_FLOOR and total / packed > MAX_RATIO:
            raise PackageError(
                "zip.bomb", f"Gói có tỉ lệ nén bất thường ({total} byte giải nén từ {len(data)} "
                f"byte, nghi zip bomb).", source)
    return Package(source, _strip_common_folder(files))


def _check_entry_kind(entry: zipfile.ZipInfo, name: str, source: str) -> None:
    """Refuse encrypted entries and compression methods other than stored and deflate
    before the zip module tries (and fails with an exception of its own) to read them."""
    if entry.flag_bits & _ENCRYPTED_FLAGS or entry.compress_type == _AES_METHOD:
        raise PackageError("zip.encrypted", f"Tệp '{name}' trong gói được mã hóa (đặt mật khẩu); "
                           "hãy nén lại gói không dùng mật khẩu.", source)
    if entry.compress_type not in _METHODS:
        method = _METHOD_NAMES.get(entry.compress_type, f"mã {entry.compress_type}")
        raise PackageError("zip.method", f"Tệp '{name}' dùng kiểu nén không hỗ trợ ({method}); chỉ "
                           "nhận kiểu lưu thẳng (stored) hoặc deflate.", source)


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str, source: str) -> bytes:
    """The entry's bytes, read in chunks and never past its declared size (whatever the
    compressed stream holds); a corrupt entry becomes a `PackageError` naming it."""
    limit = min(entry.file_size, MAX_FILE_BYTES)
    chunks: list[bytes] = []
    read = 0
    try:
        with archive.open(entry) as handle:
            while True:
                chunk = handle.read(min(_CHUNK, limit + 1 - read))
                if not chunk:
                    break
                read += len(chunk)
                if read > limit:
                    raise PackageError("zip.size_mismatch",
                                       f"Kích thước tệp '{name}' không khớp.", source)
                chunks.append(chunk)
    except PackageError:
        raise
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError,
            ValueError, OSError, struct.error) as exc:
        raise PackageError("zip.corrupt", f"Không đọc được tệp '{name}' trong gói (dữ liệu hỏng "
                           "hoặc sai mã kiểm tra CRC); hãy nén lại gói.", source) from exc
    if read != entry.file_size:
        raise PackageError("zip.size_mismatch", f"Kích thước tệp '{name}' không khớp.", source)
    content = b"".join(chunks)
    if entry.compress_size and read > ENTRY_RATIO_FLOOR and read / entry.compress_size > MAX_RATIO:
        raise PackageError("zip.bomb", f"Tệp '{name}' có tỉ lệ nén bất thường (nghi zip bomb).",
                           source)
    return content


def _safe_name(raw: str, source: str) -> str:
    name = raw.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or name.startswith("/") or ":" in path.parts[0]:
        raise PackageError("zip.traversal", f"Đường dẫn không an toàn trong gói: '{raw}'.", source)
    return str(path)


def _check_size(name: str, size: int, compressed: int, source: str) -> None:
    if size > MAX_FILE_BYTES:
        raise PackageError(
            "zip.file_too_large", f"Tệp '{name}' quá lớn (tối đa {MAX_FILE_BYTES} byte).", source
        )
    if compressed and size / compressed > MAX_RATIO and size > ENTRY_RATIO_FLOOR:
        raise PackageError("zip.bomb", f"Tệp '{name}' có tỉ lệ nén bất thường (nghi zip bomb).", source)


def _strip_common_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """Zips made by "compress folder" hold one top folder: look inside it."""
    if MANIFEST in files or not files:
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        top = tops.pop() + "/"
        return {name[len(top):]: content for name, content in files.items()}
    return files


def _read_folder(root: Path) -> Package:
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(rel).parts):
            continue
        if path.is_symlink():
            raise PackageError("package.symlink", f"Gói chứa liên kết tượng trưng '{rel}'.", str(root))
        if not path.is_file():
            continue
        size = path.stat().st_size
        _check_size(rel, size, 0, str(root))
        total += size
        if total > MAX_TOTAL_BYTES or len(files) >= MAX_FILES:
            raise PackageError("package.too_large", "Thư mục gói quá lớn.", str(root))
        files[rel] = path.read_bytes()
    return Package(str(root), files)


def from_separate_files(files: list[tuple[str, bytes]], source: str = "tệp tải lên") -> Package:
    """A package from files uploaded one by one (no folders in a browser's file list):
    `procedure.json`, diagrams (`.bpmn`) and decision tables (`.dmn`) at the top,
    `*.schema.json` and `*.ui.json` under `forms/`, any other `.json` under `tests/`. Names are reduced to
    their last part; anything else, duplicates and oversized files are refused."""
    placed: dict[str, bytes] = {}
    total = 0
    for given, data in files:
        name = given.replace("\\", "/").rsplit("/", 1)[-1]
        if not name or name.startswith("."):
            raise PackageError("package.name", f"Tên tệp không hợp lệ: '{given}'.", source)
        if name == MANIFEST or name.endswith((".bpmn", ".dmn")):
            path = name
        elif name.endswith((".schema.json", ".ui.json")):
            path = f"forms/{name}"
        elif name.endswith(".json"):
            path = f"tests/{name}"
        else:
            raise PackageError("package.kind", f"Không nhận tệp '{name}': chỉ procedure.json, "
                               "sơ đồ .bpmn, bảng quyết định .dmn, biểu mẫu .schema.json/.ui.json "
                               "và ca kiểm thử .json.", source)
        if path in placed:
            raise PackageError("package.duplicate", f"Tệp '{name}' được gửi hai lần.", source)
        _check_size(path, len(data), 0, source)
        total += len(data)
        if total > MAX_TOTAL_BYTES or len(placed) >= MAX_FILES:
            raise PackageError("package.too_large", "Các tệp tải lên quá lớn.", source)
        placed[path] = data
    if not placed:
        raise PackageError("package.empty", "Chưa chọn tệp nào.", source)
    return Package(source, placed)
