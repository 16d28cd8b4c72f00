# dropcat backorder: add, import, list, show, cancel, forget, expire, and what drops shows.
. "$(dirname "$0")/lib.sh"
export DROPCAT_DB=$WORK/b.db
"$DROPCAT" import -q "$DATA/drops.csv" || bad "setup"

# add: one line per name with its id and drop date; the customer by normalised email.
run backorder --by maria add alpha.com münchen-bäcker.de --email ' Anna@Example.SE ' --name 'Anna Berg' --priority 2
expect_rc 0 "add"
expect_out "backorder 1: alpha.com for Anna@example.se: added; drops 2026-12-01"
expect_out "backorder 2: münchen-bäcker.de for Anna@example.se: added; drops 2026-12-03"
run backorder add alpha.com --email 'Anna@EXAMPLE.se '
expect_rc 0 "adding the same backorder again"
expect_out "backorder 1: alpha.com for Anna@example.se: already there, nothing new"
printf 'bravo.net\n# a comment\n\nnot-dropping.org\n' >"$WORK/wanted.txt"
run_in "$WORK/wanted.txt" backorder add - --email ops@example.net --priority 5
expect_rc 0 "add from stdin"
expect_out "backorder 3: bravo.net for ops@example.net: added; drops 2026-12-01"
expect_out "backorder 4: not-dropping.org for ops@example.net: added; drop date not known yet"
run backorder add alpha.com --email early@example.org --priority 2
run backorder add alpha.com --email high@example.org --priority 9
expect_rc 0

# Bad input: exit 65, nothing stored.
run backorder add www.alpha.com --email a@example.com
expect_rc 65 "not a registrable name"
expect_err "'www.alpha.com': not a registrable domain"
run backorder add alpha.com --email not-an-address
expect_rc 65 "bad email"
expect_err "'not-an-address' is not an email address"
run backorder add alpha.com --email a@example.com --phone 123
expect_rc 65 "bad phone"
expect_err "phone '123' is not a valid phone number; write it with its country code"

# No payment data: a card number anywhere refuses the command; a number failing Luhn passes.
before=$("$DROPCAT" backorder list --format tsv | wc -l)
run backorder add charlie-7.org --email card@example.com --note 'paid with 4111 1111 1111 1111'
expect_rc 65 "card number in a note"
expect_err "looks like a payment card number; dropcat stores no payment data: backorders are informational"
run backorder add charlie-7.org --email card@example.com --company '4111-1111-1111-1111'
expect_rc 65 "card number with dashes"
run backorder add charlie-7.org delta.info --email card@example.com --name 4111111111111111
expect_rc 65 "card number without spaces"
expect_equal "$("$DROPCAT" backorder list --format tsv | wc -l)" "$before" "nothing stored after a card refusal"
run backorder add charlie-7.org --email card@example.com --note 'card 4111 1111 1111 1111 12/25'
expect_rc 65 "a card number followed by its expiry"
run backorder --by 4111111111111111 add charlie-7.org --email card@example.com
expect_rc 65 "a card number as the actor"
expect_equal "$("$DROPCAT" backorder list --format tsv | wc -l)" "$before" "nothing stored after a card refusal"
# However the number is written, in whichever field, it is refused and never quoted back.
card_forms=(
  '４１１１ １１１１ １１１１ １１１１' '٤١١١١١١١١١١١١١١١' '४१११-११११-११११-११११'
  '4111.1111.1111.1111' '4111/1111/1111/1111' '4111_1111_1111_1111' '4111--1111--1111--1111'
  "4111$(printf '\t')1111 1111 1111" '4111​1111​1111​1111' '4111x1111x1111x1111'
  '5555 5555 5555 4444' '3782 822463 10005' '6011-1111-1111-1117')
# (The check is the library's, the same on both backends: the forms run on SQLite only.)
on_sqlite && for form in "${card_forms[@]}"; do
  for field in --name --company --note; do
    run backorder add charlie-7.org --email card@example.com "$field" "$form"
    expect_rc 65 "card '$form' in $field"
    expect_err "looks like a payment card number"
    expect_no_err "$form"
  done
