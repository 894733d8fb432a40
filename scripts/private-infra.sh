# Sourced by scripts/test.sh and scripts/bench.sh: start a private PostgreSQL and a private Kafka
# on free ports in a fresh temporary folder, and stop both (and remove the folder) on exit.
# Sets: run, kafka_port, pg_port. Set KEEP_RUN=1 to keep the folder (logs) afterwards.

run=$(mktemp -d "${TMPDIR:-/tmp}/pas-${1:-run}.XXXXXX")
chmod 755 "$run"
kafka_port=$(scripts/free-port.sh pair)
pg_port=$(scripts/free-port.sh)
# Kafka's controller listens on kafka_port + 1.
while [ "$pg_port" = "$kafka_port" ] || [ "$pg_port" = "$((kafka_port + 1))" ]; do pg_port=$(scripts/free-port.sh); done

cleanup_private_infra() {
  scripts/kafka.sh stop "$run/kafka" >/dev/null 2>&1 || true
  scripts/postgres.sh stop "$run/pg" >/dev/null 2>&1 || true
  if [ -n "${KEEP_RUN:-}" ]; then echo "kept $run"; else rm -rf "$run"; fi
}
trap cleanup_private_infra EXIT
trap 'exit 130' INT TERM

echo "starting private PostgreSQL (port $pg_port) and Kafka (port $kafka_port) in $run"
scripts/postgres.sh start "$run/pg" "$pg_port" > "$run/pg-start.log" 2>&1 &
pg_pid=$!
scripts/kafka.sh start "$run/kafka" "$kafka_port"
if ! wait "$pg_pid"; then cat "$run/pg-start.log" >&2; exit 1; fi
