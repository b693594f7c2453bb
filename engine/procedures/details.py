"""«Thông tin thủ tục»: a version's procedure.json in words, edited without JSON — name,
field, level, processing time (a number and a unit), legal basis (one a line), papers (one a
line, required or not), the fee (none, a fixed amount, or an output of a decision table),
the start form's fields that name the applicant, the way a supplement request counts time.

`details_of` reads the facts and what may be chosen; `manifest_with` checks the designer's
answers by field (pure) and gives the new procedure.json; `save_details` imports it like any
save from the editors (`save_as_draft`): validated, tested, a new draft version — the same
files as a version already there make none."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bpmn.dmn_table import NUMERIC, read_tables
from bpmn.package import Package
from bpmn.problems import Report
from bpmn.words import LEVELS, SUPPLEMENT_MODES
from engine.core.actors import Actor
from engine.core.errors import Forbidden, Invalid
from engine.core.permissions import may_design
from engine.core.uow import UnitOfWork
from engine.procedures.catalogue import UNIT_LABELS
from engine.procedures.starter import (
    MAX_PAPERS,
    _fee,
    common_facts,
    json_object,
    legal_basis,
)
from engine.procedures.versions import _visible, save_as_draft

FEE_MODES = {"none": "Không thu", "fixed": "Một số tiền cố định",
             "table": "Theo bảng quyết định"}


def table_outputs(texts: Mapping[str, str]) -> list[dict[str, str]]:
    """The numeric outputs of the package's decision tables a fee may come from: `name` (what
    procedure.json's `from` holds) and `label` (the table's and the column's names)."""
    dmn = {p: t.encode("utf-8") for p, t in texts.items() if "/" not in p and p.endswith(".dmn")}
    if not dmn:
        return []
    found: dict[str, str] = {}
    for table, _ in read_tables(Package("decisions", dmn), Report("decisions")).values():
        for column in table.outputs:
            if column.text and column.type_ref in NUMERIC:
                found.setdefault(column.text, f"{table.name or table.decision} › "
                                              f"{column.label or column.text}")
    return [{"name": n, "label": label} for n, label in sorted(found.items())]


def _text_fields(texts: Mapping[str, str], start: str) -> list[dict[str, str]]:
    """The start form's top-level text fields (name → title), which may name the applicant."""
    properties = json_object(texts.get(f"forms/{start}.schema.json")).get("properties")
    if not isinstance(properties, dict):
        return []
    return [{"name": n, "label": str(s.get("title") or n)} for n, s in properties.items()
            if isinstance(s, dict) and s.get("type") == "string" and "enum" not in s]


