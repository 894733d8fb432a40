#!/usr/bin/env bash
# Create or refresh the project's virtualenv: the shared library, the five services and the
# operator tool `pas` (ops/), all editable, and the dev tools. Re-runs are cheap: a stamp of the
# dependency files skips pip when unchanged.
# `--browser` (what `make test` passes) also makes sure Debian's chromium is there for the browser
# tests in tests/browser/: installed with apt-get when missing and we are root; never a browser
# download of Playwright's own (`playwright install` needs a network we do not have).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.deps-stamp
want=$(cat constraints.txt requirements-dev.txt shared/pyproject.toml services/*/pyproject.toml ops/pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  args=(-e shared)
  for svc in services/*/; do args+=(-e "$svc"); done
  args+=(-e ops)  # the operator tool, after the services it drives
  # constraints.txt pins every transitive dependency too, so each machine gets the same set.
  .venv/bin/pip install -q -c constraints.txt -r requirements-dev.txt "${args[@]}"
  echo "$want" > "$stamp"
fi
echo "virtualenv ready: .venv"

CHROMIUM=/usr/bin/chromium
if [ "${1:-}" = "--browser" ]; then
  if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "The browser tests need Debian's chromium at $CHROMIUM: sudo apt-get install chromium" >&2
      exit 1
    fi
    echo "installing chromium with apt-get (one-time, for the browser tests)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
    [ -x "$CHROMIUM" ] || { echo "apt-get installed chromium but $CHROMIUM is missing" >&2; exit 1; }
  fi
  echo "chromium ready: $CHROMIUM"
fi
