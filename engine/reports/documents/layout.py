"""A legal document as data (a page heading and blocks with their texts filled in), and
that document drawn as a PDF. The web layer draws the same data as printable HTML.

A document set (one folder under `sets/`, keyed by legal basis) describes each document
as JSON blocks with ``{placeholders}``; `build` fills them from a context. A new numbering
(TT 03/2025) is a new folder, not new code.

Block types: ``paragraph`` (text), ``fields`` (label/value rows; a row
``[label, value, "optional"]`` is left out when its value is blank), ``list`` (items from
a context list), ``table`` (columns from a list of rows), ``qr`` (a QR code of a URL),
``signature`` (two signing columns).
"""

from __future__ import annotations

import io
import os
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


class _Blank(string.Formatter):
    """Fills {placeholders}; a missing value prints as empty, never raises."""

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(str(key), "") if not isinstance(key, int) else ""


def fill(text: str, context: Mapping[str, Any]) -> str:
    """`text` with its placeholders replaced from `context`."""
    return _Blank().vformat(text, (), context)


@dataclass(frozen=True)
class Page:
    """What every document prints on top: the form number, the agency, the motto, place
    and date, and the title."""

    agency: str
    form: str
    title: str
    place_date: str
    landscape: bool = False
    motto: tuple[str, str] = MOTTO
    agency_code: str = ""  # whose key signs the PDF (the agency's digital signature)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text (never empty: blank paragraphs are left out)."""

    text: str
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Fields:
    """Label and value rows."""

    rows: tuple[tuple[str, str], ...]
    kind: ClassVar[str] = "fields"


@dataclass(frozen=True)
class NumberedList:
    """A numbered list under an optional title."""

    title: str
    items: tuple[str, ...]
    kind: ClassVar[str] = "list"


@dataclass(frozen=True)
class Table:
    """A table: column headings, then one row of cells per entry."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Qr:
    """A QR code of `value` (a URL) with a caption."""

    value: str
    caption: str
    kind: ClassVar[str] = "qr"


@dataclass(frozen=True)
class Signature:
    """Two signing columns: a role and, below the space to sign, a name. An empty role
    leaves its column blank."""

    left: str
    left_name: str
    right: str
    right_name: str
    kind: ClassVar[str] = "signature"


Block = Paragraph | Fields | NumberedList | Table | Qr | Signature


@dataclass(frozen=True)
class Document:
    """A legal document as data: heading, filled blocks, and a file name stem. The web
    layer renders it as HTML; `pdf()` draws it as a PDF."""

    page: Page
    blocks: tuple[Block, ...]
    stem: str
    title: str

    def filename(self, fmt: str) -> str:
        """The file name for format `fmt` (pdf or html)."""
        return f"{self.stem}.{fmt}"

    def pdf(self) -> bytes:
        """The document as a PDF (Unicode font, so Vietnamese prints correctly)."""
        return to_pdf(self)


def build(page: Page, specs: list[dict[str, Any]], context: Mapping[str, Any], stem: str
          ) -> Document:
    """The document of `page` with the set's block `specs` filled from `context`."""
    blocks = tuple(b for b in (_block(spec, context) for spec in specs) if b is not None)
    return Document(page=page, blocks=blocks, stem=stem,
                    title=f"{page.title} — {context.get('code', '')}")


def _block(spec: dict[str, Any], context: Mapping[str, Any]) -> Block | None:
    kind = spec["type"]
    if kind == "paragraph":
        text = fill(spec["text"], context)
        return Paragraph(text) if text.strip() else None
    if kind == "fields":
        rows = ((row[0], fill(row[1], context), row[2:] == ["optional"]) for row in spec["rows"])
        return Fields(tuple((label, value) for label, value, optional in rows
                            if value.strip() or not optional))
    if kind == "list":
        return NumberedList(spec.get("title") or "",
                            tuple(str(i) for i in context.get(spec["items"], [])))
    if kind == "table":
        return Table(tuple(label for label, _ in spec["columns"]),
                     tuple(tuple(str(row.get(key, "")) for _, key in spec["columns"])
                           for row in context.get(spec["rows"], [])))
    if kind == "qr":
        return Qr(fill(spec["value"], context), spec["caption"])
    if kind == "signature":  # no role on either side (a receipt paid online): no block
        left, right = fill(spec["left"], context), fill(spec["right"], context)
        return Signature(left, fill(spec["left_name"], context), right,
                         fill(spec["right_name"], context)) if left or right else None
    raise ValueError(f"unknown block type {kind!r}")


