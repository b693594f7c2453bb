"""Run the benchmarks: `python -m bench [throughput|inbox]` (both by default)."""

import sys

from bench import dossier_throughput, inbox_latency

if __name__ == "__main__":
    chosen = set(sys.argv[1:2]) or {"throughput", "inbox"}
    if "throughput" in chosen:
        dossier_throughput.main()
    if "inbox" in chosen:
        inbox_latency.main()
