"""A hardened XML reader: UTF-8 only, no DTD, no entities, no network, bounded size and depth.

A procedure diagram comes from a designer's upload, i.e. from outside. The classic XML
attacks (billion laughs, external entities reaching files or the network, absurd nesting)
are refused. lxml, not a byte pattern, decides whether a document declares a DTD: a byte
pattern misses `<!DOCTYPE` written in UTF-16 or UTF-32, and lxml expands an internal
entity inside an attribute (a task's name) even with `resolve_entities=False`. Diagrams
must be UTF-8, which every BPMN modeller writes; other encodings are refused outright.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

MAX_XML_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
# Byte order marks and the first bytes of "<?" in encodings wider than one byte.
_WIDE_STARTS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                b"<\x00\x00\x00", b"\x00\x00\x00<", b"<\x00?\x00", b"\x00<\x00?")
_DOCTYPE_MESSAGE = ("Không chấp nhận khai báo DOCTYPE/ENTITY trong tệp BPMN (nguy cơ tấn công XXE "
                    "hoặc bùng nổ thực thể).")


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
    _require_utf8(data)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        if _DOCTYPE.search(data):  # e.g. libxml2 stopping an entity expansion bomb
            raise UnsafeXml("xml.doctype", _DOCTYPE_MESSAGE, _doctype_line(data)) from exc
        raise UnsafeXml("xml.malformed", f"XML sai cú pháp: {exc.msg}", exc.lineno) from exc
    if _declares_dtd(root):
        raise UnsafeXml("xml.doctype", _DOCTYPE_MESSAGE, _doctype_line(data))
    depth = _depth(root)
    if depth > MAX_DEPTH:
        raise UnsafeXml(
            "xml.too_deep",
            f"Tài liệu XML lồng quá sâu ({depth} cấp, tối đa {MAX_DEPTH}).",
        )
    return root


def _require_utf8(data: bytes) -> None:
    """Refuse anything but UTF-8 (with or without its byte order mark)."""
    head = data[:4]
    if any(head.startswith(start) for start in _WIDE_STARTS):
        raise UnsafeXml("xml.encoding", "Tệp BPMN phải mã hóa UTF-8 (tệp này dùng UTF-16 hoặc "
                                        "UTF-32); hãy lưu lại tệp với mã hóa UTF-8.", 1)
    text = data.removeprefix(codecs.BOM_UTF8)
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in (
            "utf-8", "utf8"):
        raise UnsafeXml("xml.encoding", f"Tệp BPMN phải mã hóa UTF-8 (tệp khai báo "
                                        f"«{declared.group(1).decode('ascii')}»); hãy lưu lại tệp "
                                        "với mã hóa UTF-8.", 1)
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsafeXml("xml.encoding", "Tệp BPMN có byte không hợp lệ theo mã hóa UTF-8; hãy "
                                        "lưu lại tệp với mã hóa UTF-8.",
                        text.count(b"\n", 0, exc.start) + 1) from exc


def _declares_dtd(root: etree._Element) -> bool:
    """True when the parsed document has any DTD (internal or external) or entity node."""
    info = root.getroottree().docinfo
    # libxml2 records any <!DOCTYPE> (even an empty one) as the internal DTD; `doctype`
    # and `externalDTD` are checked too, though the type stubs do not know them.
    if info.internalDTD is not None or getattr(info, "doctype", "") or getattr(
            info, "externalDTD", None) is not None:
        return True
    return any(isinstance(node, etree._Entity) for node in root.iter())


def _doctype_line(data: bytes) -> int | None:
    match = _DOCTYPE.search(data)
    return None if match is None else data.count(b"\n", 0, match.start()) + 1


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