done
run backorder add charlie-7.org --email 'anna+4111111111111111@example.com'
expect_rc 65 "a card in the email's local part, after +"
expect_no_err "4111111111111111"
run backorder add charlie-7.org --email card@example.com --phone '4111 1111 1111 1111'
expect_rc 65 "a card as the phone"
expect_err "the phone looks like a payment card number"
expect_no_err "4111"
run backorder add charlie-7.org --email card@example.com --phone '+30569309025904'
expect_rc 65 "a 14-digit card written as an international phone number"
expect_err "the phone looks like a payment card number"
expect_no_err "30569309025904"
run backorder add charlie-7.org --email 'anna+378282246310005@example.com'
expect_rc 65 "a 15-digit card after + in the email"
expect_no_err "378282246310005"
run backorder add charlie-7.org --email card@example.com --name 'Anna 4111 1111' --note '1111 1111'
expect_rc 65 "a card split between the name and the note"
expect_err "the name and note together of the backorder for charlie-7.org looks like a payment card number"
run backorder --by '٤١١١١١١١١١١١١١١١' add charlie-7.org --email card@example.com
expect_rc 65 "Arabic-Indic digits as the actor"
expect_no_err "١١١١"
run backorder add charlie-7.org --email card@example.com --priority 4111111111111111
expect_rc 2 "a card as a priority is a usage error"
expect_no_err "4111111111111111"
expect_equal "$("$DROPCAT" backorder list --format tsv | wc -l)" "$before" "nothing stored after a card refusal"
run backorder add charlie-7.org --email card@example.com --note 'order 4111 1111 1111 1112 window 2026-12-01 2026-12-03 ref 7000000000000005' --phone '+86 139 1234 5677'
expect_rc 0 "numbers that fail Luhn or have no issuer, dates and a phone pass"
on_sqlite && for phone in '+46 70 111 22 33' '+44 20 7946 0958' '+1 (415) 555-2671' '+81 3-1234-5678' '+91 98765 43210' '020 7946 0958'; do
  # The address's digits next to a phone's are not a card either.
  run backorder add charlie-7.org --email "phone$RANDOM$RANDOM@example.com" --phone "$phone"
  expect_rc 0 "phone $phone is valid"
done

# The same bad value of an option is the same exit status in every command: 65.
for cmd in "list --domain www.bad.com" "cancel --domain www.bad.com --email a@example.com" \
           "list --email not-an-address" "cancel --domain alpha.com --email not-an-address" \
           "forget not-an-address --yes" "add alpha.com --email not-an-address"; do
  # shellcheck disable=SC2086
  run backorder $cmd
  expect_rc 65 "backorder $cmd"
done
run backorder list --due tomorow
expect_rc 2 "a misspelt date word"
expect_err "did you mean 'tomorrow'?"

# list: allocation order within a name, filters, JSON keys.
run backorder list --domain alpha.com --format tsv
expect_equal "$(tail -n +2 "$OUT" | cut -f4 | tr '\n' ' ')" "high@example.org Anna@example.se early@example.org " "allocation order: priority, then oldest"
run backorder list --email ops@example.net --format json
expect_rc 0
python3 - "$OUT" <<'PY' && ok || bad "list JSON keys"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 2, rows
keys = ["id", "domain", "unicode", "email", "name", "priority", "status", "created_at", "drop_date"]
assert all(list(r) == keys for r in rows), rows[0]
assert rows[0]["domain"] == "bravo.net" and rows[0]["priority"] == 5 and rows[0]["status"] == "active"
assert rows[1]["drop_date"] is None and rows[0]["name"] is None, rows  # absent: null
PY
run backorder list --due 2026-12-03 --format tsv
expect_out_lines 2 "--due"
expect_out "xn--mnchen-bcker-ncb24a.de"
run backorder list --status cancelled --format tsv
expect_out_lines 1 "no cancelled backorders yet"
tomorrow=$(date -u -d tomorrow +%F)
later=$(date -u -d '20 days' +%F)
printf 'soon.com\n' | "$DROPCAT" import -q --drop-date "$tomorrow" --source soon -
printf 'later.com\n' | "$DROPCAT" import -q --drop-date "$later" --source later -
"$DROPCAT" backorder add soon.com later.com --email soon@example.com >/dev/null
run backorder list --due-within 3 --format tsv
expect_out "soon.com" "--due-within"
expect_no_out "later.com" "--due-within"
run backorder list --due-within 30 --format tsv
expect_out "later.com"
run backorder list --status activ
expect_rc 2
expect_err "did you mean 'active'?"

