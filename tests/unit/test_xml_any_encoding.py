"""A DTD is refused in any encoding: the same entity attack written in UTF-8, UTF-16 and
UTF-32 (with and without a byte order mark) never reaches a task's name, and the upload's
report names the diagram file."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from bpmn.package import Package
from bpmn.validation import validate_package
from bpmn.xmlsafe import UnsafeXml, parse_xml
from tests.helpers import package_files

PERMIT = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
BPMN = (PERMIT / "process.bpmn").read_text(encoding="utf-8")
BODY = BPMN.split("?>", 1)[1]
SECRET = "BI-MAT-CHEN-VAO"

# An internal entity expanded into a task's name (lxml expands entities in attributes even
# with resolve_entities=False), an external one reaching a local file, and a bomb.
INTERNAL = f'<!DOCTYPE d [<!ENTITY x "{SECRET}">]>'
EXTERNAL = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
LAUGHS = ('<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>")


def _attack(doctype: str, encoding_label: str, reference: str = "&x;") -> str:
    named = BODY.replace('name="Tiếp nhận, kiểm tra hồ sơ"', f'name="Tiếp nhận {reference}"', 1)
    assert named != BODY
    return f'<?xml version="1.0" encoding="{encoding_label}"?>\n{doctype}{named}'


# name → (codec, label in the XML declaration, byte order mark prepended)
ENCODINGS: dict[str, tuple[str, str, bytes]] = {
    "utf-8": ("utf-8", "UTF-8", b""),
    "utf-8-bom": ("utf-8", "UTF-8", codecs.BOM_UTF8),
    "utf-16-le": ("utf-16-le", "UTF-16", b""),
    "utf-16-le-bom": ("utf-16-le", "UTF-16", codecs.BOM_UTF16_LE),
    "utf-16-be": ("utf-16-be", "UTF-16", b""),
    "utf-16-be-bom": ("utf-16-be", "UTF-16", codecs.BOM_UTF16_BE),
    "utf-32-le-bom": ("utf-32-le", "UTF-32", codecs.BOM_UTF32_LE),
    "utf-32-be": ("utf-32-be", "UTF-32", b""),
}
ATTACKS = {"internal-entity": (INTERNAL, "&x;"), "external-entity": (EXTERNAL, "&x;"),
           "billion-laughs": (LAUGHS, "&j;")}


def _encoded(attack: str, encoding: str) -> bytes:
    codec, label, bom = ENCODINGS[encoding]
    doctype, reference = ATTACKS[attack]
    return bom + _attack(doctype, label, reference).encode(codec)


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_dtd_in_any_encoding_is_refused_before_anything_is_expanded(
    attack: str, encoding: str
) -> None:
    started = time.monotonic()
    with pytest.raises(UnsafeXml) as caught:
        parse_xml(_encoded(attack, encoding))
    assert time.monotonic() - started < 2
    error = caught.value
    wide = not encoding.startswith("utf-8")
    assert error.code == ("xml.encoding" if wide else "xml.doctype"), error.message
    assert ("UTF-8" if wide else "DOCTYPE") in error.message
    assert SECRET not in error.message and "root:" not in error.message


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_an_entity_in_a_task_name_never_reaches_the_compiled_procedure_and_the_file_is_named(
    encoding: str
) -> None:
    files = {**package_files(PERMIT), "process.bpmn": _encoded("internal-entity", encoding)}
    report, compiled = validate_package(Package("goi.zip", files))
    assert compiled is None
    refused = [p for p in report.problems if p.code in ("xml.doctype", "xml.encoding")]
    assert refused and all(p.file == "process.bpmn" for p in refused), report.problems
    assert SECRET not in repr(report.problems)


def test_a_dtd_after_a_utf8_byte_order_mark_is_refused_with_its_line() -> None:
    data = codecs.BOM_UTF8 + _attack(INTERNAL, "utf-8").encode("utf-8")
    with pytest.raises(UnsafeXml) as caught:
        parse_xml(data)
    assert caught.value.code == "xml.doctype" and caught.value.line == 2


@pytest.mark.parametrize("label", ["ISO-8859-1", "windows-1258", "UTF-7", "US-ASCII"])
def test_a_diagram_declaring_another_encoding_is_refused_with_a_clear_message(label: str) -> None:
    data = f'<?xml version="1.0" encoding="{label}"?>\n<a/>'.encode("ascii")
    with pytest.raises(UnsafeXml) as caught:
        parse_xml(data)
    assert caught.value.code == "xml.encoding" and label in caught.value.message


def test_bytes_that_are_not_utf8_are_refused_with_their_line() -> None:
    with pytest.raises(UnsafeXml) as caught:
        parse_xml(b'<?xml version="1.0"?>\n<a>\n<b>Ti\xe9p</b></a>')
    assert caught.value.code == "xml.encoding" and caught.value.line == 3


@pytest.mark.parametrize("prefix", [b"", codecs.BOM_UTF8])
@pytest.mark.parametrize("label", ["UTF-8", "utf-8", "utf8"])
def test_an_honest_utf8_diagram_still_parses(prefix: bytes, label: str) -> None:
    data = prefix + BPMN.replace('encoding="UTF-8"', f'encoding="{label}"', 1).encode("utf-8")
    root = parse_xml(data)
    assert any(el.get("name") == "Tiếp nhận, kiểm tra hồ sơ" for el in root.iter())
