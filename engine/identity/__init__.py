"""Who may come in: accounts, passwords, sessions, the second factor, API keys,
rate limits.

The public face of `engine.identity`: entry points import from here only (import-linter
holds them to it); the modules behind it are free to change.
"""

from __future__ import annotations

from engine.identity.accounts import authenticate, lock_inactive_accounts, locked_accounts, unlock_account
from engine.identity.api_keys import SCOPE_LABELS as API_SCOPE_LABELS
from engine.identity.api_keys import SCOPES as API_SCOPES
from engine.identity.api_keys import authenticate_key
from engine.identity.api_keys import calls as api_key_calls
from engine.identity.api_keys import create_key as create_api_key
from engine.identity.api_keys import list_keys as list_api_keys
from engine.identity.api_keys import log_call as log_api_call
from engine.identity.api_keys import revoke_key as revoke_api_key
from engine.identity.organisations import ROLE_LABELS as ORGANISATION_ROLES
from engine.identity.organisations import (
    acting_for,
    add_member,
    my_organisations,
    organisation_detail,
    register_organisation,
    remove_member,
)
from engine.identity.passwords import POLICY as PASSWORD_POLICY
from engine.identity.passwords import change_password, is_invitation, reset_password
from engine.identity.passwords import check_reset as check_password_reset
from engine.identity.passwords import request_reset as request_password_reset
from engine.identity.ratelimit import forget_old_hits
from engine.identity.second_factor import begin_enrolment, confirm_enrolment
from engine.identity.second_factor import disable as disable_second_factor
from engine.identity.second_factor import status as second_factor_status
from engine.identity.self_service import close_own_account, lock_own_account
from engine.identity.sessions import EXPIRED as SESSION_EXPIRED
from engine.identity.sessions import (
    SessionPolicy,
    confirm_second_factor,
    end_expired_sessions,
    end_session,
    log_out_everywhere,
    open_sessions,
    resume_session,
    start_session,
)

__all__ = [
    "API_SCOPES",
    "API_SCOPE_LABELS",
    "ORGANISATION_ROLES",
    "PASSWORD_POLICY",
    "SESSION_EXPIRED",
    "SessionPolicy",
    "acting_for",
    "add_member",
    "api_key_calls",
    "authenticate",
    "authenticate_key",
    "begin_enrolment",
    "change_password",
    "check_password_reset",
    "close_own_account",
    "confirm_enrolment",
    "confirm_second_factor",
    "create_api_key",
    "disable_second_factor",
    "end_expired_sessions",
    "end_session",
    "forget_old_hits",
    "is_invitation",
    "list_api_keys",
    "lock_inactive_accounts",
    "lock_own_account",
    "locked_accounts",
    "log_api_call",
    "log_out_everywhere",
    "my_organisations",
    "open_sessions",
    "organisation_detail",
    "register_organisation",
    "remove_member",
    "request_password_reset",
    "reset_password",
    "resume_session",
    "revoke_api_key",
    "second_factor_status",
    "start_session",
    "unlock_account",
]
