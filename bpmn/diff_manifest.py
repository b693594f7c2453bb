"""What changed in procedure.json, in sentences a designer reads: every key in words, never
its code — the level «Toàn trình», the supplement mode by its meaning, the extension cap as a
share of the processing time, the start form and the applicant's fields by their titles, the
main process by its name, people by their role's label, papers and fees by name.
Pure: works on the stored package texts (path → text), like `bpmn.diff`."""

from __future__ import annotations

import json
from typing import Any

from bpmn.diff import _fields
from bpmn.words import LEVELS, SUPPLEMENT_MODES, TIME_UNITS, share_words

# In the order of the «Thông tin thủ tục» page; the sentences follow it.
MANIFEST_KEYS = {"name": "Tên thủ tục", "code": "Mã thủ tục", "field": "Lĩnh vực",
                 "agency": "Cơ quan thực hiện", "level": "Mức độ trực tuyến",
                 "processing_time": "Thời hạn giải quyết", "legal_basis": "Căn cứ pháp lý",
                 "components": "Thành phần hồ sơ", "fees": "Phí, lệ phí",
                 "start_form": "Biểu mẫu nộp hồ sơ", "applicant": "Người nộp hồ sơ",
                 "supplement_mode": "Khi yêu cầu bổ sung hồ sơ", "extension_cap": "Gia hạn tối đa",
                 "roles": "Người xử lý", "process": "Quy trình chính"}
APPLICANT_FIELDS = {"name": "họ tên", "id_number": "số định danh"}
PAPER_PARTS = {"originals": "số bản chính", "copies": "số bản sao"}
DEFAULT_ACCEPT, DEFAULT_SIZE_MB = ["pdf", "png", "jpg"], 5


class Context:
    """What one side's sentences name things by: its start form, the forms by file name
    (titles, fields), the processes' names by id, the table that decides each output, the
    agencies' names by code."""

    def __init__(self, manifest: dict[str, Any], forms: dict[str, dict[str, Any]],
                 processes: dict[str, str], decided: dict[str, str],
                 agencies: dict[str, str]) -> None:
        self.start_form = manifest.get("start_form")
        self.forms, self.processes = forms, processes
        self.decided, self.agencies = decided, agencies

    def form(self, name: Any) -> str:
        schema = self.forms.get(f"{name}.schema.json")
        if schema is None:
            return "(biểu mẫu không có trong gói)"
        return f"«{schema.get('title') or '(biểu mẫu không tên)'}»"

    def counted(self, path: Any) -> str:
        """A start form field by its dotted path («Số bản sao»), for a fee per unit."""
        schema = self.forms.get(f"{self.start_form}.schema.json") or {}
        spec = _fields(schema).get(str(path))
        return f"«{spec.get('title') or path}»" if spec else "(trường không có trong biểu mẫu nộp)"

    def field(self, form: Any, name: Any) -> str:
        properties = (self.forms.get(f"{form}.schema.json") or {}).get("properties") or {}
        spec = properties.get(name) if isinstance(properties, dict) else None
        if not isinstance(spec, dict):
            return "(trường không có trong biểu mẫu nộp)" if name else "(không có)"
        return f"«{spec.get('title') or name}»"


