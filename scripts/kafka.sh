#!/usr/bin/env bash
# Run a private, single-node Apache Kafka broker (KRaft: broker+controller in one JVM)
# for tests and local runs. No Docker, no system install: the broker jars come from
# Maven Central (deploy/local/kafka/pom.xml) into a cache outside git.
#
#   scripts/kafka.sh fetch               cache the broker jars (idempotent)
#   scripts/kafka.sh libs                cache them if needed, print their folder (for a test's own broker)
#   scripts/kafka.sh start RUNDIR PORT   start (or restart, keeping data) a broker on 127.0.0.1:PORT
#   scripts/kafka.sh stop RUNDIR         stop it (SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT s)
#
# Env: PAS_CACHE_DIR (default ~/.cache/pas-platform), KAFKA_START_TIMEOUT (default 90),
#      KAFKA_STOP_TIMEOUT (default 20), JAVA (default $JAVA_HOME/bin/java or java on PATH).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
KAFKA_DEPLOY_DIR="$REPO_ROOT/deploy/local/kafka"
POM="$KAFKA_DEPLOY_DIR/pom.xml"
LOG4J_CONFIG="$KAFKA_DEPLOY_DIR/log4j2.yaml"
CACHE_ROOT="${PAS_CACHE_DIR:-${HOME:-/tmp}/.cache/pas-platform}"

# The pom is the single source of truth for the version (it also names the cache dir).
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1)
[[ -n "$KAFKA_VERSION" ]] || { echo "kafka.sh: cannot read <kafka.version> from $POM" >&2; exit 1; }
LIBS_DIR="$CACHE_ROOT/kafka-$KAFKA_VERSION/libs"

if [[ -n "${JAVA:-}" ]]; then :
elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"
else JAVA=java
fi

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
  # The header comment is the help text.
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" >&2
  exit 2
}

# Hash of the pom: a changed dependency list must invalidate the cache, not only a new version.
pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

cmd_fetch() {
  local stamp="$LIBS_DIR/.pom-sha256" want
  want=$(pom_hash)
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    [[ -n "${FETCH_QUIET_IF_CACHED:-}" ]] || echo "kafka $KAFKA_VERSION: jars cached in $LIBS_DIR"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found; install Maven (Debian: apt-get install maven) to fetch Kafka"

  local started=$SECONDS tmp
  mkdir -p "$CACHE_ROOT/kafka-$KAFKA_VERSION"
  # Copy into a private temp dir and rename it into place, so concurrent fetches
  # (two `make test` at once) never see or produce a half-filled libs dir.
  tmp=$(mktemp -d "$CACHE_ROOT/kafka-$KAFKA_VERSION/libs.tmp.XXXXXX")
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$tmp.mvn.log" 2>&1; then
    cat "$tmp.mvn.log" >&2
    rm -rf "$tmp" "$tmp.mvn.log"
    die "Maven could not fetch Kafka $KAFKA_VERSION jars (see output above)"
  fi
  rm -f "$tmp.mvn.log"
  echo "$want" >"$tmp/.pom-sha256"

  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    rm -rf "$tmp"                       # another process won the race; its copy is identical
  else
    # Stale (old pom) or missing: swap ours in.
    local old=""
    if [[ -e "$LIBS_DIR" ]]; then old=$(mktemp -d "$CACHE_ROOT/kafka-$KAFKA_VERSION/libs.old.XXXXXX"); mv -T "$LIBS_DIR" "$old/libs"; fi
    mv -T "$tmp" "$LIBS_DIR" 2>/dev/null || rm -rf "$tmp"
    [[ -z "$old" ]] || rm -rf "$old"
  fi
  echo "kafka $KAFKA_VERSION: fetched jars into $LIBS_DIR in $((SECONDS - started))s"
}

