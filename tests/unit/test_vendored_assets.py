"""The front-end build the admin pages ship is the one the lock pins, with its licence."""

from __future__ import annotations

import json
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[2] / "admin" / "static" / "vendor"


def test_the_shipped_bpmn_js_is_the_pinned_version_with_its_licence() -> None:
    lock = json.loads((VENDOR / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/bpmn-js"]["version"]
    assert (VENDOR / "bpmn-js" / "VERSION").read_text().strip() == pinned
    assert json.loads((VENDOR / "package.json").read_text())["dependencies"]["bpmn-js"] == pinned
    assert "Camunda" in (VENDOR / "bpmn-js" / "LICENSE").read_text()
    for build in ("bpmn-modeler.production.min.js", "bpmn-navigated-viewer.production.min.js"):
        assert (VENDOR / "bpmn-js" / build).stat().st_size > 100_000


def test_the_shipped_dmn_js_is_the_pinned_version_with_its_licence() -> None:
    lock = json.loads((VENDOR / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/dmn-js"]["version"]
    assert (VENDOR / "dmn-js" / "VERSION").read_text().strip() == pinned
    assert json.loads((VENDOR / "package.json").read_text())["dependencies"]["dmn-js"] == pinned
    assert "Camunda" in (VENDOR / "dmn-js" / "LICENSE").read_text()
    assert (VENDOR / "dmn-js" / "dmn-modeler.production.min.js").stat().st_size > 500_000
    for sheet in ("dmn-js-shared.css", "dmn-js-decision-table.css",
                  "dmn-js-decision-table-controls.css", "dmn-font/css/dmn-embedded.css"):
        assert (VENDOR / "dmn-js" / "assets" / sheet).is_file(), sheet
