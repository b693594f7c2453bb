#!/usr/bin/env bash
# What `make test` runs once the tools are installed: the main pytest run in two processes
# (each test file in one of them, the slowest files first: tests/file_order.py), and beside
# it, in a third process, the static checks (ruff, import-linter, mypy) and then the API
# fuzzing (schemathesis expands its per-operation tests only outside pytest-xdist).
#
# The main run leaves the machine's two cores partly idle (its processes wait on Chromium,
# on PostgreSQL and on served pages); the third process fills those gaps instead of running
# after the main run. Its output is printed when the main run ends; `make test` fails when
# any of the three parts fails.
set -uo pipefail
BIN=${BIN:-.venv/bin}
FUZZ=tests/functional/test_api_fuzzing.py
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

(
  echo "== static checks (ruff, import-linter, mypy)"
  "$BIN/ruff" check . && "$BIN/lint-imports" && "$BIN/mypy" || exit 1
  echo "== API fuzzing ($FUZZ)"
  "$BIN/pytest" -q -p no:cacheprovider "$FUZZ"
) > "$logs/beside" 2>&1 &
beside=$!

"$BIN/pytest" -q -n 2 --dist loadfile --no-loadscope-reorder --durations=20 --ignore "$FUZZ"
main=$?

wait "$beside"
other=$?
cat "$logs/beside"
if [ "$main" -ne 0 ] || [ "$other" -ne 0 ]; then
  echo "make test FAILED: main pytest run exit $main, static checks and fuzzing exit $other"
  exit 1
fi
echo "make test passed: static checks, every test, and the API fuzzing"
