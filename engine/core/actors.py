"""Who is acting: every service call receives an `Actor` and checks it itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.core.errors import Forbidden


@dataclass(frozen=True)
class Actor:
    """A caller: an account with its agency-scoped roles, an API key's integration (its
    agency and scopes), or the anonymous public."""

    account_id: int | None
    kind: str
    name: str
    grants: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    id_number: str | None = None
    # An API key's scopes ("dossiers:read", …); None for people, who act by their roles.
    scopes: frozenset[str] | None = None

    def may(self, scope: str) -> bool:
        """False only for an API key that was not given `scope` (people act by roles)."""
        return self.scopes is None or scope in self.scopes

    def require(self, scope: str) -> None:
        """Refuse (`Forbidden`) an API key that was not given `scope`: every service that
        reads or changes data for a key checks it here, whichever route called it."""
        if not self.may(scope):
            raise Forbidden("Khóa API không có quyền gọi chức năng này.", details=scope)

    def has_role(self, agency_id: int, role: str) -> bool:
        """True when the actor holds `role` in that agency."""
        return (agency_id, role) in self.grants

    def roles_in(self, agency_id: int) -> set[str]:
        """The actor's roles in one agency."""
        return {role for agency, role in self.grants if agency == agency_id}

    def agencies(self) -> set[int]:
        """Agencies where the actor holds any role."""
        return {agency for agency, _ in self.grants}


ANONYMOUS = Actor(account_id=None, kind="anonymous", name="Khách")
SYSTEM = Actor(account_id=None, kind="system", name="Hệ thống")
