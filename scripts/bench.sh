#!/usr/bin/env bash
# `make bench`: set up, start a private Kafka and a private PostgreSQL on free ports in a
# private folder, run the event-pipeline benchmark (bench/event_pipeline.py) against them, stop
# them. Exits non-zero if the benchmark fails (an error or a failed verification).
#
# Arguments, and the words of BENCH_ARGS, go to the benchmark, e.g. a quick run:
#   BENCH_ARGS="--events 20000 --raw-messages 20000 --latency-seconds 10" make bench
#   scripts/bench.sh --phases drain --profile
# Results: bench/results/event_pipeline-<UTC timestamp>.json. KEEP_RUN=1 keeps the private
# folder (broker, database and service logs) instead of deleting it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh

source scripts/private-infra.sh bench

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
