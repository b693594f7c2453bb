"""A procedure from scratch («Tạo thủ tục mới»): the facts a designer gives in words — code,
name, field, level, processing time as a number and a unit, the roles that handle it, a
fixed fee, the papers, the legal basis — turned into a package that validates and whose own
test passes.

The package: `procedure.json` (a fixed fee named «Lệ phí …», papers named «Bản sao …» asked
as one copy); `process.bpmn` (`engine.procedures.starter_bpmn`: one lane per role, start →
«Tiếp nhận hồ sơ» → «Trả kết quả» → end, both steps the desk's); a start form (the
applicant's name and ID number), an officer form and the hand-over form, all made by the
form builder (`forms.builder`), so the visual builder opens them; one happy-path test case
run to the end, so the sandbox is prefilled. `starter_texts` is pure; `create_procedure`
imports the package like an upload (`import_keeping`: validated, tested, audited) as draft
version 1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from sqlalchemy import select

from bpmn.problems import Report
from bpmn.words import LEVELS
from engine.core.actors import Actor
from engine.core.errors import Conflict, Forbidden, Invalid, NotFound
from engine.core.models import Agency, Procedure, ProcedureVersion, RoleGrant
from engine.core.permissions import (
    AGENCY_ADMIN,
    APPROVER,
    DESIGNER,
    DESK,
    KEY_GRANT,
    LEADER,
    REVIEWER,
    SPECIALIST,
    UNIT_ADMIN,
    may_design,
)
from engine.core.uow import UnitOfWork
from engine.procedures.catalogue import UNIT_LABELS, TestRunner
from engine.procedures.drafts import import_keeping, zip_of
from engine.procedures.starter_bpmn import (
    END,
    FIRST_STEP,
    HAND_OVER,
    HAND_OVER_FORM,
    OFFICER_FORM,
    process_bpmn,
)
from forms.builder import BuilderError, build, build_papers

DESK_LABEL = "Bộ phận Một cửa"
WORK_ROLE_LABELS = {DESK: DESK_LABEL, SPECIALIST: "Chuyên viên", LEADER: "Lãnh đạo"}
NOT_LANES = frozenset({DESIGNER, REVIEWER, APPROVER, AGENCY_ADMIN, UNIT_ADMIN, KEY_GRANT})
CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,39}$")
MAX_FEE = 2_000_000_000
MAX_PAPERS = 50
MAX_BASIS = 30
START_FORM = "to_khai"


@dataclass(frozen=True)
class Facts:
    """What the designer said about the new procedure, checked (`check_facts`)."""

    code: str
    name: str
    field: str
    level: str
    time_value: float
    time_unit: str
    agency_name: str
    roles: list[tuple[str, str]]  # (role code = lane name, label), Một cửa first
    fee: int | None = None
    papers: list[str] = default(default_factory=list)
    legal_basis: list[str] = default(default_factory=list)


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _fee(text: str, problems: dict[str, str]) -> int | None:
    digits = text.strip().replace(".", "").replace(" ", "").removesuffix("đ")
    if not digits:
        return None
    if not re.fullmatch(r"-?[0-9]{1,12}", digits) or int(digits) < 0 or int(digits) > MAX_FEE:
        problems["fee"] = ("Lệ phí là số tiền bằng đồng, từ 0 đến 2.000.000.000 (ví dụ 50.000); "
                           "để trống nếu không thu.")
        return None
    return int(digits) or None


def _time(raw: Mapping[str, Any], problems: dict[str, str]) -> tuple[float, str]:
    unit = str(raw.get("time_unit") or "")
    if unit not in UNIT_LABELS:
        problems["time_unit"] = "Hãy chọn đơn vị thời hạn."
        return 1, "working_days"
    if unit == "same_day":
        return 1, unit
    value = _number(str(raw.get("time_value") or ""))
    if value is None or not 0 < value <= 365:
        problems["time_value"] = "Thời hạn giải quyết là một số lớn hơn 0, tối đa 365."
        return 1, unit
    return (int(value) if value.is_integer() else value), unit


def json_object(text: str | None) -> dict[str, Any]:
    """A package file's JSON object, or {} when the text is not one."""
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def common_facts(raw: Mapping[str, Any],
                 problems: dict[str, str]) -> tuple[dict[str, str], str, float, str]:
    """The answers a new procedure and its details page share: name and field (spaces
    collapsed), level, processing time (value, unit); each wrong one named in `problems`."""
    text = {k: " ".join(str(raw.get(k) or "").split()) for k in ("name", "field")}
    if not 3 <= len(text["name"]) <= 500:
        problems["name"] = "Hãy nhập tên thủ tục (3 đến 500 ký tự)."
    if not 2 <= len(text["field"]) <= 200:
        problems["field"] = "Hãy nhập lĩnh vực (2 đến 200 ký tự)."
    level = str(raw.get("level") or "")
    if level not in LEVELS:
        problems["level"] = "Hãy chọn mức độ: toàn trình hoặc một phần."
    value, unit = _time(raw, problems)
    return text, level, value, unit