# show: drop date, allocation order, event history with the actor.
run backorder show alpha.com
expect_rc 0
expect_out "alpha.com: drops 2026-12-01"
expect_out "1. backorder 6: high@example.org, priority 9, active"
expect_out "2. backorder 1: Anna@example.se (Anna Berg), priority 2, active"
expect_out "created by maria: priority 2"
run backorder show nobody-wants.com
expect_rc 0
expect_out "no backorders"
# show gives the company, phone and note too; --format json gives everything, absent as null.
"$DROPCAT" backorder add showme.com --email shown@example.org --name 'Sh Own' --company 'Own AB' \
  --phone '+46 70 111 22 33' --note 'call first' >/dev/null 2>&1
"$DROPCAT" backorder add showme.com --email plain@example.org >/dev/null 2>&1
run backorder show showme.com
expect_out "     company: Own AB"
expect_out "     phone: +46 70 111 22 33"
expect_out "     note: call first"
run backorder show showme.com --format json
expect_rc 0
python3 - "$OUT" <<'PY' && ok || bad "backorder show --format json"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["domain"] == "showme.com" and doc["drop_date"] is None, doc
first, second = doc["backorders"]
assert (first["company"], first["phone"], first["note"], first["place"]) == ("Own AB", "+46 70 111 22 33", "call first", 1), first
assert second["company"] is None and second["note"] is None and second["name"] is None, second
assert first["events"][0]["action"] == "created", first
PY
# set changes the priority and note, with an event each, whatever the status; all or nothing.
id=$("$DROPCAT" backorder list --domain showme.com --format tsv 2>/dev/null | awk -F'\t' 'NR == 2 { print $1 }')
run backorder --by maria set "$id" --priority 7 --note 'call after 18:00'
expect_rc 0 "set priority and note"
expect_err "changed 1 of 1 backorder"
run backorder show showme.com
expect_out "priority 7"
expect_out "     note: call after 18:00"
expect_out "changed by maria: priority 0 -> 7, note changed"
expect_no_out "changed by maria: priority 0 -> 7, note changed: call" # the note is not in the event
run backorder set "$id" 999999 --priority 1
expect_rc 65 "set on an id that does not exist"
expect_err "there is no backorder 999999; nothing was changed"
run backorder show showme.com
expect_out "priority 7" "nothing changed by a refused set"
run backorder set "$id"
expect_rc 2 "set without a change"
run backorder set "$id" --note '4111-1111-1111-1111'
expect_rc 65 "a card number as the note"
expect_no_err "4111"


# drops shows how many backorders a name has, and filters on it.
run drops --format tsv --backordered
expect_out "alpha.com	alpha.com	com	2026-12-01		drops.csv"
expect_equal "$(grep '^alpha.com' "$OUT" | cut -f9)" 3 "backorders column"
expect_no_out "delta.info"
run drops --format tsv --not-backordered
expect_out "delta.info"
expect_no_out "alpha.com"

