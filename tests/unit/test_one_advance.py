"""Exactly one function advances a dossier's process (issue 14).

`engine.dossiers.advance.advance_dossier` is the only path that restores a dossier's live
process, changes it and writes it back; before, the sequence was written out at eight call
sites and `withdraw` cancelled tasks and timers with its own SQL. These tests read the
source, so a second path fails here before it can drift from the first.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADVANCE = "engine/dossiers/advance.py"
MODELS = "engine/core/models.py"
# Asks whether an ORM write changed the state (then a cached instance is stale), never
# reads or writes it: `engine.dossiers.instances.follow_row_versions`.
WATCHER = "engine/dossiers/instances.py"
# Reads the stored state into a private copy to say where completing a step would lead (the
# officer's confirmation), never writes it nor touches the cache: checked by `_only_reads`.
PREVIEW = "engine/dossiers/step_preview.py"


def _only_reads(tree: ast.Module) -> bool:
    """The state is never assigned nor stored, and no instance cache is used."""
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else [])
        if any("workflow_state" in ast.unparse(t) for t in targets):
            return False
    source = ast.unparse(tree)
    return "InstanceCache" not in source and ".instances" not in source and "save(" not in source


def _modules() -> dict[str, ast.Module]:
    found: dict[str, ast.Module] = {}
    for folder in ("engine", "webapp", "admin", "worker"):
        for path in (ROOT / folder).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in rel:
                found[rel] = ast.parse(path.read_text(encoding="utf-8"), rel)
    return found


def _called_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def test_only_advance_dossier_constructs_the_advancing_object() -> None:
    offenders = [rel for rel, tree in _modules().items()
                 if rel != ADVANCE and "Advance" in _called_names(tree)]
    assert offenders == []
    tree = _modules()[ADVANCE]
    builders = [node.name for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef) and "Advance" in _called_names(node)]
    assert builders == ["advance_dossier"]


def _only_asks_if_changed(tree: ast.Module) -> bool:
    """Every mention of the state in the module is `….workflow_state.history.has_changes()`."""
    source = ast.unparse(tree)
    return source.count("workflow_state") == source.count("workflow_state.history.has_changes()")


def test_only_the_advance_writes_or_reads_workflow_state() -> None:
    offenders = []
    for rel, tree in _modules().items():
        if rel in (ADVANCE, MODELS):
            continue
        for node in ast.walk(tree):
            named = (isinstance(node, ast.Constant) and node.value == "workflow_state") or (
                isinstance(node, ast.Attribute) and node.attr == "workflow_state")
            if named and not (rel == WATCHER and _only_asks_if_changed(tree)) and not (
                    rel == PREVIEW and _only_reads(tree)):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []


def test_only_the_advance_restores_or_caches_a_dossiers_process() -> None:
    """No module but the advance restores a process from stored state or touches the live
    instance cache (the sandbox's own test runs, in `engine/procedures`, are not dossiers)."""
    offenders = []
    for rel, tree in _modules().items():
        if rel == ADVANCE or rel.startswith("engine/procedures/") or (
                rel == PREVIEW and _only_reads(tree)):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            caches = node.func.attr in {"take", "put"} and "InstanceCache" in ast.unparse(node)
            if node.func.attr == "restore" or caches:
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []


def test_the_guard_sees_a_second_path() -> None:
    """The checks above are not vacuous: a module that builds its own `Advance`, writes the
    state or restores an instance is caught by the same walk."""
    rogue = ast.parse("step = Advance(uow, row, loaded, actor, None)\n"
                      "values['workflow_state'] = instance.state()\n"
                      "model.restore(state)\n")
    assert "Advance" in _called_names(rogue)
    assert any(isinstance(n, ast.Constant) and n.value == "workflow_state"
               for n in ast.walk(rogue))
    assert "restore" in _called_names(rogue)
    assert not _only_reads(ast.parse("dossier.workflow_state = instance.state()\n"))
    assert not _only_reads(ast.parse("cache: InstanceCache = uow.port(InstanceCache)\n"))
