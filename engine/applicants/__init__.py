"""What citizens (and the desk on their behalf) do: their area, drafts, papers, the
data store, payments, feedback.

The public face of `engine.applicants`: entry points import from here only (import-linter
holds them to it); the modules behind it are free to change.
"""

from __future__ import annotations

from engine.applicants.attachments import READ_LIMIT as ATTACHMENT_READ_LIMIT
from engine.applicants.attachments import (
    RESULT_PAPER,
    attach,
    attach_step_document,
    list_attachments,
    paper_slots,
)
from engine.applicants.attachments import download as download_attachment
from engine.applicants.back_entry import back_enter_paper_dossier
from engine.applicants.cash_desk import record_cash_payment
from engine.applicants.citizens import (
    DEFAULT_RATING_LABELS,
    REGISTRATION_SCHEMA,
    REGISTRATION_UI,
    my_dossier,
    my_dossiers,
    rate,
    register,
    supplement_page,
    withdraw,
)
from engine.applicants.citizens import notices as my_notices
from engine.applicants.citizens import unread_count as unread_notices
from engine.applicants.claims import CODE_LIFETIME as CLAIM_CODE_LIFETIME
from engine.applicants.claims import claimable, confirm_claim, send_claim_code
from engine.applicants.datastore import download as download_stored_paper
from engine.applicants.datastore import stored_papers
from engine.applicants.desk import Contact as DeskContact
from engine.applicants.desk import desk_catalogue, receive_paper_dossier
from engine.applicants.desk_scans import Scan as PaperScan
from engine.applicants.desk_scans import held_papers, hold_scans
from engine.applicants.desk_supplement import (
    UNCHANGED_FIELD,
    UNCHANGED_WORDS,
    desk_supplement_page,
    receive_supplement_at_desk,
)
from engine.applicants.draft_list import drafts_to_resume, stale_draft
from engine.applicants.drafts import (
    Upload,
    delete_draft,
    forget_stale_drafts,
    my_drafts,
    open_draft,
    prefill,
    save_draft,
    submit_draft,
)
from engine.applicants.drafts import papers as draft_papers
from engine.applicants.drafts import problems as draft_problems
from engine.applicants.eid import citizen_login as vneid_login
from engine.applicants.feedback import answer as answer_feedback
from engine.applicants.feedback import for_agency as feedback_for_agency
from engine.applicants.feedback import mine as my_feedback
from engine.applicants.feedback import public as public_feedback
from engine.applicants.feedback import send as send_feedback
from engine.applicants.fees import (
    exempt_fee,
    exemption_of,
    fee_standing,
    method_words,
    withdrawn_requests_of,
)
from engine.applicants.payments import (
    NullPaymentGateway,
    PaymentGateway,
    cancel_payment_request,
    confirm_settled,
    pending_checkout,
    refused_by_gateway,
    request_payment,
    start_checkout,
)
from engine.applicants.payments import confirm as confirm_payment
from engine.applicants.payments import fee_of_code as dossier_fee
from engine.applicants.payments import payments_of as dossier_payments
from engine.applicants.refunds import (
    METHODS as REFUND_METHODS,
)
from engine.applicants.refunds import (
    agency_refunds_due,
    dossier_refunds,
    record_refund,
)
from engine.applicants.settlement import SettlementRow, reconcile_settlement
from engine.applicants.supplement import NOT_KEPT as SUPPLEMENT_FILE_NOT_KEPT
from engine.applicants.supplement import send_supplement
from engine.dossiers.payment_request import CHECKOUT_MINUTES

__all__ = [
    "ATTACHMENT_READ_LIMIT",
    "CHECKOUT_MINUTES",
    "CLAIM_CODE_LIFETIME",
    "DEFAULT_RATING_LABELS",
    "REFUND_METHODS",
    "REGISTRATION_SCHEMA",
    "REGISTRATION_UI",
    "RESULT_PAPER",
    "SUPPLEMENT_FILE_NOT_KEPT",
    "UNCHANGED_FIELD",
    "UNCHANGED_WORDS",
    "DeskContact",
    "NullPaymentGateway",
    "PaperScan",
    "PaymentGateway",
    "SettlementRow",
    "Upload",
    "agency_refunds_due",
    "answer_feedback",
    "attach",
    "attach_step_document",
    "back_enter_paper_dossier",
    "cancel_payment_request",
    "claimable",
    "confirm_claim",
    "confirm_payment",
    "confirm_settled",
    "delete_draft",
    "desk_catalogue",
    "desk_supplement_page",
    "dossier_fee",
    "dossier_payments",
    "dossier_refunds",
    "download_attachment",
    "download_stored_paper",
    "draft_papers",
    "draft_problems",
    "drafts_to_resume",
    "exempt_fee",
    "exemption_of",
    "fee_standing",
    "feedback_for_agency",
    "forget_stale_drafts",
    "held_papers",
    "hold_scans",
    "list_attachments",
    "method_words",
    "my_dossier",
    "my_dossiers",
    "my_drafts",
    "my_feedback",
    "my_notices",
    "open_draft",
    "paper_slots",
    "pending_checkout",
    "prefill",
    "public_feedback",
    "rate",
    "receive_paper_dossier",
    "receive_supplement_at_desk",
    "reconcile_settlement",
    "record_cash_payment",
    "record_refund",
    "refused_by_gateway",
    "register",
    "request_payment",
    "save_draft",
    "send_claim_code",
    "send_feedback",
    "send_supplement",
    "stale_draft",
    "start_checkout",
    "stored_papers",
    "submit_draft",
    "supplement_page",
    "unread_notices",
    "vneid_login",
    "withdraw",
    "withdrawn_requests_of",
]
