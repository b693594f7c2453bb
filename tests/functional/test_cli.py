"""The `motcua` console script: validate never shows a traceback, whatever the input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "procedures" / "cap-giay-phep-xay-dung-nha-o"
MOTCUA = Path(sys.executable).with_name("motcua")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MOTCUA), *args], capture_output=True, text=True, timeout=120,  # noqa: S603
                          check=False)


def test_the_console_script_validates_a_good_package() -> None:
    result = run("procedure", "validate", str(PACKAGE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hợp lệ (0 lỗi, 0 cảnh báo)" in result.stdout


def test_a_broken_package_exits_1_with_file_line_and_element(tmp_path: Path) -> None:
    broken = tmp_path / "goi"
    shutil.copytree(PACKAGE, broken)
    bpmn = broken / "process.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(
        'quyet_dinh == "cap_phep"', "quyet_dinh.__class__"), encoding="utf-8")
    result = CliRunner().invoke(main, ["procedure", "validate", str(broken), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    [problem] = report["problems"]
    assert (problem["code"], problem["file"], problem["element"]) == (
        "expression.invalid", "process.bpmn", "f_cap_phep")
    assert isinstance(problem["line"], int)


@pytest.mark.parametrize("content", [b"", b"\x00\xff\xfe garbage", b"<not-bpmn/>", b"PK\x03\x04"])
@pytest.mark.parametrize("name", ["x.bpmn", "x.zip", "x.txt"])
def test_garbage_input_never_ends_in_a_traceback(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["procedure", "validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "KHÔNG hợp lệ" in result.output


def test_a_missing_path_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["procedure", "validate", "/khong/co/goi"])
    assert result.exit_code == 1
    assert "Không tìm thấy" in result.output


def test_a_bare_bpmn_file_is_checked_alone() -> None:
    result = CliRunner().invoke(main, ["procedure", "validate", str(PACKAGE / "process.bpmn")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "printed"), [
    (["2026-11-25T08:00", "P15D"], "2026-12-16T08:00:00+07:00"),
    (["2026-08-28 16:00", "PT2H"], "2026-09-03T08:00:00+07:00"),
    (["2026-11-24T10:00:00+07:00", "PT4H"], "2026-11-25T11:00:00+07:00"),
    (["2026-11-25T01:00:00Z", "PT1H"], "2026-11-25T09:00:00+07:00"),
    (["2026-11-25T08:00", "P15D", "--calendar-days"], "2026-12-10T08:00:00+07:00"),
])
def test_calendar_due_prints_the_due_instant_with_its_offset(args: list[str], printed: str) -> None:
    result = CliRunner().invoke(main, ["calendar", "due", *args])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == printed


@pytest.mark.parametrize(("duration", "reason"), [
    ("P1.5D", "Không dùng số lẻ"),
    ("10 ngày", "không phải khoảng thời gian ISO-8601"),
    ('"PT1H"', "dấu ngoặc kép (viết PT1H)"),
    ("P99999999999D", "quá dài"),
    ("P99999999Y", "quá dài"),
])
def test_calendar_due_refuses_a_malformed_or_endless_duration_without_a_traceback(
    duration: str, reason: str
) -> None:
    for flags in ([], ["--calendar-days"]):
        result = CliRunner().invoke(main, ["calendar", "due", "2026-11-25T08:00", duration, *flags])
        assert isinstance(result.exception, SystemExit), result.exception  # not a crash
        assert result.exit_code == 1 and reason in result.output, result.output
        assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "printed"), [
    (["2026-11-25T08:00", "P1W"], "2026-12-02T08:00:00+07:00"),
    (["2026-11-25T08:00", "P1M"], "2026-12-25T08:00:00+07:00"),
    (["2026-11-25T08:00", "PT30S"], "2026-11-25T08:00:30+07:00"),
    (["2026-02-06T08:00", "P10D", "--calendar-days"], "2026-02-23T08:00:00+07:00"),  # Tết
])
def test_calendar_due_computes_weeks_months_seconds_and_the_next_working_day(
    args: list[str], printed: str
) -> None:
    result = CliRunner().invoke(main, ["calendar", "due", *args])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == printed
