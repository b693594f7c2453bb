"""Rules of ARCHITECTURE.md that import-linter cannot see."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _sources(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


def test_entry_points_never_commit_a_session() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in _sources("webapp", "admin", "worker")
                 if re.search(r"\.commit\(", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_eval_or_exec_in_the_engine_or_bpmn() -> None:
    pattern = re.compile(r"(^|[^_.\w])(eval|exec)\(")
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in _sources("bpmn", "engine")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []


def test_domain_code_never_reads_the_wall_clock() -> None:
    pattern = re.compile(r"datetime\.now\(|datetime\.utcnow\(|time\.time\(|date\.today\(")
    allowed = {"engine/core/clock.py"}
    offenders = [str(p.relative_to(ROOT)) for p in _sources("bpmn", "forms", "engine")
                 if str(p.relative_to(ROOT)) not in allowed
                 and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_top_level_folder_states_its_rule_in_a_readme() -> None:
    folders = ["bpmn", "forms", "engine", "webapp", "admin", "worker", "procedures",
               "engine/migrations", "tests", "bench"]
    assert [f for f in folders if not (ROOT / f / "README.md").is_file()] == []
