"""Every "may this actor …" decision of engine/core/permissions.py, table-driven over the
people of DOMAIN.md ("Who uses it"), no database; and the guards that keep those decisions,
the role names and the status codes in one place."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.core import permissions as p
from engine.core.actors import ANONYMOUS, SYSTEM, Actor

ROOT = Path(__file__).resolve().parents[2]
A, B = 1, 2  # the agency concerned, and another one

ACTORS: dict[str, Actor] = {
    "admin": Actor(account_id=1, kind="admin", name="Quản trị"),
    "system": SYSTEM,
    "anonymous": ANONYMOUS,
    "citizen": Actor(account_id=10, kind="citizen", name="Chủ hồ sơ"),
    "other_citizen": Actor(account_id=11, kind="citizen", name="Công dân khác"),
    "desk": Actor(account_id=20, kind="officer", name="Một cửa", grants=frozenset({(A, p.DESK)})),
    "specialist": Actor(account_id=21, kind="officer", name="Chuyên viên",
                        grants=frozenset({(A, p.SPECIALIST)})),
    "leader": Actor(account_id=22, kind="officer", name="Lãnh đạo",
                    grants=frozenset({(A, p.LEADER)})),
    "other_agency": Actor(account_id=23, kind="officer", name="Cán bộ nơi khác",
                          grants=frozenset({(B, p.SPECIALIST), (B, p.LEADER), (B, p.DESK)})),
    "designer": Actor(account_id=24, kind="officer", name="Thiết kế",
                      grants=frozenset({(A, p.DESIGNER)})),
    "reviewer": Actor(account_id=25, kind="officer", name="Xem xét",
                      grants=frozenset({(A, p.REVIEWER)})),
    "approver": Actor(account_id=26, kind="officer", name="Phê duyệt",
                      grants=frozenset({(A, p.APPROVER)})),
    "agency_admin": Actor(account_id=27, kind="officer", name="Quản trị cơ quan",
                          grants=frozenset({(A, p.AGENCY_ADMIN)})),
    "unit_admin": Actor(account_id=28, kind="officer", name="Quản trị đơn vị",
                        grants=frozenset({(A, p.UNIT_ADMIN)})),
    "key_read": Actor(account_id=None, kind="integration", name="Khóa đọc",
                      grants=frozenset({(A, p.KEY_GRANT)}),
                      scopes=frozenset({"dossiers:read"})),
    "key_submit": Actor(account_id=None, kind="integration", name="Khóa nộp",
                        grants=frozenset({(A, p.KEY_GRANT)}),
                        scopes=frozenset({"dossiers:submit"})),
}
CITIZEN_ID = 10  # the owner of the dossier, draft or run in the tables below
SPECIALIST_ID = 21


def _who(predicate: Callable[..., bool], *args: Any) -> set[str]:
    """The actors for whom `predicate(actor, *args)` holds."""
    return {name for name, actor in ACTORS.items() if predicate(actor, *args)}


STAFF = {"admin", "desk", "specialist", "leader", "other_agency", "designer", "reviewer",
         "approver", "agency_admin", "unit_admin"}
OFFICERS_OF_A = {"desk", "specialist", "leader", "designer", "reviewer", "approver",
                 "agency_admin", "unit_admin"}
C = 3  # a sub-unit of A (its lineage: C, A)

# predicate, its facts, who it lets through
TABLE: list[tuple[Callable[..., bool], tuple[Any, ...], set[str]]] = [
    (p.is_administrator, (), {"admin", "system"}),
    (p.is_admin_account, (), {"admin"}),
    (p.is_system, (), {"system"}),
    (p.is_officer, (), STAFF - {"admin"}),
    (p.is_staff, (), STAFF),
    (p.is_citizen, (), {"citizen", "other_citizen"}),
    (p.is_anonymous, (), {"anonymous"}),
    (p.is_integration, (), {"key_read", "key_submit"}),
    (p.is_identified, (), STAFF | {"citizen", "other_citizen", "key_read", "key_submit"}),
    (p.uses_second_factor, (), STAFF),
    (p.owns, (CITIZEN_ID,), {"citizen"}),
    (p.owns, (None,), set()),
    (p.may_open_draft, (CITIZEN_ID,), {"citizen"}),
    (p.may_open_draft, (None,), set(ACTORS)),
    (p.is_officer_of, (A,), OFFICERS_OF_A),
    (p.is_officer_of, (B,), {"other_agency"}),
    (p.may_read_dossier, (A, CITIZEN_ID), {"citizen", "key_read"} | OFFICERS_OF_A),
    (p.may_read_dossier, (A, None), {"key_read"} | OFFICERS_OF_A),
    (p.may_read_dossier, (B, CITIZEN_ID), {"citizen", "other_agency"}),
    (p.is_desk_of, (A,), {"desk"}),
    (p.may_answer_supplement, (A, CITIZEN_ID), {"citizen", "desk"}),
    (p.may_answer_supplement, (B, CITIZEN_ID), {"citizen", "other_agency"}),
    (p.may_receive_paper, (A, 7, {7}), set(ACTORS)),
    (p.may_receive_paper, (A, 7, {8}), {"desk"}),
    (p.may_receive_paper, (A, None, {None}), {"desk"}),
    (p.leads, (A,), {"leader"}),
    (p.leads, (B,), {"other_agency"}),
    (p.may_work_task, (A, p.SPECIALIST, None), {"specialist"}),
    (p.may_work_task, (A, p.SPECIALIST, CITIZEN_ID), {"specialist", "citizen"}),
    (p.may_work_task, (A, p.DESK, SPECIALIST_ID), {"desk", "specialist"}),
    (p.may_see_task, (A, p.SPECIALIST, None), {"specialist", "leader"}),
    (p.may_see_task, (B, p.SPECIALIST, SPECIALIST_ID), {"specialist", "other_agency"}),
    (p.may_stop_processing, (A,), {"leader"}),
    (p.may_stop_processing, (B,), {"other_agency"}),
    (p.may_release_task, (A, SPECIALIST_ID), {"specialist", "leader"}),
    (p.may_release_task, (A, None), set(ACTORS)),
    (p.may_hand_over, (A,), {"admin", "system", "leader"}),
    (p.may_read_reports, (A,), {"admin", "system", "leader"}),
    (p.may_read_reports, (B,), {"admin", "system", "other_agency"}),
    (p.may_read_tracking_book, (A,), {"admin", "system", "key_read", "key_submit"}
     | OFFICERS_OF_A),
    (p.may_read_tracking_book, (B,), {"admin", "system", "other_agency"}),
    (p.may_design, (A,), {"admin", "system", "designer", "agency_admin"}),
    (p.may_design, (B,), {"admin", "system"}),
    (p.has_process_role, (A, p.REVIEWER), {"admin", "system", "reviewer"}),
    (p.has_process_role, (A, p.APPROVER), {"admin", "system", "approver"}),
    (p.has_process_role, (B, p.DESIGNER), {"admin", "system"}),
    (p.may_see_versions, (A,), {"admin", "system", "designer", "reviewer", "approver"}),
    (p.may_submit_version, (A,), {"admin", "system", "designer"}),
    (p.may_review_version, (A, 24), {"admin", "system", "reviewer"}),
    (p.may_review_version, (A, 25), {"admin", "system"}),  # the reviewer wrote it
    (p.may_approve_version, (A, 24, 25), {"admin", "system", "approver"}),
    (p.may_approve_version, (A, 26, 25), {"admin", "system"}),  # the approver wrote it
    (p.may_approve_version, (A, 24, 26), {"admin", "system"}),  # the approver reviewed it
    (p.may_see_step_times, (A,), {"admin", "system", "designer", "reviewer", "approver",
                                  "leader"}),
    (p.may_see_step_times, (B,), {"admin", "system", "other_agency"}),
    (p.breaks_four_eyes, (24,), {"designer"}),
    (p.breaks_four_eyes, (None,), {"anonymous", "key_read", "key_submit"}),
    (p.may_see_sandbox_run, (24,), {"designer", "admin"}),
    (p.may_open_desk, (), {"desk", "other_agency"}),
    (p.may_open_reports, (), {"admin", "leader", "other_agency"}),
    (p.may_open_tracking_books, (), {"admin", "desk", "specialist", "leader", "other_agency",
                                     "designer", "reviewer", "approver", "agency_admin",
                                     "unit_admin"}),
    (p.may_open_versions, (), {"admin", "designer", "reviewer", "approver"}),
    (p.may_list_dossiers, (), STAFF),
    (p.may_administer_agency, ((A,),), {"admin", "system", "unit_admin"}),
    (p.may_administer_agency, ((C, A),), {"admin", "system", "unit_admin"}),
    (p.may_administer_agency, ((B,),), {"admin", "system"}),
    (p.may_administer_agency, ((),), {"admin", "system"}),
    (p.may_manage_account, ("officer", [(C, A)]), {"admin", "system", "unit_admin"}),
    (p.may_manage_account, ("officer", [(C, A), (B,)]), {"admin", "system"}),
    (p.may_manage_account, ("officer", []), {"admin", "system"}),
    (p.may_manage_account, ("admin", [(A,)]), {"admin", "system"}),
    (p.may_manage_account, ("citizen", [(A,)]), {"admin", "system"}),
    (p.may_open_agency_admin, (), {"admin", "unit_admin"}),
    (p.may_close_own_account, (), {"citizen", "other_citizen"}),
]
KIND_TABLE = [
    (p.holds_roles, "officer", True), (p.holds_roles, "admin", False),
    (p.holds_roles, "citizen", False),
    (p.may_sign_in_with_eid, "citizen", True), (p.may_sign_in_with_eid, "officer", False),
    (p.may_sign_in_with_eid, "admin", False),
]


@pytest.mark.parametrize(("predicate", "facts", "allowed"), TABLE,
                         ids=[f"{t[0].__name__}{t[1]}" for t in TABLE])
def test_who_passes_each_predicate(predicate: Callable[..., bool], facts: tuple[Any, ...],
                                   allowed: set[str]) -> None:
    assert _who(predicate, *facts) == allowed


@pytest.mark.parametrize(("predicate", "kind", "expected"), KIND_TABLE)
def test_the_account_kind_predicates(predicate: Callable[[str], bool], kind: str,
                                     expected: bool) -> None:
    assert predicate(kind) is expected


def test_an_api_key_reads_only_with_its_scope_and_only_its_agency() -> None:
    key = ACTORS["key_read"]
    assert p.may_read_dossier(key, A, None) and not p.may_read_dossier(key, B, None)
    assert not p.may_read_dossier(ACTORS["key_submit"], A, None)


def test_the_agency_sets() -> None:
    assert p.desk_agencies(ACTORS["desk"]) == {A}
    assert p.desk_agencies(ACTORS["other_agency"]) == {B}
    assert p.led_agencies(ACTORS["leader"]) == {A} and p.led_agencies(ACTORS["desk"]) == set()
    assert p.process_agencies(ACTORS["reviewer"]) == {A}
    assert p.process_agencies(ACTORS["agency_admin"]) == set()  # designs, sees no versions
    assert p.administered_agencies(ACTORS["unit_admin"]) == {A}
    assert p.administered_agencies(ACTORS["agency_admin"]) == set()
    assert {p.DESIGNER, p.AGENCY_ADMIN} == p.DESIGNER_ROLES
    assert {p.DESIGNER, p.REVIEWER, p.APPROVER} == p.PROCESS_ROLES


def test_the_dossier_list_shows_every_agency_to_administrators_only() -> None:
    assert p.listed_agencies(ACTORS["admin"]) is None
    assert p.listed_agencies(ACTORS["specialist"]) == {A}
    assert p.listed_agencies(ACTORS["other_agency"]) == {B}
    assert p.listed_agencies(ACTORS["key_read"]) == {A}
    assert p.listed_agencies(ACTORS["citizen"]) == set()


def test_a_review_queue_looks_where_its_role_is_held() -> None:
    assert p.queue_agencies(ACTORS["reviewer"], p.REVIEWER) == {A}
    assert p.queue_agencies(ACTORS["approver"], p.APPROVER) == {A}
    assert p.queue_agencies(ACTORS["approver"], p.REVIEWER) == set()
    assert p.queue_agencies(ACTORS["designer"], p.APPROVER) == set()
    assert p.queue_agencies(ACTORS["admin"], p.REVIEWER) is None  # every agency


def test_every_predicate_is_in_the_table() -> None:
    sets = {"desk_agencies", "led_agencies", "process_agencies", "listed_agencies",
            "queue_agencies", "administered_agencies"}
    tested = {t[0].__name__ for t in TABLE} | {t[0].__name__ for t in KIND_TABLE} | sets
    public = {name for name, value in vars(p).items()
              if callable(value) and not isinstance(value, type) and not name.startswith("_")
              and getattr(value, "__module__", "") == p.__name__}
    assert public - tested == set()


# --- Guards ----------------------------------------------------------------------------

ROLE_LITERALS = {"mot_cua", "chuyen_vien", "lanh_dao", "designer", "reviewer", "approver"}
ACTOR_KINDS = {k.value for k in p.Kind}
ROLE_FREE = {"engine/core/permissions.py", "engine/seed.py"}
KIND_FREE = {"engine/core/permissions.py", "engine/seed.py"}
STATUS_IN_TEMPLATE = re.compile(
    r"status\w*\s*(==|!=|<=|>=|<|>|\bin\b|\bnot in\b)\s*[\(\[]?\s*\d")


def _python(*folders: str) -> list[tuple[str, str]]:
    return [(str(f.relative_to(ROOT)), f.read_text(encoding="utf-8"))
            for folder in folders for f in sorted((ROOT / folder).rglob("*.py"))
            if "migrations" not in f.parts]


def _dict_keys(tree: ast.AST) -> set[int]:
    return {id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys
            if k is not None}


def role_literals(source: str) -> list[int]:
    """Lines with a role name written as a string (a dict key, a JSON field, excepted)."""
    tree = ast.parse(source)
    keys = _dict_keys(tree)
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and n.value in ROLE_LITERALS and id(n) not in keys]


def _is_kind(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "kind"


def _kind_values(node: ast.AST) -> bool:
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return any(isinstance(i, ast.Constant) and i.value in ACTOR_KINDS for i in items) or any(
        isinstance(i, ast.Attribute) and isinstance(i.value, ast.Name) and i.value.id == "Kind"
        for i in items)


def kind_comparisons(source: str) -> list[int]:
    """Lines comparing an actor's `.kind` (`actor.kind`, `self.kind`, or any `.kind` with an
    actor kind) instead of asking engine.core.permissions."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        kinds = [s for s in sides if _is_kind(s)]
        if any(isinstance(k, ast.Attribute) and isinstance(k.value, ast.Name)
               and k.value.id in ("actor", "self") for k in kinds) or (
                kinds and any(_kind_values(s) for s in sides if not _is_kind(s))):
            found.append(node.lineno)
    return found


