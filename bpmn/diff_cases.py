"""What changed in a package's test cases (`tests/*.json`), by the cases' names: added,
removed, and edited (with what was edited: the dossier's data, a step's data, the expected
path…). A file that is not readable JSON is told by its file name. Pure, like `bpmn.diff`."""

from __future__ import annotations

import json
from typing import Any

TESTS = "tests/"
PARTS = {"start": "dữ liệu nộp hồ sơ", "applicant": "người nộp", "tasks": "dữ liệu các bước",
         "fire": "hẹn giờ kích hoạt", "expect": "kết quả mong đợi",
         "max_steps": "số bước tối đa"}


def _cases(texts: dict[str, str]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The cases by name, and the files that could not be read (path → text)."""
    cases: dict[str, dict[str, Any]] = {}
    unreadable: dict[str, str] = {}
    for path, text in sorted(texts.items()):
        if not (path.startswith(TESTS) and path.endswith(".json")):
            continue
        try:
            loaded = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            unreadable[path] = text
            continue
        for case in loaded if isinstance(loaded, list) else [loaded]:
            if isinstance(case, dict) and isinstance(case.get("name"), str):
                cases.setdefault(case["name"].strip(), case)
            else:
                unreadable[path] = text
    return cases, unreadable


def case_sentences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """"Thêm ca kiểm thử «…».", "Bỏ …", "Sửa ca kiểm thử «…» (kết quả mong đợi).\""""
    old, old_files = _cases(before)
    new, new_files = _cases(after)
    said = [f"Thêm ca kiểm thử «{name}»." for name in new if name not in old]
    said += [f"Bỏ ca kiểm thử «{name}»." for name in old if name not in new]
    for name in (n for n in new if n in old and new[n] != old[n]):
        parts = [PARTS.get(key, "phần khác") for key in sorted(set(old[name]) | set(new[name]),
                                                        key=_part_order)
                 if key != "name" and old[name].get(key) != new[name].get(key)]
        said.append(f"Sửa ca kiểm thử «{name}» ({', '.join(parts)}).")
    for path in sorted(set(old_files) | set(new_files)):
        if old_files.get(path) != new_files.get(path) and path in new_files:
            said.append(f"Tệp ca kiểm thử «{path.removeprefix(TESTS)}» không đọc được.")
    return said


def _part_order(key: str) -> tuple[int, str]:
    order = list(PARTS)
    return (order.index(key), key) if key in order else (len(order), key)
