"""What each part of a package is called where a designer sees it, read from its files alone
(also when they do not pass validation): each file by what it is («Sơ đồ quy trình», «Biểu
mẫu bước «Thẩm định»», «Đơn nộp hồ sơ», «Bảng quyết định: Lệ phí», «Thông tin thủ tục»), each
diagram element by its kind and the name the drawing shows («Bước «Thẩm định»», «Làn «Chuyên
viên»», «Luồng «Đồng ý»»), a form field by its question («Trường «Họ và tên»»)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from bpmn.xmlsafe import UnsafeXml, parse_xml

SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
STEP_KINDS = {"userTask": "Bước", "task": "Bước", "manualTask": "Bước", "serviceTask": "Bước",
              "scriptTask": "Bước", "businessRuleTask": "Bước", "sendTask": "Bước",
              "receiveTask": "Bước", "callActivity": "Bước", "subProcess": "Nhóm bước"}
OTHER_KINDS = {"startEvent": "Điểm bắt đầu", "endEvent": "Kết thúc",
               "exclusiveGateway": "Cổng rẽ nhánh", "inclusiveGateway": "Cổng rẽ nhánh",
               "parallelGateway": "Cổng chia song song", "eventBasedGateway": "Cổng rẽ nhánh",
               "lane": "Làn", "process": "Quy trình", "participant": "Quy trình",
               "intermediateCatchEvent": "Sự kiện chờ", "intermediateThrowEvent": "Sự kiện",
               "boundaryEvent": "Sự kiện gắn với bước", "dataObjectReference": "Dữ liệu"}


@dataclass
class PackageNames:
    """The words of one package: `files` (path → what it is), `elements` (diagram element
    id → «Bước «…»»), `steps` (user task id → its name), `roles` (lane role → its label)."""

    files: dict[str, str] = field(default_factory=dict)
    elements: dict[str, str] = field(default_factory=dict)
    steps: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)


def _json(text: str | None) -> dict[str, Any]:
    try:
        found = json.loads(text or "")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def package_names(texts: Mapping[str, str]) -> PackageNames:
    """Every name a designer reads for the files and elements of `texts` (path → text)."""
    manifest = _json(texts.get("procedure.json"))
    found = manifest.get("roles")
    roles: dict[str, Any] = found if isinstance(found, dict) else {}
    names = PackageNames(roles={str(k): str(v.get("label") or k) for k, v in roles.items()
                                if isinstance(v, dict)})
    forms_of: dict[str, list[str]] = {}
    for path in sorted(p for p in texts if p.endswith(".bpmn")):
        _read_diagram(texts[path], names, forms_of)
    names.schemas = {p: _json(t) for p, t in texts.items()
                     if p.startswith("forms/") and p.endswith(".json")}
    start = f"forms/{manifest.get('start_form')}.schema.json"
    for path in texts:
        names.files[path] = _file_name(path, texts, names, forms_of, start)
    return names


def _read_diagram(text: str, names: PackageNames, forms_of: dict[str, list[str]]) -> None:
    try:
        root = parse_xml(text.encode("utf-8"))
    except (UnsafeXml, ValueError):
        return
    nodes = {node.get("id", ""): node for node in root.iter() if node.get("id")}
    for node_id, node in nodes.items():
        kind = _local(node)
        name = " ".join((node.get("name") or "").split())
        if kind == "lane":
            name = names.roles.get(name, name)
        if kind in STEP_KINDS:
            names.steps[node_id] = name
            for prop in node.iter(f"{{{SPIFF}}}property"):
                if prop.get("name") == "formJsonSchemaFilename" and prop.get("value"):
                    forms_of.setdefault(f"forms/{prop.get('value')}", []).append(name or "chưa đặt tên")
    for node_id, node in nodes.items():
        words = _element_words(node, nodes, names)
        if words:
            names.elements[node_id] = words


def _element_words(node: etree._Element, nodes: Mapping[str, etree._Element],
                   names: PackageNames) -> str:
    kind = _local(node)
    name = " ".join((node.get("name") or "").split())
    if kind == "lane":
        return f"Làn «{names.roles.get(name, name)}»" if name else "Làn chưa đặt người xử lý"
    if kind == "sequenceFlow":
        if name:
            return f"Luồng «{name}»"
        ends = [_short(nodes.get(node.get(ref) or "")) for ref in ("sourceRef", "targetRef")]
        return f"Luồng từ {ends[0]} đến {ends[1]}"
    if any(_local(child) == "timerEventDefinition" for child in node):
        return f"Hẹn giờ «{name}»" if name else "Hẹn giờ chưa đặt tên"
    what = STEP_KINDS.get(kind) or OTHER_KINDS.get(kind)
    if what is None:
        return ""
    return f"{what} «{name}»" if name else f"{what} chưa đặt tên"


def _short(node: etree._Element | None) -> str:
    if node is None:
        return "một phần đã xóa"
    name = " ".join((node.get("name") or "").split())
    kind = _local(node)
    what = (STEP_KINDS.get(kind) or OTHER_KINDS.get(kind) or "phần tử").lower()
    return f"{what} «{name}»" if name else f"{what} chưa đặt tên"


def _file_name(path: str, texts: Mapping[str, str], names: PackageNames,
               forms_of: Mapping[str, list[str]], start: str) -> str:
    if path == "procedure.json":
        return "Thông tin thủ tục"
    if path.endswith(".bpmn"):
        return "Sơ đồ quy trình" if path == "process.bpmn" else f"Sơ đồ «{path.removesuffix('.bpmn')}»"
    if path.endswith(".dmn"):
        return f"Bảng quyết định: {_table_name(texts.get(path, '')) or path.removesuffix('.dmn')}"
    if path.startswith("forms/") and path.endswith(".ui.json"):
        form = _form_name(path.removesuffix(".ui.json") + ".schema.json", names, forms_of, start)
        return f"Cách trình bày của {form[0].lower()}{form[1:]}"
    if path.startswith("forms/"):
        return _form_name(path, names, forms_of, start)
    if path.startswith("tests/"):
        found = str(_json(texts.get(path)).get("name") or "").strip()
        return f"Ca kiểm thử «{found}»" if found else "Ca kiểm thử"
    return "Tệp khác của gói"


def _form_name(path: str, names: PackageNames, forms_of: Mapping[str, list[str]],
               start: str) -> str:
    if path == start:
        return "Đơn nộp hồ sơ"
    steps = [f"«{name}»" for name in forms_of.get(path, [])]
    if len(steps) == 1:
        return f"Biểu mẫu bước {steps[0]}"
    if steps:
        return f"Biểu mẫu các bước {', '.join(steps[:-1])} và {steps[-1]}"
    title = str(names.schemas.get(path, {}).get("title") or "").strip()
    return f"Biểu mẫu «{title}»" if title else "Biểu mẫu chưa đặt tên"


def _table_name(text: str) -> str:
    try:
        root = parse_xml(text.encode("utf-8"))
    except (UnsafeXml, ValueError):
        return ""
    for node in root.iter():
        if _local(node) == "decision" and node.get("name"):
            return " ".join(str(node.get("name")).split())
    return ""


def field_words(schema: Mapping[str, Any], pointer: str) -> str:
    """The field a JSON pointer into a form schema is about, by its question («Trường «Họ
    và tên»», «Trường «Tên» trong nhóm «Chủ đầu tư»»); "" when it is the form itself."""
    node: Any = schema
    titles: list[str] = []
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.strip("/").split("/") if p]
    for index, part in enumerate(parts):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
            if index > 0 and parts[index - 1] == "properties" and isinstance(node, dict):
                titles.append(str(node.get("title") or part))
        else:
            break
    if not titles:
        return ""
    inner = "".join(f" trong nhóm «{t}»" for t in reversed(titles[:-1]))
    return f"Trường «{titles[-1]}»{inner}"
