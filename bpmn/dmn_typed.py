"""A decision table as designers type it in the web table editor, read before the package is
built: an amount written the Vietnamese way — `80.000`, `80 000`, `1.500.000` — in a column of
whole numbers (typeRef `integer`/`long`) or in the fee output (`le_phi`) is that many đồng,
written `80000` (a trailing «đồng» or «đ» dropped); «Có»/«Không» in a yes/no column are
`True`/`False` — and the editor shows a yes/no column's `True`/`False` as «Có»/«Không» and an
amount `80000` as `80.000` (`spoken_yes_no`).

Only the web editor's tables go through here: an uploaded `.dmn` file stays as written, and the
static check (`dmn.py`, `dmn.number`) refuses its `80.000`, which the evaluator would read as
80.0. What is not unambiguously a grouped amount (`80.5`, `80.00`) is left for that check.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from bpmn.dmn_table import INTEGERS
from bpmn.xmlsafe import UnsafeXml, parse_xml

FEE_OUTPUT = "le_phi"
# Groups of three digits after one to three, all joined by dots or all by spaces (a
# no-break space too), not part of a longer number, a name or a decimal.
_GROUPED = re.compile(r"(?<![\w.,])\d{1,3}(?:(?:\.\d{3})+|(?:[ \u00a0]\d{3})+)(?![\w.,])")
_QUOTED = re.compile(r"(\"[^\"]*\"|'[^']*')")
_DECLARATION = re.compile(r"\s*<\?xml[^>]*\?>\s*")
_BOOLEAN = {"có": "True", "không": "False", "true": "True", "false": "False"}
_SPOKEN = {"True": "Có", "False": "Không", "true": "Có", "false": "Không"}
# A whole number as stored (`75000`), shown grouped by dots as people write it (`75.000`) —
# only where `_GROUPED` reads it back (not beside a dot, a comma or a letter: `[1000..5000)`).
_DIGITS = re.compile(r"(?<![\w.,])\d{4,}(?![\w.,])")
# «đồng» (or «đ») after an amount, as a fee is often written: the amount alone is meant.
_DONG = re.compile(r"(?<=\d)\s*(?:đồng|đ)\s*$", re.IGNORECASE)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def plain_amounts(cell: str) -> str:
    """`cell` with each grouped amount written as digits only; quoted text is left alone."""
    parts = _QUOTED.split(cell)
    return "".join(part if index % 2 else _GROUPED.sub(
        lambda m: re.sub(r"[. \u00a0]", "", m.group()), part) for index, part in enumerate(parts))


def _column_kinds(table: etree._Element) -> list[str]:
    """Per column, inputs first then outputs: "amount", "boolean" or "" (left as typed)."""
    kinds = []
    for column in _children(table, "input"):
        expression = _children(column, "inputExpression")
        type_ref = (expression[0] if expression else column).get("typeRef", "")
        kinds.append("amount" if type_ref in INTEGERS else "boolean" if type_ref == "boolean" else "")
    for column in _children(table, "output"):
        type_ref = column.get("typeRef", "")
        name = column.get("name", "")
        fee = name == FEE_OUTPUT or name.startswith(FEE_OUTPUT + "_")  # le_phi_2 beside le_phi
        amount = type_ref in INTEGERS or (fee and type_ref != "string")
        kinds.append("amount" if amount else "boolean" if type_ref == "boolean" else "")
    return kinds


def _read_cell(kind: str, text: str) -> str:
    if kind == "amount":
        return plain_amounts(_DONG.sub("", text))
    if kind == "boolean":
        return _BOOLEAN.get(text.strip().lower(), text)
    return text


def typed_amounts(xml: str) -> str:
    """The editor's table `xml` with its amounts and yes/no cells as the evaluator reads them;
    unchanged (the same text) when nothing needed it or it does not parse (the check says
    why)."""
    return _each_cell(xml, _read_cell)


def spoken_amount(cell: str) -> str:
    """`cell` with each whole number written as stored (`75000`, `>= 1000`) grouped by dots
    (`75.000`, `>= 1.000`); quoted text is left alone."""
    parts = _QUOTED.split(cell)
    return "".join(part if index % 2 else _DIGITS.sub(
        lambda m: f"{int(m.group()):,}".replace(",", "."), part) for index, part in enumerate(parts))


def _spoken_cell(kind: str, text: str) -> str:
    if kind == "boolean":
        return _SPOKEN.get(text.strip(), text)
    return spoken_amount(text) if kind == "amount" else text


def spoken_yes_no(xml: str) -> str:
    """The table `xml` as the web editor shows it: `True`/`False` in a yes/no column written
    «Có»/«Không», and each amount in a fee or whole-number column grouped by dots (`75.000`)
    — `typed_amounts` reads both back when the table is saved; unchanged when there is
    none or it does not parse."""
    return _each_cell(xml, _spoken_cell)


def _each_cell(xml: str, read: Callable[[str, str], str]) -> str:
    """`xml` with each input and output cell's text replaced by `read(column kind, text)`."""
    try:
        root = parse_xml(xml.encode("utf-8"))
    except (UnsafeXml, ValueError):
        return xml
    changed = False
    for table in root.iter():
        if _local(table) != "decisionTable":
            continue
        kinds = _column_kinds(table)
        inputs = len(_children(table, "input"))
        for rule in _children(table, "rule"):
            cells = [*enumerate(_children(rule, "inputEntry")),
                     *((inputs + j, entry) for j, entry in enumerate(_children(rule, "outputEntry")))]
            for index, entry in cells:
                texts = _children(entry, "text")
                if not texts or index >= len(kinds) or texts[0].text is None:
                    continue
                found = read(kinds[index], texts[0].text)
                if found != texts[0].text:
                    texts[0].text, changed = found, True
    if not changed:
        return xml
    # The declaration and the line breaks before the root kept: the check's line numbers
    # still point at the rows the designer sees.
    declared = _DECLARATION.match(xml)
    return (declared.group() if declared else "") + str(
        etree.tostring(root.getroottree(), encoding="unicode")) + xml[len(xml.rstrip()):]
