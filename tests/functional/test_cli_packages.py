"""`motcua procedure test|validate|import` on bad input answer in Vietnamese and exit 1
(or 2 when something unexpected breaks), never with a traceback; `motcua serve
--production` finds gunicorn beside its own Python, without the virtualenv activated."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.unit.test_package_test_steps import long_suite, nested
from webapp.cli import gunicorn_command, main

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "procedures" / "cap-giay-phep-xay-dung-nha-o"
MOTCUA = Path(sys.executable).with_name("motcua")


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _package_with(tmp_path: Path, name: str, content: bytes | str) -> Path:
    package = tmp_path / "goi"
    shutil.copytree(PACKAGE, package)
    data = content.encode("utf-8") if isinstance(content, str) else content
    (package / "tests" / name).write_bytes(data)
    return package


@pytest.mark.parametrize("command", [["test"], ["validate"], ["import", "--agency", "X"]])
def test_a_missing_package_is_named_in_vietnamese_not_a_click_usage_error(command: list[str]) -> None:
    result = _invoke("procedure", command[0], "/khong/co/goi", *command[1:])
    assert result.exit_code == 1, result.output
    assert "Không tìm thấy" in result.output and "/khong/co/goi" in result.output


@pytest.mark.parametrize(("name", "content"), [
    ("goi.txt", b"khong phai goi"),
    ("goi.zip", b"PK\x03\x04 hong"),
    ("goi.zip", b""),
    ("goi.zip", b"\x00\xff\xfe garbage"),
])
def test_procedure_test_on_a_file_that_is_no_package_exits_1_with_the_reason(
        tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = _invoke("procedure", "test", str(path))
    assert result.exit_code == 1, result.output
    assert "Gói không hợp lệ: chưa chạy ca kiểm thử nào." in result.output


def test_test_cases_that_are_not_json_are_reported_and_the_others_still_run(tmp_path: Path) -> None:
    result = _invoke("procedure", "test", str(_package_with(tmp_path, "hong.json", "{ không phải JSON")))
    assert result.exit_code == 1, result.output
    assert "tests/hong.json" in result.output and "không phải JSON hợp lệ" in result.output
    assert "6/6 ca đạt" in result.output


def test_test_cases_nested_too_deep_are_reported_not_a_traceback(tmp_path: Path) -> None:
    # json.loads raises RecursionError (not a JSON error) on this: it ended in a traceback.
    deep = "[" * 100_000 + "]" * 100_000
    result = _invoke("procedure", "test", str(_package_with(tmp_path, "sau.json", deep)))
    assert result.exit_code == 1, result.output
    assert "tests/sau.json" in result.output and "lồng nhau quá sâu" in result.output


def test_a_case_whose_run_raises_fails_alone_and_the_command_says_why(tmp_path: Path) -> None:
    # Task data nested 600 deep in a field the form leaves open: copying it into the process
    # raised RecursionError out of the sandbox, and the command ended in a traceback.
    case = json.loads((PACKAGE / "tests" / "cap-phep.json").read_text(encoding="utf-8"))
    case["tasks"]["tiep_nhan"]["ghi_chu_them"] = nested(600)
    result = _invoke("procedure", "test", str(_package_with(tmp_path, "sau.json", json.dumps(case))))
    assert result.exit_code == 1, result.output
    assert "KHÔNG ĐẠT tests/sau.json" in result.output
    assert "lỗi khi chạy ca kiểm thử: RecursionError" in result.output
    assert "6/7 ca đạt" in result.output


def test_a_suite_longer_than_the_limit_is_stopped_with_a_clear_message(tmp_path: Path) -> None:
    package = tmp_path / "goi"
    for name, data in long_suite().items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_bytes(data)
    started = time.monotonic()
    result = _invoke("procedure", "test", str(package), "--timeout", "2")
    assert time.monotonic() - started < 30
    assert result.exit_code == 1, result.output
    assert "Các ca kiểm thử chạy quá thời gian cho phép (2 giây). (test.timeout)" in result.output


def test_import_with_the_database_down_is_a_sentence_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"MOTCUA_DATABASE_URL": f"postgresql+psycopg://u@127.0.0.1:{port}/khong",
           "MOTCUA_INSTANCE": str(tmp_path / "instance")}
    result = _invoke("procedure", "import", str(PACKAGE), "--agency", "X", env=env)
    assert result.exit_code == 2, result.output
    assert "Lỗi không mong đợi" in result.output


def test_production_serving_runs_the_gunicorn_beside_this_python() -> None:
    command = gunicorn_command("127.0.0.1", 8123, 3)
    beside = Path(sys.executable).parent / "gunicorn"
    assert beside.is_file(), "gunicorn is a dependency: it is installed beside this Python"
    assert command == [str(beside), "--bind", "127.0.0.1:8123", "--workers", "3",
                       "--worker-class", "gthread", "--threads", "4", "webapp:create_app()"]
    assert "--worker-class" not in gunicorn_command("127.0.0.1", 8123, 3, threads=1)  # sync


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_production_works_without_the_virtualenv_on_the_path(tmp_path: Path) -> None:
    bin_dir = str(MOTCUA.parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and Path(p).resolve() != Path(bin_dir).resolve())
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(PATH=path, MOTCUA_INSTANCE=str(tmp_path / "instance"))
    assert shutil.which("gunicorn", path=path) is None, "gunicorn must not be found on PATH"
    migrated = subprocess.run([str(MOTCUA), "db", "upgrade"], env=env, capture_output=True,  # noqa: S603
                              text=True, timeout=120, check=False)
    assert migrated.returncode == 0, migrated.stderr
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(MOTCUA), "serve", "--production", "--port", str(port), "--workers", "1"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate(timeout=5)[0]
            try:
                url = f"http://127.0.0.1:{port}/api/v1/procedures"
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert response.status == 200
                    assert json.load(response) == {"procedures": []}
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
    finally:
        os.killpg(server.pid, 15)  # motcua and the gunicorn it started, not only motcua
        output, _ = server.communicate(timeout=20)
    assert "Booting worker" in output or "Listening at" in output, output
