"""The pages of a start form in sections (`webapp.journey`): one page per section, the
papers, then the answers to check and submit.

Each page posts its own fields; they replace that section's part of the draft (what other
pages hold stays), the draft is saved whatever its state, and only then is the page
judged: its own fields against the whole schema (a condition may depend on another page)
— errors keep the person on the page with what they typed, none move them on. "Sửa" on
the check page opens a section with ``quay_lai=1``, whose "Tiếp tục" returns to the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import applicants, procedures
from engine.core import Actor, UnitOfWork
from forms import FieldError, FormValidator, PaperSlot, field_schema
from forms.journey import Section, answers, errors_on, section_of, sections
from forms.render import PAPER_ERROR
from webapp.context import current_actor, uow
from webapp.formpage import allow_paper_uploads, field_errors, form_html, parse_posted
from webapp.journey import FormState, Page, delivery_form, save, submit

PAPERS_TITLE = "Giấy tờ đính kèm"
CHECK_TITLE = "Kiểm tra và nộp hồ sơ"


@dataclass
class Journey:
    """One draft on its way: the procedure, its pages and where each is."""

    code: str
    key: str
    agency: str
    detail: dict[str, Any]
    data: dict[str, Any]
    pages: list[Section]

    @property
    def schema(self) -> dict[str, Any]:
        return dict(self.detail["start_form"]["schema"])

    @property
    def ui(self) -> dict[str, Any]:
        return dict(self.detail["start_form"]["ui"] or {})

    @property
    def papers_step(self) -> int | None:
        """The number of the papers' page (after the sections), if the procedure has papers."""
        return len(self.pages) + 1 if self.detail["components"] else None

    @property
    def total(self) -> int:
        """How many steps, the check page included."""
        return len(self.pages) + (1 if self.papers_step else 0) + 1

    def step_url(self, number: int, back: bool = False) -> str:
        if number >= self.total:
            return url_for("citizen.journey_check", code=self.code, nhap=self.key)
        extra: dict[str, Any] = {"quay_lai": 1} if back else {}
        return url_for("citizen.journey_step", code=self.code, number=number, nhap=self.key,
                       **extra)

    def steps(self) -> list[tuple[int, str]]:
        """(number, title) of every step, for the step indicator."""
        titles = [page.title for page in self.pages]
        if self.papers_step:
            titles.append(PAPERS_TITLE)
        return list(enumerate([*titles, CHECK_TITLE], start=1))

    def step_of(self, error: FieldError) -> int:
        """The step that shows the field of `error` (the first when no page shows it)."""
        if error.field.startswith(PAPER_ERROR) and self.papers_step:
            return self.papers_step
        page = section_of(self.pages, error.field)
        return page.number if page else 1


def _journey(work: UnitOfWork, actor: Actor, code: str, key: str) -> Journey:
    draft = applicants.open_draft(work, actor=actor, key=key, procedure_code=code)
    detail = procedures.procedure_detail(work, code=code, agency_code=draft.agency_code)
    form = detail["start_form"]
    return Journey(code, key, draft.agency_code or detail["agency"]["code"], detail,
                   dict(draft.data or {}), sections(form["schema"], form["ui"]))


def _key() -> str | None:
    return (request.values.get("nhap") or "").strip()[:60] or None


def resume_url(work: UnitOfWork, actor: Actor, detail: dict[str, Any], key: str) -> str:
    """Where a saved draft goes on: the first step with something missing or wrong, else
    the check page."""
    journey = _journey(work, actor, detail["code"], key)
    return _resume(journey, applicants.draft_problems(work, actor=actor, key=key))


def resume_link(form: dict[str, Any], key: str, agency: str, problems: list[dict[str, str]]
                ) -> str:
    """`resume_url` without a query: the draft's form (`applicants.drafts_to_resume`'s
    `form`) and what keeps it from being submitted are already known."""
    start = form["start_form"]
    journey = Journey(form["code"], key, agency, form, {}, sections(start["schema"], start["ui"]))
    return _resume(journey, problems)


def _resume(journey: Journey, problems: list[dict[str, str]]) -> str:
    errors = field_errors(problems)
    if not errors:
        return journey.step_url(journey.total)
    return journey.step_url(min(journey.step_of(e) for e in errors))


def step(code: str, number: int) -> Page | Response:
    """One page of the form: GET shows the draft's answers, POST saves them and moves on
    (or stays with the errors, 422)."""
    allow_paper_uploads()
    actor, key = current_actor(), _key()
    if key is None:  # a journey starts from the procedure's page ("Bắt đầu")
        return redirect(url_for("citizen.procedure", code=code), 303)
    with uow() as work:
        journey = _journey(work, actor, code, key)
    if not 1 <= number < journey.total:
        abort(404)
    if request.method == "GET":
        return _step_page(actor, journey, number, journey.data, [])
    page = journey.pages[number - 1] if number <= len(journey.pages) else None
    posted = parse_posted(journey.schema) if page is not None else None
    data = dict(journey.data)
    if page is not None and posted is not None:
        data = {k: v for k, v in data.items() if k not in page.fields} | posted.data
    state = save(actor, code, journey.agency, key, data)
    if state.limited is not None or (posted is not None and posted.is_row_action):
        return _step_page(actor, journey, number, data, state.errors, state=state)
    if request.form.get("_action") == "save":
        return _step_page(actor, journey, number, data, state.errors, saved=True)
    if request.form.get("_action") == "back":  # saved as typed, judged when the page is left forward
        return redirect(_previous(journey, number), 303)
    errors = _problems(actor, journey, number, data, state)
    if errors:
        return _step_page(actor, journey, number, data, errors)
    back = request.values.get("quay_lai") == "1"
    return redirect(journey.step_url(journey.total if back else number + 1), 303)


