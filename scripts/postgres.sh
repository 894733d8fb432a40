#!/usr/bin/env bash
# Run a private, throwaway PostgreSQL cluster for tests and local runs
# (its own data dir, 127.0.0.1 only, trust auth, tuned for speed, not durability).
#
#   scripts/postgres.sh install                     install Debian's PostgreSQL if missing (root)
#   scripts/postgres.sh start RUNDIR PORT           initdb if needed, start on 127.0.0.1:PORT
#   scripts/postgres.sh createdb RUNDIR PORT NAME.. create databases (owner postgres) if missing
#   scripts/postgres.sh stop RUNDIR                 fast shutdown (idempotent)
#   scripts/postgres.sh restart RUNDIR              stop + start on the same port, data kept
#
# Superuser is `postgres`, no password: psql -h 127.0.0.1 -p PORT -U postgres.
# Env: PG_BINDIR to force a PostgreSQL bin dir (default: newest /usr/lib/postgresql/*/bin).
# As root, the server runs as the `postgres` system user (initdb/postgres refuse root).
set -euo pipefail

MIN_PG_MAJOR=14

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
  # The header comment is the help text.
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" >&2
  exit 2
}

is_root() { [[ $EUID -eq 0 ]]; }

# Debian keeps server binaries off PATH, under /usr/lib/postgresql/<major>/bin.
find_bindir() {
  if [[ -n "${PG_BINDIR:-}" ]]; then
    [[ -x "$PG_BINDIR/initdb" ]] && { echo "$PG_BINDIR"; return 0; }
    return 1
  fi
  local d best="" best_major=0 major
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] || continue
    major=$(basename "$(dirname "$d")")
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if (( major > best_major )); then best=$d; best_major=$major; fi
  done
  [[ -n "$best" ]] && { echo "$best"; return 0; }
  # Other distros / Homebrew put initdb on PATH.
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

check_version() {
  local bindir=$1 ver major
  ver=$("$bindir/postgres" --version) || die "cannot run $bindir/postgres"
  major=$(sed -n 's/.*PostgreSQL) \([0-9]*\).*/\1/p' <<<"$ver")
  if [[ -z "$major" ]] || (( major < MIN_PG_MAJOR )); then
    die "found '$ver' in $bindir; PostgreSQL >= $MIN_PG_MAJOR is required"
  fi
}

cmd_install() {
  local bindir
  if bindir=$(find_bindir); then check_version "$bindir"; echo "PostgreSQL found in $bindir"; return 0; fi
  if ! is_root; then
    die "PostgreSQL server binaries (initdb) not found. Install PostgreSQL >= $MIN_PG_MAJOR" \
        "(Debian/Ubuntu: sudo apt-get install postgresql) or set PG_BINDIR to its bin directory."
  fi
  log "installing PostgreSQL with apt-get (one-time)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  bindir=$(find_bindir) || die "apt-get installed postgresql but no initdb was found under /usr/lib/postgresql"
  check_version "$bindir"
  echo "PostgreSQL installed in $bindir"
}

# Run a server-side command as the account that owns the cluster. `cd /` because the
# caller's cwd (e.g. /root) may be unreadable for the postgres user.
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# initdb, postgres and pg_ctl refuse to run as root, so as root the cluster belongs to `postgres`:
# RUNDIR must be owned by it and every parent directory must let it through.
prepare_rundir_for_postgres() {
  local rundir=$1 dir
  id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user; run '$0 install'"
  chown postgres:postgres "$rundir"
  chmod 700 "$rundir"
  dir=$(dirname "$rundir")
  while [[ "$dir" != / ]]; do
    if ! runuser -u postgres -- test -x "$dir"; then
      log "granting search (o+x) on $dir so the postgres user can reach $rundir"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
}

# Only ever delete a dir that we made (after a crash it may still hold a stale socket).
rm_socket_dir() {
  if [[ "$1" == /tmp/pgsock.* ]]; then rm -rf -- "$1"; fi
}

