# dropcat drops: filters, order, formats and the JSON interface.
. "$(dirname "$0")/lib.sh"
db=$WORK/d.db
"$DROPCAT" --db "$db" import -q "$DATA/drops.csv" || bad "setup import"
printf 'domain,drop_date\nпример.рф,2026-12-02\nab3.com,2026-12-03\n' >"$WORK/more.csv"
"$DROPCAT" --db "$db" import -q "$WORK/more.csv" || bad "setup import 2"

# Default in a pipe: TSV with a header, sorted by date then domain.
run --db "$db" drops
expect_rc 0
expect_equal "$(head -n 1 "$OUT")" "$(printf 'domain\tunicode\ttld\tdrop_date\tdrop_time\tsource\tfirst_seen\tlast_seen\tbackorders\tpredicted_date\trestored')" "TSV header"
expect_equal "$(tail -n +2 "$OUT" | cut -f1 | tr '\n' ' ')" "alpha.com bravo.net charlie-7.org delta.info xn--e1afmkfd.xn--p1ai ab3.com echo.co.uk xn--mnchen-bcker-ncb24a.de " "order"

run --db "$db" drops --date 2026-12-02 --format tsv
expect_out_lines 4 "--date"
run --db "$db" drops --from 2026-12-02 --to 2026-12-03 --format tsv
expect_out_lines 7 "--from/--to"
run --db "$db" drops --from 2026-12-03 --format tsv
expect_out_lines 4 "--from alone"

run --db "$db" drops --tld com --format tsv
expect_out_lines 3 "--tld com"
run --db "$db" drops --tld .co.uk --format tsv
expect_out "echo.co.uk"
expect_out_lines 2 "--tld co.uk"
run --db "$db" drops --tld рф --format tsv
expect_out "xn--e1afmkfd.xn--p1ai	пример.рф	xn--p1ai"
run --db "$db" drops --tld com --tld net --format tsv
expect_out_lines 4 "two --tld"

run --db "$db" drops --max-length 5 --format tsv
expect_equal "$(tail -n +2 "$OUT" | cut -f1 | tr '\n' ' ')" "alpha.com bravo.net delta.info ab3.com echo.co.uk " "--max-length counts the label before the suffix"
run --db "$db" drops --min-length 7 --format tsv
expect_equal "$(tail -n +2 "$OUT" | cut -f1 | tr '\n' ' ')" "charlie-7.org xn--mnchen-bcker-ncb24a.de " "--min-length counts characters of the Unicode label"
run --db "$db" drops --no-hyphens --no-digits --format tsv
expect_no_out "charlie-7.org"
expect_no_out "ab3.com"
expect_no_out "xn--mnchen"
expect_out "xn--e1afmkfd.xn--p1ai"
run --db "$db" drops --match '^[a-e][a-z]+\.(com|net)$' --format tsv
expect_equal "$(tail -n +2 "$OUT" | cut -f1 | tr '\n' ' ')" "alpha.com bravo.net " "--match"
run --db "$db" drops --match '(['
expect_rc 2 "a bad regular expression"
expect_err "is not a regular expression"
run --db "$db" drops --limit 2 --format tsv
expect_out_lines 3 "--limit"
run --db "$db" drops --source more.csv --format tsv
expect_out_lines 3 "--source"

# JSON Lines: one object per row with the documented keys.
run --db "$db" drops --format json --date 2026-12-03
expect_rc 0
python3 - "$OUT" <<'PY' && ok || bad "JSON Lines keys and values"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3, rows
keys = ["domain", "unicode", "tld", "drop_date", "drop_time", "source", "first_seen", "last_seen",
        "backorders", "predicted_date", "restored"]
assert all(list(r.keys()) == keys for r in rows), rows[0].keys()
de = [r for r in rows if r["tld"] == "de"][0]
assert de["unicode"] == "münchen-bäcker.de", de
assert de["drop_date"] == "2026-12-03" and de["drop_time"] is None, de
assert de["first_seen"].endswith("Z") and "T" in de["first_seen"]
assert de["backorders"] == 0
# Never looked up with dropcat status: no prediction, not restored.
assert de["predicted_date"] is None and de["restored"] is None, de
PY

# CSV quotes what needs quoting (RFC 4180, CRLF); table aligns columns.
run --db "$db" drops --format csv --limit 1
expect_equal "$(head -n 1 "$OUT" | tr -d '\r')" "domain,unicode,tld,drop_date,drop_time,source,first_seen,last_seen,backorders,predicted_date,restored" "CSV header"
printf 'quoted.com 2026-12-09\n' >"$WORK/q.txt"
"$DROPCAT" --db "$db" import -q --source 'list "A", part 2' "$WORK/q.txt"
run --db "$db" drops --format csv --date 2026-12-09
expect_out 'quoted.com,quoted.com,com,2026-12-09,,"list ""A"", part 2",'
python3 - "$OUT" <<'PY' && ok || bad "CSV output read back by a CSV parser"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[1][5] == 'list "A", part 2', rows
PY
run --db "$db" drops --format table --limit 2
expect_out "DOMAIN"
expect_out "DROP DATE"
expect_out "alpha.com  "

