# Usage errors, files that are not drop lists, help, version, broken pipes and a busy store.
. "$(dirname "$0")/lib.sh"

run improt x.csv
expect_rc 2 "unknown command"
expect_err "dropcat: error: 'improt' is not a dropcat command; did you mean 'import'?"
expect_err "try 'dropcat --help'"

run drops --format jsno
expect_rc 2 "bad --format value"
expect_err "did you mean 'json'?"
expect_err "try 'dropcat drops --help'"

run import --input-format cvs x.csv
expect_rc 2 "bad --input-format value"
expect_err "did you mean 'csv'?"

run drops --date 2026-13-01
expect_rc 2 "bad date"
expect_err "is not a date"

run drops --date 2026-12-01 --from 2026-12-01
expect_rc 2 "--date with --from"
run --db "$WORK/none.db" drops --from 2026-12-05 --to 2026-12-01
expect_rc 2 "a reversed --from/--to"
expect_err "--to 2026-12-01 is before --from 2026-12-05"
expect_err "try 'dropcat drops --help'"

# dropcat help [COMMAND...] is the command's --help.
run help backorder show
expect_rc 0 "help backorder show"
expect_out "Usage: dropcat backorder show [OPTIONS] DOMAIN"
run help
expect_rc 0
expect_out "dropcat help COMMAND"
run --db "$WORK/none.db" help drops
expect_out "Usage: dropcat drops"
run help improt
expect_rc 2 "help for a command that does not exist"
expect_err "did you mean 'import'?"

run drops --min-length x
expect_rc 2 "--min-length takes a number"
run drops --limit 0
expect_rc 2 "--limit 0"
expect_err "'0' is not a whole number of 1 or more"

run drops --tld notatld
expect_rc 2 "an unknown TLD"
expect_err "--tld: 'notatld' is not a known TLD or public suffix"

run drops --colour never
expect_rc 2 "an unknown option"
expect_err "--colour is not an option of dropcat drops; did you mean --color?"
run import --dryrun x.csv
expect_rc 2
expect_err "did you mean --dry-run?"

run
expect_rc 2 "no command"

run --help
expect_rc 0
expect_out "Usage"
expect_out "import"
run import --help
expect_rc 0
expect_out "--drop-date"
expect_out "Examples:"
run --version
expect_rc 0
expect_out "dropcat 0.1.0"

# Not drop lists: clear message, exit 65, nothing imported (from the whole run).
db=$WORK/e.db
"$DROPCAT" --db "$db" import -q "$DATA/drops.csv"
run --db "$db" import "$DATA/namejet.txt" "$DATA/error-page.csv" --drop-date 2026-12-01
expect_rc 65 "an HTML page saved as .csv"
expect_err "error-page.csv: looks like an HTML or XML page, not a drop list"
expect_err "nothing was imported"
expect_equal "$(rows "$db")" 6 "store unchanged after an HTML page"

head -c 2048 /dev/urandom >"$WORK/random.bin"
printf '\0' >>"$WORK/random.bin"
run --db "$db" import "$WORK/random.bin"
expect_rc 65 "binary data"
expect_err "binary data, not a drop list"
expect_equal "$(rows "$db")" 6

run --db "$db" import "$WORK/no-such-file.csv"
expect_rc 1 "missing file"
expect_err "no-such-file.csv: cannot open: No such file or directory"
run --db "$db" import "$WORK"
expect_rc 1 "a folder"
expect_err "is a folder, not a file"

# A broken pipe on stdout ends quietly with 0.
awk 'BEGIN { print "domain,drop_date"; for (i = 0; i < 50000; i++) printf "p%06d.com,2026-12-01\n", i }' >"$WORK/pipe.csv"
"$DROPCAT" --db "$WORK/pipe.db" import -q "$WORK/pipe.csv"
"$DROPCAT" --db "$WORK/pipe.db" drops --format tsv 2>"$WORK/pipe.err" | head -n 1 >/dev/null
status=${PIPESTATUS[0]}
expect_equal "$status" 0 "exit status with a closed pipe"
[ ! -s "$WORK/pipe.err" ] && ok || bad "stderr with a closed pipe: $(cat "$WORK/pipe.err")"

