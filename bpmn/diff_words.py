"""What changed between two versions of a package, in sentences a designer reads:
"Bước «Thẩm định hồ sơ»: thời hạn 10 → 8 ngày làm việc." Elements by their name, roles by
their label, durations in words (`bpmn.duration_words`), form fields by their title.
Pure: works on the stored package texts (path → text), like `bpmn.diff`."""

from __future__ import annotations

import json
from typing import Any

from bpmn.diff import MANIFEST, _elements, _fields, _forms
from bpmn.diff_cases import case_sentences
from bpmn.diff_tables import fee_tables, table_sentences
from bpmn.duration_words import single_unit, words_or_text
from bpmn.durations import DurationError

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
PROPERTIES = {"deadline": "thời hạn", "formJsonSchemaFilename": "biểu mẫu",
              "formUiSchemaFilename": "cách trình bày biểu mẫu", "status": "trạng thái hồ sơ",
              "outcome": "kết quả"}
MANIFEST_KEYS = {"name": "Tên thủ tục", "field": "Lĩnh vực", "level": "Mức độ trực tuyến",
                 "processing_time": "Thời hạn giải quyết", "fees": "Phí, lệ phí",
                 "components": "Thành phần hồ sơ", "roles": "Người xử lý (vai trò)",
                 "legal_basis": "Căn cứ pháp lý", "supplement_mode": "Cách tính khi bổ sung",
                 "extension_cap": "Mức gia hạn tối đa", "start_form": "Biểu mẫu nộp hồ sơ",
                 "agency": "Cơ quan", "code": "Mã thủ tục"}
TIME_UNITS = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc",
              "calendar_days": "ngày", "same_day": "trong ngày"}


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


def _what(element: dict[str, Any], elements: dict[str, dict[str, Any]], element_id: str) -> str:
    """«Bước «Thẩm định hồ sơ»», a nameless flow by its ends."""
    kind = KINDS.get(element.get("type", ""), "Phần tử")
    if element.get("name"):
        return f"{kind} «{element['name']}»"
    if element.get("type") == "sequenceFlow":
        ends = [elements.get(element.get(side, ""), {}).get("name") or element.get(side, "?")
                for side in ("sourceRef", "targetRef")]
        return f"{kind} «{ends[0]}» → «{ends[1]}»"
    return f"{kind} (mã {element_id})"


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


def _value(name: str, value: Any, labels: dict[str, str]) -> str:
    if value in (None, ""):
        return "(không có)"
    if name == "lane":
        return f"«{labels.get(str(value), value)}»"
    return f"«{value}»"


def _element_sentences(element_id: str, old: dict[str, Any], new: dict[str, Any],
                       elements: dict[str, dict[str, Any]], labels: tuple[dict[str, str],
                                                                          dict[str, str]]) -> list[str]:
    what = _what(old, elements, element_id)
    said = []
    if old.get("name") != new.get("name"):
        said.append(f"{what}: đổi tên thành «{new.get('name') or '(không tên)'}».")
    if old.get("lane") != new.get("lane") and new.get("type") in HANDLED:
        said.append(f"{what}: người xử lý {_value('lane', old.get('lane'), labels[0])} → "
                    f"{_value('lane', new.get('lane'), labels[1])}.")
    if old.get("condition") != new.get("condition"):
        said.append(f"{what}: điều kiện {_value('', old.get('condition'), {})} → "
                    f"{_value('', new.get('condition'), {})}.")
    if old.get("timer") != new.get("timer"):
        said.append(f"{what}: hẹn giờ {durations_change(old.get('timer') or '', new.get('timer') or '')}.")
    for end in ("sourceRef", "targetRef"):
        if old.get(end) != new.get(end):
            target = elements.get(new.get(end) or "", {}).get("name") or new.get(end)
            said.append(f"{what}: nối lại {'từ' if end == 'sourceRef' else 'tới'} «{target}».")
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    for key in sorted(set(old_props) | set(new_props)):
        before, after = old_props.get(key, ""), new_props.get(key, "")
        if before == after:
            continue
        label = PROPERTIES.get(key, f"thuộc tính {key}")
        if key == "deadline":
            said.append(f"{what}: {label} {durations_change(before, after)}.")
        else:
            said.append(f"{what}: {label} {_value('', before, {})} → {_value('', after, {})}.")
    if old.get("type") != new.get("type"):
        said.append(f"{what}: đổi loại thành {KINDS.get(new.get('type', ''), new.get('type'))}.")
    return said


def _field_title(spec: dict[str, Any], path: str) -> str:
    return f"«{spec.get('title') or path}»"


