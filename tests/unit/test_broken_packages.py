"""One deliberately broken package per static check (tests/packages/broken/*, each with
`expected.json` naming its findings): each is caught with exactly its findings, each
pointing at the element to fix. The shipped procedures pass with no warning at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bpmn.validation import validate_path

ROOT = Path(__file__).resolve().parents[2]
BROKEN = sorted((ROOT / "tests" / "packages" / "broken").iterdir())
CORRECT = [*sorted(p for p in (ROOT / "procedures").iterdir() if p.is_dir()),
           ROOT / "tests" / "packages" / "lien-thong"]


@pytest.mark.parametrize("package", BROKEN, ids=lambda p: p.name)
def test_each_broken_package_is_caught_with_its_precise_finding(package: Path) -> None:
    expected = json.loads((package / "expected.json").read_text(encoding="utf-8"))
    report, compiled = validate_path(package)
    errors = sorted((p.code, p.element) for p in report.errors)
    warnings = sorted((p.code, p.element) for p in report.warnings)
    assert errors == sorted(tuple(e) for e in expected["errors"]), report.as_text()
    assert warnings == sorted(tuple(w) for w in expected["warnings"]), report.as_text()
    assert all(p.line or p.code == "deadline.budget" for p in report.problems), report.as_text()
    assert (compiled is None) == bool(errors)


@pytest.mark.parametrize("package", CORRECT, ids=lambda p: p.name)
def test_correct_packages_pass_without_a_single_warning(package: Path) -> None:
    report, compiled = validate_path(package)
    assert report.problems == [], report.as_text()
    assert compiled is not None
