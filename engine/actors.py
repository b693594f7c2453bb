"""Who is acting: every service call receives an `Actor` and checks it itself."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """A caller: an account with its agency-scoped roles, or the anonymous public."""

    account_id: int | None
    kind: str
    name: str
    grants: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    id_number: str | None = None

    @property
    def is_officer(self) -> bool:
        """True for officers (any agency role)."""
        return self.kind == "officer"

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
