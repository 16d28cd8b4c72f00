# dropcat import: summaries, exit codes, rejected rows, strict, dry run, stdin, gzip, crashes.
. "$(dirname "$0")/lib.sh"

# A first import into the default store (created with its folder under XDG_DATA_HOME).
run import "$DATA/drops.csv"
expect_rc 0 "import of a clean list"
expect_err "read 6 rows: imported 6 (6 new, 0 updated, 0 unchanged), 0 rejected"
if on_sqlite; then
  [ -f "$XDG_DATA_HOME/dropcat/dropcat.db" ] && ok || bad "store not created under XDG_DATA_HOME"
fi
expect_equal "$(wc -c <"$OUT")" 0 "nothing on stdout for a text summary"

# Re-importing changes nothing but last_seen.
run import "$DATA/drops.csv"
expect_rc 0
expect_err "imported 6 (0 new, 0 updated, 6 unchanged)"

# JSON summary on stdout with the documented keys.
run import --format json "$DATA/drops.csv"
expect_rc 0
python3 - "$OUT" <<'PY' && ok || bad "JSON summary keys"
import json, sys
s = json.loads(open(sys.argv[1]).read())
want = {"read": 6, "imported": 6, "new": 0, "updated": 0, "unchanged": 6, "rejected": 0}
assert all(s[k] == v for k, v in want.items()), s
PY

# Rejected rows: FILE:LINE: REASON: 'TEXT' on stderr, the good rows imported, exit 65.
db=$WORK/bad.db
run --db "$db" import "$DATA/bad.csv"
expect_rc 65 "some rows rejected"
expect_err "$DATA/bad.csv:3: not a registrable domain: 'www.bad-subdomain.com' is a name under 'bad-subdomain.com': 'www.bad-subdomain.com,2026-12-01'"
expect_err "$DATA/bad.csv:4: '_' is not allowed in a domain name"
expect_err "$DATA/bad.csv:6: no drop date (give one with --drop-date): 'no-date.org,'"
expect_err "$DATA/bad.csv:7: unknown top-level domain '.notatld'"
expect_err "read 6 rows: imported 2 (2 new, 0 updated, 0 unchanged), 4 rejected"
expect_equal "$(rows "$db")" 2 "good rows of a partly bad list are imported"

# --strict: one bad row and nothing is imported.
db=$WORK/strict.db
run --db "$db" import --strict "$DATA/bad.csv"
expect_rc 65 "--strict"
expect_err "4 of 6 rows rejected; nothing imported (--strict)"
expect_equal "$(rows "$db")" 0 "--strict imports nothing"

# --drop-date supplies the date; stdin with - and --source.
db=$WORK/stdin.db
run_in "$DATA/namejet.txt" --db "$db" import --drop-date 2026-12-05 --source namejet -
expect_rc 0 "stdin import"
expect_err "imported 3 (3 new"
run --db "$db" drops --format tsv
expect_out "bluecanyon.net	bluecanyon.net	net	2026-12-05		namejet	"
run_in "$DATA/namejet.txt" --db "$WORK/nodate.db" import
expect_rc 65 "rows without a date and no --drop-date"
expect_err "stdin:2: no drop date (give one with --drop-date): 'quietharbor.com'"

# No FILE at all reads stdin too, and its source is "stdin".
printf 'solo.com 2026-12-09\n' >"$WORK/solo.txt"
run_in "$WORK/solo.txt" --db "$WORK/solo.db" import
expect_rc 0
run --db "$WORK/solo.db" drops --format csv
expect_out "solo.com,solo.com,com,2026-12-09,,stdin,"

# --dry-run reports and writes nothing.
db=$WORK/dry.db
run --db "$db" import --dry-run "$DATA/drops.csv"
expect_rc 0
expect_err "would import 6 (6 new"
expect_err "dry run, nothing written"
expect_equal "$(rows "$db")" 0 "--dry-run writes nothing"

# gzip is told from the content, whatever the file is called.
gzip -c "$DATA/drops.csv" >"$WORK/list.dat"
run --db "$WORK/gz.db" -v import "$WORK/list.dat"
expect_rc 0 "gzip input"
expect_err "list.dat: read as 'csv' (gzip), 6 rows"
expect_err "imported 6 (6 new"

