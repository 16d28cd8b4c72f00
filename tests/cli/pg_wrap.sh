#!/usr/bin/env bash
# Runs dropcat with its store on PostgreSQL: each --db FILE (and DROPCAT_DB) that names an
# SQLite file is replaced by a PostgreSQL database of its own on the PG* server, created on
# first use, so that one test script runs unchanged on both backends. lib.sh puts this in
# front of $DROPCAT when DROPCAT_TEST_BACKEND=postgresql, and drops the databases at the end.
set -u
: "${DROPCAT_REAL:?}" "${PG_PREFIX:?}"
# PG_MADE (a folder lib.sh sets) remembers the databases already made, so that only a store's
# first use asks the server.
pg_store_for() {
  local name
  name=${PG_PREFIX}_$(printf '%s' "$1" | md5sum | cut -c1-10)
  if [ ! -e "${PG_MADE:-/nonexistent}/$name" ]; then
    if [ "$(psql -qAtX -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]; then
      createdb "$name" 2>/dev/null || true
    fi
    [ -n "${PG_MADE:-}" ] && : >"$PG_MADE/$name"
  fi
  printf 'postgresql:///%s' "$name"
}
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = --db ] && [ $# -ge 2 ] && [[ $2 != postgres* ]]; then
    args+=(--db "$(pg_store_for "$2")")
    shift 2
    continue
  fi
  args+=("$1")
  shift
done
if [ -n "${DROPCAT_DB:-}" ] && [[ $DROPCAT_DB != postgres* ]]; then
  DROPCAT_DB=$(pg_store_for "$DROPCAT_DB")
  export DROPCAT_DB
fi
exec "$DROPCAT_REAL" "${args[@]}"