def typed_of(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of procedure.json as the page's form shows them (texts, choices)."""
    time = manifest.get("processing_time") or {}
    value = time.get("value", "")
    fees = [f for f in manifest.get("fees") or [] if isinstance(f, dict)]
    fee = fees[0] if fees else {}
    basis = manifest.get("legal_basis") or []
    papers = [c for c in manifest.get("components") or [] if isinstance(c, dict)]
    applicant = manifest.get("applicant") or {}
    return {
        "name": manifest.get("name", ""), "field": manifest.get("field", ""),
        "level": manifest.get("level", ""), "time_unit": time.get("unit", "working_days"),
        "time_value": "" if time.get("unit") == "same_day" else
        (f"{value:g}".replace(".", ",") if isinstance(value, int | float) else str(value)),
        "legal_basis": "\n".join([basis] if isinstance(basis, str) else [str(b) for b in basis]),
        "papers_required": "\n".join(str(c.get("name", "")) for c in papers if c.get("required")),
        "papers_optional": "\n".join(str(c.get("name", "")) for c in papers
                                     if not c.get("required")),
        "fee_mode": "table" if fee.get("from") else "fixed" if fee else "none",
        "fee_name": fee.get("name", ""), "fee_from": fee.get("from", ""),
        "fee_amount": f"{fee['amount']:,}".replace(",", ".") if isinstance(
            fee.get("amount"), int) and (fee.get("amount") or not fee.get("from")) else "",
        "applicant_name": applicant.get("name", ""), "applicant_id": applicant.get("id_number", ""),
        "supplement_mode": manifest.get("supplement_mode", "restart"),
    }


def details_of(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
               number: int) -> dict[str, Any]:
    """What the page shows of a version: its facts as typed, the choices, who may save."""
    version = _visible(uow, actor, agency_code, code, number)
    texts = dict(version.package or {})
    manifest = json_object(texts.get("procedure.json"))
    return {"typed": typed_of(manifest), "choices": _choices(texts, manifest),
            "extra_fees": max(0, len(manifest.get("fees") or []) - 1),
            "may_design": may_design(actor, version.procedure.agency_id)}


def _choices(texts: Mapping[str, str], manifest: Mapping[str, Any]) -> dict[str, Any]:
    return {"levels": LEVELS, "units": UNIT_LABELS, "fee_modes": FEE_MODES,
            "supplement_modes": SUPPLEMENT_MODES, "outputs": table_outputs(texts),
            "fields": _text_fields(texts, str(manifest.get("start_form") or ""))}


def _lines(text: str) -> list[str]:
    return [line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line]


def _papers(raw: Mapping[str, Any], old: list[Any], problems: dict[str, str]) -> list[dict[str, Any]]:
    """The papers, one a line, each keeping what the form builder set for it (copies, file
    types, size) when its name is the same."""
    known = {str(c.get("name")): c for c in old if isinstance(c, dict)}
    papers = []
    for key, required in (("papers_required", True), ("papers_optional", False)):
        for name in _lines(str(raw.get(key) or "")):
            if not 2 <= len(name) <= 500:
                problems[key] = "Mỗi dòng một giấy tờ, từ 2 đến 500 ký tự."
            base = known.get(name, {"originals": 1, "copies": 0})
            papers.append({**base, "name": name, "required": required})
    if len(papers) > MAX_PAPERS:
        problems["papers_required"] = f"Tối đa {MAX_PAPERS} giấy tờ."
    return papers


def _fees(raw: Mapping[str, Any], old: list[Any], outputs: list[str], name: str,
          problems: dict[str, str]) -> list[dict[str, Any]]:
    """The first fee as chosen (the others kept as they are)."""
    rest = [f for f in old[1:] if isinstance(f, dict)]
    mode = str(raw.get("fee_mode") or "none")
    if mode not in FEE_MODES:
        problems["fee_mode"] = "Hãy chọn cách thu phí, lệ phí."
        return rest
    if mode == "none":
        return rest
    title = " ".join(str(raw.get("fee_name") or "").split()) or f"Lệ phí {name}"[:300]
    if not 2 <= len(title) <= 300:
        problems["fee_name"] = "Tên khoản phí từ 2 đến 300 ký tự."
    amount = _fee(str(raw.get("fee_amount") or ""), problems)
    if "fee" in problems:
        problems["fee_amount"] = problems.pop("fee")
    if mode == "fixed":
        if not amount:
            problems.setdefault("fee_amount", "Hãy nhập số tiền lớn hơn 0 (ví dụ 50.000), hoặc chọn "
                                              "«Không thu».")
        first = old[0] if old and isinstance(old[0], dict) else {}
        per = {k: first[k] for k in ("per", "unit") if k in first}  # a fee per copy stays so
        return [{"name": title, "amount": amount or 0, **per}, *rest]
    source = str(raw.get("fee_from") or "")
    if source not in outputs:
        problems["fee_from"] = ("Hãy chọn kết quả của bảng quyết định cho số tiền." if outputs else
                                "Gói chưa có bảng quyết định nào cho ra số tiền: tạo bảng ở trang "
                                "Bảng quyết định trước.")
    return [{"name": title, "amount": amount or 0, "from": source}, *rest]


def _applicant(raw: Mapping[str, Any], old: Mapping[str, Any], fields: list[str],
               problems: dict[str, str]) -> dict[str, str]:
    """The start form's fields naming the applicant: one of its text fields (or as it was)."""
    chosen = {"name": str(raw.get("applicant_name") or ""),
              "id_number": str(raw.get("applicant_id") or "")}
    for key, value in (("applicant_name", chosen["name"]), ("applicant_id", chosen["id_number"])):
        was = old.get("name" if key == "applicant_name" else "id_number")
        if value and value not in fields and value != was:
            problems[key] = "Hãy chọn một trường của biểu mẫu nộp hồ sơ."
    return {k: v for k, v in chosen.items() if v}


def manifest_with(manifest: Mapping[str, Any], raw: Mapping[str, Any],
                  texts: Mapping[str, str]) -> dict[str, Any]:
    """procedure.json with the designer's answers (text as typed); raises `Invalid` whose
    details name each wrong field (field → message). Pure."""
    problems: dict[str, str] = {}
    text, level, value, unit = common_facts(raw, problems)
    supplement = str(raw.get("supplement_mode") or "")
    if supplement not in SUPPLEMENT_MODES:
        problems["supplement_mode"] = "Hãy chọn cách tính thời hạn khi yêu cầu bổ sung."
    choices = _choices(texts, manifest)
    new = {**manifest, **text, "level": level, "processing_time": {"value": value, "unit": unit},
           "legal_basis": legal_basis(raw, problems), "supplement_mode": supplement,
           "components": _papers(raw, list(manifest.get("components") or []), problems),
           "fees": _fees(raw, list(manifest.get("fees") or []),
                         [o["name"] for o in choices["outputs"]], text["name"], problems)}
    old = manifest.get("applicant")
    applicant = _applicant(raw, old if isinstance(old, dict) else {},
                           [f["name"] for f in choices["fields"]], problems)
    if applicant:
        new["applicant"] = applicant
    else:
        new.pop("applicant", None)
    if problems:
        raise Invalid("Thông tin thủ tục chưa hợp lệ: " + " ".join(problems.values()),
                      details=problems)
    return new


def save_details(
    uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str, number: int,
    answers: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """The version's package with procedure.json as answered, saved as a new draft version
    (`save_as_draft`); only the agency's designers. Returns what `save_as_draft` does."""
    version = _visible(uow, actor, agency_code, code, number)
    if not may_design(actor, version.procedure.agency_id):
        raise Forbidden("Chỉ người thiết kế quy trình của cơ quan được sửa thông tin thủ tục.")
    texts = dict(version.package or {})
    manifest = manifest_with(json_object(texts.get("procedure.json")), answers, texts)
    return save_as_draft(uow, actor=actor, agency_code=agency_code, code=code, number=number,
                         changes={"procedure.json": json.dumps(manifest, ensure_ascii=False,
                                                               indent=2) + "\n"})
