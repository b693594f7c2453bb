"""Decision tables (DMN) as read from a package's `.dmn` files: decisions, their inputs,
outputs and rows, and the test SpiffWorkflow runs for an input cell. The checks are in
`bpmn.dmn`."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from bpmn.flow_checks import NS, line_of
from bpmn.package import Package
from bpmn.problems import Problem, Report, Severity
from bpmn.xmlsafe import UnsafeXml, parse_xml

DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
)
HIT_POLICIES = ("UNIQUE", "FIRST")
INPUT = "dmninputexpr"  # SpiffWorkflow's name for `?`
NUMERIC = {"number", "integer", "long", "double"}
# Combinations of sample values tried for overlaps and gaps.
MAX_COMBINATIONS = 20_000
OUTPUT_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
# SpiffWorkflow's own rule for `?` outside quotes (DMNEngine.evaluate).
_QUESTION = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")
OTHER_TEXT = object()  # "any other text" among a free text column's samples
# A number written the Vietnamese way, with dots between thousands (`50.000`, `1.500.000`):
# Python reads 50.0 and 1.5, so a fee would come out 1,000 times too small.
_THOUSANDS = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{3})+(?![\w.])")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
INTEGERS = ("integer", "long")


@dataclass(frozen=True)
class Column:
    """An input (`text` its expression) or an output (`text` its name) of a table."""

    label: str
    text: str
    type_ref: str


@dataclass(frozen=True)
class Row:
    number: int
    line: int | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One decision and its decision table."""

    file: str
    decision: str
    name: str
    line: int | None
    hit_policy: str
    inputs: tuple[Column, ...]
    outputs: tuple[Column, ...]
    rows: tuple[Row, ...]

    @property
    def title(self) -> str:
        return f"Bảng quyết định «{self.name or self.decision}»"


def dmn_files(package: Package) -> list[str]:
    """The decision files at the top of the package, sorted."""
    return sorted(n for n in package.files if "/" not in n and n.endswith(".dmn"))


def _text(node: etree._Element | None) -> str:
    return "" if node is None else (node.findtext("{*}text") or "").strip()


def read_tables(package: Package, report: Report) -> dict[str, tuple[Table, etree._Element]]:
    """Every decision of the package's `.dmn` files by id, with its XML root; problems
    (unsafe or malformed XML, an unknown namespace, no table) go to `report`."""
    found: dict[str, tuple[Table, etree._Element]] = {}
    for name in dmn_files(package):
        try:
            root = parse_xml(package.files[name])
        except UnsafeXml as exc:
            report.add(Problem(exc.code, exc.message, name, exc.line))
            continue
        namespace = etree.QName(root).namespace
        if etree.QName(root).localname != "definitions" or namespace not in DMN_NAMESPACES:
            report.add(
                Problem(
                    "dmn.namespace",
                    "Tệp không phải bảng quyết định DMN 1.2/1.3 (phần tử gốc dmn:definitions).",
                    name,
                    line_of(root),
                )
            )
            continue
        for decision in root.iterfind("{*}decision"):
            table = _read_table(name, decision, report)
            if table is None:
                continue
            if table.decision in found:
                report.add(
                    Problem(
                        "dmn.duplicate",
                        f"Mã quyết định '{table.decision}' có hai lần trong gói.",
                        name,
                        table.line,
                        table.decision,
                    )
                )
                continue
            found[table.decision] = (table, root)
    return found


