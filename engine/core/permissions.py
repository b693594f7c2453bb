"""Who may do what: every role name and every "may this actor …" decision, in one place.

Each predicate is a small pure function over an `Actor` and plain facts (an agency id, an
owner id, a task's role and assignee), so the services, the entry points and the tests ask
one question one way; the services still raise their own errors with their own messages.

Roles are scoped to an agency (DOMAIN.md, "Accounts and access": officers get accounts from
their agency; roles are scoped to an agency). The people behind them are the actors of
DOMAIN.md, "Who uses it". This module sits in `engine.core`, not `engine.identity`, because
every capability decides access and core is the one package all of them may import.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Final

from engine.core.actors import Actor


class Kind(StrEnum):
    """The kinds of caller (`Actor.kind`)."""

    ANONYMOUS = "anonymous"  # the public, not signed in
    CITIZEN = "citizen"  # tổ chức, cá nhân with an account
    OFFICER = "officer"  # cán bộ: acts by the roles held in agencies
    ADMIN = "admin"  # quản trị hệ thống
    SYSTEM = "system"  # the platform itself (timers, the payment gateway, seeding)
    INTEGRATION = "integration"  # an API key: its agency and scopes


# The roles an officer holds in an agency (DOMAIN.md, "Who uses it").
DESK: Final = "mot_cua"  # cán bộ Bộ phận Một cửa: receives, refuses, hands back
SPECIALIST: Final = "chuyen_vien"  # chuyên viên: appraises, drafts, answers consultations
LEADER: Final = "lanh_dao"  # lãnh đạo: assigns work, approves, signs, reads reports
DESIGNER: Final = "designer"  # cán bộ cấu hình quy trình
REVIEWER: Final = "reviewer"  # thẩm định a procedure version (Tuyên Quang seed, art. 16)
APPROVER: Final = "approver"  # phê duyệt and publishes it (Tuyên Quang seed, art. 16)
AGENCY_ADMIN: Final = "admin"  # an agency's own administrator: configures its procedures
KEY_GRANT: Final = "integration"  # what an API key holds in its agency
# quản trị đơn vị: a delegated administrator of an agency and everything under it
# (its officers' accounts and roles, its sub-units), never above or beside it.
UNIT_ADMIN: Final = "quan_tri_don_vi"

DESIGNER_ROLES: Final = frozenset({DESIGNER, AGENCY_ADMIN})  # who imports a package
PROCESS_ROLES: Final = frozenset({DESIGNER, REVIEWER, APPROVER})  # who sees the versions


# --- What kind of caller -------------------------------------------------------------


def is_administrator(actor: Actor) -> bool:
    """A system administrator, or the platform itself: agencies, accounts, calendars,
    API keys, the audit log, failing timers, province-wide reports (DOMAIN.md)."""
    return actor.kind in (Kind.ADMIN, Kind.SYSTEM)


def is_admin_account(actor: Actor) -> bool:
    """A signed-in administrator's account (the platform itself excluded)."""
    return actor.kind == Kind.ADMIN


def is_system(actor: Actor) -> bool:
    """The platform itself, which imports and publishes seeded versions unreviewed."""
    return actor.kind == Kind.SYSTEM


def is_officer(actor: Actor) -> bool:
    """An officer, whatever the roles held (the inbox, agency feedback)."""
    return actor.kind == Kind.OFFICER


def is_staff(actor: Actor) -> bool:
    """An officer or an administrator: the admin pages, the second factor."""
    return actor.kind in (Kind.OFFICER, Kind.ADMIN)


def is_citizen(actor: Actor) -> bool:
    """A citizen signed in with an account (owns dossiers, drafts, feedback)."""
    return actor.kind == Kind.CITIZEN and actor.account_id is not None


def may_sign_in_with_eid(account_kind: str) -> bool:
    """Only citizens' accounts are reached through VNeID; officers keep their passwords."""
    return account_kind == Kind.CITIZEN


