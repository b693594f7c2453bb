"""Run every benchmark: `python -m bench`."""

from bench import dossier_throughput

if __name__ == "__main__":
    dossier_throughput.main()