# Duplicates in one run count once; the last row wins.
printf 'domain,drop_date\ntwice.com,2026-12-01\nother.com,2026-12-01\ntwice.com,2026-12-03\n' >"$WORK/dup.csv"
run --db "$WORK/dup.db" import "$WORK/dup.csv"
expect_rc 0
expect_err "imported 2 (2 new, 0 updated, 0 unchanged), 0 rejected, 1 duplicate row counted once"
run --db "$WORK/dup.db" drops --format tsv --match '^twice'
expect_out "	2026-12-03	"

# A changed drop date updates the row.
printf 'domain,drop_date\ntwice.com,2026-12-04\n' >"$WORK/moved.csv"
run --db "$WORK/dup.db" import "$WORK/moved.csv"
expect_err "(0 new, 1 updated, 0 unchanged)"

# More than 20 rejected rows: the first 20, then a count.
{ echo "domain,drop_date"; for i in $(seq 1 25); do echo "bad_$i.com,2026-12-01"; done; echo "fine.com,2026-12-01"; } >"$WORK/many-bad.csv"
run --db "$WORK/many.db" import "$WORK/many-bad.csv"
expect_rc 65
expect_err "many-bad.csv:21: '_' is not allowed"
expect_no_err "many-bad.csv:22:"
expect_err "... and 5 more rejected rows"

# --max-rejected N or N%: up to that many rejected rows the exit is 0 (a cron job on a list
# that always carries some junk stays quiet); the rejects are still reported. bad.csv has 4
# bad rows of 6.
run --db "$WORK/max.db" import --max-rejected 4 "$DATA/bad.csv"
expect_rc 0 "4 rejected, --max-rejected 4"
expect_err "bad.csv:3:"
expect_err "imported 2 (2 new, 0 updated, 0 unchanged), 4 rejected"
run --db "$WORK/max.db" import --max-rejected 3 "$DATA/bad.csv"
expect_rc 65 "4 rejected, --max-rejected 3"
run --db "$WORK/max.db" import --max-rejected 67% "$DATA/bad.csv"
expect_rc 0 "4 of 6 rejected, --max-rejected 67% (4 rows)"
run --db "$WORK/max.db" import --max-rejected 66% "$DATA/bad.csv"
expect_rc 65 "4 of 6 rejected, --max-rejected 66% (3 rows)"
for badvalue in x 101% -1 1.5 %; do
  run --db "$WORK/max.db" import --max-rejected "$badvalue" "$DATA/bad.csv"
  expect_rc 2 "--max-rejected $badvalue"
done
expect_err "is not a number of rows or a percentage (e.g. 20 or 1%)"
run --db "$WORK/max.db" import --strict --max-rejected 3 "$DATA/bad.csv"
expect_rc 2 "--strict with --max-rejected"

# -q keeps the rejected rows but drops the summary.
run --db "$WORK/quiet.db" -q import "$DATA/bad.csv"
expect_rc 65
expect_err "bad.csv:3:"
expect_no_err "read 6 rows"

# A killed or interrupted import leaves the store as it was. With -v, dropcat says when it has
# sorted the names, just before it starts writing the store; the signal is sent as soon as that
# line arrives (read from a FIFO, not polled), while the transaction is open.
big=$WORK/big.csv
awk 'BEGIN { print "domain,drop_date"; for (i = 0; i < 150000; i++) printf "n%07d-x.com,2026-12-0%d\n", i, i % 5 + 1 }' >"$big"
mkfifo "$WORK/signal.fifo"
# signal_while_writing SIGNAL DB: starts an import of $big, sends SIGNAL once it writes; sets RC.
signal_while_writing() {
  local signal=$1 db=$2 line
  "$DROPCAT" --db "$db" -v import "$big" >/dev/null 2>"$WORK/signal.fifo" &
  local pid=$!
  : >"$WORK/signal.err"
  exec {said}<"$WORK/signal.fifo"
  while IFS= read -r -t 30 -u "$said" line; do
    printf '%s\n' "$line" >>"$WORK/signal.err"
    if [[ $line == *"sorted"* ]]; then
      sleep 0.05 # it writes for a few tenths of a second: the signal comes in the middle
      kill "-$signal" "$pid"
      break
    fi
  done
  cat <&"$said" >>"$WORK/signal.err"
  exec {said}<&-
  wait "$pid"
  RC=$?
  if grep -q "read 150000 rows: imported" "$WORK/signal.err"; then
    bad "the import finished before the $signal arrived; the test did not test anything"
  fi
}
db=$WORK/killed.db
"$DROPCAT" --db "$db" import -q "$DATA/drops.csv"
signal_while_writing KILL "$db"
expect_rc 137 "kill -9 while writing"
expect_equal "$(rows "$db")" 6 "after kill -9 while writing, the store is as it was"
printf 'domain,drop_date\nafter-one.com,2026-12-01\nafter-two.com,2026-12-01\n' >"$WORK/after.csv"
"$DROPCAT" --db "$db" import -q "$WORK/after.csv"
expect_equal "$(rows "$db")" 8 "the store still takes a list after the kill"

