"""A paper of procedure.json may be asked for on some channels only (`"channels": ["desk"]`):
validation refuses an unknown channel, naming the paper, in Vietnamese."""

from __future__ import annotations

import json
from pathlib import Path

from bpmn.paper_channels import asked_on
from bpmn.validation import validate_path
from tests.unit.test_limits import EXTRACT, long_package

DECLARATION = "Tờ khai cấp bản sao trích lục hộ tịch (Mẫu ban hành kèm Thông tư 04/2024/TT-BTP)"


def _paper(**extra: object) -> dict[str, object]:
    return {"name": "Tờ khai in sẵn", "originals": 1, "copies": 0, "required": True, **extra}


def test_the_extract_asks_its_declaration_only_on_paper_channels() -> None:
    manifest = json.loads((EXTRACT / "procedure.json").read_text(encoding="utf-8"))
    declaration = next(c for c in manifest["components"] if c["name"] == DECLARATION)
    assert not asked_on(declaration, "online")
    assert asked_on(declaration, "desk") and asked_on(declaration, "post")
    report, compiled = validate_path(EXTRACT)
    assert report.errors == [] and compiled is not None


def test_a_paper_without_channels_is_asked_on_every_channel() -> None:
    assert all(asked_on(_paper(), channel) for channel in ("online", "desk", "post"))


def test_a_desk_only_paper_is_valid(tmp_path: Path) -> None:
    report, compiled = validate_path(long_package(
        tmp_path, manifest={"components": [_paper(channels=["desk"])]}))
    assert report.errors == [] and compiled is not None


def test_an_unknown_channel_is_refused_naming_the_paper(tmp_path: Path) -> None:
    report, compiled = validate_path(long_package(
        tmp_path, manifest={"components": [_paper(channels=["desk", "quay"])]}))
    assert compiled is None
    assert [(e.code, e.element) for e in report.errors] == [
        ("manifest.channel", "components.0.channels")]
    message = report.errors[0].message
    assert "«Tờ khai in sẵn»" in message and "«quay»" in message
    assert "«online»" in message and "«desk»" in message and "«post»" in message


def test_channels_must_be_a_list_of_names(tmp_path: Path) -> None:
    report, compiled = validate_path(long_package(
        tmp_path, manifest={"components": [_paper(channels="desk")]}))
    assert compiled is None
    assert [e.code for e in report.errors] == ["manifest.invalid"]