def _read_table(name: str, decision: etree._Element, report: Report) -> Table | None:
    ident = decision.get("id", "")
    node = decision.find("{*}decisionTable")
    if node is None:
        report.add(
            Problem(
                "dmn.no_table",
                f"Quyết định '{ident}' không có bảng quyết định.",
                name,
                line_of(decision),
                ident,
            )
        )
        return None
    inputs = tuple(
        Column(i.get("label", ""), _text(i.find("{*}inputExpression")), _type_ref(i))
        for i in node.iterfind("{*}input")
    )
    outputs = tuple(
        Column(o.get("label", ""), o.get("name", ""), o.get("typeRef", ""))
        for o in node.iterfind("{*}output")
    )
    rows = tuple(
        Row(
            n,
            line_of(r),
            tuple(_text(e) for e in r.iterfind("{*}inputEntry")),
            tuple(_text(e) for e in r.iterfind("{*}outputEntry")),
        )
        for n, r in enumerate(node.iterfind("{*}rule"), start=1)
    )
    return Table(
        name,
        ident,
        decision.get("name", ""),
        line_of(decision),
        node.get("hitPolicy", "UNIQUE"),
        inputs,
        outputs,
        rows,
    )


def _type_ref(column: etree._Element) -> str:
    expression = column.find("{*}inputExpression")
    return (expression if expression is not None else column).get("typeRef", "")


def decision_of(element: etree._Element) -> str | None:
    """The decision a business rule task calls."""
    node = element.find(".//spiffworkflow:calledDecisionId", NS)
    return (node.text or "").strip() if node is not None else None


def output_forms(tables: Iterable[Table]) -> dict[str, dict[str, Any]]:
    """Each table's outputs as a pseudo form `dmn:<decision>`, so that conditions after a
    business rule task may read what it decided (`bpmn.flow_checks`); each output required,
    since a table is proven complete (a row matches every dossier) before it runs."""
    kinds = {"boolean": "boolean", "string": "string", "integer": "integer", "long": "integer"}
    return {
        f"dmn:{t.decision}": {
            "type": "object",
            "properties": {
                o.text: {"type": kinds.get(o.type_ref, "number" if o.type_ref in NUMERIC else "string")}
                for o in t.outputs
                if o.text
            },
            "required": [o.text for o in t.outputs if o.text],
        }
        for t in tables
    }


def cell_test(text: str) -> str | None:
    """The test SpiffWorkflow runs for an input cell, on `dmninputexpr` (None: any value)."""
    cell = text.strip()
    if cell in ("", "-"):
        return None
    if "?" in cell:
        return _QUESTION.sub(INPUT, cell)
    try:
        ast.parse(cell)
    except SyntaxError:
        return f"{INPUT} {cell}"
    return f"({INPUT}) == ({cell})"


@dataclass
class Where:
    report: Report
    table: Table

    def __call__(self, code: str, message: str, row: Row | None = None, severity: Severity = "error") -> None:
        where = f"{self.table.title}, dòng {row.number}: " if row else f"{self.table.title}: "
        self.report.add(
            Problem(
                code,
                where + message,
                self.table.file,
                row.line if row else self.table.line,
                self.table.decision,
                severity,
            )
        )


def number_refused(cell: str, values: Iterable[Any], integer: bool) -> str | None:
    """Why the numbers of a cell (its text, the constants it compiles to) are refused: one
    written with dots between thousands (`50.000` is 50.0 to Python), or a decimal in a
    column of whole numbers; None when they are fine."""
    written = _THOUSANDS.search(_QUOTED.sub('""', cell))
    if written:
        plain = written.group().replace(".", "")
        return (f"viết {plain}, không dùng dấu chấm ngăn cách hàng nghìn ({written.group()} "
                "được hiểu là số thập phân; số thập phân thì viết như 1.5)")
    if integer and any(isinstance(v, float) for v in values):
        return "cột kiểu số nguyên chỉ nhận số nguyên, không nhận số thập phân"
    return None


def kind_of_ref(type_ref: str) -> str | None:
    return "number" if type_ref in NUMERIC else type_ref if type_ref in ("string", "boolean") else None


def kind_of_schema(schema: dict[str, Any] | None) -> str | None:
    kind = (schema or {}).get("type")
    return "number" if kind in ("number", "integer") else kind if kind in ("string", "boolean") else None


def kind_of_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else None
