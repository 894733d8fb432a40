#!/usr/bin/env bash
# `make test`: set up, start a private Kafka and a private PostgreSQL on free ports in a
# private folder, run the whole suite against them, stop them. Two runs at once do not collide.
# Extra arguments go to pytest (e.g. scripts/test.sh -k crash).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh
# Layering and type contracts are part of the suite (import-linter, mypy, ruff).
make --no-print-directory lint-check

run=$(mktemp -d "${TMPDIR:-/tmp}/pas-test.XXXXXX")
chmod 755 "$run"
kafka_port=$(scripts/free-port.sh)
pg_port=$(scripts/free-port.sh)
while [ "$pg_port" = "$kafka_port" ] || [ "$pg_port" = "$((kafka_port + 1))" ]; do pg_port=$(scripts/free-port.sh); done

cleanup() {
  scripts/kafka.sh stop "$run/kafka" >/dev/null 2>&1 || true
  scripts/postgres.sh stop "$run/pg" >/dev/null 2>&1 || true
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "starting private PostgreSQL (port $pg_port) and Kafka (port $kafka_port) in $run"
scripts/postgres.sh start "$run/pg" "$pg_port" > "$run/pg-start.log" 2>&1 &
pg_pid=$!
scripts/kafka.sh start "$run/kafka" "$kafka_port"
if ! wait "$pg_pid"; then cat "$run/pg-start.log" >&2; exit 1; fi

export PAS_TEST_PG_URL="postgresql+asyncpg://postgres@127.0.0.1:$pg_port"
export PAS_TEST_KAFKA_BOOTSTRAP="127.0.0.1:$kafka_port"
export PAS_TEST_KAFKA_RUNDIR="$run/kafka"
export PAS_TEST_KAFKA_PORT="$kafka_port"

status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  status=1
fi
exit "$status"
