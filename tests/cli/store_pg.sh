# The store on PostgreSQL (run with DROPCAT_TEST_BACKEND=postgresql): connection problems,
# the password kept out of every message, two processes migrating or importing at once.
. "$(dirname "$0")/lib.sh"
on_postgresql || { echo "store_pg.sh runs on PostgreSQL only" >&2; exit 77; }
REAL=$DROPCAT_REAL

# A server that does not answer: 69, with the host named.
"$REAL" --db 'postgresql://dropcat:Hidden-Pw1@127.0.0.1:1/dropcat?connect_timeout=3' drops >"$OUT" 2>"$ERR"
RC=$?
expect_rc 69 "server down"
expect_err "cannot reach the PostgreSQL server at 127.0.0.1 port 1"
expect_no_err "Hidden-Pw1"

# A database that does not exist: 78 (configuration).
"$REAL" --db postgresql:///dropcat_no_such_db drops >"$OUT" 2>"$ERR"
RC=$?
expect_rc 78 "unknown database"
expect_err "dropcat_no_such_db"

# A wrong password, at every verbosity: 78, and the password never printed.
psql -qAtX -d postgres -c "DROP ROLE IF EXISTS ${PG_PREFIX}_user" \
  -c "CREATE ROLE ${PG_PREFIX}_user LOGIN PASSWORD 'Right-Pw-123'" >/dev/null
for v in "" -v -vv -vvv; do
  "$REAL" $v --db "postgresql://${PG_PREFIX}_user:Wrong-Pw-456@localhost/postgres" drops >"$OUT" 2>"$ERR"
  RC=$?
  expect_rc 78 "wrong password $v"
  expect_err "refused the store postgresql://${PG_PREFIX}_user@localhost/postgres"
  expect_no_err "Wrong-Pw-456"
done

# The right password works, and is not printed either, whatever is logged.
createdb -O "${PG_PREFIX}_user" "${PG_PREFIX}_owned"
owned="postgresql://${PG_PREFIX}_user:Right-Pw-123@localhost/${PG_PREFIX}_owned"
"$REAL" -vvv --db "$owned" import "$DATA/drops.csv" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "import with a password in the URI"
expect_no_err "Right-Pw-123"
"$REAL" -vvv --db "$owned" drops --format tsv >"$OUT" 2>"$ERR"
expect_out_lines 7 "listed from the password-protected store"
expect_no_err "Right-Pw-123"

# A dry run and the completion helper make no store: an empty database stays empty.
empty=$(pg_uri "$WORK/empty.db")
"$REAL" --db "$empty" import --dry-run "$DATA/drops.csv" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "dry run into an empty database"
expect_err "would import 6 (6 new"
"$REAL" --db "$empty" __complete backorder-ids >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "completion on an empty database"
expect_equal "$(wc -c <"$OUT")" 0 "no ids from an empty database"
expect_equal "$(psql -qAtX -d "$empty" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0 \
  "a dry run and a completion created no tables"

# Two processes opening one new database at once migrate it once.
fresh=$(pg_uri "$WORK/fresh.db")
"$REAL" --db "$fresh" backorder expire -q >"$WORK/m1.out" 2>&1 &
a=$!
"$REAL" --db "$fresh" backorder expire -q >"$WORK/m2.out" 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
expect_equal "$ra $rb" "0 0" "both processes opened the new store"
expect_equal "$(psql -qAtX -d "$fresh" -c 'SELECT count(*) = max(version) AND count(*) > 1 FROM dropcat_schema')" t \
  "each migration applied once"

# Two imports into one store at once: both complete, one after the other, nothing lost. The
# lists share 10,000 names: one after the other, only the first counts them as new (run side
# by side, both would, or the second would fail on them).
for part in 1 2; do
  awk -v p=$part 'BEGIN { print "domain,drop_date"; for (i = 0; i < 20000; i++) printf "p%d-%05d.com,2026-12-0%d\n", p, i, p;
                          for (i = 0; i < 10000; i++) printf "shared-%05d.com,2026-12-05\n", i }' >"$WORK/part$part.csv"
done
both=$(pg_uri "$WORK/both.db")
"$REAL" --db "$both" drops -q >/dev/null
"$REAL" --db "$both" import -q --format json "$WORK/part1.csv" >"$WORK/i1.json" 2>"$WORK/i1.err" &
a=$!
"$REAL" --db "$both" import -q --format json "$WORK/part2.csv" >"$WORK/i2.json" 2>"$WORK/i2.err" &
b=$!
wait $a; ra=$?
wait $b; rb=$?
expect_equal "$ra $rb" "0 0" "two imports at once: $(cat "$WORK/i1.err" "$WORK/i2.err")"
expect_equal "$("$REAL" --db "$both" drops --format tsv | tail -n +2 | wc -l)" 50000 "both lists are in the store"
expect_equal "$(python3 -c 'import json,sys; print(sum(json.load(open(f))["new"] for f in sys.argv[1:]))' "$WORK/i1.json" "$WORK/i2.json")" \
  50000 "the shared names were new to one import only"

# A role that may only read: listings work, a write is refused and changes nothing.
ro_store=$(pg_uri "$WORK/ro.db")
"$REAL" --db "$ro_store" import -q "$DATA/drops.csv"
ro_db=${ro_store#postgresql:///}
psql -qAtX -d "$ro_db" -c "DROP ROLE IF EXISTS ${PG_PREFIX}_reader" \
  -c "CREATE ROLE ${PG_PREFIX}_reader LOGIN PASSWORD 'Reader-Pw-1'" \
  -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${PG_PREFIX}_reader" >/dev/null
reader="postgresql://${PG_PREFIX}_reader:Reader-Pw-1@localhost/$ro_db"
"$REAL" --db "$reader" drops --format tsv >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "drops as a role that may only read"
expect_out_lines 7 "every drop listed by the reading role"
"$REAL" --db "$reader" backorder list --format tsv >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "backorder list as a role that may only read"
"$REAL" --db "$reader" import "$DATA/namejet.txt" --drop-date 2026-12-01 >"$OUT" 2>"$ERR"
RC=$?
expect_rc 1 "import as a role that may only read"
expect_err "permission denied"
expect_no_err "Reader-Pw-1"
expect_equal "$("$REAL" --db "$ro_store" drops --format tsv | tail -n +2 | wc -l)" 6 "the store is unchanged"
psql -qAtX -d "$ro_db" -c "DROP OWNED BY ${PG_PREFIX}_reader" -c "DROP ROLE ${PG_PREFIX}_reader" >/dev/null

psql -qAtX -d postgres -c "DROP DATABASE ${PG_PREFIX}_owned WITH (FORCE)" -c "DROP ROLE ${PG_PREFIX}_user" >/dev/null
finish