# Unix socket paths are limited to 107 bytes. A deep RUNDIR gets a fresh short private dir in
# /tmp instead, recorded in RUNDIR/socket_dir so that stop can remove it.
socket_dir_for() {
  local rundir=$1 port=$2 sock
  if [[ -f "$rundir/socket_dir" ]]; then
    rm_socket_dir "$(cat "$rundir/socket_dir")"
    rm -f "$rundir/socket_dir"
  fi
  if (( ${#rundir} + ${#port} + 10 <= 107 )); then     # RUNDIR + "/.s.PGSQL." + PORT
    echo "$rundir"; return 0
  fi
  sock=$(mktemp -d /tmp/pgsock.XXXXXX)
  is_root && chown postgres:postgres "$sock"
  echo "$sock" >"$rundir/socket_dir"
  echo "$sock"
}

# Running = pg_ctl status says so for this data dir.
pg_running() {
  local bindir=$1 rundir=$2
  [[ -f "$rundir/data/PG_VERSION" ]] || return 1
  as_pg "$bindir/pg_ctl" -D "$rundir/data" status >/dev/null 2>&1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmd_start() {
  [[ $# -eq 2 ]] || usage
  local rundir=$1 port=$2 bindir
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  bindir=$(find_bindir) || { cmd_install >/dev/null; bindir=$(find_bindir); }
  check_version "$bindir"

  mkdir -p "$rundir"
  rundir=$(cd "$rundir" && pwd -P)
  is_root && prepare_rundir_for_postgres "$rundir"

  if pg_running "$bindir" "$rundir"; then
    local running_port
    running_port=$(sed -n 's/^port = //p' "$rundir/data/pas-local.conf")
    [[ "$running_port" == "$port" ]] \
      || die "a cluster is already running in $rundir on port $running_port, not $port; stop it first"
    echo "postgres already running in $rundir on 127.0.0.1:$port"
    return 0
  fi
  port_open "$port" && die "127.0.0.1:$port is already in use by something else"

  local started=$SECONDS
  if [[ ! -f "$rundir/data/PG_VERSION" ]]; then
    rm -rf "$rundir/data"                 # leftover of an interrupted initdb
    if ! as_pg "$bindir/initdb" -D "$rundir/data" -U postgres -A trust -E UTF8 --locale=C \
        --no-sync >"$rundir/initdb.log" 2>&1; then
      cat "$rundir/initdb.log" >&2
      die "initdb failed in $rundir/data"
    fi
    # Our settings live in their own file, rewritten at each start (the port may change).
    echo "include_if_exists = 'pas-local.conf'" | as_pg tee -a "$rundir/data/postgresql.conf" >/dev/null
  fi

  local sock
  sock=$(socket_dir_for "$rundir" "$port")
  # Throwaway test cluster: durability off (fsync, synchronous_commit, full_page_writes).
  as_pg tee "$rundir/data/pas-local.conf" >/dev/null <<EOF
# Written by scripts/postgres.sh at every start; edits here are lost.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
jit = off
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
EOF

  if ! as_pg "$bindir/pg_ctl" -D "$rundir/data" -w -t 60 -l "$rundir/postgres.log" start >"$rundir/pg_ctl.out" 2>&1; then
    log "PostgreSQL failed to start on 127.0.0.1:$port:"
    cat "$rundir/pg_ctl.out" >&2
    log "---- last 30 lines of $rundir/postgres.log ----"
    tail -n 30 "$rundir/postgres.log" >&2 2>/dev/null || true
    [[ ! -f "$rundir/socket_dir" ]] || { rm_socket_dir "$(cat "$rundir/socket_dir")"; rm -f "$rundir/socket_dir"; }
    exit 1
  fi
  echo "postgres ready on 127.0.0.1:$port (rundir $rundir, socket dir $sock, $((SECONDS - started))s)"
}

psql_cmd() {
  local bindir psql
  bindir=$(find_bindir 2>/dev/null) || true
  if [[ -n "$bindir" && -x "$bindir/psql" ]]; then psql="$bindir/psql"; else psql=psql; fi
  # -X: ignore ~/.psqlrc; explicit host/port/user so PG* env vars can't redirect us.
  PGCONNECT_TIMEOUT=10 "$psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

cmd_createdb() {
  [[ $# -ge 3 ]] || usage
  local rundir=$1 port=$2 name; shift 2
  for name in "$@"; do
    # Variables are only interpolated in psql script input, hence stdin rather than -c.
    if ! psql_cmd -h 127.0.0.1 -p "$port" -U postgres -d postgres -v dbname="$name" >/dev/null <<'SQL'
SELECT format('CREATE DATABASE %I OWNER postgres', :'dbname')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname') \gexec
SQL
    then
      # A concurrent caller may have created it between our check and CREATE; that's fine.
      [[ "$(psql_cmd -h 127.0.0.1 -p "$port" -U postgres -d postgres -tA -v dbname="$name" \
            <<<"SELECT 1 FROM pg_database WHERE datname = :'dbname'")" == 1 ]] \
        || die "could not create database '$name' on 127.0.0.1:$port (rundir $rundir)"
    fi
  done
  echo "databases present on 127.0.0.1:$port: $*"
}

cmd_stop() {
  [[ $# -eq 1 ]] || usage
  local rundir=$1 bindir
  if [[ ! -d "$rundir/data" ]]; then echo "postgres not running (no $rundir/data)"; return 0; fi
  rundir=$(cd "$rundir" && pwd -P)
  bindir=$(find_bindir) || die "PostgreSQL binaries not found (set PG_BINDIR)"
  if pg_running "$bindir" "$rundir"; then
    # fast = roll back open transactions and disconnect clients, no waiting for them.
    as_pg "$bindir/pg_ctl" -D "$rundir/data" -m fast -w -t 60 stop >/dev/null \
      || die "pg_ctl stop failed for $rundir/data"
    echo "postgres stopped (rundir $rundir)"
  else
    echo "postgres not running in $rundir"
  fi
  # A private socket dir in /tmp is empty now; drop it (the next start makes a new one).
  if [[ -f "$rundir/socket_dir" ]]; then
    rm_socket_dir "$(cat "$rundir/socket_dir")"
    rm -f "$rundir/socket_dir"
  fi
}

cmd_restart() {
  [[ $# -eq 1 ]] || usage
  local rundir=$1 port
  [[ -f "$rundir/data/pas-local.conf" ]] || die "no cluster in $rundir (use start RUNDIR PORT)"
  port=$(sed -n 's/^port = //p' "$rundir/data/pas-local.conf")
  cmd_stop "$rundir"
  cmd_start "$rundir" "$port"
}

case "${1:-}" in
  install)  shift; cmd_install "$@" ;;
  start)    shift; cmd_start "$@" ;;
  createdb) shift; cmd_createdb "$@" ;;
  stop)     shift; cmd_stop "$@" ;;
  restart)  shift; cmd_restart "$@" ;;
  *) usage ;;
esac