def _asked(fields: dict[str, dict[str, Any]], path: str) -> str:
    """"chỉ hỏi khi «Nộp thay» là «Có»", or "hỏi mọi lúc" for a field always asked."""
    condition = fields[path].get("asked_when")
    if not isinstance(condition, list) or len(condition) != 3:
        return "hỏi mọi lúc"
    trigger, values, negate = condition
    parent = path.rsplit(".", 1)[0] + "." if "." in path else ""
    tested = fields.get(f"{parent}{trigger}", {})
    said = " hoặc ".join(f"«{_choice_word(tested, value)}»" for value in values)
    return f"chỉ hỏi khi «{tested.get('title') or trigger}» {'không phải' if negate else 'là'} {said}"


def _choice_word(spec: dict[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    for option in spec.get("oneOf") or spec.get("anyOf") or []:
        if isinstance(option, dict) and option.get("const") == value:
            return str(option.get("title") or value)
    return str(value)


def _form_sentences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    old_forms, new_forms = _forms(before), _forms(after)
    said = [f"Thêm biểu mẫu «{name}»." for name in sorted(set(new_forms) - set(old_forms))]
    said += [f"Bỏ biểu mẫu «{name}»." for name in sorted(set(old_forms) - set(new_forms))]
    for name in sorted(set(old_forms) & set(new_forms)):
        old, new = _fields(old_forms[name]), _fields(new_forms[name])
        title = new_forms[name].get("title") or name
        for path in sorted(set(new) - set(old)):
            when = f" ({_asked(new, path)})" if new[path].get("asked_when") else ""
            said.append(f"Biểu mẫu «{title}»: thêm trường {_field_title(new[path], path)}{when}.")
        for path in sorted(set(old) - set(new)):
            said.append(f"Biểu mẫu «{title}»: bỏ trường {_field_title(old[path], path)}.")
        for path in sorted(set(old) & set(new)):
            if old[path] == new[path]:
                continue
            changes = []
            if old[path].get("title") != new[path].get("title"):
                changes.append(f"tên «{old[path].get('title') or path}» → «{new[path].get('title') or path}»")
            if bool(old[path].get("required")) != bool(new[path].get("required")):
                changes.append("thành bắt buộc" if new[path].get("required") else "thành không bắt buộc")
            if _asked(old, path) != _asked(new, path):
                changes.append(_asked(new, path))
            others = sorted(k for k in set(old[path]) | set(new[path]) if k not in (
                "title", "required", "asked_when") and old[path].get(k) != new[path].get(k))
            if others:
                changes.append("đổi cách kiểm tra (" + ", ".join(others) + ")")
            said.append(f"Biểu mẫu «{title}»: trường {_field_title(new[path], path)} "
                        f"{'; '.join(changes)}.")
    return said


def _time(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    if value.get("unit") == "same_day":
        return "trong ngày"
    return f"{value.get('value')} {TIME_UNITS.get(str(value.get('unit')), value.get('unit'))}"


def _manifest_sentences(old: dict[str, Any], new: dict[str, Any],
                        decided: tuple[dict[str, str], dict[str, str]] = ({}, {})) -> list[str]:
    """Each changed key of procedure.json; `decided` names the table that decides each
    output, before and after (a fee taken from a table)."""
    said = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        label = MANIFEST_KEYS.get(key, f"Mục «{key}»")
        if key == "processing_time":
            a, b = old.get(key) or {}, new.get(key) or {}
            if isinstance(a, dict) and isinstance(b, dict) and a.get("unit") == b.get("unit") != "same_day":
                said.append(f"{label}: {a.get('value')} → {b.get('value')} "
                            f"{TIME_UNITS.get(str(b.get('unit')), b.get('unit'))}.")
            else:
                said.append(f"{label}: {_time(a)} → {_time(b)}.")
        elif key == "fees":
            said.append(f"{label}: {_fees(old.get(key), decided[0])} → "
                        f"{_fees(new.get(key), decided[1])}.")
        elif key == "components":
            said += _papers(old.get(key), new.get(key))
        elif key == "roles":
            a, b = _labels(old), _labels(new)
            for lane in sorted(set(a) | set(b)):
                if a.get(lane) != b.get(lane):
                    said.append(f"{label}: «{a.get(lane, '(không có)')}» → «{b.get(lane, '(không có)')}» "
                                f"(làn {lane}).")
        elif _texts(old.get(key)) is not None and _texts(new.get(key)) is not None:
            before, after = _texts(old.get(key)) or [], _texts(new.get(key)) or []
            said += [f"{label}: thêm «{text}»." for text in after if text not in before]
            said += [f"{label}: bỏ «{text}»." for text in before if text not in after]
            if set(before) == set(after):
                said.append(f"{label}: đổi thứ tự.")
        elif isinstance(old.get(key), str | int | float) and isinstance(new.get(key), str | int | float):
            said.append(f"{label}: «{old.get(key)}» → «{new.get(key)}».")
        else:
            said.append(f"{label} thay đổi.")
    return said


def _fees(fees: Any, decided: dict[str, str]) -> str:
    """"Lệ phí … 8.000 đồng", or "… tính theo bảng quyết định «…»" for a fee a table
    decides (its `amount` is only an example then)."""
    if not isinstance(fees, list) or not fees:
        return "không thu"
    said = []
    for fee in (f for f in fees if isinstance(f, dict)):
        name = str(fee.get("name") or "").strip() or "(không tên)"
        if fee.get("from"):
            source = str(fee["from"])
            said.append(f"«{name}» tính theo bảng quyết định «{decided.get(source, source)}»")
        else:
            amount = fee.get("amount", 0)
            said.append(f"«{name}» " + (f"{amount:,} đồng".replace(",", ".")
                                        if isinstance(amount, int | float)
                                        and not isinstance(amount, bool)
                                        else "(chưa có số tiền)"))
    return "; ".join(said)


def _texts(value: Any) -> list[str] | None:
    """A list of texts (the legal basis), [] when absent, None when something else."""
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


PAPER_PARTS = {"originals": "số bản chính", "copies": "số bản sao"}


def _papers(old: Any, new: Any) -> list[str]:
    """The papers added, removed and changed, by name."""
    label = MANIFEST_KEYS["components"]
    before = {str(p.get("name")): p for p in old or [] if isinstance(p, dict)}
    after = {str(p.get("name")): p for p in new or [] if isinstance(p, dict)}
    said = [f"{label}: thêm «{name}»{' (bắt buộc)' if paper.get('required') else ''}."
            for name, paper in after.items() if name not in before]
    said += [f"{label}: bỏ «{name}»." for name in before if name not in after]
    for name in (n for n in after if n in before and after[n] != before[n]):
        a, b = before[name], after[name]
        changes = []
        if bool(a.get("required")) != bool(b.get("required")):
            changes.append("thành bắt buộc" if b.get("required") else "thành không bắt buộc")
        changes += [f"{what} {a.get(key, 0)} → {b.get(key, 0)}" for key, what in PAPER_PARTS.items()
                    if a.get(key, 0) != b.get(key, 0)]
        if any(a.get(k) != b.get(k) for k in set(a) | set(b)
               if k not in ("required", "name", *PAPER_PARTS)):
            changes.append("đổi loại tệp hoặc dung lượng nhận")
        said.append(f"{label}: «{name}» {'; '.join(changes)}.")
    if not said and list(before) != list(after):
        said.append(f"{label}: đổi thứ tự giấy tờ.")
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
             "words": words_or_text(element["timer"]) if element["timer"].startswith("P")
             else element["timer"], "iso": element["timer"]}
            for element_id, element in sorted(elements.items()) if element.get("timer")]


def describe(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """The changes from `before` to `after` as sentences, by part of the package."""
    try:
        old_elements, new_elements = _elements(before), _elements(after)
    except (ValueError, DurationError):
        old_elements, new_elements = {}, {}
    old_manifest, new_manifest = _manifest(before), _manifest(after)
    labels = (_labels(old_manifest), _labels(new_manifest))
    diagram = []
    for element_id in sorted(set(new_elements) - set(old_elements)):
        element = new_elements[element_id]
        lane = element.get("lane")
        handled = element.get("type") in HANDLED
        where = f" (người xử lý «{labels[1].get(lane, lane)}»)" if lane and handled else ""
        diagram.append(f"Thêm {_what(element, new_elements, element_id)[0].lower()}"
                       f"{_what(element, new_elements, element_id)[1:]}{where}.")
    for element_id in sorted(set(old_elements) - set(new_elements)):
        what = _what(old_elements[element_id], old_elements, element_id)
        diagram.append(f"Bỏ {what[0].lower()}{what[1:]}.")
    for element_id in sorted(set(old_elements) & set(new_elements)):
        if old_elements[element_id] != new_elements[element_id]:
            diagram += _element_sentences(element_id, old_elements[element_id],
                                          new_elements[element_id], new_elements, labels)
    decided = (fee_tables(before), fee_tables(after))
    return {"diagram": diagram, "forms": _form_sentences(before, after),
            "manifest": _manifest_sentences(old_manifest, new_manifest, decided),
            "tables": table_sentences(before, after), "tests": case_sentences(before, after)}
