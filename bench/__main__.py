"""Run the benchmarks: `python -m bench [throughput|inbox|reports|history]` (all by default)."""

import sys

from bench import dossier_throughput, history, inbox_latency, report_speed

if __name__ == "__main__":
    chosen = set(sys.argv[1:2]) or {"throughput", "inbox", "reports", "history"}
    if "throughput" in chosen:
        dossier_throughput.main()
    if "inbox" in chosen:
        inbox_latency.main()
    if "reports" in chosen:
        report_speed.main()
    if "history" in chosen:
        history.main()
