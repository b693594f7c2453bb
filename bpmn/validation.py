"""Validating a procedure package: manifest, BPMN XML (XSD), SpiffWorkflow parse, lanes,
forms and expressions. Every finding names its file, line and element.

`validate_package` returns the report and, when there is no error, the compiled
procedure that the engine stores once per version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import SpiffWorkflow
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from bpmn import limits
from bpmn.compiled import CompiledProcedure, EndInfo, TaskInfo
from bpmn.dmn import (
    check_decisions,
    fee_sources,
    inputs_grouped,
    names_read,
    output_forms,
    read_tables,
    undecided_as_tasks,
)
from bpmn.durations import HOURS_PER_DAY, Duration, DurationError, parse_duration, parse_instant
from bpmn.expressions import ExpressionError, compile_expression
from bpmn.flow_checks import NS, FormFields, check_conditions, check_structure, scopes_of
from bpmn.flow_checks import line_of as _line
from bpmn.handover_checks import check_hand_over
from bpmn.optional_fields import check_condition_reads
from bpmn.package import MANIFEST, Package, PackageError
from bpmn.paper_channels import channel_problems
from bpmn.problems import Problem, Report
from bpmn.runtime import serialize_specs
from bpmn.spiff_ids import original, restore_ids, shielded, shown
from bpmn.xmlsafe import UnsafeXml, parse_xml
from forms import check_schema, validate_data
from forms.journey import ui_problems

MANIFEST_SCHEMA_PATH = Path(__file__).parent / "schemas" / "procedure.schema.json"
# Step deadlines and timers may be at most this many times the procedure's legal time.
DURATION_CAP = 3
UNSUPPORTED = {
    "scriptTask": "Tác vụ script không được hỗ trợ: mọi logic phải nằm trong biểu thức an toàn.",
    "serviceTask": "Tác vụ dịch vụ (serviceTask) chưa được hỗ trợ.",
    "sendTask": "Tác vụ gửi thông điệp chưa được hỗ trợ.",
    "receiveTask": "Tác vụ nhận thông điệp chưa được hỗ trợ.",
    "complexGateway": "Cổng phức hợp (complexGateway) không được hỗ trợ.",
    "transaction": "Giao dịch BPMN (transaction) không được hỗ trợ.",
    "compensateEventDefinition": "Sự kiện bù trừ (compensation) không được hỗ trợ.",
    "preScript": "Script trước tác vụ (preScript) không được hỗ trợ.",
    "postScript": "Script sau tác vụ (postScript) không được hỗ trợ.",
    "messageEventDefinition": "Sự kiện thông điệp chưa được hỗ trợ: động cơ chưa nhận thông điệp từ "
                              "hệ thống khác.",
    "signalEventDefinition": "Sự kiện tín hiệu (signal) chưa được hỗ trợ.",
    "conditionalEventDefinition": "Sự kiện điều kiện chưa được hỗ trợ; dùng cổng rẽ nhánh.",
    "escalationEventDefinition": "Sự kiện leo thang (escalation) chưa được hỗ trợ; dùng hẹn giờ biên.",
    "linkEventDefinition": "Sự kiện liên kết (link) chưa được hỗ trợ; nối bằng luồng.",
    "timeCycle": "Hẹn giờ lặp (timeCycle) chưa được hỗ trợ; dùng khoảng thời gian (P2D) hoặc thời điểm.",
}
NATIONAL_STATUSES = {str(n) for n in range(1, 11)}


def manifest_schema() -> dict[str, Any]:
    """The published JSON Schema of procedure.json."""
    return _manifest_schema()


@lru_cache(maxsize=1)
def _manifest_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MANIFEST_SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=1)
def _xsd() -> etree.XMLSchema:
    path = Path(SpiffWorkflow.__file__).parent / "bpmn" / "parser" / "schema" / "BPMN20.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


@dataclass
class _Diagram:
    """One BPMN file as read so far."""

    name: str
    root: etree._Element
    lines: dict[str, int] = field(default_factory=dict)


def validate_package(package: Package) -> tuple[Report, CompiledProcedure | None]:
    """Check every rule of a package; the compiled procedure only when nothing is an error."""
    return _validate(package, bare=False)


def _validate(package: Package, *, bare: bool) -> tuple[Report, CompiledProcedure | None]:
    report = Report(package.source)
    manifest = None if bare else _check_manifest(package, report)
    if manifest is not None:
        _check_manifest_lengths(manifest, report)
    diagrams = _read_diagrams(package, report)
    if not diagrams:
        return report, None
    roles = set(manifest["roles"]) if manifest and isinstance(manifest.get("roles"), dict) else None
    tables = read_tables(package, report)
    parsed = _parse_with_spiff(diagrams, report, manifest, [root for _, root in tables.values()])
    forms, ui = _check_forms(package, report, manifest)
    decided = {**forms, **output_forms(table for table, _ in tables.values())}
    _check_flows(diagrams, report, decided, manifest)
    if manifest is not None:
        check_decisions(tables, [(d.name, d.root) for d in diagrams],
                        FormFields(decided, f"{manifest['start_form']}.schema.json"),
                        names_read((d.root for d in diagrams), manifest), report,
                        fee_sources(manifest))
    compiled = None
    if parsed is not None:
        parser, process_id = parsed
        tasks, ends = _describe(parser, process_id, diagrams, report, roles,
                                None if bare else forms, ui)
        if manifest is not None:
            _check_deadline_budget(diagrams, process_id, tasks, manifest, report)
            check_hand_over(((d.name, d.root) for d in diagrams), process_id, tasks, ends,
                            manifest, report)
        if report.valid and manifest is not None:
            compiled = CompiledProcedure(
                manifest=manifest,
                process_id=process_id,
                bpmn={d.name: etree.tostring(d.root, encoding="unicode") for d in diagrams},
                spec=serialize_specs(parser, process_id),
                forms=forms,
                ui=ui,
                tasks=tasks,
                end_events=ends,
            )
    return report, compiled


def _check_flows(diagrams: list[_Diagram], report: Report, forms: dict[str, dict[str, Any]],
                 manifest: dict[str, Any] | None) -> None:
    """The shape of every process (reachability, dead ends, gateway decisions) and, in a
    package, what its conditions read (`bpmn.flow_checks`)."""
    start = f"{manifest['start_form']}.schema.json" if manifest else None
    for diagram in diagrams:
        for scope in scopes_of(diagram.name, diagram.root):
            check_structure(scope, report)
            if manifest is not None:
                check_conditions(scope, FormFields(forms, start), report)
                check_condition_reads(scope, FormFields(forms, start), report)


def validate_diagram(name: str, data: bytes) -> Report:
    """Check a bare .bpmn file: XML, XSD, SpiffWorkflow parse, lanes, expressions."""
    report, _ = _validate(Package(name, {Path(name).name: data}), bare=True)
    return report


def _check_manifest(package: Package, report: Report) -> dict[str, Any] | None:
    raw = package.files.get(MANIFEST)
    if raw is None:
        report.add(Problem("manifest.missing", "Gói thiếu tệp procedure.json.", MANIFEST))
        return None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        report.add(Problem("manifest.json", f"procedure.json không phải JSON hợp lệ: {exc}",
                           MANIFEST, line))
        return None
    errors = validate_data(_manifest_schema(), manifest)
    for error in errors:
        report.add(Problem("manifest.invalid", error.message, MANIFEST, element=error.field or None))
    shown_texts = [] if errors else list(_unshowable_texts(manifest))
    for path, message in shown_texts:
        report.add(Problem("manifest.text", message, MANIFEST, element=path))
    channels = [] if errors else channel_problems(manifest.get("components") or [])
    for path, message in channels:
        report.add(Problem("manifest.channel", message, MANIFEST, element=path))
    return manifest if not errors and not shown_texts and not channels else None


# Characters that reorder the text around them: in a procedure's name they make a list of
# procedures read differently from what is stored (a name shown reversed, a fee misread).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _unshowable_texts(manifest: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """Texts citizens and officers read (name, field, agency, papers, fees, lane labels, legal
    basis) that are blank or hold direction controls, as (dotted path, Vietnamese message)."""
    texts: list[tuple[str, object]] = [(key, manifest.get(key)) for key in ("name", "field", "agency")]
    texts += [(f"components.{i}.name", c.get("name")) for i, c in
              enumerate(manifest.get("components") or []) if isinstance(c, dict)]
    texts += [(f"fees.{i}.name", f.get("name")) for i, f in
              enumerate(manifest.get("fees") or []) if isinstance(f, dict)]
    texts += [(f"roles.{lane}.label", r.get("label")) for lane, r in
              (manifest.get("roles") or {}).items() if isinstance(r, dict)]
    basis = manifest.get("legal_basis")
    texts += [(f"legal_basis.{i}", b) for i, b in
              enumerate(basis if isinstance(basis, list) else [basis] if basis else [])]
    for path, text in texts:
        if not isinstance(text, str):
            continue
        if not text.strip():
            yield path, f"«{path}» không được để trống hoặc chỉ có khoảng trắng."
        elif _BIDI_CONTROLS.intersection(text):
            yield path, (f"«{path}» chứa ký tự điều khiển hướng chữ (U+202A–U+202E, "
                         "U+2066–U+2069), làm văn bản hiển thị khác nội dung lưu.")


def _read_diagrams(package: Package, report: Report) -> list[_Diagram]:
    names = package.bpmn_files()
    if not names:
        report.add(Problem("bpmn.missing", "Gói không có tệp sơ đồ .bpmn.", package.source))
        return []
    diagrams = []
    for name in names:
        try:
            root = parse_xml(package.files[name])
        except UnsafeXml as exc:
            report.add(Problem(exc.code, exc.message, name, exc.line))
            continue
        schema = _xsd()
        if not schema.validate(root):
            for entry in cast(Iterable[Any], schema.error_log):
                report.add(Problem("bpmn.xsd", f"Sai lược đồ BPMN 2.0: {entry.message}", name,
                                   entry.line))
            continue
        lines = {str(el.get("id")): _line(el) or 0 for el in root.iter() if el.get("id")}
        diagrams.append(_Diagram(name, root, lines))
    _check_unsupported(diagrams, report)
    return diagrams if len(diagrams) == len(names) else []


def _owner(element: etree._Element) -> str | None:
    """The id of the diagram element a finding belongs to (an event, not its definition)."""
    node: etree._Element | None = element
    while node is not None:
        local = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if node.get("id") and not local.endswith("EventDefinition"):
            return node.get("id")
        node = node.getparent()
    return None


def _check_unsupported(diagrams: list[_Diagram], report: Report) -> None:
    for diagram in diagrams:
        for start in diagram.root.iterfind(".//bpmn:process/bpmn:startEvent", NS):
            if start.find("bpmn:timerEventDefinition", NS) is not None:
                report.add(Problem(
                    "bpmn.unsupported", "Hồ sơ bắt đầu khi được nộp: sự kiện bắt đầu hẹn giờ "
                    "không dùng được cho quy trình chính.", diagram.name, _line(start),
                    start.get("id")))
        for element in diagram.root.iter():
            if not isinstance(element.tag, str):
                continue
            local = etree.QName(element).localname
            if local in UNSUPPORTED:
                report.add(Problem("bpmn.unsupported", UNSUPPORTED[local], diagram.name,
                                   _line(element), _owner(element)))


def _parse_with_spiff(
    diagrams: list[_Diagram], report: Report, manifest: dict[str, Any] | None,
    decisions: list[etree._Element],
) -> tuple[SpiffBpmnParser, str] | None:
    parser = SpiffBpmnParser(validator=None)
    for root in {id(r): r for r in decisions}.values():  # the decision tables (`bpmn.dmn`)
        parser.add_dmn_xml(inputs_grouped(root), root.base or "")
    executable: list[tuple[str, str]] = []
    for diagram in diagrams:
        try:
            # SpiffWorkflow's own names (Start, End, ...) stay its own: `bpmn.spiff_ids`.
            parser.add_bpmn_xml(undecided_as_tasks(shielded(diagram.root), decisions),
                                diagram.name)
        except (ValidationException, SpiffWorkflowException) as exc:
            report.add(_spiff_problem(exc, diagram))
            return None
        for process in diagram.root.iterfind("bpmn:process", NS):
            if process.get("isExecutable", "true") == "true":
                executable.append((process.get("id", ""), diagram.name))
    called = {node.get("calledElement") for d in diagrams
              for node in d.root.iterfind(".//bpmn:callActivity", NS)}
    if len(executable) > 1:  # the main process is the one no call activity calls
        executable = [p for p in executable if p[0] not in called] or executable
    if len(executable) != 1:
        wanted = manifest.get("process") if manifest else None
        chosen = [p for p in executable if p[0] == wanted]
        if not chosen:
            report.add(Problem(
                "bpmn.process_count",
                f"Cần đúng một quy trình có thể thực thi (isExecutable), tìm thấy {len(executable)}.",
                diagrams[0].name))
            return None
        executable = chosen
    process_id, name = executable[0]
    try:
        restore_ids([parser.get_spec(process_id),
                     *parser.get_subprocess_specs(process_id).values()])
    except (ValidationException, SpiffWorkflowException) as exc:
        diagram = next(d for d in diagrams if d.name == name)
        report.add(_spiff_problem(exc, diagram))
        return None
    if not report.valid:
        return None
    _check_expressions(diagrams, report)
    return parser, process_id


def _spiff_problem(exc: Exception, diagram: _Diagram) -> Problem:
    element = original(str(getattr(exc, "id", None) or "")) or None
    line = getattr(exc, "line_number", None) or diagram.lines.get(element or "")
    message = shown(str(exc.args[0]) if exc.args else str(exc))
    return Problem("bpmn.spiff", f"Không đọc được sơ đồ: {message}", diagram.name,
                   int(line) if line else None, element)


def _check_expressions(diagrams: list[_Diagram], report: Report) -> None:
    paths = (
        ".//bpmn:conditionExpression",
        ".//bpmn:completionCondition",
        ".//bpmn:loopCardinality",
    )
    for diagram in diagrams:
        for path in paths:
            for node in diagram.root.iterfind(path, NS):
                text = (node.text or "").strip()
                try:
                    compile_expression(text)
                except ExpressionError as exc:
                    report.add(Problem(
                        "expression.invalid", f"Biểu thức '{text[:120]}' bị từ chối: {exc.message}",
                        diagram.name, _line(node), _owner(node)))
        for path, kind in ((".//bpmn:timeDuration", "duration"), (".//bpmn:timeDate", "date")):
            for node in diagram.root.iterfind(path, NS):
                found = _timer_problem(kind, (node.text or "").strip())
                if found is not None:
                    report.add(Problem(found[0], found[1], diagram.name, _line(node), _owner(node)))


def _timer_problem(kind: str, text: str) -> tuple[str, str] | None:
    """(code, message) when a timer is not a literal the engine computes (`bpmn.durations`).

    The engine computes a timer's due time from its text, never from an expression over
    the dossier's data: an expression (a quoted "PT1H" too) is refused here, so no
    submission can reach a timer it cannot compute."""
    try:
        if kind == "duration":
            parse_duration(text)
        else:
            parse_instant(text)
        return None
    except DurationError as exc:
        refusal = exc.message
    if kind == "duration":
        looks_literal = text[:1] in ("P", "R", "-") or all(c.isdigit() or c in "YMWDTHS" for c in text)
    else:
        looks_literal = text[:1].isdigit()
    try:
        expression = compile_expression(text)
    except ExpressionError as exc:
        if looks_literal:
            return "timer.invalid", f"Hẹn giờ '{text[:120]}' bị từ chối: {refusal}"
        return "expression.invalid", f"Biểu thức '{text[:120]}' bị từ chối: {exc.message}"
    if expression.is_literal or looks_literal:
        return "timer.invalid", f"Hẹn giờ '{text[:120]}' bị từ chối: {refusal}"
    example = "PT1H" if kind == "duration" else "2026-12-31T08:00"
    return "timer.expression", (
        f"Hẹn giờ '{text[:120]}' phải viết trực tiếp giá trị ISO-8601 (ví dụ {example}), không "
        f"dùng biểu thức hay dấu ngoặc kép: {refusal}")


def _check_forms(
    package: Package, report: Report, manifest: dict[str, Any] | None
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    forms: dict[str, dict[str, Any]] = {}
    ui: dict[str, dict[str, Any]] = {}
    for name in sorted(package.files):
        if not name.startswith("forms/"):
            continue
        key = name[len("forms/"):]
        if not (key.endswith(".schema.json") or key.endswith(".ui.json")):
            continue
        try:
            loaded = json.loads(package.files[name].decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            report.add(Problem("form.json", f"Biểu mẫu không phải JSON hợp lệ: {exc}", name,
                               getattr(exc, "lineno", None)))
            continue
        if key.endswith(".ui.json"):
            if isinstance(loaded, dict):
                ui[key] = loaded
                schema = forms.get(key.removesuffix(".ui.json") + ".schema.json")
                for problem in ui_problems(loaded, schema):  # the journey keys (forms.journey)
                    report.add(Problem("form.ui", problem.message, name, element=problem.pointer))
            else:
                report.add(Problem("form.ui", "Tệp giao diện biểu mẫu phải là đối tượng JSON.", name))
            continue
        problems = check_schema(loaded)
        for problem in problems:
            report.add(Problem("form.schema", problem.message, name,
                               element=problem.pointer or None))
        if not problems:
            forms[key] = loaded
    if manifest is not None:
        start = f"{manifest['start_form']}.schema.json"
        if start not in forms and f"forms/{start}" not in package.files:
            report.add(Problem("form.missing", f"Thiếu biểu mẫu nộp hồ sơ forms/{start}.", MANIFEST,
                               element="start_form"))
        elif start in forms:
            _check_applicant_fields(manifest, forms[start], report)
            _check_fee_units(manifest, forms[start], report)
    return forms, ui


def _field(schema: dict[str, Any], path: str) -> Any:
    """The schema of the field at a dotted path of a form, or None."""
    node: Any = schema
    for part in path.split("."):
        node = node.get("properties", {}).get(part) if isinstance(node, dict) else None
    return node


def _check_fee_units(manifest: dict[str, Any], schema: dict[str, Any], report: Report) -> None:
    """A fee per unit (`"per"`) multiplies its amount by a whole-number field of the start
    form (the copies asked…): the field must exist and be an integer."""
    for index, fee in enumerate(manifest.get("fees") or []):
        per = fee.get("per") if isinstance(fee, dict) else None
        if not per:
            continue
        node = _field(schema, str(per))
        if not isinstance(node, dict):
            message = f"Biểu mẫu nộp không có trường '{per}' để tính lệ phí theo số lượng."
        elif node.get("type") != "integer":
            message = (f"Lệ phí tính theo số lượng cần một trường số nguyên; '{per}' "
                       f"(«{node.get('title', per)}») không phải số nguyên.")
        else:
            continue
        report.add(Problem("manifest.fee_per", message, MANIFEST, element=f"fees.{index}.per"))


def _check_applicant_fields(manifest: dict[str, Any], schema: dict[str, Any], report: Report) -> None:
    applicant = manifest.get("applicant", {})
    for key, default in (("name", "ho_ten"), ("id_number", "so_dinh_danh")):
        path = applicant.get(key, default)
        node: Any = schema
        for part in path.split("."):
            node = node.get("properties", {}).get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            report.add(Problem(
                "manifest.applicant",
                f"Biểu mẫu nộp không có trường '{path}' (applicant.{key}).",
                MANIFEST, element=f"applicant.{key}"))


def _describe(
    parser: SpiffBpmnParser,
    process_id: str,
    diagrams: list[_Diagram],
    report: Report,
    roles: set[str] | None,
    forms: dict[str, dict[str, Any]] | None,
    ui: dict[str, dict[str, Any]],
) -> tuple[dict[str, TaskInfo], dict[str, EndInfo]]:
    """Read what the engine needs of each user task and end event, checking it on the way."""
    spec = parser.get_spec(process_id)
    subprocesses = parser.get_subprocess_specs(process_id)
    all_specs = [spec, *subprocesses.values()]
    lines = {k: v for d in diagrams for k, v in d.lines.items()}
    file_of = {k: d.name for d in diagrams for k in d.lines}
    tasks: dict[str, TaskInfo] = {}
    ends: dict[str, EndInfo] = {}
    too_long: set[str] = set()
    for process_spec in all_specs:
        for task_spec in process_spec.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if not bpmn_id:
                continue
            where = {"file": file_of.get(bpmn_id, ""), "line": lines.get(bpmn_id),
                     "element": bpmn_id}
            if len(bpmn_id) > limits.ELEMENT_ID and bpmn_id not in too_long:
                too_long.add(bpmn_id)  # a loop task's inner spec shares its id: report once
                report.add(Problem("bpmn.id_length", _too_long(
                    "Mã (id) phần tử", bpmn_id, limits.ELEMENT_ID), **where))
            props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            if isinstance(task_spec, UserTask):
                info = _describe_task(task_spec, props, where, report, roles, forms, ui)
                if info is not None:
                    tasks[bpmn_id] = info
            elif isinstance(task_spec, EndEvent) and process_spec is spec:
                ends[bpmn_id] = _describe_end(bpmn_id, task_spec, diagrams, where, report)
    if not tasks:
        report.add(Problem("bpmn.no_user_task", "Quy trình không có tác vụ người dùng nào.",
                           diagrams[0].name, severity="warning"))
    return tasks, ends


def _too_long(what: str, value: str, limit: int) -> str:
    """The message for a value longer than the database column it is stored in."""
    shown = value if len(value) <= 60 else value[:57] + "..."
    return f"{what} '{shown}' dài {len(value)} ký tự, vượt giới hạn {limit} ký tự."


def _check_manifest_lengths(manifest: dict[str, Any], report: Report) -> None:
    """procedure.json values longer than the columns they are stored in (`bpmn.limits`)."""
    found: list[tuple[str, str, str, int]] = [
        ("code", "Mã thủ tục", str(manifest.get("code", "")), limits.PROCEDURE_CODE),
        ("name", "Tên thủ tục", str(manifest.get("name", "")), limits.PROCEDURE_NAME),
        ("field", "Lĩnh vực", str(manifest.get("field", "")), limits.PROCEDURE_FIELD),
    ]
    for lane, role in (manifest.get("roles") or {}).items():
        found.append((f"roles.{lane}.role", f"Mã vai trò của làn '{lane}'",
                      str(role.get("role", "")), limits.ROLE))
        found.append((f"roles.{lane}.agency", f"Mã cơ quan của làn '{lane}'",
                      str(role.get("agency", "")), limits.AGENCY_CODE))
    for index, component in enumerate(manifest.get("components") or []):
        found.append((f"components.{index}.name", "Tên giấy tờ",
                      str(component.get("name", "")), limits.PAPER_NAME))
    for element, what, value, limit in found:
        if len(value) > limit:
            report.add(Problem("manifest.length", _too_long(what, value, limit), MANIFEST,
                               element=element))


def _describe_task(
    task_spec: Any,
    props: dict[str, str],
    where: dict[str, Any],
    report: Report,
    roles: set[str] | None,
    forms: dict[str, dict[str, Any]] | None,
    ui: dict[str, dict[str, Any]],
) -> TaskInfo | None:
    """One user task's metadata; `roles`/`forms` are None when checking a bare diagram."""
    lane = task_spec.lane
    ok = True
    if not lane:
        report.add(Problem("task.no_lane", "Tác vụ người dùng phải nằm trong một làn (lane) "
                           "mang tên vai trò xử lý.", **where))
        ok = False
    elif roles is not None and lane not in roles:
        report.add(Problem(
            "task.unknown_role",
            f"Làn '{lane}' không phải vai trò khai báo trong procedure.json "
            f"(roles: {', '.join(sorted(roles))}).", **where))
        ok = False
    name = task_spec.bpmn_name or ""
    if len(name) > limits.TASK_NAME:
        report.add(Problem("task.name_length", _too_long("Tên tác vụ", name, limits.TASK_NAME),
                           **where))
        ok = False
    form = props.get("formJsonSchemaFilename")
    if form and len(form) > limits.FORM:
        report.add(Problem("task.form_length", _too_long(
            "Tên tệp biểu mẫu (formJsonSchemaFilename)", form, limits.FORM), **where))
        ok = False
    if not form:
        report.add(Problem("task.no_form", f"Bước «{name or task_spec.bpmn_id}» do cán bộ xử lý "
                           "cần một biểu mẫu: chọn «Biểu mẫu» của bước trong trình vẽ "
                           "(thuộc tính formJsonSchemaFilename).", **where))
        ok = False
    elif forms is not None and form not in forms:
        report.add(Problem("form.missing", f"Không tìm thấy biểu mẫu forms/{form}.", **where))
        ok = False
    ui_form = props.get("formUiSchemaFilename") or (form or "").replace(".schema.json", ".ui.json")
    deadline = props.get("deadline")
    if deadline is not None:
        try:
            parse_duration(deadline)
        except DurationError as exc:
            report.add(Problem("task.deadline", f"Thời hạn bước '{deadline[:120]}' bị từ chối: "
                               f"{exc.message}", **where))
            ok = False
    status = props.get("status")
    if status is not None and status not in NATIONAL_STATUSES:
        report.add(Problem("task.status", f"Trạng thái '{status}' không thuộc 10 mã trạng thái "
                           "quốc gia (1–10).", **where))
        ok = False
    if not ok or form is None or lane is None:
        return None
    return TaskInfo(
        name=task_spec.bpmn_name or task_spec.bpmn_id,
        lane=lane,
        form=form,
        ui_form=ui_form if ui_form in ui else None,
        deadline=deadline,
        status=int(status) if status else None,
    )