def number(value: Any) -> str:
    """15 → "15", 0.5 → "0,5", 1500000 → "1.500.000"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _time(value: Any) -> str:
    if not isinstance(value, dict):
        return "(không có)"
    if value.get("unit") == "same_day":
        return "trong ngày"
    return f"{number(value.get('value'))} {TIME_UNITS.get(str(value.get('unit')), 'đơn vị khác')}"


def _word(words: dict[str, str], value: Any) -> str:
    return f"«{words[value]}»" if isinstance(value, str) and value in words else "(không có)"


def manifest_sentences(old: dict[str, Any], new: dict[str, Any],
                       context: tuple[Context, Context]) -> list[str]:
    """Each changed key of procedure.json, in words."""
    said = []
    order = list(MANIFEST_KEYS)
    for key in sorted(set(old) | set(new), key=lambda k: (
            order.index(k) if k in order else len(order), k)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        label = MANIFEST_KEYS.get(key)
        if label is None:
            said.append("Một mục khác của thông tin thủ tục thay đổi.")
        elif key in SAYERS:
            said += SAYERS[key](label, a, b, context)
        elif _texts(a) is not None and _texts(b) is not None:
            before, after = _texts(a) or [], _texts(b) or []
            said += [f"{label}: thêm «{text}»." for text in after if text not in before]
            said += [f"{label}: bỏ «{text}»." for text in before if text not in after]
            if set(before) == set(after):
                said.append(f"{label}: đổi thứ tự.")
        else:
            said.append(f"{label} thay đổi.")
    return said


def _plain(label: str, a: Any, b: Any, _: tuple[Context, Context]) -> list[str]:
    def text(value: Any) -> str:
        return f"«{value}»" if isinstance(value, str | int | float) and value != "" else "(không có)"
    return [f"{label}: {text(a)} → {text(b)}."]


def _processing_time(label: str, a: Any, b: Any, _: tuple[Context, Context]) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict) and a.get("unit") == b.get("unit") != "same_day":
        return [f"{label}: {number(a.get('value'))} → {number(b.get('value'))} "
                f"{TIME_UNITS.get(str(b.get('unit')), 'đơn vị khác')}."]
    return [f"{label}: {_time(a)} → {_time(b)}."]


def _level(label: str, a: Any, b: Any, _: tuple[Context, Context]) -> list[str]:
    return [f"{label}: {_word(LEVELS, a)} → {_word(LEVELS, b)}."]


def _supplement(label: str, a: Any, b: Any, _: tuple[Context, Context]) -> list[str]:
    # The engine counts a procedure without the key as "restart".
    return [f"{label}: {_word(SUPPLEMENT_MODES, a or 'restart')} → "
            f"{_word(SUPPLEMENT_MODES, b or 'restart')}."]


def _cap(label: str, a: Any, b: Any, _: tuple[Context, Context]) -> list[str]:
    def text(value: Any) -> str:
        return "(mặc định 1/3 thời hạn giải quyết)" if value is None else share_words(value)
    return [f"{label}: {text(a)} → {text(b)}."]


def _start_form(label: str, a: Any, b: Any, context: tuple[Context, Context]) -> list[str]:
    return [f"{label}: {context[0].form(a)} → {context[1].form(b)}."]


def _applicant(label: str, a: Any, b: Any, context: tuple[Context, Context]) -> list[str]:
    a, b = (a if isinstance(a, dict) else {}), (b if isinstance(b, dict) else {})
    forms = context[0].start_form, context[1].start_form
    return [f"{label}: trường {what} {context[0].field(forms[0], a.get(key))} → "
            f"{context[1].field(forms[1], b.get(key))}."
            for key, what in APPLICANT_FIELDS.items() if a.get(key) != b.get(key)]


def _process(label: str, a: Any, b: Any, context: tuple[Context, Context]) -> list[str]:
    def name(value: Any, side: Context) -> str:
        if not value:
            return "(tự chọn)"
        return f"«{side.processes.get(str(value)) or '(quy trình không tên)'}»"
    return [f"{label}: {name(a, context[0])} → {name(b, context[1])}."]


def _fees(label: str, a: Any, b: Any, context: tuple[Context, Context]) -> list[str]:
    before, after = fee_words(a, context[0]), fee_words(b, context[1])
    if before != after:
        return [f"{label}: {before} → {after}."]
    # The same words on both sides: a fee's amount the words leave out, or something else.
    old = [f for f in a if isinstance(f, dict)] if isinstance(a, list) else []
    new = [f for f in b if isinstance(f, dict)] if isinstance(b, list) else []
    said = [f"{label} «{str(n.get('name') or '').strip() or '(không tên)'}»: số tiền "
            f"{_money(o.get('amount'))} → {_money(n.get('amount'))}."
            for o, n in zip(old, new, strict=False) if o.get("amount") != n.get("amount")]
    return said or [f"{label}: {after} (thay đổi cách tính)."]


def _money(amount: Any) -> str:
    return f"{number(amount)} đồng" if isinstance(amount, int | float) else "(chưa có số tiền)"


def fee_words(fees: Any, context: Context) -> str:
    """"«Lệ phí …» 8.000 đồng", "… 2.000 đồng mỗi bản theo «Số bản sao»" for a fee per unit,
    or "… tính theo bảng quyết định «…» (khi bảng không quyết định: 75.000 đồng)" for a fee
    a table decides (its `amount`, what is charged when the table decides nothing, unsaid
    when 0)."""
    if not isinstance(fees, list) or not fees:
        return "không thu"
    said = []
    for fee in (f for f in fees if isinstance(f, dict)):
        name = str(fee.get("name") or "").strip() or "(không tên)"
        amount = fee.get("amount", 0)
        if fee.get("from"):
            table = context.decided.get(str(fee["from"]))
            said.append((f"«{name}» tính theo bảng quyết định «{table}»" if table else
                         f"«{name}» tính theo một bảng quyết định không có trong gói")
                        + (f" (khi bảng không quyết định: {number(amount)} đồng)"
                           if isinstance(amount, int | float) and amount else ""))
        elif isinstance(amount, int | float) and not isinstance(amount, bool):
            per = (f" mỗi {str(fee.get('unit') or '').strip() or 'đơn vị'} theo "
                   f"{context.counted(fee['per'])}" if fee.get("per") else "")
            said.append(f"«{name}» {number(amount)} đồng{per}")
        else:
            said.append(f"«{name}» (chưa có số tiền)")
    return "; ".join(said)


def _texts(value: Any) -> list[str] | None:
    """A list of texts (the legal basis), [] when absent, None when something else."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _roles(label: str, a: Any, b: Any, context: tuple[Context, Context]) -> list[str]:
    """Lanes added, removed, renamed, given to other officers or to another agency, each
    by its role's label (a lane's code is never said)."""
    old = {k: v for k, v in (a or {}).items() if isinstance(v, dict)} if isinstance(a, dict) else {}
    new = {k: v for k, v in (b or {}).items() if isinstance(v, dict)} if isinstance(b, dict) else {}
    said = [f"{label}: thêm «{_label(new[lane])}»{_where(new[lane], context[1], ' ')}."
            for lane in sorted(set(new) - set(old))]
    said += [f"{label}: bỏ «{_label(old[lane])}»." for lane in sorted(set(old) - set(new))]
    for lane in sorted(set(old) & set(new)):
        before, after = old[lane], new[lane]
        if _label(before) != _label(after):
            said.append(f"{label}: «{_label(before)}» → «{_label(after)}».")
        if before.get("role") != after.get("role"):
            said.append(f"{label} «{_label(after)}»: giao cho nhóm cán bộ khác.")
        if before.get("agency") != after.get("agency"):
            said.append(f"{label} «{_label(after)}»: {_where(after, context[1], '')}.")
    return said