def _is_status(node: ast.AST) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        name = str(node.slice.value)
    return re.fullmatch(r"(\w+_)?status(_before_\w+)?", str(name)) is not None


def _ints(node: ast.AST) -> bool:
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return any(isinstance(i, ast.Constant) and type(i.value) is int for i in items)


def _bare_status(node: ast.AST) -> bool:
    if isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        return any(_is_status(s) for s in sides) and any(_ints(s) for s in sides)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return (node.func.attr in ("in_", "not_in") and _is_status(node.func.value)
                and any(_ints(a) for a in node.args))
    if isinstance(node, ast.BoolOp):
        return _is_status(node.values[0]) and any(_ints(v) for v in node.values[1:])
    return False


def status_codes(source: str) -> list[int]:
    """Lines comparing a status with a bare number (or a tuple of them), in Python or in
    SQL (`.in_((9, 10))`), or falling back to one (`status … or 1`)."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.expr) and _bare_status(node)]


def test_no_role_name_outside_permissions() -> None:
    offenders = [f"{path}:{line}" for path, text in _python("engine", "webapp", "admin", "worker")
                 if path not in ROLE_FREE for line in role_literals(text)]
    assert offenders == []


def test_no_actor_kind_comparison_outside_permissions() -> None:
    offenders = [f"{path}:{line}" for path, text in _python("engine", "webapp", "admin", "worker")
                 if path not in KIND_FREE for line in kind_comparisons(text)]
    assert offenders == []


def test_no_bare_status_code_in_the_engine() -> None:
    offenders = [f"{path}:{line}" for path, text in _python("engine")
                 for line in status_codes(text)]
    assert offenders == []


def test_no_bare_status_code_in_the_templates() -> None:
    templates = [t for folder in ("webapp", "admin") for t in (ROOT / folder).rglob("*.html")]
    offenders = [f"{t.relative_to(ROOT)}:{n}" for t in templates
                 for n, line in enumerate(t.read_text(encoding="utf-8").splitlines(), 1)
                 if STATUS_IN_TEMPLATE.search(line)]
    assert offenders == []


PLANTED_ROLES = '''
if actor.has_role(agency_id, "lanh_dao"):
    pass
view = {"reviewer": who}
'''
PLANTED_KINDS = '''
if actor.kind not in ("admin", "system"):
    pass
if self.kind == "officer":
    pass
if someone.kind == Kind.CITIZEN:
    pass
if event.kind == "received" or timer.kind == "overdue":
    pass
'''
PLANTED_STATUSES = '''
if dossier.status in (9, 10):
    pass
if view["status"] != 5:
    pass
query.where(Dossier.status.not_in((3, 7)))
dossier.status = dossier.status_before_supplement or 1
if task.dossier_status == Status.DONE or response.status_code == 200:
    pass
'''


def test_the_guards_catch_planted_offenders() -> None:
    assert role_literals(PLANTED_ROLES) == [2]  # the dict key (a JSON field) passes
    assert sorted(kind_comparisons(PLANTED_KINDS)) == [2, 4, 6]  # events and timers pass
    assert sorted(status_codes(PLANTED_STATUSES)) == [2, 4, 6, 7]  # Status and HTTP pass
    assert STATUS_IN_TEMPLATE.search("{% if task.dossier_status in (2, 4) %}")
    assert STATUS_IN_TEMPLATE.search("{% elif dossier.status == 9 %}")
    assert not STATUS_IN_TEMPLATE.search("{% if dossier.status == Status.SUPPLEMENT %}")
    assert not STATUS_IN_TEMPLATE.search('<p class="flash" role="status">')