db=$WORK/interrupted.db
"$DROPCAT" --db "$db" import -q "$DATA/drops.csv"
signal_while_writing INT "$db"
expect_rc 130 "SIGINT while writing"
expect_equal "$(rows "$db")" 6 "after SIGINT the store is as it was"
grep -q "interrupted; the store was left unchanged" "$WORK/signal.err" && ok || bad "SIGINT message: $(cat "$WORK/signal.err")"
signal_while_writing TERM "$db"
expect_rc 130 "SIGTERM while writing"
expect_equal "$(rows "$db")" 6 "after SIGTERM the store is as it was"

# SIGINT while dropcat waits on stdin ends it with 130 too, at once: its stdin (a FIFO this
# script holds open) has given one line and not ended.
mkfifo "$WORK/stdin.fifo"
"$DROPCAT" --db "$db" import - <"$WORK/stdin.fifo" 2>"$WORK/stdin.err" &
pid=$!
exec {feed}>"$WORK/stdin.fifo"
printf 'waiting.com 2026-12-01\n' >&"$feed"
sleep 0.3
kill -INT "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null && sleep 0.05; done
kill -KILL "$pid" 2>/dev/null # bounded: 137 if it ignored the signal
wait "$pid"
RC=$?
exec {feed}>&-
expect_rc 130 "SIGINT while reading stdin"
grep -q "interrupted" "$WORK/stdin.err" && ok || bad "stdin interrupt message: $(cat "$WORK/stdin.err")"
expect_equal "$(rows "$db")" 6

# Nothing read, nothing written: an empty download is an error, and neither it nor a dry run
# nor a refused file creates a store (an SQLite file: a PostgreSQL database is never created).
run_in /dev/null --db "$WORK/never/empty.db" import -
expect_rc 65 "empty stdin"
expect_err "stdin: no drop-list rows in it"
on_sqlite && { [ ! -e "$WORK/never" ] && ok || bad "an empty input created the store's folder"; }
run --db "$WORK/never/dry.db" import --dry-run "$DATA/drops.csv"
expect_rc 0
expect_err "would import 6 (6 new"
on_sqlite && { [ ! -e "$WORK/never" ] && ok || bad "a dry run created a store"; }
run --db "$WORK/never/html.db" import "$DATA/error-page.csv"
expect_rc 65
on_sqlite && { [ ! -e "$WORK/never" ] && ok || bad "a refused file created a store"; }

# --strict with --format json still prints the summary.
run --db "$WORK/strict-json.db" import --strict --format json "$DATA/bad.csv"
expect_rc 65
python3 - "$OUT" <<'PY' && ok || bad "JSON summary under --strict"
import json, sys
s = json.loads(open(sys.argv[1]).read())
assert s["rejected"] == 4 and s["imported"] == 0 and s["read"] == 6, s
PY

# A cut-off gzip download is refused, not imported in part.
gzip -c "$big" | head -c 200000 >"$WORK/cut.csv.gz"
run --db "$WORK/cut.db" import "$WORK/cut.csv.gz"
expect_rc 65 "a cut-off gzip file"
expect_err "the gzip data ends too soon"
on_sqlite && { [ ! -e "$WORK/cut.db" ] && ok || bad "a cut-off file created a store"; }

