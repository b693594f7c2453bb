"""`motcua agencies import|export`: a wrong row is named and nothing imported (exit 1);
a right file is imported and exported again."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from engine.seed import AGENCIES as SEEDED
from webapp.cli import main


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {"MOTCUA_DATABASE_URL": database_url}


def test_a_wrong_row_is_named_and_nothing_is_imported(
    tmp_path: Path, env: dict[str, str]
) -> None:
    wrong = tmp_path / "co-quan.csv"
    wrong.write_text("Mã định danh,Tên cơ quan,Mã cơ quan cấp trên,Thư điện tử\n"
                     "000.05.01.H64,Phòng Quản lý xây dựng,000.05.00.H64,\n"
                     "000.05.02.H64,Phòng Hạ tầng,000.05.00.H64,khong-phai-thu\n",
                     encoding="utf-8")
    refused = CliRunner().invoke(main, ["agencies", "import", str(wrong)], env=env)
    assert refused.exit_code == 1
    assert "chưa nhập dòng nào" in refused.output
    assert "Dòng 3, cột Thư điện tử: Thư điện tử không đúng dạng" in refused.output
    out = tmp_path / "ra.xlsx"
    assert CliRunner().invoke(main, ["agencies", "export", str(out)], env=env).exit_code == 0
    codes = [r[0] for r in load_workbook(out).worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "000.05.01.H64" not in codes and len(codes) == len(SEEDED)  # only the seed's


def test_a_right_file_is_imported_and_exported(tmp_path: Path, env: dict[str, str]) -> None:
    right = tmp_path / "co-quan.csv"
    right.write_text("Mã định danh,Tên cơ quan,Mã cơ quan cấp trên\n"
                     "000.05.01.H64,Phòng Quản lý xây dựng,000.05.00.H64\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["agencies", "import", str(right)], env=env)
    assert done.exit_code == 0, done.output
    assert "1 cơ quan mới, 0 cơ quan cập nhật" in done.output
    out = tmp_path / "ra.csv"
    assert CliRunner().invoke(main, ["agencies", "export", str(out)], env=env).exit_code == 0
    assert ('000.05.01.H64,Phòng Quản lý xây dựng,"Phòng, đơn vị trực thuộc",000.05.00.H64'
            in out.read_text(encoding="utf-8-sig"))  # the kind by its name
    missing = CliRunner().invoke(main, ["agencies", "import", str(tmp_path / "khong-co.csv")],
                                 env=env)
    assert missing.exit_code == 1 and "Không đọc được tệp" in missing.output
    assert CliRunner().invoke(main, ["agencies", "export", str(tmp_path / "x.pdf")],
                              env=env).exit_code == 1


def test_accounts_are_imported_all_or_nothing_and_exported(
    tmp_path: Path, env: dict[str, str]
) -> None:
    wrong = tmp_path / "tai-khoan.csv"
    wrong.write_text("Tên đăng nhập,Họ và tên,Thư điện tử,Mã cơ quan,Vai trò,Hiệu lực từ\n"
                     "a.minhxuan,Nguyễn A,a@tuyenquang.example,000.00.12.H64,mot_cua,\n"
                     "b.minhxuan,Nguyễn B,b@tuyenquang.example,000.00.12.H64,mot_cua,32/13/2027\n",
                     encoding="utf-8")
    refused = CliRunner().invoke(main, ["accounts", "import", str(wrong)], env=env)
    assert refused.exit_code == 1
    assert "Dòng 3, cột Hiệu lực từ: Ngày phải có dạng NN/TT/NNNN." in refused.output
    wrong.write_text(wrong.read_text(encoding="utf-8").replace("32/13/2027", "01/01/2027"),
                     encoding="utf-8")
    done = CliRunner().invoke(main, ["accounts", "import", str(wrong)], env=env)
    assert done.exit_code == 0 and "Đã tạo 2 tài khoản" in done.output
    out = tmp_path / "ra.csv"
    assert CliRunner().invoke(main, ["accounts", "export", str(out)], env=env).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert ("b.minhxuan,Nguyễn B,b@tuyenquang.example,,000.00.12.H64,Bộ phận Một cửa,01/01/2027,,"
            in text)