def _label(role: dict[str, Any]) -> str:
    return str(role.get("label") or "(không tên)")


def _where(role: dict[str, Any], context: Context, space: str) -> str:
    """"do «Sở Xây dựng» thực hiện (liên thông)" for a lane another agency works."""
    code = role.get("agency")
    if not code:
        return "" if space else "do chính cơ quan công bố thủ tục thực hiện"
    name = context.agencies.get(str(code))
    return f"{space}do {f'«{name}»' if name else 'một cơ quan khác'} thực hiện (liên thông)"


def _papers(label: str, a: Any, b: Any, _: tuple[Context, Context]) -> list[str]:
    """The papers added, removed and changed, by name."""
    before = {str(p.get("name")): p for p in a or [] if isinstance(p, dict)}
    after = {str(p.get("name")): p for p in b or [] if isinstance(p, dict)}
    said = [f"{label}: thêm «{name}»{' (bắt buộc)' if paper.get('required') else ''}."
            for name, paper in after.items() if name not in before]
    said += [f"{label}: bỏ «{name}»." for name in before if name not in after]
    for name in (n for n in after if n in before and after[n] != before[n]):
        said.append(f"{label}: «{name}» {'; '.join(_paper_changes(before[name], after[name]))}.")
    if not said and list(before) != list(after):
        said.append(f"{label}: đổi thứ tự giấy tờ.")
    return said


def _paper_changes(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    changes = []
    if bool(a.get("required")) != bool(b.get("required")):
        changes.append("thành bắt buộc" if b.get("required") else "thành không bắt buộc")
    changes += [f"{what} {a.get(key, 0)} → {b.get(key, 0)}" for key, what in PAPER_PARTS.items()
                if a.get(key, 0) != b.get(key, 0)]
    kinds = [", ".join(str(k).upper() for k in p.get("accept") or DEFAULT_ACCEPT) for p in (a, b)]
    if kinds[0] != kinds[1]:
        changes.append(f"loại tệp nhận {kinds[0]} → {kinds[1]}")
    sizes = [number(p.get("max_size_mb", DEFAULT_SIZE_MB)) for p in (a, b)]
    if sizes[0] != sizes[1]:
        changes.append(f"dung lượng tối đa mỗi tệp {sizes[0]} → {sizes[1]} MB")
    return changes or ["đổi cách nhận giấy tờ"]


SAYERS = {"name": _plain, "field": _plain, "agency": _plain, "code": _plain,
          "processing_time": _processing_time, "level": _level,
          "supplement_mode": _supplement, "extension_cap": _cap, "start_form": _start_form,
          "applicant": _applicant, "process": _process, "fees": _fees, "components": _papers,
          "roles": _roles}


def lane_agencies(texts: dict[str, str]) -> set[str]:
    """The codes of the agencies procedure.json gives a lane to (liên thông), for the caller
    to name them (`Context.agencies`)."""
    try:
        roles = json.loads(texts.get("procedure.json", "{}")).get("roles")
    except (json.JSONDecodeError, AttributeError):
        return set()
    return {str(r["agency"]) for r in (roles.values() if isinstance(roles, dict) else [])
            if isinstance(r, dict) and r.get("agency")}
