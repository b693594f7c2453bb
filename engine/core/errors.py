"""Errors services raise; entry points translate them to HTTP statuses or CLI messages."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base: a refusal with a stable code and a Vietnamese message."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Invalid(ServiceError):
    """The request itself is wrong."""


class FormInvalid(ServiceError):
    """Form data failed its schema; `details` lists {field, message}."""

    status = 422
    code = "form_invalid"


class NotFound(ServiceError):
    """No such object, or not visible to this actor."""

    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    """The actor may see the object but not do this to it."""

    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    """Someone else changed the object first (or it is no longer in that state)."""

    status = 409
    code = "conflict"


class DraftSubmitted(Conflict):
    """The draft became a dossier already (its applicant came back to it, e.g. with the
    browser's Back button after «Nộp hồ sơ»): the web pages lead on to that dossier."""

    def __init__(self, dossier_code: str) -> None:
        super().__init__(f"Bản nháp này đã được nộp thành hồ sơ {dossier_code}.")
        self.dossier_code = dossier_code


class Unauthenticated(ServiceError):
    """No valid credentials: key, session or login."""

    status = 401
    code = "unauthenticated"


class SecondFactorRequired(Unauthenticated):
    """The password was right; the account also needs its TOTP code."""

    code = "second_factor_required"

    def __init__(self, message: str, account_id: int) -> None:
        super().__init__(message)
        self.account_id = account_id


class RateLimited(ServiceError):
    """Too many requests (from this key, or this client); `retry_after` seconds until the
    next one is allowed."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int, key_id: int | None = None) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after
        self.key_id = key_id
