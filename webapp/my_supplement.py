"""How the citizen's «Bổ sung hồ sơ» page (`/ca-nhan/ho-so/<code>/bo-sung`, route in
`webapp.my_area`) is laid out: what the agency asked for first — its note, the papers it
named with an upload control each, when it asked and what happens to the deadline — and
the declaration below in a `<details>` «Sửa tờ khai (nếu cơ quan yêu cầu)», open when the
request names one of its fields, asks for no paper, or when something there is wrong."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import render_template

from engine.applicants import UNCHANGED_FIELD, UNCHANGED_WORDS
from forms import FieldError, PaperSlot
from forms.render import PAPER_ERROR
from webapp.formpage import form_html

ASKED_LEGEND = ("papers", "Giấy tờ cơ quan yêu cầu bổ sung")
OTHER_LEGEND = ("other-papers", "Giấy tờ khác đã nộp (thay thế nếu cần)")


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def names_a_field(missing: list[str], schema: dict[str, Any]) -> bool:
    """A line of the request names a field of the declaration (by its title)."""
    titles = [_plain(str(p.get("title", ""))) for p in schema.get("properties", {}).values()
              if isinstance(p, dict)]
    lines = [_plain(m) for m in missing]
    return any(t and t in line for t in titles if len(t) > 2 for line in lines)


def supplement_html(dossier: dict[str, Any], asked: dict[str, Any] | None,
                    slots: list[PaperSlot], values: dict[str, Any],
                    errors: list[FieldError], *, confirmed: bool, editing: bool) -> str:
    """The page: the request and its papers (with the errors' summary), then the
    declaration and the other papers, then «Gửi bổ sung». `editing`: the person just added
    or removed a row of the declaration, which stays open."""
    request = asked or {"missing": [], "note": "", "at": None, "papers": [], "mode": "restart",
                        "received": False}
    wanted = set(request["papers"])
    schema, ui = dossier["start_form"], dossier["start_form_ui"]
    shown = [e for e in errors if e.field != UNCHANGED_FIELD]
    top = form_html(schema, ui, values, shown, [s for s in slots if s.name in wanted], only=[],
                    legend=ASKED_LEGEND, named=slots)  # the summary names every paper
    asked_keys = {PAPER_ERROR + s.key for s in slots if s.name in wanted}
    below = [e for e in shown if e.field not in asked_keys]
    rest = form_html(schema, ui, values, below, [s for s in slots if s.name not in wanted],
                     summary=False, legend=OTHER_LEGEND)
    unchanged = next((e.message for e in errors if e.field == UNCHANGED_FIELD), "")
    return render_template(
        "supplement.html", dossier=dossier, request=request, top=top, rest=rest,
        open_form=bool(below) or editing or not wanted or names_a_field(
            request["missing"], schema),
        unchanged_error=unchanged, unchanged_words=UNCHANGED_WORDS, confirmed=confirmed,
        errors=errors)