# --columns picks and orders; --no-header drops the header; an unknown column is a usage error
# with a suggestion.
run --db "$db" drops --columns drop_date,domain --no-header --format tsv --date 2026-12-01
expect_equal "$(cat "$OUT" | tr '\t\n' ', ')" "2026-12-01,alpha.com 2026-12-01,bravo.net " "--columns and --no-header"
run --db "$db" drops --columns domain --format csv --date 2026-12-01
expect_equal "$(head -n 1 "$OUT" | tr -d '\r')" "domain" "CSV header of the picked column"
run --db "$db" drops --columns domain,drop_date --format json --date 2026-12-01
expect_equal "$(head -n 1 "$OUT")" '{"domain":"alpha.com","drop_date":"2026-12-01"}' "JSON keys of the picked columns"
run --db "$db" drops --columns domian
expect_rc 2 "an unknown column"
expect_err "--columns: column 'domian' is not one of domain, unicode"
expect_err "did you mean 'domain'?"
expect_err "try 'dropcat drops --help'"

# Did you mean, for values: a TLD, a source no import has named, a date word.
run --db "$db" drops --tld cmo
expect_rc 2
expect_err "--tld: 'cmo' is not a known TLD or public suffix; did you mean 'com'?"
run --db "$db" drops --source drop.csv --count
expect_rc 0 "an unknown source is an empty listing"
expect_err "warning: no import has named the source 'drop.csv'; did you mean 'drops.csv'?"
expect_equal "$(cat "$OUT")" 0 "nothing from an unknown source"
run --db "$db" drops --date tomorow
expect_rc 2
expect_err "did you mean 'tomorrow'?"

# --sort, --reverse, --count, --new-since.
run --db "$db" drops --sort domain --reverse --columns domain --no-header --format tsv --tld com
expect_equal "$(cat "$OUT" | tr '\n' ' ')" "quoted.com alpha.com ab3.com " "--sort domain --reverse"
run --db "$db" drops --count
expect_equal "$(cat "$OUT")" 9 "--count"
run --db "$db" drops --count --tld com
expect_equal "$(cat "$OUT")" 3 "--count with a filter"
run --db "$db" drops --sort size
expect_rc 2 "an unknown sort key"
run --db "$db" drops --new-since tomorrow --count
expect_equal "$(cat "$OUT")" 0 "nothing first seen tomorrow"
run --db "$db" drops --new-since today --count
expect_equal "$(cat "$OUT")" 9 "everything is new today"
printf 'later.com\n' | "$DROPCAT" --db "$db" import -q --drop-date 2026-12-09 -
run --db "$db" drops --sort first_seen --reverse --columns domain --no-header --format tsv --limit 1
expect_equal "$(cat "$OUT")" "later.com" "--sort first_seen --reverse: the newest first"

# On a terminal a table fits its width (long values cut with …, wide characters counted as
# two columns) and a long listing goes through $PAGER; --no-pager, or a pipe, does not.
printf 'domain,drop_date\n例え.jp,2026-12-09\nthis-is-a-rather-long-name-for-a-drop.com,2026-12-09\n' >"$WORK/wide.csv"
"$DROPCAT" --db "$db" import -q "$WORK/wide.csv"
COLUMNS=60 script -qec "'$DROPCAT' --db '$db' --color never drops --date 2026-12-09 --no-pager --columns domain,unicode,drop_date,source" /dev/null >"$OUT" 2>&1
RC=$?
expect_rc 0 "a table on a terminal"
expect_out "this-is-a-rat"
expect_out "…  "
expect_equal "$(grep -c '2026-12-09' "$OUT")" 4 "every row shown"
# No line is wider than the terminal, and the date column starts at the same place in the CJK
# row as in the others.
python3 - "$OUT" <<'PY' && ok || bad "the table does not fit, or wide characters misalign it: $(cat "$OUT")"
import sys, unicodedata
def width(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
cols = set()
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\r\n")
    assert width(line) <= 60, line
    if "2026-12-09" in line:
        cols.add(width(line[:line.index("2026-12-09")]))
assert len(cols) == 1, cols
PY
PAGER='sed s/^/paged:/' script -qec "'$DROPCAT' --db '$db' drops --date 2026-12-09" /dev/null >"$OUT" 2>&1
expect_out "paged:"
PAGER='sed s/^/paged:/' script -qec "'$DROPCAT' --db '$db' drops --date 2026-12-09 --no-pager" /dev/null >"$OUT" 2>&1
expect_no_out "paged:"
# A PAGER that cannot be run showed nothing: an error, not a quiet success.
PAGER=/nonexistent/pager script -qec "'$DROPCAT' --db '$db' drops --date 2026-12-09" /dev/null >"$OUT" 2>&1
RC=$?
expect_rc 74 "a PAGER that cannot be run"
expect_out "the pager (PAGER, or less) could not be run, so nothing was shown"
PAGER='sed s/^/paged:/' run --db "$db" drops --date 2026-12-09 --format table
expect_no_out "paged:" "never a pager in a pipe"

# An empty store lists just the header (a write that changes nothing makes it).
"$DROPCAT" --db "$WORK/empty.db" backorder expire -q
run --db "$WORK/empty.db" drops --format tsv
expect_rc 0
expect_out_lines 1 "empty store"

# A store that does not exist is not made by a listing: exit 66, so a typo in --db shows.
run --db "$WORK/typo.db" drops
expect_rc 66 "drops from a store that does not exist"
on_sqlite && expect_err "there is no store $WORK/typo.db"
on_postgresql && expect_err "the database has no dropcat tables"
run --db "$WORK/typo.db" backorder list
expect_rc 66 "backorder list from a store that does not exist"
run --db "$WORK/typo.db" backorder show alpha.com
expect_rc 66 "backorder show from a store that does not exist"
on_sqlite && { [ ! -e "$WORK/typo.db" ] && ok || bad "a listing created the store"; }

finish
