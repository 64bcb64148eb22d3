#!/usr/bin/env bash
# Start the whole assistant: http://localhost:8000 (SQLite by default). Ctrl-C stops everything.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SKIP_BROWSER=1 bash "$ROOT/scripts/setup.sh"  # the browser is only for the tests
cd "$ROOT"
exec .venv/bin/python -m stack run
