#!/usr/bin/env bash
# Create or update both Python environments from the committed lock files.
#   .venv      app env (Python 3.11+): api, actions, knowledge tools, tests   (uv.lock)
#   .venv-bot  bot env (Python 3.10):  rasa==3.6.21 only                      (bot/requirements.lock)
# Idempotent and quick when nothing changed. Sourced by run.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '%s\n' "$*"; }

# --- uv ---------------------------------------------------------------------------------
# `uv` on the PATH, else the one pip installs (run as `python3 -m uv`, which needs no PATH or
# pyenv shim of its own).
if command -v uv >/dev/null 2>&1; then
  UV=("$(command -v uv)")
else
  if ! python3 -m uv --version >/dev/null 2>&1; then
    say "• installing uv (the Python package manager) with pip"
    python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv
  fi
  python3 -m uv --version >/dev/null 2>&1 || { say "ERROR: could not install uv; install it with: python3 -m pip install uv"; exit 1; }
  UV=(python3 -m uv)
fi
uv() { "${UV[@]}" "$@"; }

# --- Python 3.10 for Rasa -----------------------------------------------------------------
find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" "$(command -v python3.10 2>/dev/null || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local prefix
    prefix="$(pyenv prefix 3.10 2>/dev/null | head -n1 || true)"
    if [ -n "$prefix" ] && [ -x "$prefix/bin/python3.10" ]; then echo "$prefix/bin/python3.10"; return 0; fi
  fi
  for candidate in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  candidate="$(uv python find 3.10 2>/dev/null || true)"
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  return 1
}

# --- a browser and fonts for the page tests (Debian packages) ------------------------------------
# Chromium for the headless browser tests; Noto fonts so Ge'ez (Tigrinya) and Arabic script render.
if [ "${SKIP_BROWSER:-}" != "1" ] && { [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-core >/dev/null 2>&1; }; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    say "• installing Debian's chromium and fonts-noto-core (for the browser tests)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null
  else
    say "NOTE: the browser tests need Debian's chromium and fonts-noto-core:"
    say "      sudo apt-get install chromium fonts-noto-core   (or set SKIP_BROWSER=1 to run without them)"
  fi
fi

# --- app env ------------------------------------------------------------------------------
say "• app environment (.venv, Python 3.11+) from uv.lock"
uv sync --frozen --quiet

# --- bot env ------------------------------------------------------------------------------
LOCK_HASH="$(sha256sum bot/requirements.lock | cut -c1-16)"
STAMP=".venv-bot/.lock-$LOCK_HASH"
if [ ! -f "$STAMP" ]; then
  PY310="$(find_python310)" || {
    say "ERROR: Rasa 3.6.21 needs Python 3.10, and none was found."
    say "  Install it, then run this command again. For example:"
    say "    pyenv install 3.10          (then it is found with: pyenv prefix 3.10)"
    say "    apt-get install python3.10  (Debian/Ubuntu, where available)"
    say "  or point PYTHON310=/path/to/python3.10 at one you have."
    exit 1
  }
  say "• bot environment (.venv-bot, $("$PY310" --version)) from bot/requirements.lock: first time takes a minute"
  rm -rf .venv-bot
  uv venv --quiet --python "$PY310" .venv-bot
  VIRTUAL_ENV="$ROOT/.venv-bot" uv pip sync --quiet --python .venv-bot/bin/python bot/requirements.lock
  touch "$STAMP"
else
  say "• bot environment (.venv-bot) is up to date"
fi
