"""The visual form builder's server side: a form opened as the builder's model, and the
model turned into JSON Schema + UI schema with the live preview — for the start form, with
the papers being edited as the citizen meets them: the start page's «Bạn cần chuẩn bị» table
(the web app's `_procedure_papers.html`) and the upload slots after the fields. The page itself
is the form editor (`admin_form_editor.html`, `form-editor.js`): the script only edits the
model; every schema is made here, by `forms.builder`."""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify, render_template, request
from werkzeug.wrappers import Response

from admin.common import bp, staff, uow
from engine import applicants, procedures
from forms.builder import KINDS, BuilderError, build, build_papers
from forms.builder_import import model_of

MAX_MODEL_BYTES = 1024 * 1024


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/bieu-mau/<form>/mo-hinh")
def form_model(agency: str, code: str, number: int, form: str) -> Response:
    """A form of the version as the builder's model (or why the builder cannot show it),
    with its schema and UI schema texts."""
    actor = staff()
    with uow() as work:
        files = procedures.form_files(work, actor=actor, agency_code=agency, code=code,
                                      number=number, form=form)
    try:
        schema = json.loads(files["schema"])
        ui = json.loads(files["ui"]) if files["ui"] else None
    except json.JSONDecodeError as exc:
        model, why = None, f"Biểu mẫu không phải JSON hợp lệ (dòng {exc.lineno}): sửa ở chế độ Nâng cao."
    else:
        model, why = model_of(schema, ui)
    return jsonify({**files, "model": model, "why": why, "kinds": KINDS})


@bp.post("/dung-bieu-mau")
def form_build() -> tuple[Response, int] | Response:
    """`{"model": …, "papers": […] (the start form's, else absent)}` → the schema and UI
    schema texts, the preview's HTML and the papers' problems, or the problems of the model
    by field (422)."""
    staff()
    if (request.content_length or 0) > MAX_MODEL_BYTES:
        return jsonify({"problems": ["Biểu mẫu quá lớn."]}), 413
    found = request.get_json(silent=True)
    body: dict[str, Any] = found if isinstance(found, dict) else {}
    model = body.get("model")
    if not isinstance(model, dict):
        return jsonify({"problems": ["Cần 'model': mô hình biểu mẫu."]}), 400
    try:
        schema, ui = build(model)
    except BuilderError as exc:
        return jsonify({"problems": exc.problems}), 422
    schema_text, ui_text = _text(schema), _text(ui)
    components, paper_problems = _papers(body.get("papers"))
    preview = procedures.preview_form(schema_text, ui_text,
                                      applicants.paper_slots(components, {}))
    if components and preview["html"]:
        preview["html"] = render_template("_form_preview_papers.html", detail={
            "components": components}) + preview["html"]
    return jsonify({"schema": schema_text, "ui": ui_text, **preview,
                    "paper_problems": paper_problems})


def _papers(papers: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The start form's papers being edited (None for another form) as procedure.json's
    `components`, for the preview; none while one of them is still wrong, with why."""
    if papers is None:
        return [], []
    try:
        return build_papers(papers), []
    except BuilderError as exc:
        return [], exc.problems


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/bieu-mau/<form>/giay-to")
def form_papers(agency: str, code: str, number: int, form: str) -> tuple[Response, int] | Response:
    """`{"papers": [...]}` for the start form → procedure.json with those papers as its
    `components` (the text to save beside the form), or the problems by paper (422)."""
    actor = staff()
    body = request.get_json(silent=True)
    papers = body.get("papers") if isinstance(body, dict) else None
    with uow() as work:
        files = procedures.form_files(work, actor=actor, agency_code=agency, code=code,
                                      number=number, form=form)
    if not files["start"] or not files["procedure"]:
        return jsonify({"problems": ["Chỉ biểu mẫu nộp hồ sơ có giấy tờ nộp kèm."]}), 409
    try:
        components = build_papers(papers)
        manifest = json.loads(files["procedure"])
    except BuilderError as exc:
        return jsonify({"problems": exc.problems}), 422
    except json.JSONDecodeError:
        return jsonify({"problems": ["procedure.json của phiên bản không đọc được."]}), 409
    manifest["components"] = components
    return jsonify({"procedure": _text(manifest), "problems": []})


def _text(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@bp.post("/doc-bieu-mau")
def form_read() -> tuple[Response, int] | Response:
    """`{"schema": text, "ui": text}` (the raw view) → the builder's model, or why not."""
    staff()
    if (request.content_length or 0) > MAX_MODEL_BYTES:
        return jsonify({"model": None, "why": "Biểu mẫu quá lớn."}), 413
    body = request.get_json(silent=True)
    texts = body if isinstance(body, dict) else {}
    try:
        schema = json.loads(str(texts.get("schema") or ""))
        ui = json.loads(str(texts["ui"])) if texts.get("ui") else None
    except json.JSONDecodeError as exc:
        return jsonify({"model": None, "why": f"JSON không hợp lệ (dòng {exc.lineno}, cột "
                        f"{exc.colno}): {exc.msg}"})
    model, why = model_of(schema, ui)
    return jsonify({"model": model, "why": why})