def _problems(actor: Actor, journey: Journey, number: int, data: dict[str, Any],
              state: FormState) -> list[FieldError]:
    """What keeps a page from being left: its fields' errors, or the papers' (a refused
    file, a required paper without one)."""
    if number <= len(journey.pages):
        errors = FormValidator(journey.schema).validate_submission(data)
        page = journey.pages[number - 1]
        return [e for e in errors if not e.field] + errors_on(page, errors) + state.errors
    refused = {e.field for e in state.errors}
    with uow() as work:
        problems = field_errors(applicants.draft_problems(work, actor=actor, key=journey.key))
    return state.errors + [e for e in problems
                           if e.field.startswith(PAPER_ERROR) and e.field not in refused]


def _papers(actor: Actor, journey: Journey) -> list[PaperSlot]:
    with uow() as work:
        return [PaperSlot(**p) for p in applicants.draft_papers(
            work, actor=actor, procedure_code=journey.code, agency_code=journey.agency,
            key=journey.key)]


def _previous(journey: Journey, number: int) -> str:
    """Where «Quay lại» goes: the check page when the page was opened from it, else the page
    before (the procedure's page before the first)."""
    if request.values.get("quay_lai") == "1":
        return journey.step_url(journey.total)
    if number == 1:
        return url_for("citizen.procedure", code=journey.code, nhap=journey.key)
    return journey.step_url(number - 1)


def _step_page(actor: Actor, journey: Journey, number: int, values: dict[str, Any],
               errors: list[FieldError], saved: bool = False,
               state: FormState | None = None) -> Page:
    """A page of the journey: 422 with errors, 429 past a rate limit."""
    reusable = False  # the papers' page: does the data store offer any paper to reuse?
    if number <= len(journey.pages):
        page = journey.pages[number - 1]
        title = page.title
        form = form_html(journey.schema, journey.ui, values, errors, None, only=page.fields)
    else:
        title, slots = PAPERS_TITLE, _papers(actor, journey)
        reusable = any(slot.stored for slot in slots)
        form = form_html(journey.schema, journey.ui, {}, errors, slots, only=())
    html = render_template(
        "journey_step.html", journey=journey, number=number, title=title, form=form,
        saved=saved, has_errors=bool(errors), back_to_check=request.values.get("quay_lai") == "1",
        reusable=reusable)
    if state is not None and state.limited is not None:
        return html, 429, {"Retry-After": str(state.limited.retry_after)}
    return (html, 422) if errors else html


def check(code: str) -> Page | Response:
    """Every answer in a summary list, each with "Sửa" to its page; POST submits the draft
    and leads to the receipt (or back here with what is missing, each linked to its page)."""
    actor, key = current_actor(), _key()
    if key is None:
        return redirect(url_for("citizen.procedure", code=code), 303)
    with uow() as work:
        journey = _journey(work, actor, code, key)
    state = FormState(key, journey.data, saved=True)
    if request.method == "POST":
        submitted = submit(actor, state)
        if submitted is not None:
            return submitted
    errors, limited = state.errors, state.limited
    html = _check_page(actor, journey, state)
    if limited is not None:
        return html, 429, {"Retry-After": str(limited.retry_after)}
    return (html, 422) if errors else html


def _check_page(actor: Actor, journey: Journey, state: FormState) -> str:
    errors = [e for e in state.errors if not (e.field == "" and state.delivery_errors)]
    listed = [(page, answers(journey.schema, journey.ui, journey.data, page))
              for page in journey.pages]
    problems = [(journey.step_url(journey.step_of(e)) + _anchor(e), _said(journey, e))
                for e in errors]
    return render_template("journey_check.html", journey=journey, listed=listed,
                           papers=_papers(actor, journey), problems=problems,
                           number=journey.total, delivery=delivery_form(journey.data, state.delivery),
                           delivery_errors=state.delivery_errors)


def _anchor(error: FieldError) -> str:
    if error.field.startswith(PAPER_ERROR):
        return f"#paper-{error.field.removeprefix(PAPER_ERROR)}"
    parts = error.field.split(".") if error.field else []
    return "#f-" + "-".join(p.replace("-", "--") for p in parts) if parts else ""


def _said(journey: Journey, error: FieldError) -> str:
    if error.field.startswith(PAPER_ERROR):
        index = error.field.removeprefix(PAPER_ERROR)
        components = journey.detail["components"]
        name = components[int(index)]["name"] if index.isdigit() and int(index) < len(
            components) else index
        return f"{name}: {error.message}"
    title = str(field_schema(journey.schema, error.field.split(".")).get("title") or error.field)
    return error.message if not error.field or f"«{title}»" in error.message else (
        f"{title}: {error.message}")

