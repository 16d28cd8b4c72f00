# dropcat import: how a list's dates are read (--date-order and detection, month names, 12-hour
# times, --timezone) and which drop dates are counted as odd. Reading is the same whatever the
# store, so this runs on SQLite only.
. "$(dirname "$0")/lib.sh"

# Numeric dates: a file whose rows show the order is read in it throughout (the month-first
# readings of its earlier rows turn day first); a file that never shows it is read month first
# and says so once; --date-order decides. Month names, 12-hour times, --timezone.
printf 'domain,drop_date\nearly.com,03/04/2026\nshows.com,13/04/2026\nlate.com,05/04/2026\nclash.com,04/14/2026\n' >"$WORK/dmy.csv"
run --db "$WORK/dates.db" -v import "$WORK/dmy.csv"
expect_rc 65 "a day-first file with one month-first row"
expect_err "dmy.csv: dates read day first, as line 3 shows"
expect_err "dmy.csv:5: the date is month first, but line 3 showed this file's dates day first"
run --db "$WORK/dates.db" drops --format tsv
expect_out "early.com	early.com	com	2026-04-03"
expect_out "late.com	late.com	com	2026-04-05"
# A date that gives its own offset keeps it when the file turns out day first.
printf 'domain,drop_date\nown.com,03/04/2026 23:00 -05:00\nshows.com,13/04/2026\n' >"$WORK/own.csv"
run --db "$WORK/own.db" import --timezone Europe/Stockholm "$WORK/own.csv"
expect_rc 0
run --db "$WORK/own.db" drops --format tsv
expect_out "own.com	own.com	com	2026-04-04	2026-04-04T04:00:00Z"
printf 'domain,drop_date\na.com,03/04/2026\nb.com,05/06/2026\n' >"$WORK/either.csv"
run --db "$WORK/either.db" import "$WORK/either.csv"
expect_rc 0
expect_err "either.csv: 2 dates such as 03/04/2026 could be read either way; read month first (the default); give --date-order dmy if they are day first"
run --db "$WORK/either.db" import --date-order dmy "$WORK/either.csv"
expect_no_err "either way"
run --db "$WORK/either.db" drops --format tsv
expect_out "a.com	a.com	com	2026-04-03"
run --db "$WORK/either.db" import --date-order ymd "$WORK/either.csv"
expect_rc 65 "numeric dates are not year first"
expect_err "either.csv:2: the date '03/04/2026' is not year first (--date-order ymd)"
run --db "$WORK/either.db" import --date-order ydm "$WORK/either.csv"
expect_rc 2 "a bad --date-order"
printf 'domain,drop_date\nnamed.com,"Dec 3, 2026 7:00:00 PM"\nlong.com,3 December 2026 7:30 pm\nzone.com,2026-12-03 19:00 EST\n' >"$WORK/named.csv"
run --db "$WORK/named.db" import "$WORK/named.csv"
expect_rc 65 "a zone abbreviation"
expect_err "named.csv:4: the date '2026-12-03 19:00 EST' has the zone abbreviation 'EST', which names no place"
expect_err "give the list's zone with --timezone, such as America/New_York"
run --db "$WORK/named.db" drops --format tsv
expect_out "named.com	named.com	com	2026-12-03	2026-12-03T19:00:00Z"
expect_out "long.com	long.com	com	2026-12-03	2026-12-03T19:30:00Z"
head -n 3 "$WORK/named.csv" >"$WORK/local.csv"
run --db "$WORK/local.db" import --timezone America/New_York "$WORK/local.csv"
expect_rc 0 "--timezone"
run --db "$WORK/local.db" drops --format tsv
expect_out "named.com	named.com	com	2026-12-04	2026-12-04T00:00:00Z"
run --db "$WORK/local.db" import --timezone EST "$WORK/local.csv"
expect_rc 2 "an abbreviation as --timezone"
expect_err "--timezone EST: an abbreviation names no place"
run --db "$WORK/local.db" import --timezone Mars/Olympus "$WORK/local.csv"
expect_rc 2
expect_err "no such zone in the system's tz database"
# Drop dates in the past or far ahead are counted and, with -v, named; they are imported.
printf 'old.com\n' | "$DROPCAT" --db "$WORK/odd-dates.db" import -q --drop-date "$(date -u -d '3 days ago' +%F)" -
run --db "$WORK/odd-dates.db" -v import --drop-date "$(date -u -d '200 days' +%F)" "$WORK/either.csv" <(printf 'x.com\n')
expect_err "2 drop dates in the past"
expect_err "1 drop date over 120 days ahead"
expect_err "drop date far ahead: x.com ($(date -u -d '200 days' +%F))"
run --db "$WORK/odd-dates.db" import --format json "$WORK/either.csv"
expect_out '"past":2,"far_ahead":0'

finish
