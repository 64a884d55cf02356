#!/usr/bin/env bash
# `npm run bench`: every benchmark, on a throwaway PostgreSQL server unless DATABASE_URL is set.
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${DATABASE_URL:-}" ]; then
  export PG_DIR=${PG_DIR:-/tmp/plume-pg-bench}
  source .ci/pg.sh start "${PG_PORT:-55438}"
  trap 'bash .ci/pg.sh stop' EXIT
fi
status=0
for b in test/bench/crud.ts test/bench/orders.ts test/bench/order-entry.ts test/bench/permissions.ts test/bench/alerts.ts test/bench/reports.ts test/bench/import.ts test/bench/forecast.ts test/bench/metadata.ts; do
  [ -f "$b" ] || continue
  echo "== $b"
  npx tsx "$b" || status=1
done
if [ -f test/bench/widgets.ts ]; then
  echo "== partner widget sizes (/sdk/plume.js)"
  npx tsx test/bench/widgets.ts || status=1
fi
if [ -f test/bench/admin-load.ts ]; then
  echo "== admin dashboard cold load (Chromium)"
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then npx tsx test/bench/admin-load.ts || status=1
  else echo "  skipped: no Chromium (bash .ci/setup-browser.sh)"; fi
fi
if [ -f admin-ui/scripts/size.mjs ]; then
  echo "== admin-ui bundle size"
  # measured on a build of the current sources (a fresh clone has none)
  [ -f admin-ui/dist/index.html ] || npm run build -w admin-ui >/dev/null || status=1
  node admin-ui/scripts/size.mjs || status=1
  echo "== the builder's weight outside its screens (#17: at most 150 KB gzip)"
  node admin-ui/scripts/builder-size.mjs || status=1
fi
exit $status
