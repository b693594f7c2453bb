"""Rendering an accessible HTML form from a JSON Schema and an optional UI schema.

The output is a fragment (fields only); the page wraps it in ``<form>`` with its
CSRF token and buttons. It works without JavaScript: repeatable groups add and
remove rows with submit buttons that the server handles (see `submission`).

UI schema (``forms/<name>.ui.json``)::

    {"order": ["field", ...],
     "fields": {"dotted.path": {"widget": "textarea|radio|select", "help": "...",
                                "labels": {"value": "label"}, "readonly": true}}}

A text field without a widget whose ``maxLength`` is at least 500 (`PROSE_LENGTH`) is
prose — an opinion, reasons — and renders as a textarea (``"widget": "text"`` keeps it on
one line). Lines typed in it are kept.

Paths in ``fields`` leave out row numbers: ``don_vi_thiet_ke.ten``.

Conditional fields — those an ``if``/``then``/``else`` adds, the dependents of a
``dependentRequired`` and the fields of each branch of a ``oneOf``/``anyOf`` choice — are
wrapped in an element whose ``data-show-if`` names the field and values they depend on,
with a sentence saying so: the page's script shows and hides them, and without the script
every field stays visible with that sentence. The server's validation stays the judge.

The papers of a procedure (`PaperSlot`) render after the fields: one file input each,
with the accepted types and size, the file already attached, and the papers of the
citizen's data store that may be reused instead of uploading again.

Every string written into the HTML — field names in ids, ``name``, ``for`` and
``aria-describedby``, titles, descriptions, help, labels, values, conditions — goes through
`_esc`: a form is written by one department and shown to the whole province, so nothing in
it may become markup (`forms.names` also limits the names a schema may use).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from forms.answers import answered_fields
from forms.formats import display_text, field_format, input_text
from forms.problems import CONDITION_KEYWORDS, FieldError
from forms.schemas import TOLD
from forms.submission import ADD, REMOVE
from forms.validation import condition_trigger, discriminator, field_schema, properties_of

Json = Mapping[str, Any]


PAPER_ERROR = "_paper."
PAPERS_LEGEND = "Thành phần hồ sơ đính kèm"
FILE_FIELD = "_file."
STORED_FIELD = "_stored."


@dataclass(frozen=True)
class PaperSlot:
    """One paper of the procedure as the form offers it: `key` names its inputs
    (``_file.<key>``, ``_stored.<key>``) and its errors (``_paper.<key>``)."""

    key: str
    name: str
    required: bool
    limits: str  # "PDF, ảnh PNG; tối đa 5 MB"
    accept: str  # the file input's accept attribute: ".pdf,.png"
    current: str | None = None  # the file attached now, described
    stored: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (id, label) to reuse


@dataclass(frozen=True)
class _Shown:
    """When a conditional field applies: `trigger` (a dotted input name) holds one of
    `values` (any value at all when `values` is None), or none of them when `negate`."""

    trigger: str
    values: tuple[Any, ...] | None
    negate: bool
    required: bool
    note: str


def render_form(
    schema: Json,
    ui: Json | None = None,
    values: Json | None = None,
    errors: Sequence[FieldError] = (),
    papers: Sequence[PaperSlot] = (),
    only: Collection[str] | None = None,
    *,
    summary: bool = True,
    legend: tuple[str, str] = ("papers", PAPERS_LEGEND),
    named: Sequence[PaperSlot] = (),
) -> str:
    """HTML for every field of `schema`, filled with `values`, with `errors` beside fields,
    then the `papers` to attach. With `only`, just those top-level fields (one page of a
    form in sections, `forms.journey`), each followed by the fields its answer brings.
    `summary` False leaves out the errors' summary (a page rendering its form in two parts
    shows one); `legend` is the papers' fieldset's id and legend; `named`, papers of the
    other part, which the summary names too."""
    ctx = _Context(schema, ui or {}, errors, papers)
    ctx.paper_names = {**{p.key: p.name for p in named}, **ctx.paper_names}
    ctx.only = None if only is None else frozenset(only)
    parts = [ctx.object_fields(schema, [], values or {})]
    if papers:
        parts.append(ctx.papers(papers, legend))
    if errors and summary:  # after the fields: the summary lists the errors in the order they appear
        parts.insert(0, ctx.summary())
    return "\n".join(parts)


class _Context:
    def __init__(
        self, schema: Json, ui: Json, errors: Sequence[FieldError],
        papers: Sequence[PaperSlot] = (),
    ) -> None:
        self.schema = schema
        self.ui_fields: Json = ui.get("fields", {}) if isinstance(ui.get("fields"), dict) else {}
        self.order: list[str] = list(ui.get("order", [])) if isinstance(ui.get("order"), list) else []
        self.errors = {e.field: e.message for e in errors}
        self.paper_names = {p.key: p.name for p in papers}
        self.seen: list[str] = []  # the fields' dotted names in the order they are rendered
        self.only: frozenset[str] | None = None  # the top-level fields of this page, if not all

    def in_page_order(self) -> list[tuple[str, str]]:
        """The errors in the order their fields appear (the form's own first, then the
        fields, then the papers; an error of a field not rendered last)."""
        place = {name: index for index, name in reversed(list(enumerate(self.seen)))}
        last = len(self.seen)
        return sorted(self.errors.items(), key=lambda item: -1 if item[0] == "" else
                      place.get(item[0], last))

    def summary(self) -> str:
        items = []
        for name, message in self.in_page_order():
            if name.startswith(PAPER_ERROR):
                key = name.removeprefix(PAPER_ERROR)
                target, label = f"paper-{key}", self.paper_names.get(key, key)
            else:
                target = _field_id(name.split(".")) if name else "form-top"
                label = self._title_of(name) if name else "Biểu mẫu"
            said = message if f"«{label}»" in message else f"{label}: {message}"
            items.append(f'<li><a href="#{_esc(target)}">{_esc(said)}</a></li>')
        return (
            # Focused on load by forms.js (and announced: role="alert"), never through an
            # «#error-summary» in the address, which a reload, back or redirect carried on.
            '<div class="error-summary" role="alert" tabindex="-1" id="error-summary">'
            f"<h2>Có {len(self.errors)} lỗi cần sửa</h2><ul>{''.join(items)}</ul></div>"
        )

    def _title_of(self, name: str) -> str:
        title = field_schema(self.schema, name.split(".")).get("title")
        return str(title or name)

    def ui(self, path: Sequence[str | int]) -> Json:
        key = ".".join(str(p) for p in path if not isinstance(p, int))
        found = self.ui_fields.get(key, {})
        return found if isinstance(found, dict) else {}

    def ordered(self, props: Json, path: Sequence[str | int]) -> list[str]:
        if path:
            return list(props)
        known = [name for name in self.order if name in props]
        return known + [name for name in props if name not in known]

    def object_fields(self, schema: Json, path: list[str | int], values: Any) -> str:
        props = schema.get("properties", {})
        if not isinstance(props, dict):
            return ""
        required = set(schema.get("required", [])) if isinstance(schema.get("required"), list) else set()
        values = values if isinstance(values, dict) else {}
        extra = self.conditional_fields(schema, path, required)
        choice = discriminator(schema.get("oneOf") or schema.get("anyOf"))
        out = []
        for name in self.ordered(props, path):
            if not isinstance(props[name], dict) or name in extra:
                continue
            if not path and self.only is not None and name not in self.only:
                continue
            if name == choice:
                out.append(self.choice(schema, [*path, name], values.get(name), name in required))
            else:
                out.append(self.field(props[name], [*path, name], values.get(name), name in required))
            out.extend(self.conditional(sub, [*path, extra_name], values, shown)
                       for extra_name, (sub, shown) in extra.items()
                       if shown.trigger == _name([*path, name]))
        if choice is not None and choice not in props and (
                path or self.only is None or choice in self.only):
            out.insert(0, self.choice(schema, [*path, choice], values.get(choice), True))
            out.extend(self.conditional(sub, [*path, n], values, shown)
                       for n, (sub, shown) in extra.items()
                       if shown.trigger == _name([*path, choice]))
        return "\n".join(out)

    def conditional_fields(
        self, schema: Json, path: list[str | int], required: set[str]
    ) -> dict[str, tuple[Json, _Shown]]:
        """The fields of this object shown only under a condition, with that condition."""
        found: dict[str, tuple[Json, _Shown]] = {}
        raw_props = schema.get("properties")
        props: Json = raw_props if isinstance(raw_props, dict) else {}

        def add(branch: Any, trigger: str, values: tuple[Any, ...] | None, negate: bool,
                note: str) -> None:
            if not isinstance(branch, dict):
                return
            raw = branch.get("properties")
            branch_props: Json = raw if isinstance(raw, dict) else {}
            raw_needed = branch.get("required")
            needed = set(raw_needed) if isinstance(raw_needed, list) else set()
            for name in [*branch_props, *sorted(needed - set(branch_props))]:
                sub = branch_props.get(name)
                sub = sub if isinstance(sub, dict) else props.get(name)
                if name in required or not isinstance(sub, dict) or "const" in sub:
                    continue
                shown = _Shown(_name([*path, trigger]), values, negate, name in needed, note)
                found.setdefault(name, (sub, shown))

        tested = condition_trigger(schema.get("if"))
        if tested is not None:
            name, options = tested
            said = self.values_said([*path, name], options)
            for keyword, negate in zip(CONDITION_KEYWORDS, (False, True), strict=True):
                note = (f"Chỉ điền khi «{self._title_at([*path, name])}» "
                        f"{'không phải' if negate else 'là'} {said}.")
                add(schema.get(keyword), name, options, negate, note)
        dependents = schema.get("dependentRequired")
        if isinstance(dependents, dict):
            for name, needed_names in dependents.items():
                note = f"Cần điền khi đã nhập «{self._title_at([*path, name])}»."
                add({"required": needed_names if isinstance(needed_names, list) else []},
                    name, None, False, note)
        alternatives = schema.get("oneOf") or schema.get("anyOf")
        choice = discriminator(alternatives)
        if choice is not None and isinstance(alternatives, list):
            for option in alternatives:
                value = option["properties"][choice]["const"]
                note = (f"Chỉ điền khi «{self._title_at([*path, choice])}» là "
                        f"«{option.get('title', value)}».")
                add(option, choice, (value,), False, note)
        return found

    def values_said(self, path: list[str | int], options: tuple[Any, ...]) -> str:
        ui = self.ui(path)
        sub = field_schema(self.schema, path)
        return " hoặc ".join(f"«{_display(sub, ui, v)}»" for v in options)

    def _title_at(self, path: list[str | int]) -> str:
        return str(field_schema(self.schema, path).get("title") or path[-1])

    def conditional(self, schema: Json, path: list[str | int], around: Json, shown: _Shown) -> str:
        """A field shown only under `shown`'s condition. It is marked required only while the
        condition holds on the values `around` it (its object's); otherwise the marker is
        written hidden (``data-required-if-shown``) for the page's script to reveal."""
        rule = {"field": shown.trigger, "negate": shown.negate}
        if shown.values is not None:
            rule["in"] = [_raw(v) for v in shown.values]
        attribute = _esc(json.dumps(rule, ensure_ascii=False))
        holds = _holds(shown, around.get(shown.trigger.rsplit(".", 1)[-1]))
        html = self.field(schema, path, around.get(str(path[-1])), shown.required and holds)
        if shown.required and not holds:
            html = _mark_later(html)
        return (f'<div class="conditional" data-show-if="{attribute}">'
                f'<p class="condition-note">{_esc(shown.note)}</p>{html}</div>')

    def choice(self, schema: Json, path: list[str | int], value: Any, required: bool) -> str:
        """The radio buttons choosing a `oneOf`/`anyOf` branch by its constant."""
        self.seen.append(_name(path))
        options = schema.get("oneOf") or schema.get("anyOf") or []
        own = schema.get("properties", {}).get(path[-1], {})
        label = _esc(own.get("title") or path[-1]) + _marker(required)
        choices = [(o["properties"][path[-1]]["const"], str(o.get("title") or
                    o["properties"][path[-1]]["const"])) for o in options]
        choices = [(v, str(self.ui(path).get("labels", {}).get(str(v), t))) for v, t in choices]
        error = self.error_html(path)
        attrs = _aria([f"{_field_id(path)}-error"] if error else [], bool(error), required)
        return (f'<fieldset class="field choice" role="radiogroup" id="{_esc(_field_id(path))}"'
                f"{attrs}><legend>{label}</legend>{error}{_radios(path, choices, value)}</fieldset>")

    def field(self, schema: Json, path: list[str | int], value: Any, required: bool) -> str:
        self.seen.append(_name(path))
        kind = schema.get("type")
        if kind == "object":
            return self.group(schema, path, value, required)
        if kind == "array" and isinstance(schema.get("items"), dict):
            return self.rows(schema, path, value, required)
        return self.scalar(schema, path, value, required)

    def group(self, schema: Json, path: list[str | int], value: Any, required: bool) -> str:
        legend = _esc(schema.get("title") or path[-1]) + _marker(required)
        inner = self.object_fields(schema, path, value)
        error = self.error_html(path)
        return f'<fieldset class="group"><legend>{legend}</legend>{error}{inner}</fieldset>'

    def rows(self, schema: Json, path: list[str | int], value: Any, required: bool) -> str:
        items: Json = schema["items"]
        rows = value if isinstance(value, list) and value else [{}]
        name = _name(path)
        item = _esc(_item_title(schema, path))
        legend = _esc(schema.get("title") or path[-1]) + _marker(required)
        parts = [f'<fieldset class="rows" id="{_esc(_field_id(path))}"><legend>{legend}</legend>',
                 self.error_html(path)]
        for index, row in enumerate(rows):
            row_path = [*path, index]
            inner = (
                self.object_fields(items, row_path, row)
                if items.get("type") == "object"
                else self._row_scalar(items, row_path, row)
            )
            row_id = _esc(_field_id(row_path))
            parts.append(
                f'<div class="row" id="{row_id}"><p class="row-title" id="{row_id}-title">'
                f"{item} thứ {index + 1}</p>{inner}"
                f'<button type="submit" class="secondary" name="{REMOVE}" value="{_esc(name)}.{index}" '
                f'aria-describedby="{row_id}-title" formnovalidate>Xóa mục {index + 1}</button></div>'
            )
        parts.append(
            f'<button type="submit" class="secondary" name="{ADD}" value="{_esc(name)}" formnovalidate>'
            f"Thêm «{item}»</button></fieldset>"
        )
        return "".join(parts)

    def _row_scalar(self, schema: Json, path: list[str | int], value: Any) -> str:
        self.seen.append(_name(path))
        return self.scalar(schema, path, value, False)

    def scalar(self, schema: Json, path: list[str | int], value: Any, required: bool) -> str:
        ui = self.ui(path)
        field_id = _esc(_field_id(path))
        label = _esc(schema.get("title") or path[-1]) + _marker(required)
        described = []
        help_text = ui.get("help") or schema.get("description") or _hint(schema)
        help_html = ""
        if help_text:
            help_html = f'<p class="help" id="{field_id}-help">{_esc(help_text)}</p>'
            described.append(f"{_field_id(path)}-help")
        error_html = self.error_html(path)
        if error_html:
            described.append(f"{_field_id(path)}-error")
        attrs = _aria(described, bool(error_html), required)
        if ui.get("readonly") or schema.get("readOnly"):
            attrs += " readonly"
        choices = _choices(schema, ui)
        if schema.get("type") == "boolean":
            control, label_for = self.boolean(schema, path, value, attrs, label,
                                              help_html + error_html)
            if label_for is None:
                return f'<div class="field">{control}</div>'
        elif choices is not None and _as_radios(ui, choices):
            legend = f"<legend>{label}</legend>"
            return (f'<fieldset class="field choice" role="radiogroup" id="{field_id}"{attrs}>'
                    f"{legend}{help_html}{error_html}{_radios(path, choices, value)}</fieldset>")
        elif choices is not None:
            control = _select(path, choices, value, attrs)
        elif ui.get("widget") == "password":  # never echoed back into the page
            control = (f'<input type="password" id="{field_id}" name="{_esc(_name(path))}" '
                       f'autocomplete="new-password"{attrs}>')
        elif ui.get("widget") == "textarea" or (ui.get("widget") is None and _prose(schema)):
            text = "" if value is None else _esc(value)
            limit = schema.get("maxLength")
            bound = f' maxlength="{limit:d}"' if isinstance(limit, int) else ""
            control = (f'<textarea id="{field_id}" name="{_esc(_name(path))}" rows="4"{bound}'
                       f"{attrs}>{text}</textarea>")
        else:
            control = _input(schema, path, value, attrs)
        return (f'<div class="field"><label for="{field_id}">{label}</label>{help_html}'
                f"{control}{error_html}</div>")

    def boolean(
        self, schema: Json, path: list[str | int], value: Any, attrs: str, label: str,
        notes: str = "",
    ) -> tuple[str, str | None]:
        """A box to tick (a confirmation) or Có/Không radios; `notes` (help, error) come
        after the box's label, or between the question and its answers."""
        field_id = _esc(_field_id(path))
        if schema.get("const") is True:
            checked = " checked" if value is True else ""
            return (f'<input type="checkbox" id="{field_id}" name="{_esc(_name(path))}" value="true"'
                    f'{checked}{attrs}> <label for="{field_id}" class="inline">{label}</label>'
                    f"{notes}", None)
        radios = _radios(path, [(True, "Có"), (False, "Không")], value)
        return (f'<fieldset class="choice" role="radiogroup" id="{field_id}"{attrs}><legend>{label}</legend>'
                f"{notes}{radios}</fieldset>", None)

    def error_html(self, path: Sequence[str | int]) -> str:
        message = self.errors.get(".".join(str(p) for p in path))
        if message is None:
            return ""
        return f'<p class="error" id="{_esc(_field_id(path))}-error">{_esc(message)}</p>'


    def papers(self, papers: Sequence[PaperSlot], legend: tuple[str, str]) -> str:
        parts = [f'<fieldset class="papers" id="{_esc(legend[0])}"><legend>{_esc(legend[1])}'
                 "</legend>"]
        for paper in papers:
            self.seen.append(PAPER_ERROR + paper.key)
            slot = _esc(f"paper-{paper.key}")
            key = _esc(paper.key)
            message = self.errors.get(PAPER_ERROR + paper.key)
            described = [f"paper-{paper.key}-help"] + ([f"paper-{paper.key}-error"] if message else [])
            attrs = _aria(described, message is not None, False)
            parts.append(f'<div class="paper field" id="{slot}">'
                         f'<p class="paper-name" id="{slot}-name">{_esc(paper.name)}'
                         f"{_marker(paper.required)}</p>"
                         f'<p class="help" id="{slot}-help">{_esc(paper.limits)}</p>')
            if paper.current:
                parts.append(f'<p class="current">Đã đính kèm: {_esc(paper.current)}</p>')
            verb = "Thay bằng tệp khác" if paper.current else "Chọn tệp"
            # The paper's whole name: cut to a length it broke mid-word («Nghị định» → «Ng…»)
            parts.append(f'<label for="{slot}-file">{verb} — {_esc(paper.name)}</label>'
                         f'<input type="file" id="{slot}-file" name="{FILE_FIELD}{key}" '
                         f'accept="{_esc(paper.accept)}"{attrs}>')
            if paper.stored:
                options = "".join(f'<option value="{_esc(k)}">{_esc(v)}</option>'
                                  for k, v in paper.stored)
                parts.append(f'<label for="{slot}-stored">Hoặc dùng giấy tờ trong kho dữ liệu '
                             f'của bạn</label><select id="{slot}-stored" '
                             f'name="{STORED_FIELD}{key}" aria-describedby="{slot}-help">'
                             f'<option value="">— Không dùng —</option>{options}</select>')
            if message:
                parts.append(f'<p class="error" id="{slot}-error">{_esc(message)}</p>')
            parts.append("</div>")
        parts.append("</fieldset>")
        return "".join(parts)


def _hint(schema: Json) -> str:
    """How to type a field of a known format, when the form gives no help of its own."""
    known = field_format(schema)
    return known.hint if known is not None else ""


def _esc(value: object) -> str:
    """`value` as text safe inside an element or a quoted attribute: every string written
    into the HTML goes through here (field names, titles, help, labels, values, ids)."""
    return escape(str(value), quote=True)


def _raw(value: Any) -> str:
    """A value as a posted form field carries it ("true", "false", the text)."""
    return "true" if value is True else "false" if value is False else str(value)


def _holds(shown: _Shown, value: Any) -> bool:
    """Whether a conditional field applies when its trigger holds `value`: as the page's
    script decides it (forms.js), an empty trigger satisfies no condition."""
    if value is None or value == "" or value == []:
        return False
    matched = shown.values is None or _raw(value) in {_raw(v) for v in shown.values}
    return not matched if shown.negate else matched


# The required marker of a conditional field whose condition does not hold yet: hidden, and
# revealed by the page's script when the field is shown.
_LATER_MARKER = ('<span class="required-if-shown" data-required-if-shown hidden>'
                 ' <span class="required" aria-hidden="true">*</span>'
                 '<span class="sr-only"> (bắt buộc)</span></span>')


# A text field that may hold this many characters is prose (an opinion, reasons): a textarea
# unless its UI schema names another widget ("widget": "text" keeps a one-line input).
PROSE_LENGTH = 500


def _prose(schema: Json) -> bool:
    limit = schema.get("maxLength")
    return (schema.get("type") == "string" and isinstance(limit, int) and limit >= PROSE_LENGTH
            and not any(k in schema for k in ("format", "pattern", "enum", "const")))


def _mark_later(html: str) -> str:
    """`html` of one field with the hidden marker after its own caption (the first closing
    label or legend: a choice's legend comes before its options' labels)."""
    ends = [i for i in (html.find("</label>"), html.find("</legend>")) if i >= 0]
    if not ends:
        return html
    at = min(ends)
    return html[:at] + _LATER_MARKER + html[at:]


def _marker(required: bool) -> str:
    if not required:
        return ""
    return ' <span class="required" aria-hidden="true">*</span><span class="sr-only"> (bắt buộc)</span>'


def _aria(described: list[str], invalid: bool, required: bool) -> str:
    attrs = ""
    if described:
        attrs += f' aria-describedby="{_esc(" ".join(described))}"'
    if invalid:
        attrs += ' aria-invalid="true"'
    if required:
        attrs += ' aria-required="true"'
    return attrs


def _name(path: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in path)


def _field_id(path: Sequence[str | int]) -> str:
    # Names may hold "-" but never start with it, so doubling it inside a name keeps ids of
    # different paths apart ("a" › "b-c" is f-a-b--c, "a-b" › "c" is f-a--b-c).
    return "f-" + "-".join(str(p).replace("-", "--") for p in path)


def _choices(schema: Json, ui: Json) -> list[tuple[Any, str]] | None:
    labels = ui.get("labels", {}) if isinstance(ui.get("labels"), dict) else {}
    if isinstance(schema.get("enum"), list):
        return [(v, str(labels.get(str(v), v))) for v in schema["enum"]]
    options = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(options, list) and options and all(
        isinstance(o, dict) and "const" in o for o in options
    ):
        return [(o["const"], str(labels.get(str(o["const"]), o.get("title", o["const"]))))
                for o in options]
    return None


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and str(a).lower() == str(b).lower()


def _item_title(schema: Json, path: Sequence[str | int]) -> str:
    """What one row of a list holds, in words: its items' title, else the list's."""
    items = schema.get("items")
    own = items.get("title") if isinstance(items, Mapping) else None
    return str(own or schema.get("title") or path[-1])


def _as_radios(ui: Json, choices: list[tuple[Any, str]]) -> bool:
    """Radio buttons when the UI schema says so (the builder's «Nút chọn»), a list when it says
    `select`, else radios for up to three options."""
    widget = ui.get("widget")
    return widget == "radio" or (widget != "select" and len(choices) <= 3)


def _radios(path: Sequence[str | int], choices: list[tuple[Any, str]], value: Any) -> str:
    out = []
    for index, (option, text) in enumerate(choices):
        option_id = _esc(f"{_field_id(path)}-{index}")
        checked = " checked" if _same(option, value) else ""
        raw = "true" if option is True else "false" if option is False else str(option)
        out.append(
            f'<div class="option"><input type="radio" id="{option_id}" name="{_esc(_name(path))}" '
            f'value="{_esc(raw)}"{checked}> <label for="{option_id}">{_esc(text)}</label></div>'
        )
    return "".join(out)


def _select(path: Sequence[str | int], choices: list[tuple[Any, str]], value: Any, attrs: str) -> str:
    options = ['<option value="">— Chọn —</option>']
    for option, text in choices:
        selected = " selected" if _same(option, value) else ""
        options.append(f'<option value="{_esc(option)}"{selected}>{_esc(text)}</option>')
    return (f'<select id="{_esc(_field_id(path))}" name="{_esc(_name(path))}"{attrs}>'
            f'{"".join(options)}</select>')


def _input(schema: Json, path: Sequence[str | int], value: Any, attrs: str) -> str:
    kind = schema.get("type")
    fmt = schema.get("format")
    known = field_format(schema)
    input_type = "text"
    extra = ""
    if kind in ("number", "integer"):
        # Text with a numeric keyboard, not type=number: Vietnamese write 15,5 and browsers'
        # number inputs refuse the comma; the server parses both and the schema judges.
        extra += ' inputmode="numeric"' if kind == "integer" else ' inputmode="decimal"'
    elif fmt == "email":
        input_type = "email"
        extra += ' autocomplete="email" spellcheck="false"'
    elif known is not None and known.name == "vn-phone":
        input_type = "tel"
        extra += ' autocomplete="tel"'
    elif known is not None and known.name in ("cccd", "vn-tax-code"):
        extra += ' inputmode="numeric" spellcheck="false"'
    # Dates are text typed dd/mm/yyyy (a browser's date control shows its own order and,
    # without a picker, refuses what Vietnamese type); the server reads both.
    if isinstance(schema.get("maxLength"), int):
        extra += f' maxlength="{schema["maxLength"]:d}"'
    if isinstance(schema.get("pattern"), str):
        extra += f' pattern="{_esc(schema["pattern"])}"'
    text = _esc(input_text(schema, value))
    return (f'<input type="{input_type}" id="{_esc(_field_id(path))}" name="{_esc(_name(path))}" '
            f'value="{text}"{extra}{attrs}>')


def top_level_layout(schema: Json, ui: Json | None) -> tuple[list[str], dict[str, str]]:
    """The form's top-level fields in the order the page shows them (the UI schema's
    `order`), and the fields shown only under a condition, each with the top-level field
    whose answer brings it (`if`/`then`, `dependentRequired`, a choice's branches)."""
    ctx = _Context(schema, ui or {}, ())
    raw = schema.get("properties")
    props: Json = raw if isinstance(raw, dict) else {}
    required = set(schema.get("required", [])) if isinstance(schema.get("required"), list) else set()
    extra = {name: shown.trigger for name, (_, shown) in
             ctx.conditional_fields(schema, [], required).items()}
    shown = [name for name in ctx.ordered(props, []) if isinstance(props[name], dict)
             and name not in extra]
    choice = discriminator(schema.get("oneOf") or schema.get("anyOf"))
    if choice is not None and choice not in props:
        shown.insert(0, choice)
    return shown, extra


def render_summary(schema: Json, ui: Json | None, data: Json) -> str:
    """Read-only HTML of submitted data (a definition list), with labels from the schema."""
    ctx = _Context(schema, ui or {}, ())
    return _summary_object(ctx, schema, [], data)


def _summary_object(ctx: _Context, schema: Json, path: list[str | int], data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    rows = []
    for name, sub in _answered(ctx, schema, path, data):
        if name not in data:
            continue
        title = _esc(sub.get("title") or name)
        value = data[name]
        if sub.get("type") == "object":
            inner = _summary_object(ctx, sub, [*path, name], value)
        elif sub.get("type") == "array" and isinstance(sub.get("items"), dict):
            items: Json = sub["items"]
            inner = "<ol>" + "".join(
                f"<li>{_summary_object(ctx, items, [*path, name, i], v)}</li>"
                for i, v in enumerate(value if isinstance(value, list) else [])) + "</ol>"
        else:
            inner = _esc(_display(sub, ctx.ui([*path, name]), value))
        rows.append(f"<dt>{title}</dt><dd>{inner}</dd>")
    return f'<dl class="summary">{"".join(rows)}</dl>'


def describe_data(schema: Json, ui: Json | None, data: Json) -> list[tuple[str, str]]:
    """Submitted data in words, in form order: (title, text) per answered field, choices by
    their labels, groups' fields titled "Group › Field", rows numbered. Keys the schema does
    not declare keep their name as title."""
    return [(title, text) for _, title, text in describe_fields(schema, ui, data)]


def describe_fields(schema: Json, ui: Json | None, data: Json) -> list[tuple[str, str, str]]:
    """`describe_data` with the id of each answer's input on the form page (for a link
    back to it): (input id, title, text)."""
    ctx = _Context(schema, ui or {}, ())
    return _words(ctx, schema, [], data, "")


def describe_told(schema: Json, ui: Json | None, data: Json) -> list[tuple[str, str]]:
    """The answers of the fields the designer marked told to the applicant (`TOLD`), in
    words as `describe_data` says them: (title, text), choices by their labels. Plain text:
    the page escapes it. Fields not marked are left out, whatever they hold."""
    ctx = _Context(schema, ui or {}, ())
    told: list[tuple[str, str]] = []
    for name, sub in _answered(ctx, schema, [], data) if isinstance(data, dict) else []:
        value = data.get(name)
        if sub.get(TOLD) is not True or value in (None, "", []):
            continue
        title = str(sub.get("title") or name)
        if isinstance(value, dict):
            told.extend((t, x) for _, t, x in _words(ctx, sub, [name], value, f"{title} › "))
        elif isinstance(value, list):
            told.extend((t, x) for _, t, x in _words(ctx, {"properties": {name: sub}}, [],
                                                      {name: value}, ""))
        else:
            told.append((title, _display(sub, ctx.ui([name]), value)))
    return told


def _words(ctx: _Context, schema: Json, path: list[str | int], data: Any,
           prefix: str) -> list[tuple[str, str, str]]:
    if not isinstance(data, dict):
        return []
    fields = dict(_answered(ctx, schema, path, data))
    declared = properties_of(schema)  # an answer of a branch that does not apply is left out
    out: list[tuple[str, str, str]] = []
    for name in [*fields, *(k for k in data if k not in declared)]:
        if name not in data or data[name] in (None, "", []):
            continue
        sub: Json = fields.get(name, {})
        title = prefix + str(sub.get("title") or name)
        value = data[name]
        here = [*path, name]
        if isinstance(value, dict):
            out.extend(_words(ctx, sub, here, value, f"{title} › "))
        elif isinstance(value, list):
            raw_items = sub.get("items")
            items: Json = raw_items if isinstance(raw_items, dict) else {}
            for index, row in enumerate(value):
                if isinstance(row, dict):
                    out.extend(_words(ctx, items, [*here, index], row, f"{title} thứ {index + 1} › "))
                else:
                    out.append((_field_id([*here, index]), f"{title} thứ {index + 1}",
                                _display(items, ctx.ui(here), row)))
        else:
            out.append((_field_id(here), title, _display(sub, ctx.ui(here), value)))
    return out


def _answered(ctx: _Context, schema: Json, path: list[str | int],
              data: Json) -> list[tuple[str, Json]]:
    """The fields of `schema` that apply to `data` in form order (`forms.answers`)."""
    return answered_fields(schema, data, [] if path else ctx.order, ctx.schema)


def _display(schema: Json, ui: Json, value: Any) -> str:
    if value is True:
        return "Có"
    if value is False:
        return "Không"
    for option, text in _choices(schema, ui) or []:
        if _same(option, value):
            return text
    return display_text(schema, ui, value)
