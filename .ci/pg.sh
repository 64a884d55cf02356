#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 server on 127.0.0.1 for tests and benchmarks.
#   source .ci/pg.sh start [port]   → exports DATABASE_URL
#   bash .ci/pg.sh stop
# when sourced, leave the caller's shell options alone (set -e would leak into it)
(return 0 2>/dev/null) || set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=${PG_DIR:-/tmp/plume-pg}
PG_PORT=${2:-${PG_PORT:-55432}}
cmd=${1:-start}
if [ "$cmd" = start ]; then
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "installing postgresql-15" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15) >/dev/null
  fi
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m fast >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR" && mkdir -p "$PG_DIR" && chown postgres "$PG_DIR"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null || { echo "initdb failed" >&2; return 1 2>/dev/null || exit 1; }
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null || { echo "PostgreSQL did not start" >&2; return 1 2>/dev/null || exit 1; }
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL on $DATABASE_URL" >&2
else
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m fast >/dev/null 2>&1 || true
fi
