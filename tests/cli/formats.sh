# dropcat import: each named list format, detected and forced.
. "$(dirname "$0")/lib.sh"
db=$WORK/formats.db

run --db "$db" -v import "$DATA/se.json"
expect_rc 0 ".se JSON"
expect_err "read as 'se-json', 3 rows"
run --db "$db" drops --format tsv --tld se
expect_out "xn--smrgsbord-82a8p.se	smörgåsbord.se	se	2026-12-01		se.json"

run --db "$db" -v import "$DATA/nominet.csv"
expect_rc 0 "Nominet CSV"
expect_err "read as 'csv', 2 rows"
run --db "$db" drops --format tsv --tld uk
expect_out "oldshop.co.uk	oldshop.co.uk	uk	2026-12-01	2026-12-01T13:00:05Z	nominet.csv"
expect_out "bakery.uk	bakery.uk	uk	2026-12-01	2026-12-01T16:30:00Z"

run --db "$db" -v import "$DATA/auda.csv"
expect_rc 0 "auDA CSV"
expect_err "read as 'auda', 2 rows"
run --db "$db" drops --format tsv --tld au
expect_out "deletedexample.net.au	deletedexample.net.au	au	2026-12-01	2026-12-01T03:00:00Z"
expect_out "expiredexample.com.au	expiredexample.com.au	au	2026-11-30	2026-11-30T03:30:00Z"

run --db "$db" -v import "$DATA/hexonet.csv"
expect_rc 0 "HEXONET list"
run --db "$db" drops --format tsv --source hexonet.csv
expect_out "hexone.com	hexone.com	com	2026-12-01	2026-12-01T18:00:00Z"
expect_out_lines 3

printf 'annat.se\t2026-12-07\n' >"$WORK/bardate_domains.txt"
run --db "$db" import --input-format se-txt "$WORK/bardate_domains.txt"
expect_rc 0 ".se TXT list"
expect_err "imported 1 (1 new"

# Forcing a format that does not fit: every row rejected, so not a drop list.
run --db "$db" import --input-format lines "$DATA/nominet.csv"
expect_rc 65 "a CSV read as lines"
expect_err "not a drop list"

# Headerless CSV (Pool.com style): domain, date, something else.
printf 'poolname.com,12/01/2026,x\npooltwo.net,12/02/2026,y\n' >"$WORK/pool.txt"
run --db "$db" import "$WORK/pool.txt"
expect_rc 0 "headerless CSV"
expect_err "imported 2 (2 new"

# A header that names a date column but no domain column is a file error.
printf 'registrant;drop_date\nsomeone;2026-12-08\n' >"$WORK/nodomain.csv"
run --db "$db" import "$WORK/nodomain.csv"
expect_rc 65
expect_err "nodomain.csv:1: the header has no domain column"

# Column overrides.
printf 'fqdn;when;price\ncolumns.com;2026-12-08;5\n' >"$WORK/odd.csv"
run --db "$db" import "$WORK/odd.csv"
expect_rc 65 "a header dropcat does not know reads as a headerless first row"
expect_err "odd.csv:1: 'fqdn' is a single label, not a domain name: 'fqdn;when;price'"
run --db "$WORK/columns.db" import --domain-column fqdn --date-column when "$WORK/odd.csv"
expect_rc 0 "columns named on the command line"
expect_err "imported 1 (1 new"

finish
