"""Hostile .zip packages: every malformed or malicious entry is a `PackageError` naming the
entry (the upload answers 422 with a Vietnamese message), never an exception of the zip
module (a 500), and no entry is inflated past what its header and the caps allow."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from bpmn.package import MAX_FILE_BYTES, PackageError, read_zip
from bpmn.validation import validate_package
from tests.helpers import package_files, zip_bytes

ROOT = Path(__file__).resolve().parents[2]
PERMIT = ROOT / "procedures" / "cap-giay-phep-xay-dung-nha-o"
LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"


def _stored(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _patch(data: bytes, name: str, *, local: dict[int, bytes], central: dict[int, bytes]) -> bytes:
    """Overwrite header fields (offset → bytes) of the entry `name` in its local header and
    its central directory record, as a hand-made hostile archive would have them."""
    out = bytearray(data)
    for signature, fields, name_at in ((LOCAL, local, 30), (CENTRAL, central, 46)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            length = struct.unpack_from("<H", out, start + (26 if signature == LOCAL else 28))[0]
            if bytes(out[start + name_at:start + name_at + length]) == name.encode():
                for offset, value in fields.items():
                    out[start + offset:start + offset + len(value)] = value
            start += 4
    return bytes(out)


def _refused(data: bytes) -> PackageError:
    with pytest.raises(PackageError) as caught:
        read_zip(data, "goi.zip")
    return caught.value


def test_an_encrypted_entry_is_refused_by_name_instead_of_crashing_the_upload() -> None:
    data = _patch(_stored({"procedure.json": b"{}", "mat.json": b"{}"}), "mat.json",
                  local={6: b"\x01\x00"}, central={8: b"\x01\x00"})
    with pytest.raises(RuntimeError):  # what the zip module alone does: a 500
        zipfile.ZipFile(io.BytesIO(data)).read("mat.json")
    error = _refused(data)
    assert error.code == "zip.encrypted" and "'mat.json'" in error.message
    assert "mật khẩu" in error.message


@pytest.mark.parametrize(("method", "label"), [(14, "lzma"), (12, "bzip2"), (6, "implode"),
                                               (99, None), (77, "mã 77")])
def test_an_unsupported_compression_method_is_refused_by_name(method: int, label: str | None) -> None:
    packed = struct.pack("<H", method)
    data = _patch(_stored({"procedure.json": b"{}", "nen.json": b"{}"}), "nen.json",
                  local={8: packed}, central={10: packed})
    error = _refused(data)
    assert "'nen.json'" in error.message
    if label is None:  # WinZip AES announces itself as method 99
        assert error.code == "zip.encrypted"
    else:
        assert error.code == "zip.method" and label in error.message


def test_a_bad_crc_is_a_package_error_naming_the_entry() -> None:
    data = _stored({"procedure.json": b"{}", "hong.json": b'{"a": 1}'})
    data = data.replace(b'{"a": 1}', b'{"a": 2}')  # the content changes, the CRC does not
    error = _refused(data)
    assert error.code == "zip.corrupt" and "'hong.json'" in error.message


def test_corrupt_deflate_data_is_a_package_error_naming_the_entry() -> None:
    data = bytearray(zip_bytes({"procedure.json": b"{}", "hong.json": b"x" * 5000}))
    start = data.find(b"hong.json") + len(b"hong.json")
    data[start:start + 8] = b"\xff" * 8  # the start of the deflate stream
    error = _refused(bytes(data))
    assert error.code == "zip.corrupt" and "'hong.json'" in error.message


def test_a_truncated_archive_is_a_package_error() -> None:
    data = zip_bytes({"procedure.json": b"{}", "dai.json": b"x" * 5000})
    error = _refused(data[: len(data) // 2])
    assert error.code == "zip.invalid"


def test_a_header_understating_the_size_cannot_inflate_more_than_it_declares() -> None:
    data = zip_bytes({"procedure.json": b"{}", "lon.json": b"0" * (MAX_FILE_BYTES - 1)})
    small = struct.pack("<I", 10)
    data = _patch(data, "lon.json", local={22: small}, central={24: small})
    error = _refused(data)
    assert error.code in ("zip.corrupt", "zip.size_mismatch") and "'lon.json'" in error.message


def test_a_header_overstating_the_size_is_refused() -> None:
    data = _stored({"procedure.json": b"{}", "ngan.json": b"{}"})
    big = struct.pack("<I", 4096)
    data = _patch(data, "ngan.json", local={22: big}, central={24: big})
    error = _refused(data)
    assert error.code in ("zip.corrupt", "zip.size_mismatch") and "'ngan.json'" in error.message


def test_many_small_entries_cannot_inflate_a_tiny_upload_into_megabytes() -> None:
    files = {f"tests/{n}.json": b"0" * (100 * 1024) for n in range(190)}
    data = zip_bytes({"procedure.json": b"{}", **files})
    assert len(data) < 100 * 1024 and all(len(v) < 1024 * 1024 for v in files.values())
    error = _refused(data)
    assert error.code == "zip.bomb" and "nghi zip bomb" in error.message


def test_one_moderately_sized_entry_with_an_absurd_ratio_is_a_bomb() -> None:
    error = _refused(zip_bytes({"procedure.json": b"{}", "forms/x.json": b"0" * (900 * 1024)}))
    assert error.code == "zip.bomb" and "'forms/x.json'" in error.message


def test_the_same_name_twice_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("procedure.json", b"{}")
        with pytest.warns(UserWarning):
            archive.writestr("procedure.json", b'{"khac": 1}')
    error = _refused(buffer.getvalue())
    assert error.code == "zip.duplicate" and "'procedure.json'" in error.message


def test_small_repetitive_files_are_not_mistaken_for_a_bomb() -> None:
    package = read_zip(zip_bytes({"procedure.json": b"{}", "tests/a.json": b"0" * 50_000}))
    assert package.files["tests/a.json"] == b"0" * 50_000


@pytest.mark.parametrize("folder", sorted(p.name for p in (ROOT / "procedures").iterdir()
                                          if (p / "procedure.json").exists()))
def test_the_shipped_procedures_still_read_from_a_zip_and_validate(folder: str) -> None:
    data = zip_bytes(package_files(ROOT / "procedures" / folder, prefix=f"{folder}/"))
    report, compiled = validate_package(read_zip(data, f"{folder}.zip"))
    assert compiled is not None, [p.message for p in report.problems]


def test_the_test_packages_still_read_from_a_stored_zip() -> None:
    for folder in sorted((ROOT / "tests" / "packages").rglob("procedure.json")):
        files = package_files(folder.parent)
        assert read_zip(_stored(files)).files == files
    assert read_zip(_stored(package_files(PERMIT))).files == package_files(PERMIT)
