"""The visual form builder's model, turned into the JSON Schema and UI schema the rest of
`forms` understands — and back, for a form the builder can show.

The builder (the designer's page) edits only this model; the schema is always made here,
so what a designer builds is what `check_schema`, the renderer and validation read. The
schema carries labels, help texts (`description`) and choices (`oneOf` of titled
constants) itself, and «Cho người nộp biết» (`told`: the answer of a step's field the
applicant is told, `forms.schemas.TOLD`); the UI schema only the order and the widgets
(`radio`, `select`, `textarea`).

A model::

    {"title": "Đơn đề nghị …",
     "fields": [{"name": "ho_ten", "label": "Họ và tên", "kind": "text", "required": true,
                 "help": "Như trên CCCD", "min_length": 2, "max_length": 100,
                 "format": "cccd|phone|email|tax_code|", "multiline": false,
                 "told": false},
                {"name": "dien_tich", "label": "Diện tích", "kind": "number", "unit": "m²",
                 "integer": false, "positive": true, "minimum": 0, "maximum": 1000},
                {"name": "ngay", "kind": "date", …},
                {"name": "loai", "kind": "choice", "display": "radio|select",
                 "options": [{"value": "a", "label": "Loại A"}]},
                {"name": "uy_quyen", "kind": "yesno", "must_be_yes": false},
                {"name": "lo_dat", "kind": "group", "fields": [...]},
                {"name": "don_vi", "kind": "rows", "fields": [...], "min_rows": 1, "max_rows": 5},
                {"name": "nguoi_nop_thay", "kind": "text",
                 "show_if": {"field": "uy_quyen", "values": [true], "negate": false}}]}

"Chỉ hỏi khi …" (`show_if`) names a field of the same group asked without a condition;
the schema says it with `if`/`then`/`else`, so the fields of one group may depend on one
field and one set of its values (shown when it holds, or when it does not).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from forms.names import RESERVED_TOP_LEVEL, is_safe_name
from forms.schemas import TOLD, check_schema

KINDS = {
    "text": "Chữ",
    "number": "Số",
    "date": "Ngày",
    "choice": "Lựa chọn",
    "yesno": "Có/Không",
    "group": "Nhóm",
    "rows": "Danh sách nhiều dòng",
}
FORMATS = {"cccd": "cccd", "phone": "vn-phone", "email": "email", "tax_code": "vn-tax-code"}
MAX_FIELDS = 300
PROSE_LENGTH = 2000  # a multi-line answer's length when the designer sets none
MAX_DEPTH = 4
_UNIT = re.compile(r"^(?P<label>.*\S)\s+\((?P<unit>[^()]{1,20})\)$")


class BuilderError(ValueError):
    """The model cannot become a form; `problems` says why, in Vietnamese, by field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def build(model: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(JSON Schema, UI schema) of a builder model; raises `BuilderError`."""
    problems: list[str] = []
    fields = model.get("fields")
    if not isinstance(fields, list) or not fields:
        raise BuilderError(["Biểu mẫu cần ít nhất một trường."])
    fields = with_codes(fields, top=True)
    ui_fields: dict[str, dict[str, Any]] = {}
    counter = [0]
    body = _object(fields, [], ui_fields, problems, counter)
    title = str(model.get("title") or "").strip()
    if not title:
        problems.append("Biểu mẫu cần có tiêu đề.")
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                              "title": title, **body}
    ui: dict[str, Any] = {"order": [str(f.get("name")) for f in fields if isinstance(f, dict)]}
    if ui_fields:
        ui["fields"] = ui_fields
    if not problems:
        problems += [f"{p.pointer or '(gốc)'}: {p.message}" for p in check_schema(schema)]
    if problems:
        raise BuilderError(problems)
    return schema, ui


def code_from_label(label: str, taken: set[str] | frozenset[str]) -> str:
    """A field's code made from its label: ascii letters, digits and `_`, starting with a
    letter, not one of `taken` ("Họ và tên" → ho_va_ten, then ho_va_ten_2). The form editor
    makes the same code as the designer types (`admin/static/form-editor.js`, `codeFor`);
    here a field sent without a code gets one."""
    plain = unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    base = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:60].rstrip("_")
    base = base if re.match(r"[a-z]", base) else f"truong_{base}".rstrip("_")
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    return name


def with_codes(fields: list[Any], *, top: bool = False) -> list[Any]:
    """`fields` (copied) with a code made from its label for each field sent without one,
    in groups and lists of rows too; the codes given are kept as they are."""
    given = {str(f.get("name") or "").strip() for f in fields if isinstance(f, dict)}
    taken = given | RESERVED_TOP_LEVEL if top else given
    named: list[Any] = []
    for field in fields:
        if isinstance(field, dict):
            field = dict(field)
            if not str(field.get("name") or "").strip():
                field["name"] = code_from_label(str(field.get("label") or ""), taken)
                taken.add(field["name"])
            if isinstance(field.get("fields"), list):
                field["fields"] = with_codes(field["fields"])
        named.append(field)
    return named


def _where(path: list[str], field: Mapping[str, Any]) -> str:
    label = str(field.get("label") or field.get("name") or "?")
    return f"Trường «{label}»" + (f" (trong {'.'.join(path)})" if path else "")


def _object(fields: list[Any], path: list[str], ui: dict[str, dict[str, Any]],
            problems: list[str], counter: list[int]) -> dict[str, Any]:
    """The schema of one group of fields: properties, required, and the condition."""
    if len(path) > MAX_DEPTH:
        problems.append(f"Nhóm «{'.'.join(path)}» lồng quá sâu (tối đa {MAX_DEPTH} cấp).")
        return {"type": "object", "properties": {}}
    properties: dict[str, Any] = {}
    required: list[str] = []
    branches: dict[bool, dict[str, Any]] = {}
    condition: tuple[str, tuple[Any, ...]] | None = None
    names: set[str] = set()
    for field in fields:
        counter[0] += 1
        if counter[0] > MAX_FIELDS:
            problems.append(f"Biểu mẫu có quá nhiều trường (tối đa {MAX_FIELDS}).")
            return {"type": "object", "properties": properties}
        if not isinstance(field, dict):
            problems.append("Mỗi trường phải là một đối tượng.")
            continue
        name = str(field.get("name") or "").strip()
        where = _where(path, field)
        if not is_safe_name(name):
            problems.append(f"{where}: tên trường phải bắt đầu bằng chữ, chỉ gồm chữ, số, _ và -, "
                            "tối đa 64 ký tự (ví dụ ho_ten).")
            continue
        if not path and name in RESERVED_TOP_LEVEL:
            problems.append(f"{where}: tên «{name}» dành riêng cho hệ thống, hãy đặt tên khác.")
            continue
        if name in names:
            problems.append(f"{where}: tên «{name}» đã dùng cho trường khác trong cùng nhóm.")
            continue
        names.add(name)
        schema = _field(field, [*path, name], ui, problems, counter, where)
        show_if = field.get("show_if")
        if not show_if:
            properties[name] = schema
            if field.get("required"):
                required.append(name)
            continue
        found = _condition(show_if, fields, where, problems)
        if found is None:
            continue
        trigger, values, negate = found
        if condition is not None and condition != (trigger, values):
            problems.append(f"{where}: các câu hỏi có điều kiện trong cùng một nhóm phải cùng "
                            "hỏi theo một trường và các giá trị của nó; hãy đặt câu hỏi này vào "
                            "một nhóm riêng.")
            continue
        condition = (trigger, values)
        branch = branches.setdefault(not negate, {"properties": {}, "required": []})
        branch["properties"][name] = schema
        if field.get("required"):
            branch["required"].append(name)
    result: dict[str, Any] = {"type": "object"}
    if required:
        result["required"] = required
    result["properties"] = properties
    if condition is not None:
        trigger, values = condition
        test = {"const": values[0]} if len(values) == 1 else {"enum": list(values)}
        result["if"] = {"properties": {trigger: test}, "required": [trigger]}
        for holds, keyword in ((True, "then"), (False, "else")):
            if holds in branches:
                branch = branches[holds]
                result[keyword] = {k: v for k, v in branch.items() if v}
    return result


def _condition(show_if: Any, fields: list[Any], where: str,
               problems: list[str]) -> tuple[str, tuple[Any, ...], bool] | None:
    if not isinstance(show_if, dict):
        problems.append(f"{where}: điều kiện «Chỉ hỏi khi» không hợp lệ.")
        return None
    trigger = str(show_if.get("field") or "")
    source = next((f for f in fields if isinstance(f, dict) and f.get("name") == trigger), None)
    if source is None or source.get("show_if"):
        problems.append(f"{where}: «Chỉ hỏi khi» phải dựa vào một trường không có điều kiện "
                        "trong cùng nhóm.")
        return None
    if source.get("kind") not in ("choice", "yesno"):
        problems.append(f"{where}: «Chỉ hỏi khi» chỉ dựa vào trường lựa chọn hoặc Có/Không "
                        f"(«{source.get('label') or trigger}» là {KINDS.get(str(source.get('kind')), '?')}).")
        return None
    raw = show_if.get("values")
    values = tuple(raw) if isinstance(raw, list) else ()
    allowed = ([True, False] if source.get("kind") == "yesno"
               else [o.get("value") for o in source.get("options") or [] if isinstance(o, dict)])
    if not values or any(v not in allowed for v in values):
        problems.append(f"{where}: chọn giá trị của «{source.get('label') or trigger}» để hỏi "
                        "trường này.")
        return None
    return trigger, values, bool(show_if.get("negate"))


def _field(field: Mapping[str, Any], path: list[str], ui: dict[str, dict[str, Any]],
           problems: list[str], counter: list[int], where: str) -> dict[str, Any]:
    kind = field.get("kind")
    label = str(field.get("label") or "").strip()
    if not label:
        problems.append(f"{where}: cần nhãn (câu hỏi người dùng đọc).")
    dotted = ".".join(path)
    hints: dict[str, Any] = {}
    schema: dict[str, Any]
    if kind == "text":
        schema = _text(field, where, problems)
        if field.get("multiline"):
            hints["widget"] = "textarea"
    elif kind == "number":
        schema = _number(field, where, problems)
        unit = str(field.get("unit") or "").strip()
        if unit:
            label = f"{label} ({unit})"
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "choice":
        schema = _choice(field, where, problems)
        # the designer's choice is kept even where the renderer's default would agree
        hints["widget"] = "select" if field.get("display") == "select" else "radio"
    elif kind == "yesno":
        schema = {"type": "boolean", **({"const": True} if field.get("must_be_yes") else {})}
    elif kind == "group":
        inner = _list(field.get("fields"))
        if not inner:
            problems.append(f"{where}: nhóm cần ít nhất một trường.")
        schema = _object(inner, path, ui, problems, counter)
    elif kind == "rows":
        inner = _list(field.get("fields"))
        if not inner:
            problems.append(f"{where}: danh sách cần ít nhất một trường cho mỗi dòng.")
        schema = {"type": "array", "items": _object(inner, path, ui, problems, counter)}
        schema.update(_bounds(field, "min_rows", "max_rows", "minItems", "maxItems", where,
                              problems, "số dòng"))
        schema.setdefault("maxItems", 50)
    else:
        problems.append(f"{where}: loại trường «{kind}» không có.")
        schema = {"type": "string"}
    if hints:
        ui[dotted] = hints
    help_text = str(field.get("help") or "").strip()
    return {**({"title": label} if label else {}), **schema,
            **({"description": help_text} if help_text else {}),
            **({TOLD: True} if field.get("told") is True else {})}


def _text(field: Mapping[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    form = str(field.get("format") or "")
    if form and form not in FORMATS:
        problems.append(f"{where}: định dạng «{form}» không có.")
    elif form:
        schema["format"] = FORMATS[form]
    schema.update(_bounds(field, "min_length", "max_length", "minLength", "maxLength", where,
                          problems, "độ dài"))
    if field.get("multiline"):
        schema.setdefault("maxLength", PROSE_LENGTH)  # a text area even without a UI schema
    return schema


def _number(field: Mapping[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer" if field.get("integer") else "number"}
    if field.get("positive"):
        schema["exclusiveMinimum"] = 0
    schema.update(_bounds(field, "minimum", "maximum", "minimum", "maximum", where, problems,
                          "giá trị", whole=bool(field.get("integer"))))
    return schema


def _bounds(field: Mapping[str, Any], low: str, high: str, low_key: str, high_key: str,
            where: str, problems: list[str], what: str, *, whole: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, target in ((low, low_key), (high, high_key)):
        value = field.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                whole and value != int(value)) or (value < 0 and what != "giá trị"):
            problems.append(f"{where}: giới hạn {what} phải là một số"
                            f"{' nguyên' if whole else ''}{'' if what == 'giá trị' else ' không âm'}.")
            continue
        found[target] = int(value) if whole else value
    if low_key in found and high_key in found and found[low_key] > found[high_key]:
        problems.append(f"{where}: {what} nhỏ nhất lớn hơn {what} lớn nhất.")
    return found


def _choice(field: Mapping[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    options = [o for o in field.get("options") or [] if isinstance(o, dict)]
    values = [str(o.get("value") or "").strip() for o in options]
    labels = {v: str(o.get("label") or v).strip() for v, o in zip(values, options, strict=True)}
    if len(values) < 2:
        problems.append(f"{where}: lựa chọn cần ít nhất hai phương án.")
    if any(not v for v in values) or len(set(values)) != len(values):
        problems.append(f"{where}: mỗi phương án cần một mã riêng, không trùng.")
    return {"type": "string", "oneOf": [{"const": v, "title": labels[v]} for v in values]}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


PAPER_TYPES = ("pdf", "png", "jpg")
MAX_PAPERS = 50


def build_papers(papers: Any) -> list[dict[str, Any]]:
    """The papers a citizen attaches to the start form ("Giấy tờ nộp kèm"), edited beside
    its fields, as the `components` of procedure.json; raises `BuilderError`."""
    if not isinstance(papers, list):
        raise BuilderError(["Danh sách giấy tờ nộp kèm không hợp lệ."])
    if len(papers) > MAX_PAPERS:
        raise BuilderError([f"Tối đa {MAX_PAPERS} giấy tờ nộp kèm."])
    problems: list[str] = []
    built: list[dict[str, Any]] = []
    for number, paper in enumerate(papers, start=1):
        paper = paper if isinstance(paper, dict) else {}
        name = " ".join(str(paper.get("name") or "").split())
        where = f"Giấy tờ {number}" + (f" «{name[:60]}»" if name else "")
        if len(name) < 2:
            problems.append(f"{where}: cần tên giấy tờ.")
        counts = {}
        for key, what in (("originals", "số bản chính"), ("copies", "số bản sao")):
            value = paper.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 20:
                problems.append(f"{where}: {what} là số nguyên từ 0 đến 20.")
                value = 0
            counts[key] = value
        item: dict[str, Any] = {"name": name, **counts, "required": bool(paper.get("required"))}
        accept = paper.get("accept")
        if accept:
            if not isinstance(accept, list) or not set(accept) <= set(PAPER_TYPES):
                problems.append(f"{where}: loại tệp chỉ gồm {', '.join(PAPER_TYPES)}.")
            else:
                item["accept"] = [t for t in PAPER_TYPES if t in accept]
        size = paper.get("max_size_mb")
        if size not in (None, ""):
            if isinstance(size, bool) or not isinstance(size, int | float) or not 0 < size <= 10:
                problems.append(f"{where}: dung lượng tối đa từ trên 0 đến 10 MB.")
            else:
                item["max_size_mb"] = size
        built.append(item)
    if problems:
        raise BuilderError(problems)
    return built
