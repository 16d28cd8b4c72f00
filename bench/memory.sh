#!/usr/bin/env bash
# Benchmark: peak memory (maximum resident set, /usr/bin/time) of dropcat import on a list of
# 10,000,000 distinct names and on 50,000,000 duplicate rows in gzip, on SQLite and PostgreSQL
# (issue 10: under 300 MB whatever the input). Takes some minutes and about 300 MB of disk.
#   bench/memory.sh [BUILD_DIR]        # NO_PG=1: the SQLite part only
set -euo pipefail
. "$(dirname "$0")/pg_reexec.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
dropcat=$build/apps/dropcat/dropcat
[ -x "$dropcat" ] || { echo "bench: no dropcat at $dropcat (build first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk 'BEGIN { print "domain,drop_date"; for (i = 0; i < 10000000; i++) printf "n%08d-x.com,2026-12-0%d\n", i, i % 5 + 1 }' >"$work/distinct.csv"
awk 'BEGIN { print "domain,drop_date"; for (i = 0; i < 50000000; i++) printf "n%02d-x.com,2026-12-01\n", i % 40 }' | gzip -1 >"$work/dups.csv.gz"
measure() { # LABEL DB FILE
  /usr/bin/time -o "$work/time" -f "$1: %e s, peak %M KB" "$dropcat" --db "$2" import -q "$3"
  cat "$work/time"
}
measure "10M distinct, fresh SQLite store" "$work/d.db" "$work/distinct.csv"
measure "10M distinct, SQLite store that has them" "$work/d.db" "$work/distinct.csv"
measure "50M duplicate rows (gzip), SQLite" "$work/dd.db" "$work/dups.csv.gz"
if [ -z "${NO_PG:-}" ]; then
  createdb dropcat_memory
  measure "10M distinct, fresh PostgreSQL store" postgresql:///dropcat_memory "$work/distinct.csv"
  measure "10M distinct, PostgreSQL store that has them" postgresql:///dropcat_memory "$work/distinct.csv"
fi
