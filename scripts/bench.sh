#!/usr/bin/env bash
# `make bench`: set up, start a private Kafka and a private PostgreSQL on free ports in a
# private folder, run the event-pipeline benchmark (bench/event_pipeline.py) against them, stop
# them. Exits non-zero if the benchmark fails (an error or a failed verification).
#
# Arguments, and the words of BENCH_ARGS, go to the benchmark, e.g. a quick run:
#   BENCH_ARGS="--events 20000 --raw-messages 20000 --latency-seconds 10" make bench
#   scripts/bench.sh --phases drain --profile
# Results: bench/results/event_pipeline-<UTC timestamp>.json. BENCH_KEEP=1 keeps the private
# folder (broker, database and service logs) instead of deleting it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh

run=$(mktemp -d "${TMPDIR:-/tmp}/pas-bench.XXXXXX")
chmod 755 "$run"
kafka_port=$(scripts/free-port.sh)
pg_port=$(scripts/free-port.sh)
while [ "$pg_port" = "$kafka_port" ] || [ "$pg_port" = "$((kafka_port + 1))" ]; do pg_port=$(scripts/free-port.sh); done

cleanup() {
  scripts/kafka.sh stop "$run/kafka" >/dev/null 2>&1 || true
  scripts/postgres.sh stop "$run/pg" >/dev/null 2>&1 || true
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "starting private PostgreSQL (port $pg_port) and Kafka (port $kafka_port) in $run"
scripts/postgres.sh start "$run/pg" "$pg_port" > "$run/pg-start.log" 2>&1 &
pg_pid=$!
scripts/kafka.sh start "$run/kafka" "$kafka_port"
if ! wait "$pg_pid"; then cat "$run/pg-start.log" >&2; exit 1; fi

read -r -a extra <<< "${BENCH_ARGS:-}"
status=0
.venv/bin/python bench/event_pipeline.py \
  --kafka "127.0.0.1:$kafka_port" \
  --pg "postgresql+asyncpg://postgres@127.0.0.1:$pg_port" \
  --workdir "$run/bench" \
  "${extra[@]}" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "benchmark failed (exit $status)" >&2
  for f in "$run"/bench/*.log; do
    [ -e "$f" ] || continue
    echo "---- last lines of $f ----" >&2
    tail -n 15 "$f" >&2
  done
fi
exit "$status"
