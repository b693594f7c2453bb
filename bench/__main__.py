"""Run the benchmarks: `python -m bench [NAME]`, all of them by default.

NAME is one of throughput, history, inbox, search, reports, timers, http, portal.
"""

import sys

from bench import (
    dossier_search,
    dossier_throughput,
    history,
    http_load,
    inbox_latency,
    portal_sync,
    report_speed,
    timers,
)

BENCHES = {"throughput": dossier_throughput.main, "history": history.main,
           "inbox": inbox_latency.main, "search": dossier_search.main,
           "reports": report_speed.main, "timers": timers.main, "http": http_load.main,
           "portal": portal_sync.main}

if __name__ == "__main__":
    chosen = sys.argv[1:2] or list(BENCHES)
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        sys.exit(f"unknown benchmark {unknown[0]!r}: choose one of {', '.join(BENCHES)}")
    for name in chosen:
        BENCHES[name]()
