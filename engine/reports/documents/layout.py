"""Laying out a legal document, described as blocks, as printable HTML and as PDF.

A document set (one folder under `sets/`, keyed by legal basis) describes each document
as JSON blocks with ``{placeholders}``; this module knows how to draw the blocks. A new
numbering (TT 03/2025) is a new folder, not new code.

Block types: ``paragraph`` (text), ``fields`` (label/value rows), ``list`` (items from
a context list), ``table`` (columns from a list of rows), ``qr`` (a QR code of a URL),
``signature`` (two signing columns).
"""

from __future__ import annotations

import io
import os
import string
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

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
    """What every document prints on top: the agency, the motto, place and date."""

    agency: str
    form: str
    title: str
    place_date: str
    landscape: bool = False


def to_html(page: Page, blocks: list[dict[str, Any]], context: Mapping[str, Any]) -> str:
    """A standalone, printable HTML page (A4, print styles, no scripts)."""
    size = "A4 landscape" if page.landscape else "A4"
    parts = [
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">',
        f"<title>{escape(page.title)} — {escape(str(context.get('code', '')))}</title>",
        "<style>@page{size:" + size + ";margin:18mm}"
        "body{font-family:'DejaVu Serif','Times New Roman',serif;font-size:13pt;color:#000}"
        ".top{display:flex;justify-content:space-between;text-align:center}"
        ".form{text-align:right;font-style:italic}h1{text-align:center;font-size:15pt}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:4px;"
        "vertical-align:top}table.fields td{border:0}.sign{display:flex;"
        "justify-content:space-around;text-align:center;margin-top:2em}"
        ".qr{text-align:center}</style></head><body>",
        f'<p class="form">{escape(page.form)}</p>',
        f'<div class="top"><div><strong>{escape(page.agency.upper())}</strong></div>'
        f"<div><strong>{MOTTO[0]}</strong><br><u>{MOTTO[1]}</u><br>"
        f"<em>{escape(page.place_date)}</em></div></div>",
        f"<h1>{escape(page.title)}</h1>",
    ]
    for block in blocks:
        parts.append(_html_block(block, context))
    parts.append("</body></html>")
    return "".join(parts)


def _html_block(block: dict[str, Any], context: Mapping[str, Any]) -> str:
    kind = block["type"]
    if kind == "paragraph":
        text = fill(block["text"], context)
        return f"<p>{escape(text)}</p>" if text.strip() else ""
    if kind == "fields":
        rows = "".join(f"<tr><td>{escape(label)}:</td><td><strong>{escape(fill(value, context))}"
                       "</strong></td></tr>" for label, value in block["rows"])
        return f'<table class="fields">{rows}</table>'
    if kind == "list":
        items = "".join(f"<li>{escape(str(i))}</li>" for i in context.get(block["items"], []))
        title = f"<p>{escape(block['title'])}</p>" if block.get("title") else ""
        return f"{title}<ol>{items}</ol>"
    if kind == "table":
        head = "".join(f"<th>{escape(label)}</th>" for label, _ in block["columns"])
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(str(row.get(key, '')))}</td>"
                             for _, key in block["columns"]) + "</tr>"
            for row in context.get(block["rows"], []))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if kind == "qr":
        value = fill(block["value"], context)
        svg = segno.make(value, error="m").svg_inline(scale=3)
        return f'<div class="qr">{svg}<p><small>{escape(block["caption"])}</small></p></div>'
    if kind == "signature":
        return (f'<div class="sign"><div><strong>{escape(block["left"])}</strong><br><br><br>'
                f'{escape(fill(block["left_name"], context))}</div><div><strong>'
                f'{escape(block["right"])}</strong><br><em>(Ký, ghi rõ họ tên)</em><br><br>'
                f'{escape(fill(block["right_name"], context))}</div></div>')
    raise ValueError(f"unknown block type {kind!r}")


def _font_dir() -> Path:
    for folder in (os.environ.get("MOTCUA_PDF_FONT_DIR", ""), *FONT_DIRS):
        if folder and (Path(folder) / "DejaVuSans.ttf").is_file():
            return Path(folder)
    raise RuntimeError(
        "Không tìm thấy phông chữ DejaVu (gói Debian fonts-dejavu-core) để in tiếng Việt; "
        "đặt MOTCUA_PDF_FONT_DIR tới thư mục chứa DejaVuSans.ttf.")


def to_pdf(page: Page, blocks: list[dict[str, Any]], context: Mapping[str, Any]) -> bytes:
    """The same document as a PDF (Unicode font, so Vietnamese prints correctly)."""
    pdf = FPDF(orientation="L" if page.landscape else "P", format="A4")
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{page.title} — {context.get('code', '')}")
    pdf.set_margins(18, 15, 18)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width, 5, page.form, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    top = pdf.get_y()
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(width * 0.42, 5, page.agency.upper(), align="C")
    pdf.set_xy(pdf.l_margin + width * 0.42, top)
    pdf.multi_cell(width * 0.58, 5, f"{MOTTO[0]}\n{MOTTO[1]}", align="C")
    pdf.set_x(pdf.l_margin + width * 0.42)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(width * 0.58, 5, page.place_date, align="C", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(width, 7, page.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    for block in blocks:
        _pdf_block(pdf, block, context)
    return bytes(pdf.output())


def _pdf_block(pdf: FPDF, block: dict[str, Any], context: Mapping[str, Any]) -> None:
    width = pdf.epw
    kind = block["type"]
    pdf.set_font("DejaVu", "", 10.5)
    if kind == "paragraph":
        text = fill(block["text"], context)
        if text.strip():
            pdf.multi_cell(width, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
    elif kind == "fields":
        for label, value in block["rows"]:
            pdf.set_font("DejaVu", "", 10.5)
            pdf.multi_cell(width, 6, f"{label}: ", new_x=XPos.END, new_y=YPos.LAST)
            pdf.set_font("DejaVu", "B", 10.5)
            pdf.multi_cell(0, 6, fill(value, context), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    elif kind == "list":
        if block.get("title"):
            pdf.multi_cell(width, 6, block["title"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for number, item in enumerate(context.get(block["items"], []), start=1):
            pdf.multi_cell(width, 6, f"{number}. {item}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    elif kind == "table":
        pdf.set_font("DejaVu", "", 8.5)
        with pdf.table(text_align="LEFT", line_height=5) as table:
            heading = table.row()
            for label, _ in block["columns"]:
                heading.cell(label)
            for row in context.get(block["rows"], []):
                cells = table.row()
                for _, key in block["columns"]:
                    cells.cell(str(row.get(key, "")))
        pdf.ln(2)
    elif kind == "qr":
        image = io.BytesIO()
        segno.make(fill(block["value"], context), error="m").save(image, kind="png", scale=4)
        image.seek(0)
        pdf.image(image, x=pdf.l_margin + width / 2 - 15, w=30)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.multi_cell(width, 5, block["caption"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    elif kind == "signature":
        top = pdf.get_y() + 4
        for column, (role, name) in enumerate(((block["left"], block["left_name"]),
                                               (block["right"], block["right_name"]))):
            pdf.set_xy(pdf.l_margin + column * width / 2, top)
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(width / 2, 6, role, align="C")
            pdf.set_x(pdf.l_margin + column * width / 2)
            pdf.set_font("DejaVu", "", 10)
            signer = fill(name, context)
            pdf.multi_cell(width / 2, 6, f"\n\n\n{signer}" if role else "", align="C")
    else:
        raise ValueError(f"unknown block type {kind!r}")