# cancel by id and by domain and email: kept, with an event.
run backorder --by carol cancel 6
expect_rc 0
expect_err "cancelled 1 of 1"
run backorder cancel --domain alpha.com --email early@example.org
expect_rc 0
run backorder show alpha.com
expect_out "backorder 6: high@example.org, priority 9, cancelled"
expect_out "cancelled by carol: was active"
run backorder list --status cancelled --format tsv
expect_out_lines 3 "two cancelled backorders"
expect_out "high@example.org"
run backorder show alpha.com
expect_out "- backorder 6: high@example.org, priority 9, cancelled"
run backorder cancel 999
expect_rc 65 "unknown id"
expect_err "there is no backorder 999"
run backorder cancel
expect_rc 2 "cancel without ids"
run backorder add alpha.com --email high@example.org --priority 9
expect_out "made active again, at the back of the queue"
run backorder add alpha.com --email early@example.org --priority 2
expect_out "made active again"
# Anna asked first; cancelled and back a moment later, she queues behind early@ (times are
# kept to the millisecond).
sleep 0.05
"$DROPCAT" backorder cancel 1 >/dev/null 2>&1
run backorder add alpha.com --email Anna@example.se --priority 2
expect_out "made active again, at the back of the queue"
run backorder show alpha.com
expect_out "1. backorder 6: high@example.org, priority 9, active"
expect_out "2. backorder 5: early@example.org, priority 2, active"
expect_out "3. backorder 1: Anna@example.se (Anna Berg), priority 2, active"
run backorder add alpha.com --email high@example.org --priority 1
expect_out "already there, nothing new (its priority and note were kept as they were)"

# import: all or nothing, FILE:LINE: REASON without the row's text.
printf 'domain,email,name,priority,note\ndelta.info,bob@example.com,Bob,1,\nwww.bad.com,bob@example.com,Bob,1,\ndelta.info,x@example.com,X,1,card 4111111111111111\n' >"$WORK/bad-import.csv"
before=$("$DROPCAT" backorder list --format tsv | wc -l)
run backorder import "$WORK/bad-import.csv"
expect_rc 65 "import with bad rows"
expect_err "bad-import.csv:3: not a registrable domain"
expect_err "bad-import.csv:4: looks like a payment card number"
expect_no_err "4111111111111111"
expect_err "2 of 3 rows rejected; nothing was stored"
expect_equal "$("$DROPCAT" backorder list --format tsv | wc -l)" "$before" "nothing stored from a bad import"
printf 'domain,email,phone\nok.com,Secret.Person@bad_domain.com,\nok.com,fine@example.com,+46 1\n' >"$WORK/personal.csv"
run backorder import "$WORK/personal.csv"
expect_rc 65
expect_err "personal.csv:2: the email is not an address"
expect_err "personal.csv:3: the phone is not a valid phone number"
expect_no_err "Secret.Person"
expect_no_err "+46 1"
# A card in any column (the priority too), split across two cells, or across lines of a quoted
# cell: refused, never quoted.
printf 'domain,email,priority,note,extra\nok.com,a@example.com,4111111111111111,,\nok.com,b@example.com,1,"4111\n1111\n1111\n1111",\nok.com,c@example.com,1,4111 1111,1111 1111\nok.com,d@example.com,1,,x 5555.5555.5555.4444\n' >"$WORK/cards.csv"
run backorder import "$WORK/cards.csv"
expect_rc 65 "cards in a CSV"
expect_err "cards.csv:2: looks like a payment card number"
expect_err "cards.csv:3: looks like a payment card number"
expect_err "cards.csv:7: two fields together looks like a payment card number"
expect_err "cards.csv:8: looks like a payment card number"
expect_no_err "4111"
expect_no_err "5555"

printf 'Email,Domain,Priority\nbob@example.com,delta.info,3\nbob@example.com,echo.co.uk,\n' >"$WORK/good-import.csv"
run_in "$WORK/good-import.csv" backorder import -
expect_rc 0 "import from stdin"
expect_err "read 2 backorders: 2 added, 0 already there, 0 made active again"
printf 'name,company\nx,y\n' >"$WORK/no-columns.csv"
run backorder import "$WORK/no-columns.csv"
expect_rc 65
expect_err "the header needs 'domain' and 'email' columns"

