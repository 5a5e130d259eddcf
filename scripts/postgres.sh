#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test run (issue 4 §3). Source it, then:
#   postgres_setup     installs Debian's postgresql if missing, initdb's a temp cluster listening only on 127.0.0.1 on a
#                      free port, starts it and exports CRISISBOT_TEST_POSTGRES (an Npgsql connection string); on failure
#                      it exports CRISISBOT_TEST_POSTGRES_ERROR instead, so the Postgres tests fail (never skip).
#   postgres_teardown  stops the cluster and deletes its folder (call it from an EXIT trap).
# Run alone: `bash scripts/postgres.sh` starts a cluster, prints the connection string and waits for Ctrl-C.

PG_TMP=""
PG_BIN=""
PG_USER=postgres

_pg_as_user() {   # run a command as the cluster owner (initdb and postgres refuse root)
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u "$PG_USER" -- "$@"
  else
    "$@"
  fi
}

_pg_install() {
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then return 0; fi
  echo "== installing Debian postgresql (for the PostgreSQL test variants)"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      echo "PostgreSQL is missing and installing it needs root (apt-get install -y postgresql)"; return 1
    fi
  fi
  "${sudo[@]}" apt-get update -q < /dev/null \
    && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 postgresql < /dev/null
}

_pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

_pg_start() {
  _pg_install || { echo "apt-get install postgresql failed"; return 1; }
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -x "$PG_BIN/initdb" ]] || { echo "initdb not found under /usr/lib/postgresql/*/bin"; return 1; }
  if [[ "$(id -u)" -eq 0 ]]; then
    id "$PG_USER" >/dev/null 2>&1 || { echo "user $PG_USER missing (the postgresql package creates it)"; return 1; }
  else
    PG_USER="$(id -un)"
  fi
  PG_TMP="$(mktemp -d /tmp/crisisbot-pg.XXXXXX)"
  chmod 755 "$PG_TMP"
  [[ "$(id -u)" -eq 0 ]] && chown "$PG_USER" "$PG_TMP"
  local port password
  port="$(_pg_free_port)"
  password="test-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
  printf '%s\n' "$password" > "$PG_TMP/pwfile"
  [[ "$(id -u)" -eq 0 ]] && chown "$PG_USER" "$PG_TMP/pwfile"
  _pg_as_user "$PG_BIN/initdb" -D "$PG_TMP/data" -U crisisbot --pwfile="$PG_TMP/pwfile" -A scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 > "$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log"; echo "initdb failed"; return 1; }
  rm -f "$PG_TMP/pwfile"
  _pg_as_user "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c max_connections=300 -c fsync=off -c synchronous_commit=off" start \
      > /dev/null \
    || { cat "$PG_TMP/server.log" 2>/dev/null; echo "pg_ctl start failed"; return 1; }
  PGPASSWORD="$password" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U crisisbot -d postgres -c "CREATE DATABASE crisisbot_tests;" \
    || { echo "CREATE DATABASE failed"; return 1; }
  export CRISISBOT_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Database=crisisbot_tests;Username=crisisbot;Password=$password"
  unset CRISISBOT_TEST_POSTGRES_ERROR
  echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (cluster $PG_TMP/data)"
}

postgres_setup() {
  local log
  log="$(mktemp)"
  if _pg_start > "$log" 2>&1; then
    cat "$log"; rm -f "$log"; return 0
  fi
  cat "$log"
  export CRISISBOT_TEST_POSTGRES_ERROR="PostgreSQL setup failed in scripts/postgres.sh: $(tail -n 3 "$log" | tr '\n' ' ')"
  unset CRISISBOT_TEST_POSTGRES
  rm -f "$log"
  echo "warning: $CRISISBOT_TEST_POSTGRES_ERROR"
  return 1
}

postgres_teardown() {
  if [[ -n "$PG_TMP" && -d "$PG_TMP" ]]; then
    if [[ -n "$PG_BIN" && -f "$PG_TMP/data/postmaster.pid" ]]; then
      _pg_as_user "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop > /dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
  fi
  PG_TMP=""
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -uo pipefail
  SLEEPER=""
  trap 'postgres_teardown; [[ -n "$SLEEPER" ]] && kill "$SLEEPER" 2>/dev/null' EXIT
  trap 'exit 130' INT TERM
  postgres_setup || exit 1
  echo "CRISISBOT_TEST_POSTGRES=$CRISISBOT_TEST_POSTGRES"
  echo "Ctrl-C stops and deletes the cluster."
  while true; do sleep 3600 & SLEEPER=$!; wait "$SLEEPER"; done   # wait returns at once on a signal: the trap runs
fi
