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
#
# Then the remission-batch benchmark (bench/remission_batch.py) runs against the same private
# PostgreSQL; the words of REMISSION_BENCH_ARGS go to it. BENCH_ONLY=event_pipeline or
# BENCH_ONLY=remission_batch runs only that one (arguments then go to the one that runs):
#   BENCH_ONLY=remission_batch REMISSION_BENCH_ARGS="--inmates 50000" scripts/bench.sh
#
# Then the incident-intake benchmark (bench/incident_intake.py: concurrent incident reports to
# the security service against a bare endpoint) against the same PostgreSQL and Kafka; the words
# of INCIDENT_BENCH_ARGS go to it. BENCH_ONLY=incident_intake runs only that one:
#   BENCH_ONLY=incident_intake scripts/bench.sh --clients 32 --seconds 20
#
# Then the gateway KPI benchmark (bench/gateway_kpi.py: read models rebuilt from 1,000,000
# replayed events against raw consumption; the national KPI endpoint against a bare endpoint
# with the same JSON); the words of GATEWAY_BENCH_ARGS go to it. BENCH_ONLY=gateway_kpi:
#   BENCH_ONLY=gateway_kpi scripts/bench.sh --events 200000
#
# The national-scale load (bench/national_load.py: the five services and the gateway on the
# synthetic register, a year of activity, a Remisi Umum batch, 200 KPI readers and 50 writers)
# runs only when asked for, being much longer than the others; the words of NATIONAL_BENCH_ARGS
# and the arguments go to it:
#   BENCH_ONLY=national_load scripts/bench.sh --scale 0.05 --seconds 20
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
only=${BENCH_ONLY:-}
case "$only" in "" | event_pipeline | remission_batch | incident_intake | gateway_kpi | national_load) ;;
  *) echo "BENCH_ONLY: event_pipeline, remission_batch, incident_intake, gateway_kpi or national_load" >&2; exit 2 ;; esac
scripts/setup.sh

source scripts/private-infra.sh bench

read -r -a extra <<< "${BENCH_ARGS:-}"
read -r -a remission_extra <<< "${REMISSION_BENCH_ARGS:-}"
read -r -a incident_extra <<< "${INCIDENT_BENCH_ARGS:-}"
read -r -a gateway_extra <<< "${GATEWAY_BENCH_ARGS:-}"
read -r -a national_extra <<< "${NATIONAL_BENCH_ARGS:-}"
status=0
if [ -z "$only" ] || [ "$only" = event_pipeline ]; then
.venv/bin/python bench/event_pipeline.py \
  --kafka "127.0.0.1:$kafka_port" \
  --pg "postgresql+asyncpg://postgres@127.0.0.1:$pg_port" \
  --workdir "$run/bench" \
  "${extra[@]}" "$@" || status=$?
fi
if [ -z "$only" ] || [ "$only" = remission_batch ]; then
  if [ "$only" = remission_batch ]; then args=("$@"); else args=(); fi
  .venv/bin/python bench/remission_batch.py \
    --pg "postgresql+asyncpg://postgres@127.0.0.1:$pg_port" \
    "${remission_extra[@]}" "${args[@]}" || { rc=$?; [ "$status" -ne 0 ] || status=$rc; }
fi
if [ -z "$only" ] || [ "$only" = incident_intake ]; then
  if [ "$only" = incident_intake ]; then args=("$@"); else args=(); fi
  .venv/bin/python bench/incident_intake.py \
    --pg "postgresql+asyncpg://postgres@127.0.0.1:$pg_port" \
    --kafka "127.0.0.1:$kafka_port" \
    --workdir "$run/bench" \
    "${incident_extra[@]}" "${args[@]}" || { rc=$?; [ "$status" -ne 0 ] || status=$rc; }
fi
if [ -z "$only" ] || [ "$only" = gateway_kpi ]; then
  if [ "$only" = gateway_kpi ]; then args=("$@"); else args=(); fi
  .venv/bin/python bench/gateway_kpi.py \
    --pg "postgresql+asyncpg://postgres@127.0.0.1:$pg_port" \
    --kafka "127.0.0.1:$kafka_port" \
    --workdir "$run/bench" \
    "${gateway_extra[@]}" "${args[@]}" || { rc=$?; [ "$status" -ne 0 ] || status=$rc; }
fi
if [ "$only" = national_load ]; then
  .venv/bin/python bench/national_load.py \
    --pg "postgresql+asyncpg://postgres@127.0.0.1:$pg_port" \
    --kafka "127.0.0.1:$kafka_port" \
    --workdir "$run/bench" \
    "${national_extra[@]}" "$@" || status=$?
fi
if [ "$status" -ne 0 ]; then
  echo "benchmark failed (exit $status)" >&2
  for f in "$run"/bench/*.log; do
    [ -e "$f" ] || continue
    echo "---- last lines of $f ----" >&2
    tail -n 15 "$f" >&2
  done
fi
exit "$status"