def _describe_end(
    bpmn_id: str, task_spec: Any, diagrams: list[_Diagram], where: dict[str, Any], report: Report
) -> EndInfo:
    props: dict[str, str] = {}
    for diagram in diagrams:
        for node in diagram.root.iterfind(
            f".//bpmn:endEvent[@id='{bpmn_id}']//spiffworkflow:property", NS
        ):
            props[node.get("name", "")] = node.get("value", "")
    status = props.get("status", "10")
    outcome = props.get("outcome", "granted")
    if status not in NATIONAL_STATUSES:
        report.add(Problem("end.status", f"Trạng thái kết thúc '{status}' không hợp lệ (1–10).",
                           **where))
        status = "10"
    if outcome not in ("granted", "refused"):
        report.add(Problem("end.outcome", f"Kết quả '{outcome}' phải là granted hoặc refused.",
                           **where))
    return EndInfo(name=task_spec.bpmn_name or bpmn_id, status=int(status), outcome=outcome)


def _hours(duration: str) -> float:
    """Working hours of a valid duration, a month counted as 22 working days (comparison only)."""
    try:
        return parse_duration(duration).nominal_hours()
    except DurationError:
        return 0.0


def _budget_hours(manifest: dict[str, Any]) -> float | None:
    time = manifest["processing_time"]
    value = float(time["value"])
    return {"working_days": value * HOURS_PER_DAY, "working_hours": value,
            "same_day": float(HOURS_PER_DAY)}.get(str(time["unit"]))


