"""What changed between two versions of a procedure package: BPMN elements added, removed
and changed (and how), form fields added, removed and changed, manifest keys changed.
Works on the stored package texts (path → text), never on SpiffWorkflow objects."""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from bpmn.flow_checks import FLOW_NODES, NS
from bpmn.xmlsafe import parse_xml
from forms.validation import condition_trigger, properties_of

DIAGRAM_ELEMENTS = FLOW_NODES | {"sequenceFlow", "lane", "process"}
MANIFEST = "procedure.json"


def _describe(element: etree._Element, lane_of: dict[str, str]) -> dict[str, Any]:
    """What a designer would call an element's content."""
    described: dict[str, Any] = {"type": etree.QName(element).localname,
                                 "name": element.get("name", "")}
    for attribute in ("sourceRef", "targetRef", "default", "attachedToRef", "calledElement",
                      "cancelActivity"):
        if element.get(attribute) is not None:
            described[attribute] = element.get(attribute)
    condition = element.find("bpmn:conditionExpression", NS)
    if condition is not None:
        described["condition"] = (condition.text or "").strip()
    # Only the element's own timer and properties: a process or a subprocess holds its
    # children's too, deeper down.
    for timer in ("timeDuration", "timeDate"):
        node = element.find(f"bpmn:timerEventDefinition/bpmn:{timer}", NS)
        if node is not None:
            described["timer"] = (node.text or "").strip()
    properties = {p.get("name", ""): p.get("value", "") for p in element.iterfind(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}
    if properties:
        described["properties"] = properties
    if element.get("id") in lane_of:
        described["lane"] = lane_of[element.get("id", "")]
    return described


def _elements(texts: dict[str, str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name, text in texts.items():
        if not name.endswith(".bpmn"):
            continue
        root = parse_xml(text.encode("utf-8"))
        lane_of = {ref.text or "": lane.get("name", "")
                   for lane in root.iterfind(".//bpmn:lane", NS)
                   for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
        for element in root.iter():
            if isinstance(element.tag, str) and etree.QName(element).localname in (
                    DIAGRAM_ELEMENTS) and element.get("id"):
                found[element.get("id", "")] = _describe(element, lane_of)
    return found


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), after.get(key)]
            for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)}


def _keyed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    changed = {}
    for key in sorted(set(before) & set(after)):
        if before[key] != after[key]:
            changed[key] = (_changes(before[key], after[key])
                            if isinstance(before[key], dict) and isinstance(after[key], dict)
                            else [before[key], after[key]])
    return {"added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after)),
            "changed": changed}


def _fields(schema: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Every field of a form by dotted path (nested objects and arrays of objects), those
    of its conditional branches too, each of these with `asked_when` (`_conditions`)."""
    found = {}
    asked_when = _conditions(schema)
    for name, spec in properties_of(schema).items():
        if not isinstance(spec, dict):
            continue
        path = f"{prefix}{name}"
        nested = spec.get("items") if spec.get("type") == "array" else spec
        found[path] = {k: v for k, v in spec.items() if k not in ("properties", "items")}
        if name in asked_when:
            found[path]["asked_when"] = asked_when[name]
        if isinstance(nested, dict) and properties_of(nested):
            found.update(_fields(dict(nested), f"{path}."))
    required = set(schema.get("required") or [])
    for name in required:
        if f"{prefix}{name}" in found:
            found[f"{prefix}{name}"]["required"] = True
    return found


def _conditions(schema: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields an `if`/`then`/`else` of this object (or of its `allOf` parts) asks, each
    with [the field tested, its values, whether the `else` asks it]; not for fields the
    object always asks."""
    own = schema.get("properties") or {}
    found: dict[str, list[Any]] = {}
    parts = [schema, *(p for p in schema.get("allOf") or [] if isinstance(p, dict))]
    for part in parts:
        tested = condition_trigger(part.get("if"))
        if tested is None:
            continue
        for keyword, negate in (("then", False), ("else", True)):
            branch = part.get(keyword)
            props = branch.get("properties") if isinstance(branch, dict) else None
            for name in props if isinstance(props, dict) else {}:
                if name not in own:
                    found.setdefault(name, [tested[0], list(tested[1]), negate])
    return found


def _forms(texts: dict[str, str]) -> dict[str, dict[str, Any]]:
    forms = {}
    for name, text in texts.items():
        if name.startswith("forms/") and name.endswith(".schema.json"):
            try:
                forms[name[len("forms/"):]] = json.loads(text)
            except json.JSONDecodeError:
                continue
    return forms


def diff_packages(before: dict[str, str], after: dict[str, str]) -> dict[str, Any]:
    """The changes from `before` to `after` (both path → text)."""
    old_forms, new_forms = _forms(before), _forms(after)
    fields = {name: _keyed(_fields(old_forms[name]), _fields(new_forms[name]))
              for name in sorted(set(old_forms) & set(new_forms))}
    try:
        old_manifest = json.loads(before.get(MANIFEST, "{}"))
        new_manifest = json.loads(after.get(MANIFEST, "{}"))
    except json.JSONDecodeError:
        old_manifest = new_manifest = {}
    return {
        "bpmn": _keyed(_elements(before), _elements(after)),
        "forms": {"added": sorted(set(new_forms) - set(old_forms)),
                  "removed": sorted(set(old_forms) - set(new_forms)),
                  "fields": {name: change for name, change in fields.items()
                             if change["added"] or change["removed"] or change["changed"]}},
        "manifest": {key: [old_manifest.get(key), new_manifest.get(key)]
                     for key in sorted(set(old_manifest) | set(new_manifest))
                     if old_manifest.get(key) != new_manifest.get(key)},
        "tests": {"added": sorted(n for n in set(after) - set(before) if n.startswith("tests/")),
                  "removed": sorted(n for n in set(before) - set(after) if n.startswith("tests/")),
                  "changed": sorted(n for n in set(before) & set(after)
                                    if n.startswith("tests/") and before[n] != after[n])},
    }
