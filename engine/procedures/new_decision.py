"""«Tạo bảng quyết định»: a designer starts a decision table from a form (no XML). The
starter table (`bpmn.dmn_starter`) reads one start form field; when it gives the
procedure's fee, procedure.json's fee takes its amount `from` it and a business rule task
«Xác định lệ phí» calling it runs right after the start event. The package so changed is
imported like any save as draft (validated, its tests run): a new draft version."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bpmn.dmn_starter import (
    FEE_KIND,
    MAX_LABEL,
    OUTPUT_KINDS,
    Field,
    StarterError,
    calls_decision,
    insert_rule_task,
    safe_id,
    start_fields,
    starter_table,
)
from bpmn.xmlsafe import UnsafeXml, parse_xml
from engine.core.actors import Actor
from engine.core.errors import Forbidden, Invalid
from engine.core.permissions import may_design
from engine.core.uow import UnitOfWork
from engine.procedures.drafts import SAVED, import_keeping, zip_of
from engine.procedures.starter import json_object
from engine.procedures.versions import _visible

FEE_OUTPUT = "le_phi"


def _fields(texts: Mapping[str, str]) -> list[Field]:
    start = json_object(texts.get("procedure.json")).get("start_form")
    return start_fields(json_object(texts.get(f"forms/{start}.schema.json"))) if start else []


def decision_options(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                     number: int) -> dict[str, Any]:
    """What the form «Tạo bảng quyết định» offers: the start form's fields a table may read
    (path, label, type), the names of the procedure's fees, and whether `actor` may design."""
    version = _visible(uow, actor, agency_code, code, number)
    texts = version.package or {}
    fees = json_object(texts.get("procedure.json")).get("fees") or []
    return {"fields": [{"path": f.path, "label": f.label, "type": f.type_ref} for f in _fields(texts)],
            "fees": [str(f.get("name", "")) for f in fees if isinstance(f, dict)],
            "may_design": may_design(actor, version.procedure.agency_id)}


