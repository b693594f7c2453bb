"""A dossier from submission to its result: submit, advance, tasks, actions, the
legal clock's moves, timers, the inbox, handover.

The public face of `engine.dossiers`: entry points import from here only (import-linter
holds them to it); the modules behind it are free to change.
"""

from __future__ import annotations

from engine.dossiers.actions import STOPPABLE, consult, refuse, send_back, stop_processing
from engine.dossiers.appraisal import PREVIEWABLE, STEP_DOCUMENT, is_step_document
from engine.dossiers.appraisal import history as history_in_words
from engine.dossiers.deadlines import (
    SupplementRequest,
    deadline_history,
    extend,
    latest_extension,
    request_supplement,
    set_calendar_day,
    set_working_hours,
)
from engine.dossiers.deadlines import supplement as submit_supplement
from engine.dossiers.empty_inbox import EmptyInbox, empty_inbox
from engine.dossiers.empty_inbox import narrowed as inbox_narrowed
from engine.dossiers.fees import FeeNotCollected
from engine.dossiers.handover import hand_over
from engine.dossiers.inbox import ASSIGNED, URGENCIES, InboxFilter
from engine.dossiers.inbox import VIEWS as INBOX_VIEWS
from engine.dossiers.inbox import inbox as officer_inbox
from engine.dossiers.postal import (
    ADDRESS_FIELDS,
    postal_choices,
    postal_orders,
    record_postal_status,
    request_postal_order,
)
from engine.dossiers.postal import FINAL as POSTAL_FINAL
from engine.dossiers.postal_choice import AT_DESK as RESULT_AT_DESK
from engine.dossiers.postal_choice import BY_POST_WORDS as RESULT_BY_POST
from engine.dossiers.postal_choice import ResultDelivery, result_delivery
from engine.dossiers.reception_check import reception_preview
from engine.dossiers.search import SCOPES as DOSSIER_SCOPES
from engine.dossiers.search import (
    TIMELINESS,
    DossierQuery,
    dossier_file,
    search_choices,
    search_dossiers,
)
from engine.dossiers.search import VIEWS as DOSSIER_VIEWS
from engine.dossiers.step_preview import step_preview
from engine.dossiers.submit import (
    SubmissionLimits,
    create_dossier,
    find_visible,
    get_dossier,
    submit_dossier,
    track,
    track_by_code,
)
from engine.dossiers.tasks import (
    assign_tasks,
    claim_task,
    complete_stage,
    complete_task,
    get_task,
    release_task,
)
from engine.dossiers.timers import MAX_ATTEMPTS as TIMER_MAX_ATTEMPTS
from engine.dossiers.timers import due_timers, failing_timers, retry_timer
from engine.dossiers.timers import fire as fire_timer
from engine.dossiers.timers import fire_due as fire_due_timers
from engine.dossiers.timers import next_due as next_timer_due
from engine.dossiers.timers import warm_due as warm_due_timers

__all__ = [
    "ADDRESS_FIELDS",
    "ASSIGNED",
    "DOSSIER_SCOPES",
    "DOSSIER_VIEWS",
    "INBOX_VIEWS",
    "POSTAL_FINAL",
    "PREVIEWABLE",
    "RESULT_AT_DESK",
    "RESULT_BY_POST",
    "STEP_DOCUMENT",
    "STOPPABLE",
    "TIMELINESS",
    "TIMER_MAX_ATTEMPTS",
    "URGENCIES",
    "DossierQuery",
    "EmptyInbox",
    "FeeNotCollected",
    "InboxFilter",
    "ResultDelivery",
    "SubmissionLimits",
    "SupplementRequest",
    "assign_tasks",
    "claim_task",
    "complete_stage",
    "complete_task",
    "consult",
    "create_dossier",
    "deadline_history",
    "dossier_file",
    "due_timers",
    "empty_inbox",
    "extend",
    "failing_timers",
    "find_visible",
    "fire_due_timers",
    "fire_timer",
    "get_dossier",
    "get_task",
    "hand_over",
    "history_in_words",
    "inbox_narrowed",
    "is_step_document",
    "latest_extension",
    "next_timer_due",
    "officer_inbox",
    "postal_choices",
    "postal_orders",
    "reception_preview",
    "record_postal_status",
    "refuse",
    "release_task",
    "request_postal_order",
    "request_supplement",
    "result_delivery",
    "retry_timer",
    "search_choices",
    "search_dossiers",
    "send_back",
    "set_calendar_day",
    "set_working_hours",
    "step_preview",
    "stop_processing",
    "submit_dossier",
    "submit_supplement",
    "track",
    "track_by_code",
    "warm_due_timers",
]
