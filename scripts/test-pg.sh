#!/usr/bin/env bash
# Runs a command (default: the vitest suite) against a throwaway PostgreSQL 15 server.
set -uo pipefail
cd "$(dirname "$0")/.."
export PG_DIR=${PG_DIR:-/tmp/plume-pg-dev}
source .ci/pg.sh start "${PG_PORT:-55439}"
trap 'bash .ci/pg.sh stop' EXIT
if [ $# -eq 0 ]; then set -- npx vitest run; fi
"$@"