# expire: active backorders whose name dropped the grace period ago; safe to run again.
# A store of its own: the fixture's fixed dates would otherwise expire too as the calendar
# passes them.
export DROPCAT_DB=$WORK/expire.db
past=$(date -u -d '5 days ago' +%F)
recent=$(date -u -d '1 day ago' +%F)
printf 'olddrop.com\n' | "$DROPCAT" import -q --drop-date "$past" --source old -
printf 'newdrop.com\n' | "$DROPCAT" import -q --drop-date "$recent" --source new -
run backorder add olddrop.com newdrop.com --email late@example.com
expect_rc 0 "a backorder on a name whose drop date passed is kept"
expect_err "warning: olddrop.com dropped on $past, which has passed"
expect_err "warning: newdrop.com dropped on $recent, which has passed"
# A re-import that moves a backordered name's drop date says so; -v names it.
later=$(date -u -d '20 days' +%F)
printf 'newdrop.com\nother.com\n' >"$WORK/moved.txt"
run -v import --drop-date "$later" --source new --dry-run "$WORK/moved.txt"
expect_err "1 backordered name would change drop date"
expect_err "backordered newdrop.com: drop date $recent -> $later"
run import --drop-date "$recent" --source new "$WORK/moved.txt"
expect_no_err "backordered name" "an unchanged date is not a change"
run import --format json --drop-date "$later" --source new "$WORK/moved.txt"
expect_out '"backordered_moved":1'
run import --drop-date "$recent" --source new "$WORK/moved.txt"
expect_err "1 backordered name changed drop date"
run backorder --by cron expire
expect_rc 0
expect_err "expired 1 backorder whose"
run backorder list --domain olddrop.com --format tsv
expect_out "	expired	"
run backorder list --domain newdrop.com --format tsv
expect_out "	active	"
run backorder expire --grace 0
expect_err "expired 1 backorder whose"
run backorder expire --grace 0
expect_err "expired 0 backorders"
export DROPCAT_DB=$WORK/b.db

# forget: confirmation, then no trace of the address anywhere in the store's files.
"$DROPCAT" backorder add quietname.com --email 'zelda.unique@example.org' --name 'Zelda Uniquist' \
  --company 'Uniquist AB' --phone '+46 70 765 43 21' --note 'prefers Zelda' >/dev/null
# The check below can fail: before forget, the data is in the files.
grep -qaF Uniquist $(store_files "$DROPCAT_DB") && ok || bad "the customer's data was not found in the store's files before forget"
run backorder forget zelda.unique@example.org
expect_rc 2 "forget without --yes off a terminal"
expect_err "confirm with --yes"
expect_err "try 'dropcat backorder forget --help'"
run backorder forget zelda.unique@example.org --yes
# (On PostgreSQL another session's snapshot, autovacuum's say, can hold the old rows for a
# moment: forget waits for it, up to 10 s, and then removes them.)
expect_rc 0
expect_err "erased the personal data of zelda.unique@example.org; 1 backorder kept without it"
# shellcheck disable=SC2046 # one file name per line, no spaces
left=$(grep -laF -e zelda.unique -e Uniquist -e '765 43 21' -e 'prefers Zelda' -- $(store_files "$DROPCAT_DB"))
[ -z "$left" ] && ok || bad "the customer's data is still in $left after forget"
run backorder list --domain quietname.com --format tsv
expect_out_lines 2 "the forgotten customer's backorder is kept"
run backorder forget zelda.unique@example.org --yes
expect_rc 65 "forgetting an unknown address"
expect_err "no customer with the address zelda.unique@example.org; nothing was erased"

