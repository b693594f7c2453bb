"""What a dossier owes: each published fee of its procedure as this dossier's data decides
it (a decision table's amount, a fee per unit multiplied by a field of the form), and the
hand-over's rule that the fee is collected before the result is returned.

`engine.applicants.fees` says the fees and payments in words; the reckoning lives here so
that completing the hand-over step (`tasks.complete_task`) can refuse an unpaid result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select

from engine.core.errors import Conflict
from engine.core.models import Dossier, Event, Payment
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers import fee_rows
from engine.dossiers.advance import decided_value
from engine.dossiers.fee_exemption import EXEMPTED
from engine.dossiers.fee_rows import FeeDossier, FeeFacts
from engine.dossiers.instances import InstanceCache, read_current
from engine.dossiers.rows import DossierRow
from engine.procedures.cache import loaded_version


def dong(amount: int) -> str:
    """75000 → "75.000 đồng"."""
    return f"{amount:,} đồng".replace(",", ".")


@dataclass(frozen=True)
class FeeLine:
    """One published fee as this dossier owes it."""

    name: str
    amount: int  # per unit when `count` is set
    count: int | None = None  # the units the form asked for (copies…), for a fee per unit
    unit: str = ""

    @property
    def total(self) -> int:
        return self.amount * (self.count if self.count is not None else 1)

    @property
    def text(self) -> str:
        """«8.000 đồng × 2 bản = 16.000 đồng», or «75.000 đồng»."""
        if self.count is None:
            return dong(self.amount)
        unit = f" {self.unit}" if self.unit else ""
        return f"{dong(self.amount)} × {self.count}{unit} = {dong(self.total)}"


def field_value(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of the form's data ("cong_trinh.so_tang"); None if absent."""
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def units(data: Mapping[str, Any], path: str) -> int:
    """How many units the form asked for: a whole number ≥ 0 at `path`, else one."""
    value = field_value(data, path)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return 1
    return int(value)


Locked = FeeDossier | DossierRow  # a dossier row read with its lock, row version known


def fee_lines(uow: Any, dossier: Dossier | Locked) -> list[FeeLine]:
    """The procedure's published fees for one dossier: a fee taken from a decision table
    (`"from"`) is what the table decided for this dossier, else its amount; a fee `"per"`
    a field is that amount times the field's value (`engine.dossiers.advance.decided_value`
    reads decisions from the stored process, advancing nothing). A row read with its lock
    (`FeeDossier`, `DossierRow`: its row version known) spares the reads of its version and
    data that it needs not."""
    lines = []
    for fee in loaded_version(uow, dossier.version_id).compiled.manifest.get("fees", []):
        amount = int(fee.get("amount", 0))
        if fee.get("from"):
            decided = _decided(uow, dossier, str(fee["from"]))
            if isinstance(decided, int | float) and not isinstance(decided, bool):
                amount = int(decided)
        count = units(_data(uow, dossier), str(fee["per"])) if fee.get("per") else None
        lines.append(FeeLine(str(fee.get("name", "")), amount, count, str(fee.get("unit", ""))))
    return lines


def _decided(uow: Any, dossier: Dossier | Locked, name: str) -> Any:
    """`decided_value`; for a locked row the live instance at the row version it holds (the
    one its advance saved in this transaction, or the cached one), without reading the
    version again (the stored state when none is current)."""
    if isinstance(dossier, FeeDossier | DossierRow):
        live = read_current(uow.session, uow.port(InstanceCache), dossier.id,
                            dossier.row_version, lambda i: (i.value(name),), None)
        if live is not None:
            return live[0]
    return decided_value(uow, dossier.id, dossier.version_id, name)


def _data(uow: Any, dossier: Dossier | Locked) -> Mapping[str, Any]:
    if isinstance(dossier, Dossier):
        return dossier.data or {}
    return fee_rows.form_data(uow, dossier.id)


def fees_of(uow: Any, dossier: Dossier | Locked) -> int:
    """The published fees of one dossier, in đồng (`fee_lines` added up)."""
    return sum(line.total for line in fee_lines(uow, dossier))


def unpaid_at_hand_over(uow: UnitOfWork, dossier: Dossier) -> int:
    """What the dossier still owes before its result may be handed over, in đồng: the
    published fees less what was paid (in cash at the desk or online); 0 when the procedure
    has no fee or the dossier was refused (a refusal letter is no result a fee is
    collected for) or its fee was exempted (`fee_exemption`)."""
    uow.session.flush()  # a payment changed in this transaction counts (Core reads below)
    if dossier.outcome == "refused" or uow.connection.execute(
            _REFUSED_OR_EXEMPTED, {"b_id": dossier.id}).first() is not None:
        return 0
    published = fees_of(uow, dossier)
    if not published:
        return 0
    paid = uow.connection.execute(_PAID, {"b_id": dossier.id}).scalar()
    return max(published - int(paid or 0), 0)


def unpaid_of_locked(uow: UnitOfWork, dossier: DossierRow) -> tuple[int, FeeFacts]:
    """`unpaid_at_hand_over` of a dossier the step path locked, and the `FeeFacts` read for
    it after the lock: one statement (and the form's data if a fee is counted from it)."""
    uow.session.flush()  # an ORM change of this transaction counts (a postal order placed)
    facts = fee_rows.fee_facts(uow, dossier.id)
    return unpaid_of_row(uow, dossier, facts), facts


def unpaid_of_row(uow: UnitOfWork, dossier: Locked, facts: FeeFacts, *, paid: int = 0) -> int:
    """`unpaid_at_hand_over` of a locked row from its `FeeFacts` (read after its lock),
    `paid` more just paid in this transaction: no statement unless a fee reads the form."""
    if dossier.outcome == "refused" or facts.refused or facts.exempted:
        return 0
    published = fees_of(uow, dossier)
    if not published:
        return 0
    return max(published - facts.paid - paid, 0)


# Asked at every hand-over and at the decision before it: built once.
_REFUSED_OR_EXEMPTED = select(Event.id).where(
    Event.dossier_id == bindparam("b_id"), Event.kind.in_(("refused", EXEMPTED))).limit(1)
_PAID = select(func.coalesce(func.sum(Payment.amount), 0)).where(
    Payment.dossier_id == bindparam("b_id"), Payment.state == "paid")


class FeeNotCollected(Conflict):
    """The hand-over was refused: the result's fee is not collected yet (409)."""


def check_fee_collected(uow: UnitOfWork, dossier: DossierRow | Dossier, step: str) -> None:
    """The hand-over step (the procedure's step at status 9) is refused (409) while the
    result's fee is not collected: the desk takes it first (online or in cash)."""
    compiled = loaded_version(uow, dossier.version_id).compiled
    info = compiled.tasks.get(step)
    if dossier.status != Status.DONE or info is None or info.status != Status.DONE:
        return
    if isinstance(dossier, DossierRow):
        owed = unpaid_of_locked(uow, dossier)[0]
    else:
        found = uow.session.get(Dossier, dossier.id)
        owed = 0 if found is None else unpaid_at_hand_over(uow, found)
    if owed:
        raise FeeNotCollected(f"Chưa trả kết quả được: hồ sơ {dossier.code} chưa nộp phí, lệ phí "
                       f"{dong(owed)}. Phí, lệ phí được thu trước khi trả kết quả: thu tiền "
                       "mặt tại Bộ phận Một cửa (hoặc yêu cầu người nộp thanh toán trực "
                       "tuyến) rồi hoàn thành bước trả kết quả.")
