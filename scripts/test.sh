#!/usr/bin/env bash
# `make test`: set up, start a private Kafka and a private PostgreSQL on free ports in a
# private folder, run the whole suite against them, stop them. Two runs at once do not collide.
# Extra arguments go to pytest (e.g. scripts/test.sh -k crash).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh --browser
# Layering and type contracts are part of the suite (import-linter, mypy, ruff).
make --no-print-directory lint-check

source scripts/private-infra.sh test

export PAS_TEST_PG_URL="postgresql+asyncpg://postgres@127.0.0.1:$pg_port"
export PAS_TEST_KAFKA_BOOTSTRAP="127.0.0.1:$kafka_port"
export PAS_TEST_PG_RUNDIR="$run/pg"  # tests/resilience restart PostgreSQL (scripts/postgres.sh restart)

status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  status=1
fi
exit "$status"
