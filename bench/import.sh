#!/usr/bin/env bash
# Benchmark: dropcat import of a 1,000,000-row CSV drop list against sqlite3's .import of the same
# file (SQLite store), and against psql's \copy of it into a table with the same primary key
# (PostgreSQL store), in one run on one machine, so the ratios hold whatever the machine's speed.
#   bench/import.sh [BUILD_DIR] [ROWS]        # NO_PG=1: the SQLite part only
# Needs: sqlite3, /usr/bin/time (Debian packages sqlite3 and time), python3; for the PostgreSQL
# part postgresql-15 (the script runs itself inside pg_virtualenv, a throw-away cluster).
set -euo pipefail
. "$(dirname "$0")/pg_reexec.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
rows=${2:-1000000}
dropcat=$build/apps/dropcat/dropcat
[ -x "$dropcat" ] || { echo "bench: no dropcat at $dropcat (build first)" >&2; exit 2; }
for tool in sqlite3 python3; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
list=$work/drops.csv

# Random valid names over com/net/org/info: 3 to 15 letters and digits, some with one hyphen
# (never at either end or in positions 3-4), dates over 5 days.
python3 - "$list" "$rows" <<'PY'
import random, sys
path, rows = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261128)
letters = "abcdefghijklmnopqrstuvwxyz"
inner = letters + "0123456789"
tlds = ["com", "net", "org", "info"]
days = ["2026-12-0%d" % d for d in range(1, 6)]
seen = set()
with open(path, "w") as f:
    f.write("domain,drop_date\n")
    while len(seen) < rows:
        n = rnd.randint(3, 15)
        label = rnd.choice(letters) + "".join(rnd.choice(inner) for _ in range(n - 2)) + rnd.choice(letters)
        if n >= 7 and rnd.random() < 0.2:
            cut = rnd.randint(4, n - 2)
            label = label[:cut] + "-" + label[cut + 1:]
        name = label + "." + rnd.choice(tlds)
        if name in seen:
            continue
        seen.add(name)
        f.write("%s,%s\n" % (name, rnd.choice(days)))
PY

# Prints "seconds peak_kb" for a command.
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    echo "bench: failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
  cat "$work/time"
}

# Each measurement runs $runs times, interleaved with the others so that a slow spell of the
# machine touches all of them alike; the median is reported.
runs=${RUNS:-3}
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
: >"$work/sqlite" ; : >"$work/fresh" ; : >"$work/again" ; : >"$work/list"
: >"$work/copy" ; : >"$work/pg_fresh" ; : >"$work/pg_again" ; : >"$work/pg_list"
for run in $(seq "$runs"); do
  sqlite_db=$work/sqlite-$run.db
  sqlite3 "$sqlite_db" 'PRAGMA journal_mode=WAL; CREATE TABLE drops (domain TEXT PRIMARY KEY, drop_date TEXT);' >/dev/null
  measure sqlite3 "$sqlite_db" ".import --csv --skip 1 $list drops" >>"$work/sqlite"
  rm -f "$sqlite_db"*
  store=$work/dropcat-$run.db
  measure "$dropcat" --db "$store" import -q "$list" >>"$work/fresh"
  measure "$dropcat" --db "$store" import -q "$list" >>"$work/again"
  measure "$dropcat" --db "$store" drops --date 2026-12-03 --format tsv >>"$work/list"
  listed=$("$dropcat" --db "$store" drops --date 2026-12-03 --format tsv | wc -l)
  rm -f "$store"*
  [ -n "${DROPCAT_BENCH_PG:-}" ] || continue
  createdb "bench_copy_$run"
  psql -qX -d "bench_copy_$run" -c 'CREATE TABLE drops (domain TEXT PRIMARY KEY, drop_date TEXT)'
  measure psql -qX -d "bench_copy_$run" -c "\\copy drops FROM '$list' WITH (FORMAT csv, HEADER)" >>"$work/copy"
  dropdb "bench_copy_$run"
  createdb "bench_dropcat_$run"
  pg_store="postgresql:///bench_dropcat_$run"
  measure "$dropcat" --db "$pg_store" import -q "$list" >>"$work/pg_fresh"
  measure "$dropcat" --db "$pg_store" import -q "$list" >>"$work/pg_again"
  measure "$dropcat" --db "$pg_store" drops --date 2026-12-03 --format tsv >>"$work/pg_list"
  dropdb "bench_dropcat_$run"
done
sqlite_s=$(cut -d' ' -f1 "$work/sqlite" | median); sqlite_kb=$(cut -d' ' -f2 "$work/sqlite" | sort -n | tail -1)
first_s=$(cut -d' ' -f1 "$work/fresh" | median); first_kb=$(cut -d' ' -f2 "$work/fresh" | sort -n | tail -1)
again_s=$(cut -d' ' -f1 "$work/again" | median); again_kb=$(cut -d' ' -f2 "$work/again" | sort -n | tail -1)
list_s=$(cut -d' ' -f1 "$work/list" | median)

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo "rows: $rows, runs: $runs (medians; peak memory is the largest seen)"
echo "sqlite3 .import:          ${sqlite_s} s, peak ${sqlite_kb} KB   [$(tr '\n' ' ' <"$work/sqlite" | cut -c1-60)]"
echo "dropcat import (fresh):   ${first_s} s, peak ${first_kb} KB, ratio $(ratio "$first_s" "$sqlite_s") (target <= 0.60, < 300 MB)"
echo "dropcat import (again):   ${again_s} s, peak ${again_kb} KB, ratio $(ratio "$again_s" "$sqlite_s") (target <= 0.60)"
echo "dropcat drops --date:     ${list_s} s for $((listed - 1)) rows (target < 1 s)"
[ -n "${DROPCAT_BENCH_PG:-}" ] || exit 0
copy_s=$(cut -d' ' -f1 "$work/copy" | median)
pg_first_s=$(cut -d' ' -f1 "$work/pg_fresh" | median); pg_first_kb=$(cut -d' ' -f2 "$work/pg_fresh" | sort -n | tail -1)
pg_again_s=$(cut -d' ' -f1 "$work/pg_again" | median); pg_again_kb=$(cut -d' ' -f2 "$work/pg_again" | sort -n | tail -1)
pg_list_s=$(cut -d' ' -f1 "$work/pg_list" | median)
echo "PostgreSQL $(psql -qAtX -c 'SHOW server_version')"
echo "psql \\copy:               ${copy_s} s   [$(tr '\n' ' ' <"$work/copy" | cut -c1-60)]"
echo "dropcat import (fresh):   ${pg_first_s} s, peak ${pg_first_kb} KB, ratio $(ratio "$pg_first_s" "$copy_s") (target <= 1.25, < 300 MB)"
echo "dropcat import (again):   ${pg_again_s} s, peak ${pg_again_kb} KB, ratio $(ratio "$pg_again_s" "$copy_s") (target <= 1.50, < 300 MB)"
echo "dropcat drops --date:     ${pg_list_s} s"
