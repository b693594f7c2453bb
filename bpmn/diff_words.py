"""What changed between two versions of a package, in sentences a designer reads:
"Bước «Thẩm định hồ sơ»: thời hạn 10 → 8 ngày làm việc." Elements by their name (a nameless
one by its kind and where it stands), roles by their label, durations and instants in words
(`bpmn.duration_words`), conditions in words (`bpmn.condition_words`), forms and fields by
their title (`bpmn.diff_forms`), procedure.json in words (`bpmn.diff_manifest`): never an
element id, a file name, a code or raw JSON.
Pure: works on the stored package texts (path → text), like `bpmn.diff`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bpmn.condition_words import condition_words
from bpmn.diff import MANIFEST, _elements, _forms
from bpmn.diff_cases import case_sentences
from bpmn.diff_forms import all_fields, form_sentences, form_title
from bpmn.diff_manifest import Context, lane_agencies, manifest_sentences
from bpmn.diff_tables import fee_tables, table_sentences, tables
from bpmn.duration_words import single_unit, words_or_text
from bpmn.durations import DurationError
from bpmn.words import OUTCOMES, status_words

KINDS = {"userTask": "Bước", "task": "Bước", "manualTask": "Bước", "serviceTask": "Bước tự động",
         "scriptTask": "Bước tự động", "businessRuleTask": "Bảng quyết định",
         "sequenceFlow": "Luồng", "exclusiveGateway": "Cổng rẽ nhánh",
         "inclusiveGateway": "Cổng rẽ nhánh", "parallelGateway": "Cổng song song",
         "eventBasedGateway": "Cổng chờ sự kiện", "startEvent": "Bắt đầu", "endEvent": "Kết thúc",
         "boundaryEvent": "Hẹn giờ gắn với bước", "intermediateCatchEvent": "Sự kiện chờ",
         "intermediateThrowEvent": "Sự kiện", "callActivity": "Quy trình con",
         "subProcess": "Quy trình con", "lane": "Làn", "process": "Quy trình"}
# The elements someone works on: only these have a «người xử lý» (a table, a timer or a
# gateway drawn in a lane has none).
HANDLED = {"userTask", "manualTask"}
__all__ = ["describe", "durations_change", "lane_agencies", "timer_words", "timers"]


@dataclass(frozen=True)
class Side:
    """One version as its sentences name things: elements, lanes' labels, forms, fields
    (and tables' outputs) by path."""

    elements: dict[str, dict[str, Any]]
    labels: dict[str, str]
    forms: dict[str, dict[str, Any]]
    fields: dict[str, dict[str, Any]]


def _side(texts: dict[str, str], elements: dict[str, dict[str, Any]],
          manifest: dict[str, Any]) -> Side:
    fields = all_fields(texts)
    for table in tables(texts).values():
        for column in table.outputs:
            fields.setdefault(column.text, {"title": column.label or column.text})
    return Side(elements, _labels(manifest), _forms(texts), fields)


def _manifest(texts: dict[str, str]) -> dict[str, Any]:
    try:
        manifest = json.loads(texts.get(MANIFEST, "{}"))
    except json.JSONDecodeError:
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _labels(manifest: dict[str, Any]) -> dict[str, str]:
    roles = manifest.get("roles") or {}
    return {lane: str(role.get("label") or lane) for lane, role in roles.items()
            if isinstance(role, dict)} if isinstance(roles, dict) else {}


def _what(element_id: str, side: Side) -> str:
    """«Bước «Thẩm định hồ sơ»», a nameless flow by its ends, another nameless element by
    its kind and its neighbour («Cổng rẽ nhánh (không tên) sau «Thẩm định»»)."""
    element = side.elements.get(element_id, {})
    kind = KINDS.get(element.get("type", ""), "Phần tử")
    if element.get("type") == "lane" and element.get("name"):
        return f"{kind} «{side.labels.get(element['name'], element['name'])}»"
    if element.get("name"):
        return f"{kind} «{element['name']}»"
    if element.get("type") == "sequenceFlow":
        return f"{kind} {_end(element.get('sourceRef'), side)} → {_end(element.get('targetRef'), side)}"
    if element.get("attachedToRef"):
        return f"{kind} {_end(element.get('attachedToRef'), side)}"
    flows = [e for e in side.elements.values() if e.get("type") == "sequenceFlow"]
    before = [side.elements.get(f.get("sourceRef", ""), {}).get("name") for f in flows
              if f.get("targetRef") == element_id]
    after = [side.elements.get(f.get("targetRef", ""), {}).get("name") for f in flows
             if f.get("sourceRef") == element_id]
    near = (f" sau «{next(n for n in before if n)}»" if any(before) else
            f" trước «{next(n for n in after if n)}»" if any(after) else "")
    return f"{kind} (không tên){near}"


def _end(element_id: Any, side: Side) -> str:
    element = side.elements.get(str(element_id or ""))
    if element is None:
        return "«(không có)»"
    return f"«{element.get('name') or KINDS.get(element.get('type', ''), 'Phần tử')}»"


def durations_change(old: str, new: str) -> str:
    """"10 → 8 ngày làm việc" when both are in one unit, else both in full words."""
    if not old:
        return f"đặt {words_or_text(new)}"
    if not new:
        return f"bỏ ({words_or_text(old)})"
    before, after = single_unit(old), single_unit(new)
    if before and after and before[1] == after[1]:
        unit = words_or_text(new).split(" ", 1)[1]
        return f"{before[0]} → {after[0]} {unit}"
    return f"{words_or_text(old)} → {words_or_text(new)}"


def timer_words(text: str) -> str:
    """A timer's wait in words ("10 ngày làm việc") or its instant ("08:00 ngày 01/12/2026")."""
    if text.startswith("P"):
        return words_or_text(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}"


def _timer_change(old: str, new: str) -> str:
    """A wait's change as `durations_change` says it; an instant's with its date and hour."""
    if all(not text or text.startswith("P") for text in (old, new)):
        return durations_change(old, new)
    if not old:
        return f"đặt lúc {timer_words(new)}"
    if not new:
        return f"bỏ (lúc {timer_words(old)})"
    return f"{timer_words(old)} → {timer_words(new)}"


def _quoted(value: Any) -> str:
    return f"«{value}»" if value not in (None, "") else "(không có)"


def _form(file_name: str, side: Side) -> str:
    if not file_name:
        return "(không có)"
    schema = side.forms.get(file_name)
    return form_title(schema) if schema is not None else "(biểu mẫu không có trong gói)"


def _property(key: str, before: str, after: str, sides: tuple[Side, Side]) -> str:
    """What a changed property of a step or an end says, in words."""
    if key == "deadline":
        return f"thời hạn {durations_change(before, after)}"
    if key == "formJsonSchemaFilename":
        return f"biểu mẫu {_form(before, sides[0])} → {_form(after, sides[1])}"
    if key == "formUiSchemaFilename":
        return "đổi cách trình bày biểu mẫu"
    if key == "status":
        return (f"trạng thái hồ sơ {_quoted(before and status_words(before))} → "
                f"{_quoted(after and status_words(after))}")
    if key == "outcome":
        return (f"kết quả {_quoted(OUTCOMES.get(before, before) if before else '')} → "
                f"{_quoted(OUTCOMES.get(after, after) if after else '')}")
    return "đổi một thiết lập kỹ thuật khác"


def _condition(text: Any, side: Side) -> str:
    return f"khi {condition_words(str(text), side.fields)}" if text else "(không có điều kiện)"


def _element_sentences(element_id: str, sides: tuple[Side, Side]) -> list[str]:
    old, new = sides[0].elements[element_id], sides[1].elements[element_id]
    what = _what(element_id, sides[0])
    said = []
    if old.get("name") != new.get("name"):
        name = new.get("name") or "(không tên)"
        if new.get("type") == "lane":  # a lane's name is its role's key: said by the label
            name = sides[1].labels.get(name, name)
        said.append(f"{what}: đổi tên thành «{name}».")
    if old.get("lane") != new.get("lane") and new.get("type") in HANDLED:
        lanes = [_quoted(side.labels.get(str(lane), lane)) if lane else "(không có)"
                 for side, lane in zip(sides, (old.get("lane"), new.get("lane")), strict=True)]
        said.append(f"{what}: người xử lý {lanes[0]} → {lanes[1]}.")
    if old.get("condition") != new.get("condition"):
        said.append(f"{what}: điều kiện {_condition(old.get('condition'), sides[0])} → "
                    f"{_condition(new.get('condition'), sides[1])}.")
    if old.get("timer") != new.get("timer"):
        said.append(f"{what}: hẹn giờ {_timer_change(old.get('timer') or '', new.get('timer') or '')}.")
    for end in ("sourceRef", "targetRef"):
        if old.get(end) != new.get(end):
            said.append(f"{what}: nối lại {'từ' if end == 'sourceRef' else 'tới'} "
                        f"{_end(new.get(end), sides[1])}.")
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    for key in sorted(set(old_props) | set(new_props)):
        if old_props.get(key, "") != new_props.get(key, ""):
            said.append(f"{what}: {_property(key, old_props.get(key, ''), new_props.get(key, ''), sides)}.")
    if old.get("type") != new.get("type"):
        said.append(f"{what}: đổi loại thành {KINDS.get(new.get('type', ''), 'loại phần tử khác').lower()}.")
    return said


def timers(texts: dict[str, str]) -> list[dict[str, str]]:
    """Every timer of the package's diagrams, in words: id, name, the step it waits on,
    the wait ("10 ngày làm việc") or the instant, and the ISO-8601 text."""
    try:
        elements = _elements(texts)
    except (ValueError, DurationError):
        return []
    return [{"id": element_id, "name": element.get("name") or element_id,
             "on": elements.get(element.get("attachedToRef") or "", {}).get("name") or "",
             "words": timer_words(element["timer"]), "iso": element["timer"]}
            for element_id, element in sorted(elements.items()) if element.get("timer")]


def describe(before: dict[str, str], after: dict[str, str],
             agencies: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The changes from `before` to `after` as sentences, by part of the package;
    `agencies` names the agencies a lane may be given to (code → name)."""
    try:
        old_elements, new_elements = _elements(before), _elements(after)
    except (ValueError, DurationError):
        old_elements, new_elements = {}, {}
    old_manifest, new_manifest = _manifest(before), _manifest(after)
    sides = (_side(before, old_elements, old_manifest), _side(after, new_elements, new_manifest))
    return {"diagram": _diagram_sentences(sides), "forms": form_sentences(before, after),
            "manifest": manifest_sentences(old_manifest, new_manifest, (
                _context(before, old_manifest, sides[0], agencies or {}),
                _context(after, new_manifest, sides[1], agencies or {}))),
            "tables": table_sentences(before, after), "tests": case_sentences(before, after)}


def _context(texts: dict[str, str], manifest: dict[str, Any], side: Side,
             agencies: dict[str, str]) -> Context:
    processes = {i: str(e.get("name") or "") for i, e in side.elements.items()
                 if e.get("type") == "process"}
    return Context(manifest, side.forms, processes, fee_tables(texts), agencies)


def _diagram_sentences(sides: tuple[Side, Side]) -> list[str]:
    old, new = sides[0].elements, sides[1].elements
    diagram = []
    for element_id in sorted(set(new) - set(old)):
        lane = new[element_id].get("lane")
        handled = new[element_id].get("type") in HANDLED
        where = f" (người xử lý «{sides[1].labels.get(lane, lane)}»)" if lane and handled else ""
        what = _what(element_id, sides[1])
        diagram.append(f"Thêm {what[0].lower()}{what[1:]}{where}.")
    for element_id in sorted(set(old) - set(new)):
        what = _what(element_id, sides[0])
        diagram.append(f"Bỏ {what[0].lower()}{what[1:]}.")
    for element_id in sorted(set(old) & set(new)):
        if old[element_id] != new[element_id]:
            diagram += _element_sentences(element_id, sides)
    return diagram