# Standard output that cannot be written (a full disk, closed) is exit 74 with the reason, not
# an internal error. (Closed, its number once went to the PostgreSQL connection, and the
# listing into the socket.)
run_to() { "$DROPCAT" "$@" 2>"$ERR"; RC=$?; }
run_to --db "$WORK/pipe.db" drops --format tsv >/dev/full
expect_rc 74 "stdout on a full disk"
expect_err "dropcat: error: cannot write to standard output: No space left on device"
run_to --db "$WORK/pipe.db" drops --format tsv >&-
expect_rc 74 "stdout closed"
expect_err "dropcat: error: cannot write to standard output: Bad file descriptor"
expect_no_err "internal error"

# Another run holding the store: wait (DROPCAT_LOCK_WAIT, 5 s by default), then exit 75 with a
# clear message. The holder keeps the lock until it is told to let go, on its stdin.
"$DROPCAT" --db "$db" drops -q >/dev/null # the store exists and has its schema
if on_sqlite; then
  coproc HOLDER { python3 -u -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked")
sys.stdin.readline()
c.execute("ROLLBACK")' "$db"; }
  read -r -t 10 -u "${HOLDER[0]}" said || said=
else
  # The lock every dropcat write takes first (k_take_write_lock in lib/src/store/pg_backend.hpp).
  coproc HOLDER { psql -qAtX -d "$(pg_uri "$db")" >/dev/null; }
  printf 'BEGIN;\nSELECT pg_advisory_xact_lock(1685221232, 1);\n' >&"${HOLDER[1]}"
  said=
  for _ in $(seq 1 100); do
    [ "$(psql -qAtX -d "$(pg_uri "$db")" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1685221232 AND objid = 1 AND granted")" = 1 ] && { said=locked; break; }
    sleep 0.1
  done
fi
expect_equal "$said" locked "the holder took the store's write lock"
holder=$HOLDER_PID
holder_in=${HOLDER[1]}
printf 'domain,drop_date\nheld-one.com,2026-12-01\nheld-two.com,2026-12-01\n' >"$WORK/held.csv"
started=$(date +%s%N)
DROPCAT_LOCK_WAIT=0.2 run --db "$db" import "$WORK/held.csv"
waited_ms=$(( ($(date +%s%N) - started) / 1000000 ))
expect_rc 75 "busy store"
# It gave up after its 0.2 s, not the default 5 s (a wide margin: this is not a speed test).
[ "$waited_ms" -lt 3000 ] && ok || bad "DROPCAT_LOCK_WAIT=0.2 waited ${waited_ms} ms"
expect_err "is busy: another dropcat run is writing to it; try again later"
expect_err "nothing was imported" "a busy store says what was kept"
expect_equal "$(rows "$db")" 6 "a run that gave up wrote nothing"
# A longer wait lets the run through once the holder is done.
DROPCAT_LOCK_WAIT=10 "$DROPCAT" --db "$db" import -q "$WORK/held.csv" 2>"$WORK/waited.err" &
waiter=$!
sleep 0.3
printf 'COMMIT;\n' >&"$holder_in" # a line: the Python holder lets go too
exec {holder_in}>&- # and psql ends at the end of its input
wait "$waiter"
RC=$?
expect_rc 0 "a run that waited for the holder: $(cat "$WORK/waited.err")"
expect_equal "$(rows "$db")" 8 "the run that waited wrote its rows"
wait "$holder" 2>/dev/null

# DROPCAT_LOCK_WAIT must be a number of seconds.
DROPCAT_LOCK_WAIT=5s run --db "$db" drops
expect_rc 78 "a bad DROPCAT_LOCK_WAIT"
expect_err "DROPCAT_LOCK_WAIT: '5s' is not a number of seconds from 0 to 3600"

# --color always colours usage errors too, even one found while the options are parsed; every
# usage error ends with its hint; CLI11's own messages are said in dropcat's words.
run --color always drops --frm today
expect_rc 2
grep -q $'\033\\[1;31merror:' "$ERR" && ok || bad "--color always did not colour a usage error: $(cat -v "$ERR")"
expect_err "did you mean --from?"
run --color=never backorder cancel 2,abc
expect_rc 2
expect_err "error: ID: '2,abc' is not a valid value"
expect_err "try 'dropcat backorder cancel --help'"
expect_no_err "Could not convert"
run drops --date today --from today
expect_err "--date and --from cannot be used together"
run drops extra
expect_err "unexpected argument: 'extra'"
run --db "$db" backorder list --columns idd
expect_rc 2
expect_err "try 'dropcat backorder list --help'"

finish
