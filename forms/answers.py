"""Which fields of a form the data answers, in the order the form asks them.

Every read-only view of a dossier's answers (the citizen's «Tờ khai», the officer's task and
desk pages, the check-your-answers page, the receipt and the words of a step's data) lists
them through `answered_fields`: the object's own properties and those of the branches that
apply to the data — the `then` or `else` of an `if` (the builder's «Chỉ hỏi khi …»), every
`allOf` part, the `dependentSchemas` of a field that is answered, the chosen branch of a
`oneOf`/`anyOf` — each right after the field whose answer brought it. A branch that does not
apply is left out, answers kept in it included: the form would not have asked them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from referencing.exceptions import Unresolvable

from forms.problems import BRANCH_KEYWORDS
from forms.validation import FormValidator, chosen_branch, condition_trigger, discriminator

Json = Mapping[str, Any]

# (the field whose answer brought this one, or None for a field always asked; name; schema)
_Found = tuple[str | None, str, Json]


def answered_fields(schema: Json, data: Any, order: Sequence[str] = (),
                    root: Json | None = None) -> list[tuple[str, Json]]:
    """(name, schema) of each field of object `schema` that applies to `data`, in form
    order: `order` first (the UI schema's, for the top level), then the declared order; a
    conditional field right after the field it depends on. Only fields whose branch applies;
    whether `data` holds an answer is the caller's to check. `root` is the whole form (its
    `$defs`), when `schema` is a part of it."""
    if not isinstance(data, Mapping):
        data = {}
    found: list[_Found] = []
    _collect(schema, data, None, found, root or schema)
    schemas: dict[str, Json] = {}
    base: list[str] = []
    brought: dict[str, list[str]] = {}
    for trigger, name, sub in found:
        if name in schemas:
            continue
        schemas[name] = sub
        (base if trigger is None else brought.setdefault(trigger, [])).append(name)
    known = [name for name in order if name in base]
    names: list[str] = []
    for name in [*known, *(n for n in base if n not in known)]:
        _place(name, brought, names)
    for trigger in list(brought):  # brought by a field that is not a field of this object
        for name in brought.pop(trigger, []):
            _place(name, brought, names)
    return [(name, schemas[name]) for name in names]


def _place(name: str, brought: dict[str, list[str]], names: list[str]) -> None:
    if name in names:
        return
    names.append(name)
    for other in brought.pop(name, []):
        _place(other, brought, names)


def _collect(node: Any, data: Json, trigger: str | None, found: list[_Found],
             root: Json) -> None:
    """The fields `node` declares and those of its branches that apply to `data`."""
    if not isinstance(node, Mapping):
        return
    props = node.get("properties")
    if isinstance(props, Mapping):
        found.extend((trigger, name, sub) for name, sub in props.items()
                     if isinstance(sub, Mapping))
    parts = node.get("allOf")
    for part in parts if isinstance(parts, list) else []:
        _collect(part, data, trigger, found, root)
    if "if" in node:
        tested = condition_trigger(node["if"])
        holds = _condition_holds(node["if"], data, root)
        if holds is not None:
            branch = node.get("then" if holds else "else")
            _collect(branch, data, tested[0] if tested else trigger, found, root)
    dependents = node.get("dependentSchemas")
    if isinstance(dependents, Mapping):
        for name, branch in dependents.items():
            if data.get(name) not in (None, "", []):
                _collect(branch, data, name, found, root)
    for keyword in BRANCH_KEYWORDS[1:]:  # oneOf, anyOf
        _collect_choice(node.get(keyword), keyword, data, trigger, found, root)


def _collect_choice(options: Any, keyword: str, data: Json, trigger: str | None,
                    found: list[_Found], root: Json) -> None:
    """The branch the data chose by its constant, or else the branches it fits."""
    if not isinstance(options, list):
        return
    name = discriminator(options)
    if name is not None:
        chosen = chosen_branch(options, dict(data))
        if chosen is not None:
            _collect(options[chosen], data, name, found, root)
        return
    for option in options:
        if _holds(option, data, root):
            _collect(option, data, trigger, found, root)
            if keyword == "oneOf":
                return


def _condition_holds(condition: Any, data: Json, root: Json) -> bool | None:
    """Whether an `if` holds of `data`, as the form decides it: None (neither branch) when
    it tests a field that is still empty (`forms.validation._if`)."""
    tested = condition_trigger(condition)
    if tested is not None and data.get(tested[0]) in (None, "", []):
        return None
    return _holds(condition, data, root)


def _holds(condition: Any, data: Json, root: Json) -> bool:
    if isinstance(condition, bool):
        return condition
    if not isinstance(condition, Mapping):
        return False
    defs = root.get("$defs")
    schema = {**condition, "$defs": defs} if isinstance(defs, Mapping) else condition
    try:
        return not FormValidator(schema).validate(dict(data))
    except Unresolvable:  # a reference to the whole form ("#") inside a branch
        return False
