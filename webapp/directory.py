"""The public directory of agencies (`/co-quan`): every open agency with its address,
phone, e-mail and hotline (Tuyên Quang seed, art. 4.1a), searchable without diacritics;
each links to its procedures (the catalogue `/?co_quan=<code>`)."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, render_template, request

from engine import agencies, procedures
from webapp.context import uow

bp = Blueprint("directory", __name__)


@bp.get("/co-quan")
def directory_page() -> str:
    """The directory, in tree order; `q` keeps agencies whose name or address matches.
    Each agency with procedures in the catalogue links to the catalogue filtered by it."""
    query = request.args.get("q", "")[:100]
    with uow() as work:
        rows = agencies.directory(work, query=query)
        names = {a["code"]: a["name"] for a in agencies.directory(work)}
        offered = Counter(str(e["agency"]["code"]) for e in
                          procedures.procedure_catalogue(work) + procedures.awaiting_process(work))
    return render_template("directory.html", rows=rows, query=query, names=names,
                           offered=offered)
