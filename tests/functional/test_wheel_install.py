"""A wheel of motcua — not only a checkout — migrates a database: the migrations travel
inside the `engine` package as package data (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
# Run the installed wheel, not the checkout: no site processing (so the editable install's
# finder is off), the wheel's folder first, then the libraries it depends on.
PROGRAM = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from webapp.cli import main
import engine
assert not engine.__file__.startswith(sys.argv[3]), engine.__file__
sys.argv = ["motcua", "db", "upgrade"]
main()
"""


def test_a_wheel_installed_outside_the_checkout_creates_the_schema(tmp_path: Path) -> None:
    dist, target = tmp_path / "dist", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist),  # noqa: S603
                    str(ROOT)], check=True, timeout=300, cwd=tmp_path)
    [wheel] = dist.glob("motcua-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "engine/migrations/env.py" in names
    assert "engine/migrations/versions/0001_initial_schema.py" in names
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",  # noqa: S603
                    "--target", str(target), str(wheel)], check=True, timeout=300)

    database = tmp_path / "wheel.db"
    libraries = sysconfig.get_paths()["purelib"]
    env = {**os.environ, "MOTCUA_DATABASE_URL": f"sqlite:///{database}",
           "MOTCUA_INSTANCE": str(tmp_path / "instance")}
    done = subprocess.run([sys.executable, "-S", "-c", PROGRAM, str(target), libraries, str(ROOT)],  # noqa: S603
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"dossiers", "tasks", "timers", "alembic_version"} <= tables
