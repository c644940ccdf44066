#!/usr/bin/env bash
# A real PostgreSQL server for the gateway's integration tests and for a "real" local deployment.
#
#   gateway/scripts/postgres.sh start    # install (Debian) if needed, initdb once, start; prints DATABASE_URL=...
#   gateway/scripts/postgres.sh url      # prints DATABASE_URL=... of the initialised cluster
#   gateway/scripts/postgres.sh status   # exit 0 when running
#   gateway/scripts/postgres.sh stop     # fast shutdown (in-flight transactions roll back)
#   gateway/scripts/postgres.sh crash    # immediate shutdown, as a crash: no checkpoint, WAL recovery at the next start
#
# Layout (git-ignored), under PG_HOME (default <repo>/.data/postgres):
#   data/      the cluster, owned by the server's OS user, mode 0700
#   run/       the Unix socket directory
#   server.log the server log
#   port       the TCP port chosen at first start (reused while free)
#   password   the generated password of the 'postgres' role (mode 0600)
#
# Security choices: the server listens on 127.0.0.1 only, and every connection, TCP or Unix socket,
# authenticates with SCRAM-SHA-256 using a password generated at initdb time (never a fixed or empty
# password, never `trust`), so other local users cannot use the cluster without reading the 0600
# password file. Durability is explicit: fsync, synchronous_commit and full_page_writes are on.
#
# As root (CI), the server runs as the unprivileged `postgres` OS user created by Debian's package
# (PostgreSQL refuses to run as root); otherwise it runs as the invoking user.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
PG_HOME="${PG_HOME:-$repo/.data/postgres}"
DB_NAME="${PG_DATABASE:-licence_ledger}"
data="$PG_HOME/data"
run="$PG_HOME/run"
log="$PG_HOME/server.log"

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bin() {
  local dir
  # Highest installed major version first.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return 0; fi
  done
  return 1
}

ensure_installed() {
  if bin="$(find_bin)"; then return 0; fi
  [[ "$(id -u)" -eq 0 ]] || die "PostgreSQL is not installed; run as root (or: sudo apt-get install -y postgresql)"
  echo "postgres.sh: installing PostgreSQL from Debian packages" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
  bin="$(find_bin)" || die "apt-get installed postgresql but no initdb/pg_ctl was found"
}

# Runs a command as the server's OS user.
as_server() {
  if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

server_user() {
  if [[ "$(id -u)" -eq 0 ]]; then echo postgres; else id -un; fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

port_free() {
  node -e "const s=require('net').createServer();s.once('error',()=>process.exit(1));s.listen(Number(process.argv[1]),'127.0.0.1',()=>s.close())" "$1"
}

url() {
  [[ -f "$PG_HOME/password" && -f "$PG_HOME/port" ]] || die "no cluster yet; run: $0 start"
  local pw port
  pw="$(cat "$PG_HOME/password")"
  port="$(cat "$PG_HOME/port")"
  echo "DATABASE_URL=postgres://postgres:${pw}@127.0.0.1:${port}/${DB_NAME}"
}

running() {
  [[ -n "${bin:-}" ]] || bin="$(find_bin)" || return 1
  [[ -f "$data/PG_VERSION" ]] || return 1
  as_server "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

init_cluster() {
  local user
  user="$(server_user)"
  mkdir -p "$PG_HOME"
  chmod 0755 "$PG_HOME"
  install -d -m 0700 -o "$user" "$data"
  install -d -m 0700 -o "$user" "$run"
  # base64 of 24 random bytes, made URL-safe so it can sit in DATABASE_URL unescaped.
  head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$PG_HOME/password"
  chmod 0600 "$PG_HOME/password"
  local pwfile="$run/initdb.pw"
  install -m 0600 -o "$user" /dev/null "$pwfile"
  cat "$PG_HOME/password" >"$pwfile"
  as_server "$bin/initdb" -D "$data" -U postgres -A scram-sha-256 --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --data-checksums >/dev/null
  rm -f "$pwfile"
  cat >>"$data/postgresql.conf" <<EOF

# --- licence-ledger (gateway/scripts/postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$run'
password_encryption = 'scram-sha-256'
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 100
EOF
  cat >"$data/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  scram-sha-256
host    all       all   127.0.0.1/32   scram-sha-256
EOF
}

start() {
  ensure_installed
  if [[ ! -f "$data/PG_VERSION" ]]; then init_cluster; fi
  if running; then url; return 0; fi
  local port
  port="${PG_PORT:-}"
  if [[ -z "$port" && -f "$PG_HOME/port" ]] && port_free "$(cat "$PG_HOME/port")"; then port="$(cat "$PG_HOME/port")"; fi
  [[ -n "$port" ]] || port="$(free_port)"
  echo "$port" >"$PG_HOME/port"
  touch "$log"
  chown "$(server_user)" "$log"
  as_server "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port" start >/dev/null \
    || { tail -n 20 "$log" >&2; die "the server did not start (log: $log)"; }
  # Create the application database once.
  local pw
  pw="$(cat "$PG_HOME/password")"
  if ! PGPASSWORD="$pw" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    PGPASSWORD="$pw" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB_NAME"
  fi
  url
}

stop() {
  local mode="${1:-fast}"
  bin="$(find_bin)" || { echo "postgres.sh: not installed; nothing to stop" >&2; return 0; }
  if running; then as_server "$bin/pg_ctl" -D "$data" -m "$mode" -w stop >/dev/null; fi
  echo "postgres.sh: stopped ($mode)" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop fast ;;
  crash) stop immediate ;;
  url) url ;;
  status) if running; then echo "running"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|crash|url|status" >&2; exit 2 ;;
esac
