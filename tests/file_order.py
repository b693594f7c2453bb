"""Run the slowest test files first, so that two processes finish together.

`make test` hands whole files to two processes (`--dist loadfile`) in collection order
(`--no-loadscope-reorder`). With the files ordered from the slowest down, the last files
handed out are short ones, and neither process idles while the other finishes a long file.

The seconds each file took are kept in `tests/file_seconds.json`, recorded by a full run
with `MOTCUA_RECORD_FILE_SECONDS=tests/file_seconds.json`. A file missing from it (a new
one) is ordered by its number of tests, at the median pace of the recorded files.
"""

from __future__ import annotations

import json
import os
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest

SECONDS_FILE = Path(__file__).with_name("file_seconds.json")
RECORD_TO = "MOTCUA_RECORD_FILE_SECONDS"


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _recorded() -> dict[str, float]:
    try:
        seconds = json.loads(SECONDS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(name): float(value) for name, value in seconds.items()}


def order(items: list[pytest.Item]) -> None:
    """Sort `items` file by file, the slowest file first; tests keep their order inside
    a file."""
    recorded = _recorded()
    counts = Counter(_file_of(item.nodeid) for item in items)
    paces = [recorded[name] / counts[name] for name in counts if recorded.get(name)]
    pace = statistics.median(paces) if paces else 1.0

    def cost(name: str) -> float:
        return recorded[name] if name in recorded else counts[name] * pace

    first_seen = {name: index for index, name in enumerate(dict.fromkeys(
        _file_of(item.nodeid) for item in items))}
    items.sort(key=lambda item: (-cost(_file_of(item.nodeid)),
                                 first_seen[_file_of(item.nodeid)]))


class Recorder:
    """Adds up each file's setup, call and teardown seconds; written at the end of the run
    (by the controlling process only, which sees every worker's reports)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[_file_of(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(session.config, "workerinput") or not self.seconds:
            return
        ranked = dict(sorted(((name, round(value, 1)) for name, value in self.seconds.items()),
                             key=lambda pair: -pair[1]))
        self.target.write_text(json.dumps(ranked, indent=1) + "\n", encoding="utf-8")


def configure(config: pytest.Config) -> None:
    target = os.environ.get(RECORD_TO)
    if target and not hasattr(config, "workerinput"):
        config.pluginmanager.register(Recorder(Path(target)), "motcua-file-seconds")