# A customer is one customer whatever the case of their address; the first spelling is kept.
db=$WORK/case.db
"$DROPCAT" --db "$db" import -q "$DATA/drops.csv"
"$DROPCAT" --db "$db" backorder add alpha.com --email Case.Person@example.com --name Case >/dev/null 2>&1
run --db "$db" backorder add bravo.net --email case.person@EXAMPLE.com --phone '+46 70 111 22 33'
expect_rc 0
run --db "$db" backorder list --email CASE.PERSON@example.com --format tsv
expect_equal "$(tail -n +2 "$OUT" | cut -f4 | sort -u)" "Case.Person@example.com" "one customer, first spelling kept"
expect_out_lines 3 "both backorders found by another case"
# A store from before holds the same person three times: merge-customers joins them. The kept
# customer's bravo.net is cancelled while another's is active: the kept one takes its place.
bravo_id=$("$DROPCAT" --db "$db" backorder list --domain bravo.net --format tsv | awk -F'\t' 'NR == 2 { print $1 }')
"$DROPCAT" --db "$db" backorder cancel -q "$bravo_id"
store_sql "$db" "INSERT INTO customers (email, name, created_at) VALUES ('CASE.PERSON@example.com', 'Old', 0);
INSERT INTO customers (email, created_at) VALUES ('CASE.person@example.com', 0);
INSERT INTO backorders (domain, customer_id, priority, created_at, updated_at) SELECT 'alpha.com', id, 5, 0, 0 FROM customers WHERE email = 'CASE.PERSON@example.com';
INSERT INTO backorders (domain, customer_id, priority, created_at, updated_at) SELECT 'charlie-7.org', id, 1, 0, 0 FROM customers WHERE email = 'CASE.PERSON@example.com';
INSERT INTO backorders (domain, customer_id, priority, created_at, updated_at) SELECT 'bravo.net', id, 7, 0, 0 FROM customers WHERE email = 'CASE.PERSON@example.com';
INSERT INTO backorders (domain, customer_id, priority, created_at, updated_at) SELECT 'charlie-7.org', id, 2, 0, 0 FROM customers WHERE email = 'CASE.person@example.com';" >/dev/null
run --db "$db" backorder merge-customers --dry-run
expect_rc 0 "merge dry run"
expect_out "Case.Person@example.com: would take CASE.PERSON@example.com, CASE.person@example.com; 1 backorder moved, 3 duplicates cancelled"
expect_err "would merge 2 customers into 1; nothing was changed"
run --db "$db" backorder list --format tsv
expect_equal "$(tail -n +2 "$OUT" | cut -f4 | sort -u | tr '\n' ' ')" "CASE.PERSON@example.com CASE.person@example.com Case.Person@example.com " "a dry run changes nothing"
run --db "$db" backorder merge-customers
expect_rc 0 "merge"
expect_out "Case.Person@example.com: took CASE.PERSON@example.com, CASE.person@example.com; 1 backorder moved, 3 duplicates cancelled"
expect_err "merged 2 customers into 1"
run --db "$db" backorder list --domain bravo.net --status active --format tsv
expect_equal "$(tail -n +2 "$OUT" | cut -f1,4,6 | tr '\t' ' ')" "$bravo_id Case.Person@example.com 7" "the kept customer's cancelled backorder took the active one's place"
run --db "$db" backorder list --status active --format tsv
expect_equal "$(tail -n +2 "$OUT" | cut -f2,4 | sort | tr '\t\n' ': ')" "alpha.com:Case.Person@example.com bravo.net:Case.Person@example.com charlie-7.org:Case.Person@example.com " "the other's backorders moved to the kept customer"
expect_equal "$(store_sql "$db" "SELECT count(*) FROM customers WHERE email = 'CASE.PERSON@example.com'")" 0 "the merged address is erased"
run --db "$db" backorder merge-customers
expect_err "nothing to merge"
# forget takes every spelling.
run --db "$db" backorder forget CASE.person@example.com --yes
expect_rc 0 "forget in another case"
expect_equal "$(store_sql "$db" "SELECT count(*) FROM customers WHERE lower(email) = 'case.person@example.com'")" 0 "forgotten"

# On a terminal, forget asks first (script(1), from Debian's essential bsdutils, gives it one).
"$DROPCAT" backorder add ttyname.com --email tty.person@example.com >/dev/null
echo n | script -qec "'$DROPCAT' backorder forget tty.person@example.com" /dev/null >"$OUT" 2>&1
RC=$?
expect_rc 1 "answering no"
expect_out "for good? [y/N]"
expect_out "nothing was erased"
run backorder list --email tty.person@example.com --format tsv
expect_out_lines 2 "kept after answering no"
echo y | script -qec "'$DROPCAT' backorder forget tty.person@example.com" /dev/null >"$OUT" 2>&1
RC=$?
expect_rc 0 "answering yes"
expect_out "erased the personal data of tty.person@example.com"

# The completion helper lists ids and statuses, one per line.
run __complete backorder-ids
expect_rc 0
expect_out "12"
run __complete statuses
expect_equal "$(tr '\n' ' ' <"$OUT")" "active cancelled caught lost expired " "statuses"

finish