def is_anonymous(actor: Actor) -> bool:
    """The public, not signed in (rate-limited by address)."""
    return actor.kind == Kind.ANONYMOUS


def is_integration(actor: Actor) -> bool:
    """An API key acting for its agency, within its scopes."""
    return actor.kind == Kind.INTEGRATION


def is_identified(actor: Actor) -> bool:
    """Signed in with an account, or calling with an API key."""
    return actor.account_id is not None or is_integration(actor)


def uses_second_factor(actor: Actor) -> bool:
    """Two-step login is offered to officer and administrator accounts."""
    return is_staff(actor)


# --- Dossiers --------------------------------------------------------------------------


def owns(actor: Actor, owner_id: int | None) -> bool:
    """The actor's account submitted the dossier (or the run, the draft)."""
    return actor.account_id is not None and owner_id == actor.account_id


def may_open_draft(actor: Actor, owner_id: int | None) -> bool:
    """An anonymous draft opens by its key alone; a citizen's, only for that citizen."""
    return owner_id is None or owns(actor, owner_id)


def is_officer_of(actor: Actor, agency_id: int) -> bool:
    """An officer holding any role in the agency: it acts on the agency's dossiers
    (supplement and payment requests, extensions, result papers, feedback answers)."""
    return is_officer(actor) and agency_id in actor.agencies()


def may_read_dossier(actor: Actor, agency_id: int, owner_id: int | None) -> bool:
    """Its owner; officers (and administrators) holding a role in the competent agency;
    an API key of that agency given "dossiers:read" (personal data is used only for the
    dossier, all seeds)."""
    if owns(actor, owner_id):
        return True
    if is_integration(actor):
        return actor.may("dossiers:read") and agency_id in actor.agencies()
    return is_staff(actor) and agency_id in actor.agencies()


def is_desk_of(actor: Actor, agency_id: int) -> bool:
    """The agency's one-stop desk (Bộ phận Một cửa): enters paper dossiers, hands back."""
    return actor.has_role(agency_id, DESK)


def desk_agencies(actor: Actor) -> set[int]:
    """The agencies whose desk the actor staffs (any desk of a province receives for all
    of its agencies, Tuyên Quang seed, art. 22)."""
    return {agency for agency, role in actor.grants if role == DESK}


def may_receive_paper(actor: Actor, agency_id: int, province_id: int | None,
                      desk_provinces: Collection[int | None]) -> bool:
    """A paper dossier for the agency is received by its desk, or by any desk of its
    province (`desk_provinces`: those of the actor's desks; Tuyên Quang seed, art. 22)."""
    return is_desk_of(actor, agency_id) or (province_id is not None
                                            and province_id in desk_provinces)


def may_answer_supplement(actor: Actor, agency_id: int, owner_id: int | None) -> bool:
    """The applicant, or the desk on their behalf, answers a supplement request."""
    return owns(actor, owner_id) or is_desk_of(actor, agency_id)


# --- Tasks -----------------------------------------------------------------------------


def leads(actor: Actor, agency_id: int) -> bool:
    """A leader of the agency (lãnh đạo): assigns work, reads the agency's reports."""
    return actor.has_role(agency_id, LEADER)


def led_agencies(actor: Actor) -> set[int]:
    """The agencies the actor leads."""
    return {agency for agency, role in actor.grants if role == LEADER}


def may_work_task(actor: Actor, agency_id: int, role: str, assignee_id: int | None) -> bool:
    """Holders of the step's role in its agency, and the officer it is assigned to."""
    return actor.has_role(agency_id, role) or owns(actor, assignee_id)


def may_see_task(actor: Actor, agency_id: int, role: str, assignee_id: int | None) -> bool:
    """Who may work on the step, and the leaders of its agency (who assign it)."""
    return may_work_task(actor, agency_id, role, assignee_id) or leads(actor, agency_id)