def _font_dir() -> Path:
    for folder in (os.environ.get("MOTCUA_PDF_FONT_DIR", ""), *FONT_DIRS):
        if folder and (Path(folder) / "DejaVuSans.ttf").is_file():
            return Path(folder)
    raise RuntimeError(
        "Không tìm thấy phông chữ DejaVu (gói Debian fonts-dejavu-core) để in tiếng Việt; "
        "đặt MOTCUA_PDF_FONT_DIR tới thư mục chứa DejaVuSans.ttf.")


def to_pdf(document: Document) -> bytes:
    """`document` as a PDF: A4, landscape when its page says so."""
    page = document.page
    pdf = FPDF(orientation="L" if page.landscape else "P", format="A4")
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_title(document.title)
    pdf.set_margins(18, 15, 18)
    pdf.add_page()
    _pdf_heading(pdf, page)
    for block in document.blocks:
        pdf.set_font("DejaVu", "", 10.5)
        _pdf_block(pdf, block)
    return bytes(pdf.output())


def _pdf_heading(pdf: FPDF, page: Page) -> None:
    width = pdf.epw
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width, 5, page.form, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    top = pdf.get_y()
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(width * 0.42, 5, page.agency.upper(), align="C")
    pdf.set_xy(pdf.l_margin + width * 0.42, top)
    pdf.multi_cell(width * 0.58, 5, f"{page.motto[0]}\n{page.motto[1]}", align="C")
    pdf.set_x(pdf.l_margin + width * 0.42)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(width * 0.58, 5, page.place_date, align="C", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(width, 7, page.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _pdf_block(pdf: FPDF, block: Block) -> None:
    if isinstance(block, Paragraph):
        _pdf_paragraph(pdf, block)
    elif isinstance(block, Fields):
        _pdf_fields(pdf, block)
    elif isinstance(block, NumberedList):
        _pdf_list(pdf, block)
    elif isinstance(block, Table):
        _pdf_table(pdf, block)
    elif isinstance(block, Qr):
        _pdf_qr(pdf, block)
    else:
        _pdf_signature(pdf, block)


def _pdf_paragraph(pdf: FPDF, block: Paragraph) -> None:
    pdf.multi_cell(pdf.epw, 6, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _pdf_fields(pdf: FPDF, block: Fields) -> None:
    for label, value in block.rows:
        pdf.set_font("DejaVu", "", 10.5)
        pdf.multi_cell(pdf.epw, 6, f"{label}: ", new_x=XPos.END, new_y=YPos.LAST)
        pdf.set_font("DejaVu", "B", 10.5)
        pdf.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _pdf_list(pdf: FPDF, block: NumberedList) -> None:
    if block.title:
        pdf.multi_cell(pdf.epw, 6, block.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for number, item in enumerate(block.items, start=1):
        pdf.multi_cell(pdf.epw, 6, f"{number}. {item}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _pdf_table(pdf: FPDF, block: Table) -> None:
    pdf.set_font("DejaVu", "", 8.5)
    with pdf.table(text_align="LEFT", line_height=5) as table:
        heading = table.row()
        for label in block.columns:
            heading.cell(label)
        for row in block.rows:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.ln(2)


def _pdf_qr(pdf: FPDF, block: Qr) -> None:
    image = io.BytesIO()
    segno.make(block.value, error="m").save(image, kind="png", scale=4)
    image.seek(0)
    pdf.image(image, x=pdf.l_margin + pdf.epw / 2 - 15, w=30)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.multi_cell(pdf.epw, 5, block.caption, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _pdf_signature(pdf: FPDF, block: Signature) -> None:
    width = pdf.epw
    top = pdf.get_y() + 4
    for column, (role, signer) in enumerate(((block.left, block.left_name),
                                             (block.right, block.right_name))):
        pdf.set_xy(pdf.l_margin + column * width / 2, top)
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(width / 2, 6, role, align="C")
        pdf.set_x(pdf.l_margin + column * width / 2)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width / 2, 6, f"\n\n\n{signer}" if role else "", align="C")