def _cap_hours(manifest: dict[str, Any]) -> float:
    """The longest step deadline or timer a procedure may hold: `DURATION_CAP` × its legal
    time, a calendar day counted as a whole working day (generous, never shorter)."""
    time = manifest["processing_time"]
    budget = _budget_hours(manifest)
    if budget is None:  # calendar days
        budget = float(time["value"]) * HOURS_PER_DAY
    return DURATION_CAP * budget


def _check_duration_caps(
    diagrams: list[_Diagram], tasks: dict[str, TaskInfo], manifest: dict[str, Any], report: Report,
) -> None:
    """Refuse a step deadline or timer longer than `DURATION_CAP` × the legal time, naming it."""
    cap = _cap_hours(manifest)
    limit = f"tối đa {DURATION_CAP} lần thời hạn giải quyết của thủ tục, tức {cap:g} giờ làm việc"
    for bpmn_id, info in tasks.items():
        hours = _hours(info.deadline) if info.deadline else 0.0
        if hours > cap + 1e-9:
            found = next((d for d in diagrams if bpmn_id in d.lines), diagrams[0])
            report.add(Problem(
                "task.deadline", f"Thời hạn bước '{info.deadline}' ({hours:g} giờ làm việc) quá "
                f"dài: {limit}.", found.name, found.lines.get(bpmn_id), bpmn_id))
    for diagram in diagrams:
        for node in diagram.root.iterfind(".//bpmn:timeDuration", NS):
            text = (node.text or "").strip()
            try:
                duration: Duration = parse_duration(text)
            except DurationError:
                continue  # already reported by `_check_expressions`
            if duration.nominal_hours() > cap + 1e-9:
                report.add(Problem(
                    "timer.invalid", f"Hẹn giờ '{text}' ({duration.nominal_hours():g} giờ làm việc) "
                    f"quá dài: {limit}.", diagram.name, _line(node), _owner(node)))