def may_stop_processing(actor: Actor, agency_id: int) -> bool:
    """Stops processing a dossier (dừng xử lý, status 8), or confirms the stop a withdrawal
    asked for: a leader of the agency processing it (NĐ 118/2025 art. 21, TT 03/2025
    art. 7; Tuyên Quang seed, art. 23)."""
    return leads(actor, agency_id)


def may_release_task(actor: Actor, agency_id: int, assignee_id: int | None) -> bool:
    """A free task, or one's own, goes back to the shared inbox; a leader frees anyone's."""
    return assignee_id in (actor.account_id, None) or leads(actor, agency_id)


def may_hand_over(actor: Actor, agency_id: int) -> bool:
    """An administrator or a leader of the agency hands a leaving officer's work over
    (Đồng Tháp seed, art. 8 and 32)."""
    return is_administrator(actor) or leads(actor, agency_id)


def may_read_reports(actor: Actor, agency_id: int) -> bool:
    """An agency's reports: its leaders and administrators (province-wide: administrators
    only, `is_administrator`)."""
    return is_administrator(actor) or leads(actor, agency_id)


def may_read_tracking_book(actor: Actor, agency_id: int) -> bool:
    """The agency's tracking book (sổ theo dõi hồ sơ): anyone holding a grant in the agency
    (its officers, its API keys), and administrators."""
    return is_administrator(actor) or agency_id in actor.agencies()


# --- Procedure versions ----------------------------------------------------------------


def may_design(actor: Actor, agency_id: int) -> bool:
    """Imports a procedure package for the agency: its designers and agency administrators,
    system administrators and the platform itself."""
    return is_administrator(actor) or bool(actor.roles_in(agency_id) & DESIGNER_ROLES)


def has_process_role(actor: Actor, agency_id: int, role: str) -> bool:
    """Holds `role` (designer, reviewer, approver) in the agency, or administers the
    system (Tuyên Quang seed, art. 16: reviewed, then approved, before it goes live)."""
    return is_administrator(actor) or actor.has_role(agency_id, role)


def may_see_versions(actor: Actor, agency_id: int) -> bool:
    """The agency's designers, reviewers and approvers, and administrators."""
    return is_administrator(actor) or bool(actor.roles_in(agency_id) & PROCESS_ROLES)


def process_agencies(actor: Actor) -> set[int]:
    """The agencies where the actor designs, reviews or approves procedure versions."""
    return {agency for agency in actor.agencies() if actor.roles_in(agency) & PROCESS_ROLES}


def may_submit_version(actor: Actor, agency_id: int) -> bool:
    """Sends a draft to review: the agency's designers (and administrators)."""
    return has_process_role(actor, agency_id, DESIGNER)


def may_review_version(actor: Actor, agency_id: int, author_id: int | None) -> bool:
    """Accepts or sends back a version in review: a reviewer of the agency who did not
    write it (four eyes)."""
    return (has_process_role(actor, agency_id, REVIEWER)
            and not breaks_four_eyes(actor, author_id))


def may_approve_version(actor: Actor, agency_id: int, author_id: int | None,
                        reviewer_id: int | None) -> bool:
    """Approves, publishes or sends back a reviewed version: an approver of the agency who
    neither wrote nor reviewed it (four eyes)."""
    return (has_process_role(actor, agency_id, APPROVER)
            and not breaks_four_eyes(actor, author_id)
            and not breaks_four_eyes(actor, reviewer_id))


def queue_agencies(actor: Actor, role: str) -> set[int] | None:
    """Where the actor's review (`REVIEWER`) or approval (`APPROVER`) queue looks: None for
    every agency (administrators), else the agencies where the actor holds the role."""
    if is_administrator(actor):
        return None
    return {agency for agency in actor.agencies() if actor.has_role(agency, role)}


def may_see_step_times(actor: Actor, agency_id: int) -> bool:
    """Where a version loses time: who sees the versions, and the agency's leaders."""
    return may_see_versions(actor, agency_id) or leads(actor, agency_id)


