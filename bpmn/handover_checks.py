"""The legal tail of a procedure: a result is handed over at the desk before the dossier
ends «Đã trả kết quả», and its fee is collected there first.

The engine reads an end event with status 10 («Đã trả kết quả») and the outcome «granted»
as the moment the result was handed back; the hand-over step is a step with status 9 («Đã
xử lý xong»: the result waits for the desk), whose completion the engine refuses while the
procedure's fee is not collected. So:

- a path from the start to such an end that passes no hand-over step is an error (the
  dossier would read «Đã trả kết quả» though nobody handed anything over, and a fee would
  never be asked);
- in a procedure with a fee, a hand-over step outside Bộ phận Một cửa's lane is an error
  (the desk takes the fee in cash before handing the result over).

A branch leaving by a non-interrupting boundary event does not end the dossier while its
main path goes on, so it is not followed; a call activity or a sub-process holding a
hand-over step counts as one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from bpmn.compiled import EndInfo, TaskInfo
from bpmn.flow_checks import NS, line_of
from bpmn.problems import Problem, Report
from bpmn.words import STATUS_NAMES

HANDED_BACK, AWAITING_HAND_OVER = 10, 9
DESK_ROLE = "mot_cua"  # the desk's role code (engine.core.permissions.DESK)
HOW_TO_FIX = (
    "Hãy đặt trước kết thúc này bước «Trả kết quả» của Bộ phận Một cửa: bước do cán bộ làn "
    "Bộ phận Một cửa xử lý, «Trạng thái hồ sơ khi chờ bước này» là «{waiting} (bước trả kết "
    "quả)», biểu mẫu hỏi «Hình thức trả kết quả» như biểu mẫu trả kết quả của thủ tục mẫu. "
    "Thủ tục tạo bằng «Tạo thủ tục mới» có sẵn bước đó: chèn các bước xử lý trước nó bằng "
    "«Thêm bước sau» trên bước «Tiếp nhận hồ sơ», đừng xóa nó.")


def check_hand_over(diagrams: Iterable[tuple[str, etree._Element]], process_id: str,
                    tasks: Mapping[str, TaskInfo], ends: Mapping[str, EndInfo],
                    manifest: Mapping[str, Any], report: Report) -> None:
    """Every granted end reached through a hand-over step; a fee's hand-over at the desk."""
    roots = list(diagrams)
    found = next(((name, p) for name, root in roots for p in root.iterfind("bpmn:process", NS)
                  if p.get("id") == process_id), None)
    if found is None:
        return
    file, process = found
    hand_overs = {b for b, info in tasks.items() if info.status == AWAITING_HAND_OVER}
    stops = hand_overs | _holding(process, roots, hand_overs)
    names = {e.get("id", ""): e.get("name") or e.get("id") or "" for e in process.iter()
             if isinstance(e.tag, str) and e.get("id")}
    fees = bool(manifest.get("fees"))
    for end, path in _unhanded_ends(process, stops).items():
        info = ends.get(end)
        if info is None or info.status != HANDED_BACK or info.outcome != "granted":
            continue
        steps = [names[n] for n in path if n in tasks]
        via = " → ".join(f"«{s}»" for s in steps) if steps else "sự kiện bắt đầu"
        fee = (" Lệ phí của thủ tục cũng không bao giờ được thu (phí, lệ phí thu trước khi "
               "trả kết quả)." if fees else "")
        report.add(Problem(
            "flow.no_hand_over",
            f"Hồ sơ đi {via} rồi đến kết thúc «{names.get(end, end)}» (trạng thái «"
            f"{STATUS_NAMES[HANDED_BACK]}») mà không qua bước trả kết quả tại Bộ phận Một "
            "cửa: hồ sơ sẽ ghi đã trả kết quả dù chưa ai trả." + fee + " "
            + HOW_TO_FIX.format(waiting=STATUS_NAMES[AWAITING_HAND_OVER]),
            file, _line(process, end), end))
    if fees:
        _check_desk(file, process, hand_overs, tasks, manifest, report)


def _check_desk(file: str, process: etree._Element, hand_overs: set[str],
                tasks: Mapping[str, TaskInfo], manifest: Mapping[str, Any],
                report: Report) -> None:
    roles = manifest.get("roles") if isinstance(manifest.get("roles"), dict) else {}
    for step in sorted(hand_overs):
        spec = roles.get(tasks[step].lane) if isinstance(roles, dict) else None
        if isinstance(spec, dict) and spec.get("role") == DESK_ROLE and not spec.get("agency"):
            continue
        report.add(Problem(
            "fee.hand_over_not_desk",
            f"Thủ tục có phí, lệ phí nhưng bước trả kết quả «{tasks[step].name}» không do Bộ "
            "phận Một cửa của cơ quan xử lý: phí, lệ phí được thu tại Bộ phận Một cửa trước "
            "khi trả kết quả. Hãy đặt bước này vào làn Bộ phận Một cửa.",
            file, _line(process, step), step))


def _line(process: etree._Element, node: str) -> int | None:
    element = next((e for e in process.iter() if isinstance(e.tag, str)
                    and e.get("id") == node), None)
    return line_of(element) if element is not None else None


def _holding(process: etree._Element, roots: list[tuple[str, etree._Element]],
             hand_overs: set[str]) -> set[str]:
    """Sub-processes and call activities of the process with a hand-over step inside."""
    processes = {p.get("id"): p for _, root in roots for p in root.iterfind(".//bpmn:process", NS)}
    holding = set()
    for kind in ("subProcess", "callActivity"):
        for node in process.iterfind(f"bpmn:{kind}", NS):
            inside = node if kind == "subProcess" else processes.get(node.get("calledElement"))
            if inside is not None and any(t.get("id") in hand_overs
                                          for t in inside.iterfind(".//bpmn:userTask", NS)):
                holding.add(node.get("id", ""))
    return holding


def _unhanded_ends(process: etree._Element, stops: set[str]) -> dict[str, list[str]]:
    """The end events reachable from a start without passing a node of `stops`, each with
    one such path (the nodes from the start)."""
    successors: dict[str, list[str]] = {}
    for flow in process.iterfind("bpmn:sequenceFlow", NS):
        successors.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    for boundary in process.iterfind("bpmn:boundaryEvent", NS):
        if boundary.get("cancelActivity", "true") != "false":  # the main path leaves by it
            successors.setdefault(boundary.get("attachedToRef", ""), []).append(
                boundary.get("id", ""))
    ends = {e.get("id", "") for e in process.iterfind("bpmn:endEvent", NS)}
    came_from: dict[str, str | None] = {
        s.get("id", ""): None for s in process.iterfind("bpmn:startEvent", NS)}
    todo = list(came_from)
    while todo:
        node = todo.pop(0)
        if node in stops:
            continue
        for nxt in successors.get(node, []):
            if nxt not in came_from:
                came_from[nxt] = node
                todo.append(nxt)
    found = {}
    for end in sorted(ends & set(came_from)):
        path, at = [], came_from[end]
        while at is not None:
            path.append(at)
            at = came_from[at]
        found[end] = path[::-1]
    return found