def _taken(texts: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """Ids of decisions (and .dmn file names), and names data already uses: the outputs of
    the tables and the top-level fields of every form (a decision's output must not
    overwrite a field the applicant filled in)."""
    ids: set[str] = set()
    names: set[str] = set()
    for path, text in texts.items():
        if "/" not in path and path.endswith(".dmn"):
            ids.add(path.removesuffix(".dmn"))
            try:
                root = parse_xml(text.encode("utf-8"))
            except UnsafeXml:
                continue
            ids |= {d.get("id", "") for d in root.iter("{*}decision")}
            names |= {o.get("name", "") for o in root.iter("{*}output")}
        elif path.startswith("forms/") and path.endswith(".schema.json"):
            names |= set(json_object(text).get("properties") or {})
    return ids, names


def _clean(form: Mapping[str, str], key: str) -> str:
    return " ".join(str(form.get(key, "")).split())


def _output(form: Mapping[str, str], names: set[str]) -> tuple[str, str, str, str]:
    """(label, variable name, DMN type, default) of the table's output."""
    if form.get("ket_qua", "le_phi") == "le_phi":
        return ("Lệ phí (đồng)", safe_id(FEE_OUTPUT, names, "ket_qua"), *FEE_KIND)
    label = _clean(form, "ten_ket_qua")
    if not label:
        raise Invalid("Đặt tên cho giá trị mà bảng quyết định (ví dụ «Cần lấy ý kiến PCCC»).")
    if len(label) > MAX_LABEL:
        raise Invalid(f"Tên giá trị dài quá {MAX_LABEL} ký tự.")
    kind = OUTPUT_KINDS.get(str(form.get("kieu_ket_qua", "")))
    if kind is None:
        raise Invalid("Chọn kiểu của giá trị: số, chữ hoặc có/không.")
    return (label, safe_id(label, names, "ket_qua"), *kind)


def _with_fee(manifest_text: str, fee_name: str, output: str) -> str:
    """procedure.json whose fee `fee_name` (added when the procedure has none so named)
    takes its amount from `output`: the table decides the whole fee, so a fee per copy
    (`per`, `unit`) stops multiplying."""
    manifest = json.loads(manifest_text)
    fees = manifest.setdefault("fees", [])
    same = [f for f in fees if isinstance(f, dict) and " ".join(str(f.get("name", "")).split()) == fee_name]
    if same:
        same[0]["from"] = output
        for key in ("per", "unit"):
            same[0].pop(key, None)
    else:
        fees.append({"name": fee_name, "amount": 0, "from": output})
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def _with_task(texts: dict[str, str], decision_id: str) -> None:
    diagrams = sorted(p for p in texts if "/" not in p and p.endswith(".bpmn"))
    if any(calls_decision(texts[p], decision_id) for p in diagrams):
        return
    if not diagrams:
        raise Invalid("Gói không có sơ đồ .bpmn để chèn bước «Xác định lệ phí».")
    try:
        texts[diagrams[0]] = insert_rule_task(texts[diagrams[0]], decision_id)
    except StarterError as exc:
        raise Invalid(str(exc)) from exc


def starter_changes(texts: Mapping[str, str], form: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The package's files with the new table (and, for a fee, procedure.json and the
    diagram changed), and the new table's file name; `Invalid` says what the form lacks."""
    name = _clean(form, "ten_bang")
    if not name:
        raise Invalid("Đặt tên cho bảng quyết định (ví dụ «Lệ phí theo diện tích sàn»).")
    if len(name) > MAX_LABEL:
        raise Invalid(f"Tên bảng dài quá {MAX_LABEL} ký tự.")
    field = next((f for f in _fields(texts) if f.path == form.get("dau_vao")), None)
    if field is None:
        raise Invalid("Chọn trường của biểu mẫu nộp hồ sơ mà bảng dựa vào.")
    ids, names = _taken(texts)
    label, output, type_ref, default = _output(form, names)
    fee = form.get("dung_lam_le_phi") in ("1", "on", "true")
    fee_name = _clean(form, "ten_le_phi")
    if fee and type_ref not in ("integer", "number"):
        raise Invalid("Chỉ một giá trị kiểu số mới dùng được làm lệ phí.")
    if fee and not fee_name:
        raise Invalid("Ghi tên khoản lệ phí lấy số tiền từ bảng này.")
    if fee and len(fee_name) > MAX_LABEL:
        raise Invalid(f"Tên khoản lệ phí dài quá {MAX_LABEL} ký tự.")
    decision_id = safe_id(name, ids)
    changed = dict(texts)
    changed[f"{decision_id}.dmn"] = starter_table(
        decision_id=decision_id, name=name, field=field, output_label=label,
        output_name=output, output_type=type_ref, default=default)
    if fee:
        changed["procedure.json"] = _with_fee(texts["procedure.json"], fee_name, output)
        _with_task(changed, decision_id)
    return changed, f"{decision_id}.dmn"


def create_decision_table(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                          number: int, form: Mapping[str, str],
                          ) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None, str]:
    """A new draft version: this version's package with a starter decision table made from
    `form` (see `starter_changes`). Returns (report, the new version or None, the invalid
    draft kept instead, the table's file name)."""
    version = _visible(uow, actor, agency_code, code, number)
    if not may_design(actor, version.procedure.agency_id):
        raise Forbidden("Chỉ người thiết kế quy trình của cơ quan được tạo bảng quyết định.")
    texts, path = starter_changes(dict(version.package or {}), form)
    report, created, kept = import_keeping(
        uow, actor=actor, agency_code=agency_code, zip_bytes=zip_of(texts),
        filename=f"{code}-v{number}-bang.zip", based_on_id=version.id, action=SAVED)
    return report.as_dict(), created, kept, path