def breaks_four_eyes(actor: Actor, earlier_id: int | None) -> bool:
    """Four eyes (Tuyên Quang seed, art. 16): who wrote a version (or reviewed it) may not
    also review, approve, publish or send it back; the platform itself, which publishes
    the seeded versions, excepted."""
    return not is_system(actor) and actor.account_id == earlier_id


def may_see_sandbox_run(actor: Actor, runner_id: int | None) -> bool:
    """A trial run is its runner's, and administrators'."""
    return runner_id == actor.account_id or is_admin_account(actor)


# --- Pages and menus -------------------------------------------------------------------


def may_open_desk(actor: Actor) -> bool:
    """The counter page (tiếp nhận hồ sơ giấy): officers staffing a one-stop desk."""
    return is_officer(actor) and bool(desk_agencies(actor))


def may_open_reports(actor: Actor) -> bool:
    """The report and dashboard pages: administrators and the leaders of an agency."""
    return is_admin_account(actor) or (is_officer(actor) and bool(led_agencies(actor)))


def may_open_tracking_books(actor: Actor) -> bool:
    """The page of the agencies' tracking books (sổ theo dõi hồ sơ, Mẫu 06): officers holding
    a role in an agency (its one-stop desk among them), who read their agencies' books, and
    administrators (every agency's, `may_read_tracking_book`)."""
    return is_admin_account(actor) or (is_officer(actor) and bool(actor.agencies()))


def may_open_versions(actor: Actor) -> bool:
    """The procedure configuration pages: administrators, and officers who design,
    review or approve versions in an agency."""
    return is_admin_account(actor) or (is_officer(actor) and bool(process_agencies(actor)))


def may_list_dossiers(actor: Actor) -> bool:
    """The list of an agency's dossiers (hồ sơ của cơ quan): its officers, and
    administrators (every agency). API keys read dossiers one by one, by code."""
    return is_officer(actor) or is_admin_account(actor)


def listed_agencies(actor: Actor) -> set[int] | None:
    """Whose dossiers the list shows: None for every agency (administrators), else the
    agencies the actor holds a grant in."""
    return None if is_administrator(actor) else set(actor.agencies())


# --- Agencies and accounts (delegated administration) ----------------------------------


def administered_agencies(actor: Actor) -> set[int]:
    """The agencies whose subtree the actor administers as quản trị đơn vị."""
    return {agency for agency, role in actor.grants if role == UNIT_ADMIN}


def may_administer_agency(actor: Actor, lineage: Collection[int]) -> bool:
    """Manages an agency whose `lineage` (the agency and every agency above it) is given:
    administrators everywhere, a quản trị đơn vị within the subtree of the agency it holds
    the role in (Tuyên Quang seed, art. 9; Tiền Giang 2025, art. 6)."""
    return is_administrator(actor) or (
        is_officer(actor) and bool(administered_agencies(actor) & set(lineage)))


def may_manage_account(actor: Actor, kind: str, lineages: Collection[Collection[int]]) -> bool:
    """Manages an account (roles, locks, transfer) of `kind` holding roles in agencies of
    these `lineages`: administrators any account; a quản trị đơn vị only an officer whose
    every role lies within its subtree (an officer without roles: administrators only)."""
    if is_administrator(actor):
        return True
    return kind == Kind.OFFICER and bool(lineages) and all(
        may_administer_agency(actor, lineage) for lineage in lineages)


def may_close_own_account(actor: Actor) -> bool:
    """Locks or closes their own account: citizens and organisations (Trà Vinh seed,
    art. 6.4); officers' accounts are their administrators' to manage."""
    return is_citizen(actor)


def holds_roles(kind: str) -> bool:
    """Only officers' accounts are given roles in agencies (citizens and administrators
    act by their kind)."""
    return kind == Kind.OFFICER


def may_open_agency_admin(actor: Actor) -> bool:
    """The agencies and accounts pages: administrators and quản trị đơn vị."""
    return is_admin_account(actor) or (is_officer(actor) and bool(administered_agencies(actor)))
