#!/usr/bin/env bash
# Run every check: lint + types, the knowledge validator, fast unit tests, then integration
# tests against a real trained Rasa model and real servers on 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
PY=.venv/bin/python

step() { printf '\n==> %s\n' "$*"; }

step "lint (ruff) and types (mypy)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

step "known vulnerabilities (pip-audit, both environments)"
$PY -m stack.audit

step "knowledge: validate the articles and check the generated training data is current"
$PY -m knowledge validate
$PY -m knowledge build --check

step "unit tests (fast, no Rasa)"
$PY -m pytest tests/unit -q -p no:cacheprovider

step "integration tests (real Rasa model, Rasa server, action server and API on 127.0.0.1)"
$PY -m pytest tests/integration -v -p no:cacheprovider
