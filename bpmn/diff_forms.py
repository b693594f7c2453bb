"""What changed in a package's forms, in sentences a designer reads: forms by their title,
fields by their title, a conditional question with «chỉ hỏi khi …», and what a changed field
checks in words («độ dài tối đa 100 → 200», «thêm lựa chọn «Khác»»), never a JSON Schema
keyword. Pure: works on the stored package texts (path → text), like `bpmn.diff`."""

from __future__ import annotations

from typing import Any

from bpmn.diff import _fields, _forms
from forms.schemas import TOLD

# What each JSON Schema keyword a field may carry checks, as the form builder says it.
CHECKS = {"type": "kiểu dữ liệu", "format": "định dạng", "pattern": "mẫu nhập",
          "minLength": "độ dài tối thiểu", "maxLength": "độ dài tối đa",
          "minimum": "giá trị nhỏ nhất", "maximum": "giá trị lớn nhất",
          "exclusiveMinimum": "giá trị phải lớn hơn", "exclusiveMaximum": "giá trị phải nhỏ hơn",
          "multipleOf": "bước số", "minItems": "số mục tối thiểu", "maxItems": "số mục tối đa",
          "description": "lời giải thích", "default": "giá trị mặc định",
          "const": "giá trị cố định", "readOnly": "chỉ đọc", "uniqueItems": "không trùng mục",
          TOLD: "cho người nộp biết"}
NUMBERED = {"minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf", "minItems", "maxItems"}
CHOICES = ("oneOf", "anyOf", "enum")
TYPES = {"string": "chữ", "number": "số", "integer": "số nguyên", "boolean": "có/không",
         "array": "danh sách", "object": "nhóm trường", "null": "trống"}
FORMATS = {"cccd": "số định danh cá nhân", "vn-phone": "số điện thoại", "email": "thư điện tử",
           "vn-tax-code": "mã số thuế", "date": "ngày", "date-time": "ngày giờ",
           "time": "giờ", "uri": "địa chỉ trang web"}


def form_title(schema: dict[str, Any]) -> str:
    return f"«{schema.get('title') or '(biểu mẫu không tên)'}»"


def all_fields(texts: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every field of every form by dotted path (the first form naming it wins)."""
    found: dict[str, dict[str, Any]] = {}
    for _, schema in sorted(_forms(texts).items()):
        for path, spec in _fields(schema).items():
            found.setdefault(path, spec)
    return found


def _field_title(spec: dict[str, Any], path: str) -> str:
    return f"«{spec.get('title') or path}»"


def asked(fields: dict[str, dict[str, Any]], path: str) -> str:
    """"chỉ hỏi khi «Nộp thay» là «Có»", or "hỏi mọi lúc" for a field always asked."""
    condition = fields[path].get("asked_when")
    if not isinstance(condition, list) or len(condition) != 3:
        return "hỏi mọi lúc"
    trigger, values, negate = condition
    parent = path.rsplit(".", 1)[0] + "." if "." in path else ""
    tested = fields.get(f"{parent}{trigger}", {})
    said = " hoặc ".join(f"«{choice_word(tested, value)}»" for value in values)
    return f"chỉ hỏi khi «{tested.get('title') or trigger}» {'không phải' if negate else 'là'} {said}"


def choice_word(spec: dict[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    for option in spec.get("oneOf") or spec.get("anyOf") or []:
        if isinstance(option, dict) and option.get("const") == value:
            return str(option.get("title") or value)
    return str(value)


def _choices(spec: dict[str, Any]) -> list[str]:
    options = spec.get("oneOf") or spec.get("anyOf") or []
    if isinstance(options, list) and options:
        return [choice_word(spec, o.get("const")) for o in options if isinstance(o, dict)]
    enum = spec.get("enum")
    return [choice_word(spec, v) for v in enum] if isinstance(enum, list) else []


def _value(key: str, value: Any) -> str:
    if key == TOLD:  # unmarked: not told
        return "có" if value is True else "không"
    if value is None:
        return "(không có)"
    if key == "type":
        return TYPES.get(str(value), "kiểu khác")
    if key == "format":
        return FORMATS.get(str(value), "định dạng khác")
    if isinstance(value, bool):
        return "có" if value else "không"
    if key in NUMBERED and isinstance(value, int | float):
        return f"{value:,}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"«{value}»" if isinstance(value, str | int | float) else "(khác)"


def check_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What a field checks that changed, in words."""
    changes = []
    keys = sorted(k for k in set(old) | set(new) if k not in ("title", "required", "asked_when")
                  and old.get(k) != new.get(k))
    if any(k in CHOICES for k in keys):
        before, after = _choices(old), _choices(new)
        changes += [f"thêm lựa chọn «{c}»" for c in after if c not in before]
        changes += [f"bỏ lựa chọn «{c}»" for c in before if c not in after]
        if set(before) == set(after):
            changes.append("đổi tên hoặc thứ tự các lựa chọn")
    for key in (k for k in keys if k not in CHOICES):
        if key == "pattern":
            changes.append("đổi mẫu nhập")
        elif key in CHECKS:
            changes.append(f"{CHECKS[key]} {_value(key, old.get(key))} → {_value(key, new.get(key))}")
    if any(k not in CHOICES and k not in CHECKS and k != "pattern" for k in keys):
        changes.append("đổi cách trình bày hoặc kiểm tra khác")
    return changes


def form_sentences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Forms added and removed, fields added, removed and changed, by their titles."""
    old_forms, new_forms = _forms(before), _forms(after)
    said = [f"Thêm biểu mẫu {form_title(new_forms[name])}."
            for name in sorted(set(new_forms) - set(old_forms))]
    said += [f"Bỏ biểu mẫu {form_title(old_forms[name])}."
             for name in sorted(set(old_forms) - set(new_forms))]
    for name in sorted(set(old_forms) & set(new_forms)):
        if old_forms[name].get("title") != new_forms[name].get("title"):
            said.append(f"Biểu mẫu {form_title(old_forms[name])}: đổi tên thành "
                        f"{form_title(new_forms[name])}.")
        said += _field_sentences(form_title(new_forms[name]), _fields(old_forms[name]),
                                 _fields(new_forms[name]))
    return said


def _field_sentences(title: str, old: dict[str, dict[str, Any]],
                     new: dict[str, dict[str, Any]]) -> list[str]:
    said = []
    for path in sorted(set(new) - set(old)):
        when = f" ({asked(new, path)})" if new[path].get("asked_when") else ""
        said.append(f"Biểu mẫu {title}: thêm trường {_field_title(new[path], path)}{when}.")
    for path in sorted(set(old) - set(new)):
        said.append(f"Biểu mẫu {title}: bỏ trường {_field_title(old[path], path)}.")
    for path in sorted(set(old) & set(new)):
        if old[path] == new[path]:
            continue
        changes = []
        if old[path].get("title") != new[path].get("title"):
            changes.append(f"tên «{old[path].get('title') or path}» → «{new[path].get('title') or path}»")
        if bool(old[path].get("required")) != bool(new[path].get("required")):
            changes.append("thành bắt buộc" if new[path].get("required") else "thành không bắt buộc")
        if asked(old, path) != asked(new, path):
            changes.append(asked(new, path))
        changes += check_changes(old[path], new[path])
        said.append(f"Biểu mẫu {title}: trường {_field_title(new[path], path)} "
                    f"{'; '.join(changes)}.")
    return said