def _check_deadline_budget(
    diagrams: list[_Diagram], process_id: str, tasks: dict[str, TaskInfo],
    manifest: dict[str, Any], report: Report,
) -> None:
    """Warn when the step deadlines along the longest path exceed the legal time.

    Step deadlines are the officers' own due times; their sum along any path from the
    start must fit the procedure's processing time (DOMAIN.md, "Deadlines"). Loops are
    counted once; calendar-day procedures are not compared (different units).
    """
    _check_duration_caps(diagrams, tasks, manifest, report)
    budget = _budget_hours(manifest)
    process = next((p for d in diagrams for p in d.root.iterfind("bpmn:process", NS)
                    if p.get("id") == process_id), None)
    if budget is None or process is None:
        return
    edges: dict[str, list[str]] = {}
    for flow in process.iterfind("bpmn:sequenceFlow", NS):
        edges.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    weight = {k: _hours(v.deadline) for k, v in tasks.items() if v.deadline}
    best: dict[str, tuple[float, list[str]]] = {}

    def longest(node: str, visiting: frozenset[str]) -> tuple[float, list[str]]:
        if node in best:
            return best[node]
        tails = [longest(n, visiting | {node}) for n in edges.get(node, []) if n not in visiting]
        hours, path = max(tails, default=(0.0, []), key=lambda t: t[0])
        found = (weight.get(node, 0.0) + hours, [node, *path])
        if not (visiting & set(path)):
            best[node] = found
        return found

    starts = [e.get("id", "") for e in process.iterfind("bpmn:startEvent", NS)]
    total, path = max((longest(s, frozenset()) for s in starts), default=(0.0, []),
                      key=lambda t: t[0])
    if total > budget + 1e-9:
        steps = " → ".join(p for p in path if p in weight)
        report.add(Problem(
            "deadline.budget",
            f"Tổng thời hạn các bước trên đường dài nhất ({total:g} giờ làm việc: {steps}) vượt "
            f"thời hạn giải quyết của thủ tục ({budget:g} giờ làm việc).",
            diagrams[0].name, element=process_id, severity="warning"))


def validate_path(path: Path) -> tuple[Report, CompiledProcedure | None]:
    """Validate a folder, a .zip or a bare .bpmn file on disk; never raises on bad input."""
    try:
        if path.is_file() and path.suffix.lower() == ".bpmn":
            return validate_diagram(path.name, path.read_bytes()), None
        from bpmn.package import read_package

        return validate_package(read_package(path))
    except PackageError as exc:
        report = Report(str(path))
        report.add(Problem(exc.code, exc.message, exc.file or str(path)))
        return report, None
    except OSError as exc:
        report = Report(str(path))
        report.add(Problem("package.io", f"Không đọc được '{path}': {exc.strerror}", str(path)))
        return report, None
