"""The advance's prebuilt statements (building a statement costs more than running it).

Each is built once at import; `engine.dossiers.advance` runs them with bound values, all
through the DB-API (`engine.core.prepared`).
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, insert, or_, select, update

from engine.core.models import Agency, DeadlineChange
from engine.core.prepared import Prepared
from engine.dossiers.rows import DOSSIERS, EVENTS, TASKS, TIMERS

FINISH_TASK = Prepared(update(TASKS).where(
    TASKS.c.id == bindparam("b_id"), TASKS.c.state == "open",
    or_(TASKS.c.assignee_id.is_(None), TASKS.c.assignee_id == bindparam("b_actor")),
))
INSERT_TASK = Prepared(insert(TASKS).returning(TASKS.c.id))
SAVE_DOSSIER = Prepared(update(DOSSIERS).where(
    DOSSIERS.c.id == bindparam("b_id"), DOSSIERS.c.row_version == bindparam("b_seen")
))
INSERT_DEADLINE_CHANGE = Prepared(insert(cast(Table, DeadlineChange.__table__)))
INSERT_TIMER = Prepared(insert(TIMERS))
AGENCY_BY_CODE = Prepared(select(Agency.id).where(Agency.code == bindparam("b_code")))
CANCEL_TASK_TIMERS = Prepared(update(TIMERS).where(
    TIMERS.c.task_id == bindparam("b_task"), TIMERS.c.state == "pending"
).values(state="cancelled"))
CANCEL_DOSSIER_TIMERS = Prepared(update(TIMERS).where(
    TIMERS.c.dossier_id == bindparam("b_dossier"), TIMERS.c.state == "pending"
).values(state="cancelled"))
CANCEL_OPEN_TASKS = Prepared(update(TASKS).where(
    TASKS.c.dossier_id == bindparam("b_dossier"),
    or_(TASKS.c.state == "open", TASKS.c.state == "suspended"),  # no IN: prepared
).values(state="cancelled"))
# The steps and timers that left, one row of values each (an executemany, not an IN list).
CANCEL_TIMERS_OF_TASK = Prepared(update(TIMERS).where(
    TIMERS.c.task_id.in_(  # a subquery, not a list: prepared
        select(TASKS.c.id).where(TASKS.c.dossier_id == bindparam("b_dossier"),
                                 TASKS.c.spiff_id == bindparam("b_gone"))),
    TIMERS.c.state == "pending",
).values(state="cancelled"))
CANCEL_TASK = Prepared(update(TASKS).where(
    TASKS.c.dossier_id == bindparam("b_dossier"),
    TASKS.c.spiff_id == bindparam("b_gone"),
    or_(TASKS.c.state == "open", TASKS.c.state == "suspended"),
).values(state="cancelled"))
CANCEL_BPMN_TIMER = Prepared(update(TIMERS).where(
    TIMERS.c.dossier_id == bindparam("b_dossier"),
    TIMERS.c.spiff_id == bindparam("b_gone"),
    TIMERS.c.state == "pending",
).values(state="cancelled"))
ROW_VERSION = Prepared(select(DOSSIERS.c.row_version).where(DOSSIERS.c.id == bindparam("b_id")))
REFUSED_BEFORE = Prepared(select(EVENTS.c.id).where(
    EVENTS.c.dossier_id == bindparam("b_id"), EVENTS.c.kind == "refused").limit(1))