# Run a Kafka CLI class from the cached jars, small and quick to start; its own log goes
# to RUNDIR/tools.log so it doesn't interleave with the broker's server.log.
run_tool() {
  local rundir=$1; shift
  # Bounded, so a tool stuck on an unreachable broker can't hang the caller.
  timeout "${TOOL_TIMEOUT:-120}" "$JAVA" -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$rundir" -Dkafka.log.file=tools.log \
    -cp "$LIBS_DIR/*" "$@"
}

# Kafka UUID for the cluster id: 16 random bytes, URL-safe base64, no padding.
# Kafka's own generator also avoids a leading '-', which CLIs would take for an option.
random_cluster_id() {
  local id
  while :; do
    id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ "$id" != -* ]] && { echo "$id"; return; }
  done
}

# kill -0 alone is not enough: a broker that died while still our child is a zombie until reaped.
alive() {
  local state
  state=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# The pid in RUNDIR/kafka.pid if that process is alive and is really our broker
# (guards against a recycled pid after a reboot or a crash).
running_pid() {
  local rundir=$1 pid
  [[ -f "$rundir/kafka.pid" ]] || return 1
  pid=$(cat "$rundir/kafka.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$rundir/server.properties" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A real Kafka round trip (Metadata + ApiVersions) answered by our node id 1.
# The probe's client timeouts are short and `timeout` bounds the whole JVM, so one try can't hang.
broker_answers() {
  local rundir=$1 port=$2 max_secs=$3
  TOOL_TIMEOUT=$max_secs run_tool "$rundir" org.apache.kafka.tools.BrokerApiVersionsCommand \
      --bootstrap-server "127.0.0.1:$port" --command-config "$rundir/probe.properties" \
      >"$rundir/probe.out" 2>&1 \
    && grep -q "127.0.0.1:$port (id: 1" "$rundir/probe.out"
}

fail_start() {
  local rundir=$1 pid=$2; shift 2
  log "$*"
  log "---- last 30 lines of $rundir/server.log ----"
  tail -n 30 "$rundir/server.log" >&2 2>/dev/null || log "(no server.log)"
  if [[ -s "$rundir/probe.out" ]]; then
    log "---- last readiness probe output ($rundir/probe.out) ----"
    tail -n 5 "$rundir/probe.out" >&2
  fi
  if [[ -s "$rundir/kafka.out" ]]; then
    log "---- last 30 lines of $rundir/kafka.out ----"
    tail -n 30 "$rundir/kafka.out" >&2
  fi
  # Don't leave a half-started broker behind.
  if [[ -n "$pid" ]] && alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$rundir/kafka.pid"
  exit 1
}

cmd_start() {
  [[ $# -eq 2 ]] || usage
  local rundir=$1 port=$2
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  mkdir -p "$rundir"
  rundir=$(cd "$rundir" && pwd -P)

  local pid
  if pid=$(running_pid "$rundir"); then
    local running_port
    running_port=$(sed -n 's/^# port=//p' "$rundir/server.properties")
    [[ "$running_port" == "$port" ]] \
      || die "a broker is already running in $rundir on port $running_port, not $port; stop it first"
    echo "kafka $KAFKA_VERSION already running (pid $pid) on 127.0.0.1:$port"
    return 0
  fi
  rm -f "$rundir/kafka.pid"

  FETCH_QUIET_IF_CACHED=1 cmd_fetch >&2
  "$JAVA" -version >/dev/null 2>&1 || die "java not found ($JAVA); Kafka $KAFKA_VERSION needs Java 17+"
  port_open "$port" && die "127.0.0.1:$port is already in use by something else"

  # Controller port: the one used last time (restart), else PORT+1 (callers may rely on that
  # to keep their own ports clear of it), else whatever free port the kernel hands out.
  local cport="" candidate
  for candidate in \
      "$( [[ -f "$rundir/server.properties" ]] && sed -n 's/^# controller_port=//p' "$rundir/server.properties" )" \
      $((port + 1)) "$("$SCRIPT_DIR/free-port.sh")"; do
    if [[ -n "$candidate" && "$candidate" != "$port" ]] && (( candidate <= 65535 )) && ! port_open "$candidate"; then
      cport=$candidate; break
    fi
  done
  [[ -n "$cport" ]] || die "no free port for the KRaft controller listener"

  # Static quorum (controller.quorum.voters) rather than --standalone: the voter endpoint then
  # comes from this file, not the formatted log, so a restart may use another controller port.
  cat >"$rundir/server.properties" <<EOF
# Written by scripts/kafka.sh; rewritten at every start (data in log.dirs is kept).
# port=$port
# controller_port=$cport
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$rundir/data

# Single node: every internal topic has exactly one replica.
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true
delete.topic.enable=true

# Fast for tests: no rebalance delay, few internal partitions to create, small thread pools (2 cores).
group.initial.rebalance.delay.ms=0
offsets.topic.num.partitions=5
transaction.state.log.num.partitions=5
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.segment.bytes=67108864
log.retention.hours=168
EOF

  # Never reformat existing data: a stop+start must bring back the same broker and its messages.
  if [[ ! -f "$rundir/data/meta.properties" ]]; then
    local cluster_id
    cluster_id=$(random_cluster_id)
    if ! run_tool "$rundir" kafka.tools.StorageTool format --ignore-formatted \
        -t "$cluster_id" -c "$rundir/server.properties" >"$rundir/format.out" 2>&1; then
      cat "$rundir/format.out" >&2
      die "formatting Kafka storage in $rundir/data failed"
    fi
  fi

  # Short client timeouts for the readiness probe, so one attempt can't hang the loop.
  cat >"$rundir/probe.properties" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
socket.connection.setup.timeout.ms=2000
socket.connection.setup.timeout.max.ms=2000
EOF

  : >"$rundir/kafka.out"
  # setsid: own session, so Ctrl-C in the caller's terminal or the end of the calling
  # shell doesn't hit the broker; the inner shell records its pid, then becomes java.
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$1/kafka.pid"; shift; exec "$@"' _ "$rundir" \
    "$JAVA" -Xms256m -Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$rundir" \
      -cp "$LIBS_DIR/*" kafka.Kafka "$rundir/server.properties" \
    </dev/null >>"$rundir/kafka.out" 2>&1 &
  local launcher=$!
  local started=$SECONDS timeout=${KAFKA_START_TIMEOUT:-90}
  while [[ ! -s "$rundir/kafka.pid" ]] && alive "$launcher"; do sleep 0.05; done
  pid=$(cat "$rundir/kafka.pid" 2>/dev/null || true)
  [[ -n "$pid" ]] || fail_start "$rundir" "" "Kafka broker process did not start"

  # Readiness: cheap TCP check first, then a real Kafka request; bounded by the timeout.
  while :; do
    alive "$pid" || fail_start "$rundir" "" "Kafka broker (pid $pid) exited during startup"
    if (( SECONDS - started >= timeout )); then
      fail_start "$rundir" "$pid" "Kafka broker not ready on 127.0.0.1:$port after ${timeout}s (KAFKA_START_TIMEOUT)"
    fi
    # Cap one probe by the time left, so the overall timeout holds.
    local left=$((timeout - (SECONDS - started)))
    if port_open "$port" && broker_answers "$rundir" "$port" $(( left < 30 ? (left < 5 ? 5 : left) : 30 )); then break; fi
    sleep 0.25
  done
  echo "kafka $KAFKA_VERSION ready on 127.0.0.1:$port (pid $pid, rundir $rundir, $((SECONDS - started))s)"
}

cmd_stop() {
  [[ $# -eq 1 ]] || usage
  local rundir=$1 pid
  [[ -d "$rundir" ]] || { echo "kafka not running (no $rundir)"; return 0; }
  rundir=$(cd "$rundir" && pwd -P)
  if ! pid=$(running_pid "$rundir"); then
    rm -f "$rundir/kafka.pid"
    echo "kafka not running in $rundir"
    return 0
  fi
  # SIGTERM = controlled shutdown (flushes logs, so the restart needs no recovery).
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + ${KAFKA_STOP_TIMEOUT:-20}))
  while alive "$pid" && (( SECONDS < deadline )); do sleep 0.1; done
  if alive "$pid"; then
    log "broker pid $pid still alive after ${KAFKA_STOP_TIMEOUT:-20}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.05; done
  fi
  rm -f "$rundir/kafka.pid"
  echo "kafka stopped (rundir $rundir)"
}

case "${1:-}" in
  fetch) shift; cmd_fetch "$@" ;;
  libs)  shift; FETCH_QUIET_IF_CACHED=1 cmd_fetch >&2; echo "$LIBS_DIR" ;;
  start) shift; cmd_start "$@" ;;
  stop)  shift; cmd_stop "$@" ;;
  *) usage ;;
esac
