"""A start form as a journey: one page per section, then the answers to check.

A form with several top-level groups (objects, or lists of rows) is long on a phone; GOV.UK
and the national portal ask one thing at a time. The UI schema chooses (`JOURNEY_KEY`):

- ``"journey": "sections"`` — one page per section, each validated and saved on its own;
- ``"journey": "single"`` — the whole form on one page (as before);
- no key — sections when the form has at least two top-level groups, else single.

Sections follow the page's order of top-level fields (the UI schema's ``order``): each
group is a section titled by the group; the plain fields between groups form a section of
their own ("Thông tin chung" first, "Thông tin khác" later). A field shown under a
condition goes with the field whose answer brings it. A designer may name the sections
instead: ``"sections": [{"title": "Người đề nghị", "fields": ["ho_ten", ...]}, ...]``
(fields left out join the last section).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from forms.problems import FieldError, SchemaProblem
from forms.render import describe_fields, top_level_layout

JOURNEY_KEY = "journey"
SECTIONS_KEY = "sections"
MODES = ("sections", "single")
FIRST_TITLE = "Thông tin chung"
LATER_TITLE = "Thông tin khác"
MAX_TITLE = 120

Json = Mapping[str, Any]


@dataclass(frozen=True)
class Section:
    """One page of the form: its number (from 1), title, and the top-level fields it shows
    (with those its answers bring)."""

    number: int
    title: str
    fields: tuple[str, ...]


def _is_group(node: object) -> bool:
    if not isinstance(node, dict):
        return False
    items = node.get("items")
    return node.get("type") == "object" or (
        node.get("type") == "array" and isinstance(items, dict) and items.get("type") == "object")


def group_count(schema: Json) -> int:
    """How many top-level groups (objects, lists of rows) the form has."""
    props = schema.get("properties")
    return sum(1 for node in props.values() if _is_group(node)) if isinstance(props, dict) else 0


def journey_mode(schema: Json, ui: Json | None) -> str:
    """``"sections"`` or ``"single"``: the UI schema's choice, else sections for a form
    with at least two top-level groups."""
    chosen = (ui or {}).get(JOURNEY_KEY)
    if chosen in MODES:
        return str(chosen)
    return "sections" if group_count(schema) >= 2 else "single"


def sections(schema: Json, ui: Json | None) -> list[Section]:
    """The form's pages, in order (at least one)."""
    shown, extra = top_level_layout(schema, ui)
    runs = _named_runs(ui or {}, shown) or _runs(schema, shown)
    pages = []
    for number, (title, names) in enumerate(runs, start=1):
        brought = [n for n, trigger in extra.items() if trigger.split(".")[0] in names]
        pages.append(Section(number, title, (*names, *brought)))
    return pages or [Section(1, FIRST_TITLE, ())]


def _runs(schema: Json, shown: list[str]) -> list[tuple[str, list[str]]]:
    props = schema.get("properties")
    props = props if isinstance(props, dict) else {}
    runs: list[tuple[str, list[str]]] = []
    plain: list[str] = []
    for name in shown:
        if _is_group(props.get(name)):
            if plain:
                runs.append((LATER_TITLE if runs else FIRST_TITLE, plain))
                plain = []
            runs.append((str(props[name].get("title") or name), [name]))
        else:
            plain.append(name)
    if plain:
        runs.append((LATER_TITLE if runs else FIRST_TITLE, plain))
    return runs


def _named_runs(ui: Json, shown: list[str]) -> list[tuple[str, list[str]]]:
    named = ui.get(SECTIONS_KEY)
    if not isinstance(named, list) or not named:
        return []
    runs: list[tuple[str, list[str]]] = []
    taken: set[str] = set()
    for entry in named:
        if not isinstance(entry, dict):
            continue
        fields = [f for f in entry.get("fields", []) if f in shown and f not in taken]
        taken.update(fields)
        runs.append((str(entry.get("title") or FIRST_TITLE), fields))
    if runs:
        runs[-1][1].extend(name for name in shown if name not in taken)
    return runs


def section_of(pages: Sequence[Section], field: str) -> Section | None:
    """The page that shows the field at dotted path `field` (None for the form's own
    problems and for fields no page shows)."""
    top = field.split(".")[0]
    return next((page for page in pages if top and top in page.fields), None)


def errors_on(page: Section, errors: Sequence[FieldError]) -> list[FieldError]:
    """The errors of the fields `page` shows."""
    return [e for e in errors if e.field and e.field.split(".")[0] in page.fields]


def answers(schema: Json, ui: Json | None, data: Json, page: Section
            ) -> list[tuple[str, str, str]]:
    """The answers given on `page` in words, in page order: (question, answer, the id of
    its input on the page). A group's own title, already the page's, is not repeated
    before each of its questions."""
    picked = {name: value for name, value in data.items() if name in page.fields}
    prefix = f"{page.title} › "
    return [(title.removeprefix(prefix), text, target)
            for target, title, text in describe_fields(schema, ui, picked)]


def ui_problems(ui: Json, schema: Json | None = None) -> list[SchemaProblem]:
    """What is wrong with a UI schema's journey keys (`journey`, `sections`), by pointer."""
    found: list[SchemaProblem] = []
    if JOURNEY_KEY in ui and ui[JOURNEY_KEY] not in MODES:
        found.append(SchemaProblem(
            f"«{JOURNEY_KEY}» phải là \"sections\" (mỗi phần một trang) hoặc \"single\" "
            "(cả tờ khai một trang).", f"/{JOURNEY_KEY}"))
    if SECTIONS_KEY not in ui:
        return found
    named = ui[SECTIONS_KEY]
    if not isinstance(named, list) or not named:
        return [*found, SchemaProblem(
            f"«{SECTIONS_KEY}» phải là danh sách các phần: "
            '[{"title": "Tên phần", "fields": ["truong", ...]}, ...].', f"/{SECTIONS_KEY}")]
    props = schema.get("properties") if schema is not None else None
    seen: set[str] = set()
    for index, entry in enumerate(named):
        found += _entry_problems(entry, f"/{SECTIONS_KEY}/{index}",
                                 props if isinstance(props, dict) else None, seen)
    return found


def _entry_problems(entry: object, pointer: str, props: Json | None,
                    seen: set[str]) -> list[SchemaProblem]:
    if not isinstance(entry, dict):
        return [SchemaProblem("Mỗi phần là một đối tượng có «title» và «fields».", pointer)]
    found = []
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
        found.append(SchemaProblem(f"Tên phần («title») là chữ, không rỗng, tối đa {MAX_TITLE} "
                                   "ký tự.", f"{pointer}/title"))
    fields = entry.get("fields")
    if not isinstance(fields, list):
        return [*found, SchemaProblem("«fields» là danh sách tên trường của biểu mẫu.",
                                      f"{pointer}/fields")]
    for index, name in enumerate(fields):
        if not isinstance(name, str) or (props is not None and name not in props):
            found.append(SchemaProblem(f"Phần «{title}» nhắc đến trường «{name}» không có ở "
                                       "cấp đầu của biểu mẫu.", f"{pointer}/fields/{index}"))
        elif name in seen:
            found.append(SchemaProblem(f"Trường «{name}» đã thuộc một phần khác.",
                                       f"{pointer}/fields/{index}"))
        else:
            seen.add(name)
    return found