def legal_basis(raw: Mapping[str, Any], problems: dict[str, str]) -> list[str]:
    """The legal basis typed one document a line (blank lines dropped)."""
    basis = [" ".join(line.split()) for line in str(raw.get("legal_basis") or "").splitlines()]
    basis = [b for b in basis if b]
    if len(basis) > MAX_BASIS or any(len(b) > 1000 for b in basis):
        problems["legal_basis"] = (f"Mỗi dòng một văn bản, tối đa 1.000 ký tự; tối đa {MAX_BASIS} "
                                   "văn bản.")
    return basis


def check_facts(raw: Mapping[str, Any], known_roles: list[tuple[str, str]],
                agency_name: str) -> Facts:
    """The designer's answers (text as typed, `roles` a list of role codes) as `Facts`;
    raises `Invalid` whose details name each wrong field (field → message)."""
    problems: dict[str, str] = {}
    text, level, value, unit = common_facts(raw, problems)
    text["code"] = " ".join(str(raw.get("code") or "").split())
    if not CODE.match(text["code"]):
        problems["code"] = ("Mã thủ tục gồm chữ, số, dấu chấm, gạch ngang hoặc gạch dưới, "
                            "tối đa 40 ký tự (ví dụ 1.009994).")
    chosen = {str(r) for r in raw.get("roles") or []}
    labels = dict(known_roles)
    if chosen - set(labels):
        problems["roles"] = "Có người xử lý không thuộc danh sách của cơ quan."
    roles = [(DESK, DESK_LABEL)] + [(r, labels[r]) for r, _ in known_roles
                                    if r in chosen and r != DESK]
    fee = _fee(str(raw.get("fee") or ""), problems)
    papers = [" ".join(line.split()) for line in str(raw.get("papers") or "").splitlines()]
    papers = [p for p in papers if p]
    if len(papers) > MAX_PAPERS or any(len(p) < 2 or len(p) > 500 for p in papers):
        problems["papers"] = (f"Mỗi dòng một giấy tờ, từ 2 đến 500 ký tự; tối đa {MAX_PAPERS} "
                              "giấy tờ.")
    basis = legal_basis(raw, problems)
    if problems:
        raise Invalid("Thông tin thủ tục chưa hợp lệ: " + " ".join(problems.values()),
                      details=problems)
    return Facts(code=text["code"], name=text["name"], field=text["field"], level=level,
                 time_value=value, time_unit=unit, agency_name=agency_name, roles=roles,
                 fee=fee, papers=papers, legal_basis=basis)


COPY_PREFIX = "bản sao"


def _paper(name: str) -> dict[str, Any]:
    """A paper asked once, as an original — or as a copy when its name says «Bản sao …»."""
    copy = name.casefold().startswith(COPY_PREFIX)
    return {"name": name, "originals": 0 if copy else 1, "copies": 1 if copy else 0,
            "required": True}


def fee_name(procedure: str) -> str:
    """«Lệ phí xác nhận tình trạng nhà ở» for «Xác nhận tình trạng nhà ở»: the name's first
    letter lowered after «Lệ phí» (a designer renames a fee named after a proper noun)."""
    return f"Lệ phí {procedure[:1].lower()}{procedure[1:200]}"


def _manifest(facts: Facts) -> dict[str, Any]:
    components = build_papers([_paper(p) for p in facts.papers])
    return {
        "code": facts.code, "name": facts.name, "field": facts.field,
        "agency": facts.agency_name, "level": facts.level,
        "processing_time": {"value": facts.time_value, "unit": facts.time_unit},
        "start_form": START_FORM,
        "applicant": {"name": "ho_ten", "id_number": "so_dinh_danh"},
        "components": components,
        "fees": ([{"name": fee_name(facts.name), "amount": facts.fee}]
                 if facts.fee else []),
        "roles": {role: {"role": role, "label": label} for role, label in facts.roles},
        "supplement_mode": "restart",
        "extension_cap": 0.3333,
        "legal_basis": facts.legal_basis,
    }


START_MODEL: dict[str, Any] = {"fields": [
    {"name": "ho_ten", "label": "Họ và tên người nộp", "kind": "text", "required": True,
     "min_length": 2, "max_length": 100},
    {"name": "so_dinh_danh", "label": "Số định danh cá nhân (CCCD)", "kind": "text",
     "required": True, "format": "cccd", "help": "12 chữ số trên thẻ căn cước."},
    {"name": "dien_thoai", "label": "Số điện thoại", "kind": "text", "format": "phone"},
]}
OFFICER_MODEL: dict[str, Any] = {"title": "Ý kiến xử lý", "fields": [
    {"name": "y_kien", "label": "Ý kiến xử lý", "kind": "text", "multiline": True,
     "max_length": 2000},
]}
# The samples' hand-over form (`tra_ket_qua`): how the result goes back, in their codes —
# the postal order, the electronic result and the documents read `hinh_thuc_tra`.
HAND_OVER_MODEL: dict[str, Any] = {"title": "Trả kết quả", "fields": [
    {"name": "hinh_thuc_tra", "label": "Hình thức trả kết quả", "kind": "choice",
     "display": "radio", "required": True, "options": [
         {"value": "truc_tiep", "label": "Trực tiếp tại Bộ phận Một cửa"},
         {"value": "buu_chinh", "label": "Qua dịch vụ bưu chính công ích"},
         {"value": "truc_tuyen", "label": "Trực tuyến (kết quả điện tử)"}]},
    {"name": "ghi_chu", "label": "Ghi chú", "kind": "text", "multiline": True,
     "max_length": 1000},
]}


