"""A hardened XML reader: no DTD, no entities, no network, bounded size and depth.

A procedure diagram comes from a designer's upload, i.e. from outside. The classic XML
attacks (billion laughs, external entities reaching files or the network, absurd nesting)
are refused before lxml builds anything.
"""

from __future__ import annotations

import re

from lxml import etree

MAX_XML_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeXml(ValueError):
    """The document was refused; `line` is set when the parser knows it."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML bytes into an element tree root, or raise `UnsafeXml`."""
    if len(data) > MAX_XML_BYTES:
        raise UnsafeXml(
            "xml.too_large",
            f"Tệp XML quá lớn ({len(data)} byte, tối đa {MAX_XML_BYTES} byte).",
        )
    match = _DOCTYPE.search(data)
    if match:
        line = data.count(b"\n", 0, match.start()) + 1
        raise UnsafeXml(
            "xml.doctype",
            "Không chấp nhận khai báo DOCTYPE/ENTITY trong tệp BPMN (nguy cơ tấn công XXE "
            "hoặc bùng nổ thực thể).",
            line,
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml("xml.malformed", f"XML sai cú pháp: {exc.msg}", exc.lineno) from exc
    depth = _depth(root)
    if depth > MAX_DEPTH:
        raise UnsafeXml(
            "xml.too_deep",
            f"Tài liệu XML lồng quá sâu ({depth} cấp, tối đa {MAX_DEPTH}).",
        )
    return root


def _depth(root: etree._Element) -> int:
    deepest = 0
    stack: list[tuple[etree._Element, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in node)
    return deepest