# Bounded input: a line (or a CSV record) over 1 MiB is an error at its line, found without
# reading the rest: an endless line of /dev/zero, a gzip of one 3 MB line, a quoted field that
# never ends its record. Memory stays small (checked under a 256 MB address-space limit, where
# the binary is not built with AddressSanitizer, which reserves far more).
real=${DROPCAT_REAL:-$DROPCAT}
limit=()
if command -v prlimit >/dev/null && ! ldd "$real" 2>/dev/null | grep -q libasan; then
  limit=(prlimit --as=268435456)
fi
"${limit[@]}" "$DROPCAT" --db "$WORK/long.db" import --input-format lines /dev/zero >"$OUT" 2>"$ERR"
RC=$?
expect_rc 65 "an endless line"
expect_err "/dev/zero:1: line too long (over 1048576 bytes)"
head -c 3000000 /dev/zero | tr '\0' x | gzip >"$WORK/endless.gz"
"${limit[@]}" "$DROPCAT" --db "$WORK/long.db" import "$WORK/endless.gz" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 65 "a gzip of one long line"
expect_err "endless.gz:1: line too long (over 1048576 bytes)"
{ echo "domain,drop_date"; echo "fine.com,2026-12-01"; head -c 1100000 /dev/zero | tr '\0' y; echo ".com,2026-12-01"; } >"$WORK/long.csv"
run --db "$WORK/long.db" import "$WORK/long.csv"
expect_rc 65 "a CSV line over the cap"
expect_err "long.csv:3: line too long (over 1048576 bytes)"
expect_err "nothing was imported"
{ echo "domain,drop_date,note"; printf 'a.com,2026-12-01,"'; head -c 1200000 /dev/zero | tr '\0' z | fold -w 1000; echo; echo '"'; } >"$WORK/record.csv"
run --db "$WORK/long.db" import "$WORK/record.csv"
expect_rc 65 "a CSV record over the cap"
expect_err "record.csv:2: record too long (over 1048576 bytes)"
on_sqlite && { [ ! -e "$WORK/long.db" ] && ok || bad "an over-long line created a store"; }

# A JSON list is read as it streams, not line by line: a minified list of several megabytes on
# one line is fine, one endless value is not (and memory stays small).
python3 -c 'import json; print(json.dumps({"data": [{"name": "n%06d-x.se" % i, "release_at": "2026-12-09T04:00:00Z"} for i in range(60000)]}, separators=(",", ":")))' >"$WORK/minified.json"
run --db "$WORK/json.db" import --dry-run --input-format se-json "$WORK/minified.json"
expect_rc 0 "a minified JSON list of $(wc -c <"$WORK/minified.json") bytes on one line"
expect_err "read 60000 rows: would import 60000"
{ printf '{"data":[{"name":"a.se","release_at":"'; head -c 2000000 /dev/zero | tr '\0' 9; printf '"}]}'; } | gzip >"$WORK/endless.json.gz"
"${limit[@]}" "$DROPCAT" --db "$WORK/json.db" import --input-format se-json "$WORK/endless.json.gz" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 65 "an endless JSON value"
expect_err "endless.json.gz:1: value too long (over 1048576 bytes)"
# Commas and brackets inside a string do not end it; nesting is bounded too.
{ printf '{"data":[{"name":"'; head -c 2000000 /dev/zero | tr '\0' ,; printf '"}]}'; } | gzip >"$WORK/commas.json.gz"
"${limit[@]}" "$DROPCAT" --db "$WORK/json.db" import --input-format se-json "$WORK/commas.json.gz" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 65 "an endless string of commas"
expect_err "commas.json.gz:1: value too long (over 1048576 bytes)"
head -c 3000000 /dev/zero | tr '\0' '[' | gzip >"$WORK/deep.json.gz"
"${limit[@]}" "$DROPCAT" --db "$WORK/json.db" import --input-format se-json "$WORK/deep.json.gz" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 65 "endless nesting"
expect_err "deep.json.gz:1: malformed JSON: nested too deep (over 512 levels)"

