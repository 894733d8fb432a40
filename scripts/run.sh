#!/usr/bin/env bash
# `make run`: the whole system on a laptop. Starts the Kafka broker, then the five services on
# their SQLite files (the embedded default), loads demo data, prints the URLs and stays in the
# foreground; Ctrl-C (or `make stop` from another shell) stops everything it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
run=.run/local
mkdir -p "$run/logs"
KAFKA_PORT=${PAS_KAFKA_PORT:-9092}
# Demo users of the gateway's embedded token issuer (created when its users table is empty).
DEMO_PASSWORD=${PAS_DEMO_PASSWORD:-pas-demo-2026}
DEMO_SCOPES="kanwil:KW-RIAU,kanwil:KW-SULSEL,kanwil:KW-ACEH,kanwil:KW-JABAR,upt:LP-BAGANSIAPIAPI,upt:RT-JENEPONTO,upt:LP-KUTACANE,upt:LP-TASIKMALAYA"

services=("gateway:pas_gateway:8000" "security:pas_security:8001" "rehabilitation:pas_rehabilitation:8002"
          "remission:pas_remission:8003" "food-audit:pas_food_audit:8004")

stop_all() {
  for pidfile in "$run"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null && for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  scripts/kafka.sh stop "$run/kafka" >/dev/null 2>&1 || true
}

if [ "${1:-}" = "stop" ]; then stop_all; echo "stopped"; exit 0; fi

if [ -e "$run/gateway.pid" ] && kill -0 "$(cat "$run/gateway.pid")" 2>/dev/null; then
  echo "already running (make stop first)" >&2; exit 1
fi
trap 'stop_all; echo; echo "stopped"' EXIT
trap 'exit 130' INT TERM

scripts/kafka.sh start "$run/kafka" "$KAFKA_PORT"
for entry in "${services[@]}"; do
  IFS=: read -r name module port <<< "$entry"
  prefix="PAS_$(echo "$name" | tr 'a-z-' 'A-Z_')_"
  if [ "$name" = gateway ]; then  # the token issuer: verifies its own tokens, creates the demo users
    auth=("${prefix}DEMO_PASSWORD=$DEMO_PASSWORD" "${prefix}DEMO_SCOPES=$DEMO_SCOPES")
  else  # the services verify the gateway's tokens against its JWKS
    auth=("${prefix}AUTH_JWKS_URL=http://127.0.0.1:8000/.well-known/jwks.json")
  fi
  # The demo register is synthetic "migrated" data with no programme grades or risk assessments
  # from rehabilitation yet: without this a demo remission batch would find no one eligible.
  [ "$name" = remission ] && auth+=("${prefix}ASSUME_PROGRAMME_AND_RISK_MET=true")
  env "${prefix}KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT" "${prefix}PORT=$port" "${auth[@]}" \
    .venv/bin/python -m uvicorn "$module.main:create" --factory --host 127.0.0.1 --port "$port" \
    > "$run/logs/$name.log" 2>&1 &
  echo $! > "$run/$name.pid"
done

for entry in "${services[@]}"; do
  IFS=: read -r name module port <<< "$entry"
  ok=""
  for _ in $(seq 1 600); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ok=1; break; fi
    kill -0 "$(cat "$run/$name.pid")" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ok" ]; then
    echo "$name did not become ready within 60 s; last log lines:" >&2
    tail -n 30 "$run/logs/$name.log" >&2
    exit 1
  fi
done

.venv/bin/python scripts/demo_data.py --remission http://127.0.0.1:8003 --gateway http://127.0.0.1:8000 --password "$DEMO_PASSWORD"

cat <<MSG

PAS platform is running (SQLite files and logs in $run):
  gateway         http://127.0.0.1:8000/docs   national KPIs: http://127.0.0.1:8000/api/v1/kpi/occupancy
  security        http://127.0.0.1:8001/docs
  rehabilitation  http://127.0.0.1:8002/docs
  remission       http://127.0.0.1:8003/docs
  food-audit      http://127.0.0.1:8004/docs
  Kafka broker    127.0.0.1:$KAFKA_PORT
Every service answers /healthz, /readyz and /metrics. Ctrl-C stops everything.
Log in (POST http://127.0.0.1:8000/api/v1/auth/token, form username + password) as a demo user,
password "$DEMO_PASSWORD": nasional (every role), kanwil-kw-riau, kanwil-kw-sulsel, kanwil-kw-aceh,
kanwil-kw-jabar, upt-lp-bagansiapiapi, upt-rt-jeneponto, upt-lp-kutacane, upt-lp-tasikmalaya.
  curl -s -d username=nasional -d password=$DEMO_PASSWORD http://127.0.0.1:8000/api/v1/auth/token
MSG
wait