def _forms(facts: Facts) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name, model in ((START_FORM, {**START_MODEL, "title": f"Tờ khai {facts.name[:400]}"}),
                        (OFFICER_FORM, OFFICER_MODEL), (HAND_OVER_FORM, HAND_OVER_MODEL)):
        try:
            schema, ui = build(model)
        except BuilderError as exc:  # the models above are fixed: a bug, not the designer's
            raise RuntimeError(f"starter form {name}: {exc}") from exc
        texts[f"forms/{name}.schema.json"] = _json(schema)
        texts[f"forms/{name}.ui.json"] = _json(ui)
    return texts


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _test_case() -> list[dict[str, Any]]:
    return [{"name": "Hồ sơ hợp lệ: tiếp nhận, giải quyết và trả kết quả",
             "start": {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": "008090001234",
                       "dien_thoai": "0912345678"},
             "tasks": {FIRST_STEP: {"y_kien": "Hồ sơ đầy đủ, hợp lệ."},
                       HAND_OVER: {"hinh_thuc_tra": "truc_tiep"}},
             "expect": {"path": [FIRST_STEP, HAND_OVER], "end": END}}]


def starter_texts(facts: Facts) -> dict[str, str]:
    """The new procedure's package, path → text."""
    return {"procedure.json": _json(_manifest(facts)), "process.bpmn": process_bpmn(facts),
            **_forms(facts), "tests/ho-so-hop-le.json": _json(_test_case())}


def known_roles(uow: UnitOfWork, agency_id: int) -> list[tuple[str, str]]:
    """(role, label) of the roles the agency's procedures and officers work in, Một cửa
    first: a label from the agency's procedures where one names it, else a plain one."""
    labels: dict[str, str] = {}
    versions = uow.session.scalars(
        select(ProcedureVersion).join(Procedure).where(Procedure.agency_id == agency_id)
        .order_by(ProcedureVersion.id.desc()))
    for version in versions:
        try:
            roles = json.loads((version.package or {}).get("procedure.json", "{}")).get("roles")
        except (json.JSONDecodeError, AttributeError):
            continue
        for spec in roles.values() if isinstance(roles, dict) else []:
            if isinstance(spec, dict) and spec.get("role") and not spec.get("agency"):
                labels.setdefault(str(spec["role"]), str(spec.get("label") or spec["role"]))
    for role in uow.session.scalars(select(RoleGrant.role).where(
            RoleGrant.agency_id == agency_id).distinct()):
        labels.setdefault(role, WORK_ROLE_LABELS.get(role, role))
    labels[DESK] = DESK_LABEL
    others = sorted((label, role) for role, label in labels.items()
                    if role != DESK and role not in NOT_LANES)
    return [(DESK, DESK_LABEL)] + [(role, label) for label, role in others]


def design_agency(uow: UnitOfWork, actor: Actor, agency_code: str) -> Agency:
    """The agency the actor designs for (as an upload checks it)."""
    agency = uow.session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {agency_code}.")
    if not may_design(actor, agency.id):
        raise Forbidden("Bạn không có quyền cấu hình thủ tục của cơ quan này.")
    return agency


def starter_choices(uow: UnitOfWork, *, actor: Actor, agency_code: str) -> dict[str, Any]:
    """What the «Tạo thủ tục mới» form offers for an agency: its roles, levels, units."""
    agency = design_agency(uow, actor, agency_code)
    return {"roles": known_roles(uow, agency.id), "levels": LEVELS, "units": UNIT_LABELS}


def create_procedure(
    uow: UnitOfWork, *, actor: Actor, agency_code: str, answers: Mapping[str, Any],
    runner: TestRunner | None = None,
) -> tuple[Report, dict[str, Any] | None, dict[str, Any] | None]:
    """A new procedure from the designer's answers, imported like an upload (validated,
    tested, audited) as its draft version 1. A code the agency already has is refused."""
    agency = design_agency(uow, actor, agency_code)
    facts = check_facts(answers, known_roles(uow, agency.id), agency.name)
    if uow.session.scalar(select(Procedure.id).where(
            Procedure.agency_id == agency.id, Procedure.code == facts.code)) is not None:
        raise Conflict(f"Cơ quan đã có thủ tục mã {facts.code}: hãy mở thủ tục đó trong danh "
                       "sách phiên bản, hoặc đặt mã khác.", details={"code": "Mã đã có."})
    uow.session.rollback()  # only reads so far: import_keeping wants no transaction open
    return import_keeping(uow, actor=actor, agency_code=agency_code,
                          zip_bytes=zip_of(starter_texts(facts)), filename="thu-tuc-moi.zip",
                          runner=runner)