# Concatenated gzip members are one input (gzip -c a b > ab.gz is valid gzip), read whole
# whatever the raw reads' boundaries; anything else after the gzip data is an error.
{ head -n 70001 "$big" | gzip -c; tail -n +70002 "$big" | gzip -1 -c; } >"$WORK/members.gz"
run --db "$WORK/members.db" import --dry-run "$WORK/members.gz"
expect_rc 0 "two gzip members"
expect_err "read 150000 rows: would import 150000"
{ gzip -c "$DATA/drops.csv"; printf 'trailing junk'; } >"$WORK/junk.gz"
run --db "$WORK/junk.db" import "$WORK/junk.gz"
expect_rc 65 "bytes after the gzip data"
expect_err "junk.gz: bytes after the end of the gzip data that are not another gzip member"
expect_err "nothing was imported"
on_sqlite && { [ ! -e "$WORK/junk.db" ] && ok || bad "a gzip with junk after it created a store"; }

# A list larger than the sort memory goes through sorted runs in unnamed temporary files and
# makes the same store as one sorted in memory: the last row of a name wins across runs.
{ head -n 25001 "$big"; tail -n +2 "$big" | head -n 5000 | sed 's/,2026-12-0[0-9]/,2026-12-09/'; } >"$WORK/runs.csv"
DROPCAT_SORT_MEMORY=1M run --db "$WORK/runs.db" -v import --source runs "$WORK/runs.csv"
expect_rc 0 "an import in sorted runs"
expect_err "(2 runs in temporary files)"
expect_err "5000 duplicate rows counted once"
run --db "$WORK/memory.db" import --source runs "$WORK/runs.csv"
expect_rc 0
expect_equal "$("$DROPCAT" --db "$WORK/runs.db" drops --format tsv | cut -f1-6 | md5sum)" \
  "$("$DROPCAT" --db "$WORK/memory.db" drops --format tsv | cut -f1-6 | md5sum)" "runs and memory make the same store"
expect_equal "$("$DROPCAT" --db "$WORK/runs.db" drops --format tsv | grep -c '2026-12-09')" 5000 "the last row of a name won"
# Again into the store that has them (the comparison path), still the same.
DROPCAT_SORT_MEMORY=1M run --db "$WORK/runs.db" import --source runs "$WORK/runs.csv"
expect_err "(0 new, 0 updated, 25000 unchanged)"
# No room for the runs: a clear error, nothing imported.
DROPCAT_SORT_MEMORY=1M TMPDIR=/proc run --db "$WORK/noroom.db" import "$WORK/runs.csv"
expect_rc 74 "no temporary folder"
expect_err "cannot write a temporary file in /proc"
expect_err "nothing was imported"
on_sqlite && { [ ! -e "$WORK/noroom.db" ] && ok || bad "a failed sort created a store"; }
DROPCAT_SORT_MEMORY=lots run --db "$WORK/noroom.db" import "$WORK/runs.csv"
expect_rc 78 "a bad DROPCAT_SORT_MEMORY"
expect_err "DROPCAT_SORT_MEMORY=lots is not a size"

# A rejected row is shown escaped: a C1 control (NEL, U+0085), a byte that is not UTF-8 and an
# escape sequence cannot reach the terminal as they are.
printf 'domain,drop_date\nbad\302\205name.com,2026-12-01\nbad\377name.com,2026-12-01\nesc\033[2Jx.com,2026-12-01\nfine.com,2026-12-01\n' >"$WORK/odd.csv"
run --db "$WORK/odd.db" import --dry-run "$WORK/odd.csv"
expect_rc 65 "rows with control characters and bad UTF-8"
expect_err "odd.csv:2: " && expect_err "'bad\u0085name.com,2026-12-01'"
expect_err "'bad\xFFname.com,2026-12-01'"
expect_err "esc\x1B[2Jx.com"
LC_ALL=C grep -q $'[\x80-\x9f\xff\x1b]' "$ERR" && bad "raw control or invalid bytes on stderr" || ok
# A JSON list cut short on its only line is malformed at line 1.
printf '[{"name":"a.se","release_at":"2026-12-01T04:00:00Z"}' >"$WORK/cut.json"
run --db "$WORK/cut-json.db" import --input-format se-json "$WORK/cut.json"
expect_rc 65 "a one-line JSON list cut short"
expect_err "cut.json:1: malformed JSON"

finish
