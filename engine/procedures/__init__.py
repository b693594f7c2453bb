"""The catalogue and the life of a procedure version: import, four eyes, sandbox.

The public face of `engine.procedures`: entry points import from here only (import-linter
holds them to it); the modules behind it are free to change.
"""

from __future__ import annotations

from engine.procedures.applied import agencies_page as procedure_agencies
from engine.procedures.applied import apply_procedure, stop_procedure
from engine.procedures.catalogue import catalogue as procedure_catalogue
from engine.procedures.catalogue import (
    check_path,
    import_package,
    isolated_runner,
    list_agencies,
    manifest_schema,
    procedure_detail,
    run_tests_at,
)
from engine.procedures.comparison import diff as diff_versions
from engine.procedures.design_files import (
    decision_files,
    draft_decision_files,
    form_files,
    table_findings,
)
from engine.procedures.details import details_of as procedure_details
from engine.procedures.details import save_details
from engine.procedures.drafts import design_agencies, discard_draft, draft_bench, import_keeping, list_drafts
from engine.procedures.drafts import save_draft as save_kept_draft
from engine.procedures.essentials import essentials as version_essentials
from engine.procedures.national_catalogue import awaiting_process, import_national_catalogue
from engine.procedures.new_decision import create_decision_table, decision_options
from engine.procedures.old_drafts import discard_superseded
from engine.procedures.old_drafts import versions_list as list_versions
from engine.procedures.package_runner import TestLimits
from engine.procedures.problem_reports import report_for_designer
from engine.procedures.queues import queue_counts, review_queues
from engine.procedures.sandbox import complete_step as complete_sandbox_step
from engine.procedures.sandbox import fire_timer as fire_sandbox_timer
from engine.procedures.sandbox import show_run as show_sandbox_run
from engine.procedures.sandbox import start_run as start_sandbox_run
from engine.procedures.sandbox import suggested_start
from engine.procedures.sandbox_case import case_choices as sandbox_case_choices
from engine.procedures.sandbox_case import save_run_as_case
from engine.procedures.starter import create_procedure, starter_choices
from engine.procedures.table_save import save_kept_tables, save_tables, table_for_editor, typed_tables
from engine.procedures.version_words import version_words
from engine.procedures.versions import DURATION_UNITS, preview_form, save_as_draft, version_detail, workbench
from engine.procedures.versions import act as act_on_version
from engine.procedures.versions import discard as discard_version
from engine.procedures.versions import export as export_version

__all__ = [
    "DURATION_UNITS",
    "TestLimits",
    "act_on_version",
    "apply_procedure",
    "awaiting_process",
    "check_path",
    "complete_sandbox_step",
    "create_decision_table",
    "create_procedure",
    "decision_files",
    "decision_options",
    "design_agencies",
    "diff_versions",
    "discard_draft",
    "discard_superseded",
    "discard_version",
    "draft_bench",
    "draft_decision_files",
    "export_version",
    "fire_sandbox_timer",
    "form_files",
    "import_keeping",
    "import_national_catalogue",
    "import_package",
    "isolated_runner",
    "list_agencies",
    "list_drafts",
    "list_versions",
    "manifest_schema",
    "preview_form",
    "procedure_agencies",
    "procedure_catalogue",
    "procedure_detail",
    "procedure_details",
    "queue_counts",
    "report_for_designer",
    "review_queues",
    "run_tests_at",
    "sandbox_case_choices",
    "save_as_draft",
    "save_details",
    "save_kept_draft",
    "save_kept_tables",
    "save_run_as_case",
    "save_tables",
    "show_sandbox_run",
    "start_sandbox_run",
    "starter_choices",
    "stop_procedure",
    "suggested_start",
    "table_findings",
    "table_for_editor",
    "typed_tables",
    "version_detail",
    "version_essentials",
    "version_words",
    "workbench",
]
