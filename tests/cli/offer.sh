# dropcat offer: opt-outs (one, listed, imported all or nothing), an opt-out outliving
# `backorder forget` by its hash alone, the names held; and in parts of their own, each with a
# real SMTP server on loopback (Debian's aiosmtpd, tests/cli/smtp_sink.py) whose mail Python's
# email parser reads back (tests/cli/mail_read.py): drafting, approval, sending, offers in
# turn, a crash mid-batch, a server dropping the connection, the one-click endpoint and the
# notices after a real catch against dropcat-sim. Runs on both store backends.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/cli/sim_lib.sh"
export DROPCAT_OPTOUT_SECRET=offer-test-secret-0123456789abcdef
db=$WORK/o.db
"$DROPCAT" --db "$db" import -q "$DATA/drops.csv" || bad "setup import"

# ---- one address, at once; again changes nothing; not an address is refused
run --db "$db" offer optout ' Bob@Example.NET ' --reason 'replied STOP'
expect_rc 0 "optout"
expect_err "bob@example.net: no offer or notice goes to it from now on"
run --db "$db" offer optout bob@example.net --reason 'again'
expect_rc 0 "optout again"
expect_err "bob@example.net: already opted out"
run --db "$db" offer optout 'not-an-address'
expect_rc 65 "not an address"
expect_err "'not-an-address' is not an email address"
run --db "$db" offer optouts --format json
expect_rc 0 "optouts"
expect_out_lines 1 "one opt-out, the first kept"
expect_equal "$(jq -r .address "$OUT")" bob@example.net "the canonical address"
expect_equal "$(jq -r .address_hash "$OUT")" "$(printf bob@example.net | sha256sum | cut -d' ' -f1)" \
  "the hash is SHA-256 of the canonical address"
expect_equal "$(jq -r '.source + "/" + .reason' "$OUT")" "command/replied STOP" "source and reason"

# ---- a list: all or nothing
printf '# from the old system\n\ncarol@example.org\nBOB@example.net\n' >"$WORK/list.txt"
printf 'dave@example.org\nnot an address\n' >"$WORK/bad.txt"
run --db "$db" offer import-optouts "$WORK/bad.txt"
expect_rc 65 "a bad line"
expect_err "$WORK/bad.txt:2: 'not an address' is not an email address"
run --db "$db" offer optouts --format tsv --no-header
expect_no_out dave@example.org "nothing of a refused list is written"
run --db "$db" offer import-optouts "$WORK/list.txt"
expect_rc 0 "import"
expect_err "1 opted out, 1 already"
printf 'erin@example.org\n' | "$DROPCAT" --db "$db" offer import-optouts - >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "import from stdin"
run --db "$db" offer import-optouts "$WORK/missing.txt"
expect_rc 66 "a list that cannot be read"
run --db "$db" offer optouts --format csv --columns address,source
expect_equal "$(tail -n +2 "$OUT" | tr -d '\r' | sort | tr '\n' ' ')" \
  "bob@example.net,command carol@example.org,import erin@example.org,import " "three opted out"

# ---- forget: the opt-out stays, by its hash; the address leaves the store's files
"$DROPCAT" --db "$db" backorder add alpha.com --email 'zed.unique@example.org' >/dev/null 2>&1 ||
  bad "setup backorder"
run --db "$db" offer optout zed.unique@example.org
expect_rc 0
run --db "$db" backorder forget zed.unique@example.org --yes
expect_rc 0 "forget"
expect_err "zed.unique@example.org had opted out of offers: the opt-out is kept by the address's hash alone"
run --db "$db" offer optouts --format json
expect_equal "$(jq -r 'select(.address_hash == "'"$(printf zed.unique@example.org | sha256sum | cut -d' ' -f1)"'") | .address // "erased"' "$OUT")" \
  erased "the address is erased, its hash kept"
# shellcheck disable=SC2046 # one file name per line, no spaces
left=$(grep -laF zed.unique -- $(store_files "$db"))
[ -z "$left" ] && ok || bad "the forgotten address is still in $left"
run --db "$db" offer optout ZED.unique@example.org
expect_err "zed.unique@example.org: already opted out"
# An address that was only opted out (never a customer) is forgotten too: not an error.
run --db "$db" backorder forget carol@example.org --yes
expect_rc 0 "forget an address only opted out"
expect_err "carol@example.org had opted out of offers"

# ---- names held
run --db "$db" offer hold Example.COM --note 'bought at auction'
expect_rc 0 "hold"
expect_err "example.com: held, and may be offered"
run --db "$db" offer hold example.com
expect_err "example.com: already held"
run --db "$db" offer hold 'not a name'
expect_rc 65 "hold a bad name"

# ---- the parts below each run a mail server of their own

# start_sink [DROP_AFTER|-] [HOLD_AT]: a mail server on a free loopback port saving every
# message to $SIM_DIR/mail (see smtp_sink.py).
start_sink() {
  local i
  SINK_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  PYTHONPATH=$TESTS_DIR/cli /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SINK_PORT" \
    -c smtp_sink.Sink "$SIM_DIR/mail" "$@" >"$SIM_DIR/sink.log" 2>&1 &
  SINK_PID=$!
  PART_HOOKS+=("kill $SINK_PID 2>/dev/null")
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  bad "the mail server did not start: $(cat "$SIM_DIR/sink.log")"
}

# offer_config [SMTP LINES]: the operator's identity and the mail server, added to the part's
# configuration.
offer_config() {
  mkdir -p "$XDG_CONFIG_HOME/dropcat"
  cat >>"$XDG_CONFIG_HOME/dropcat/config.toml" <<TOML

[operator]
company = "Example Names AB"
address = "Storgatan 1, 111 22 Stockholm, Sweden"
phone = "+46 8 123 456 78"
sender_name = "Anna Svensson"
sender_email = "anna@names.example"
unsubscribe_mailto = "stop@names.example"
unsubscribe_url_base = "https://names.example/u/"

[smtp]
url = "smtp://127.0.0.1:$SINK_PORT"
allow_plaintext = true
timeout_ms = 1000
${1:-}
TOML
}

# mails: what the mail server received, one JSON object a message (mail_read.py).
mails() { /usr/bin/python3 "$TESTS_DIR/cli/mail_read.py" "$SIM_DIR/mail"; }
mail_count() { find "$SIM_DIR/mail" -name '*.eml' 2>/dev/null | wc -l; }
# status_of DB ID: an offer's status.
status_of() { "$DROPCAT" --db "$1" offer list --format json | jq -r --argjson id "$2" 'select(.id == $id) | .status'; }

# show_on_tty DB ID: offer show on a terminal (script(1)), where it counts as displayed to a
# person; its output in $OUT.
show_on_tty() {
  script -qec "'$DROPCAT' --db '$1' offer show $2" /dev/null >"$OUT" 2>&1
}

# approved_offers DB DOMAIN PREFIX: DOMAIN held, three backorderers PREFIX1@buyer.example ...
# (in that allocation order), and their offers (1, 2, 3) drafted, shown and approved.
approved_offers() {
  local db=$1 domain=$2 prefix=$3 i
  "$DROPCAT" --db "$db" offer hold "$domain" >/dev/null 2>&1
  for i in 1 2 3; do
    "$DROPCAT" --db "$db" backorder add "$domain" --email "$prefix$i@buyer.example" \
      --priority $((10 - i)) >/dev/null 2>&1 || bad "setup backorder $i"
  done
  run --db "$db" offer draft "$domain" --price 100 --currency USD
  for i in 1 2 3; do
    show_on_tty "$db" "$i"
  done
  run --db "$db" offer approve 1 2 3 --by anna
  expect_rc 0 "approve three"
}

# ---- drafting, approving and sending; suppression at each step; the message as parsed
send_part() {
  local db=$SIM_DIR/s.db msg
  start_sink
  offer_config
  "$DROPCAT" --db "$db" backorder add gamma.com --email ann@buyer.example --name 'Ann Ödman' \
    --priority 5 >/dev/null 2>&1 || bad "setup ann"
  "$DROPCAT" --db "$db" backorder add gamma.com --email bob@buyer.example >/dev/null 2>&1 ||
    bad "setup bob"
  "$DROPCAT" --db "$db" backorder add gamma.com --email dan@buyer.example >/dev/null 2>&1 ||
    bad "setup dan"
  run --db "$db" offer draft gamma.com --price 1500 --currency USD
  expect_rc 1 "a name not held"
  expect_err "gamma.com is not held"
  run --db "$db" offer hold gamma.com
  # The identity: each missing key named, exit 78.
  printf '[operator]\ncompany = "X AB"\nsender_name = "X"\n' >"$SIM_DIR/thin.toml"
  run --config "$SIM_DIR/thin.toml" --db "$db" offer draft gamma.com --price 1500 --currency USD
  expect_rc 78 "no identity"
  expect_err "[operator] lacks address, phone, sender_email"
  DROPCAT_OPTOUT_SECRET='' run --db "$db" offer draft gamma.com --price 1500 --currency USD
  expect_rc 78 "no secret for the opt-out links"
  expect_err "set the environment variable DROPCAT_OPTOUT_SECRET"
  # A template without the opt-out is refused with what is missing.
  printf 'Buy {domain} for {price} from {company}, {address}, {phone}.\n' >"$SIM_DIR/bad.txt"
  run --db "$db" offer draft gamma.com --price 1500 --currency USD --template "$SIM_DIR/bad.txt"
  expect_rc 65 "a template without the opt-out"
  expect_err "how to stop further mail ({optout}) is missing"
  run --db "$db" offer draft gamma.com --price 1500 --currency USD --to ceo@other.example
  expect_rc 65 "an address with no backorder and no reason"
  expect_err "ceo@other.example has no backorder of gamma.com: say with --reason"
  # An opted-out backorderer gets no draft and is listed as skipped.
  run --db "$db" offer optout dan@buyer.example
  run --db "$db" offer draft gamma.com --price 1500 --currency USD --format json
  expect_rc 0 "draft for the backorderers"
  expect_err "skipped dan@buyer.example: opted out"
  expect_equal "$(jq -r .recipient "$OUT" | tr '\n' ' ')" "ann@buyer.example bob@buyer.example " \
    "one draft each, in allocation order"
  expect_equal "$(jq -r '"\(.status) \(.first_contact) \(.price) \(.valid_until)"' "$OUT" | head -n 1)" \
    "draft true 1500.00 USD $(date -u -d '+14 days' +%Y-%m-%d)" "a first contact's draft"
  run --db "$db" offer draft gamma.com --price 1500 --currency USD
  expect_err "skipped ann@buyer.example: has an open offer (1)"
  # A first contact is approved only after it was shown; nothing is approved otherwise.
  run --db "$db" offer approve 1 --by anna
  expect_rc 1 "approve unseen"
  expect_err "offer 1 is a first contact and its full message was not displayed yet"
  expect_equal "$(status_of "$db" 1)" draft "still a draft"
  # Shown into a pipe it is not displayed to anyone: not recorded.
  run --db "$db" offer show 1
  expect_rc 0 "show into a pipe"
  expect_err "standard output is not a terminal, so this is not recorded as displayed"
  run --db "$db" offer approve 1 --by anna
  expect_rc 1 "approve after a show into a pipe"
  show_on_tty "$db" 1
  expect_out "Subject: Offer: gamma.com for 1500.00 USD"
  expect_out "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
  expect_out "Hello Ann Ödman,"
  expect_out "This is a commercial offer from Example Names AB."
  run --db "$db" offer approve 1 --by anna
  expect_rc 0 "approve after show"
  # Without --send nothing leaves.
  run --db "$db" offer send
  expect_rc 0 "dry run"
  expect_out "ann@buyer.example"
  expect_no_out "bob@buyer.example" "an unapproved draft is not sendable"
  expect_err "dry run: 1 approved offer would be sent"
  expect_equal "$(mail_count)" 0 "a dry run sends nothing"
  # STARTTLS is required unless allow_plaintext: this server offers none, so nothing leaves,
  # and the offer stays approved for the next run (its ledger row says refused).
  sed 's/^allow_plaintext = true$/allow_plaintext = false/' \
    "$XDG_CONFIG_HOME/dropcat/config.toml" >"$SIM_DIR/tls.toml"
  run --config "$SIM_DIR/tls.toml" --db "$db" offer send --send
  expect_rc 69 "a server without STARTTLS"
  expect_out "0 sent, 1 refused"
  expect_equal "$(mail_count)" 0 "nothing sent in plain text"
  expect_equal "$(status_of "$db" 1)" approved "still approved"
  # Under cron (stdout a pipe): the summary line only.
  run --db "$db" offer send --send
  expect_rc 0 "send"
  expect_out_lines 1 "cron output"
  expect_out "offer send: 1 sent, 0 refused"
  expect_empty_err "nothing on stderr under cron"
  mails >"$SIM_DIR/mails.jsonl"
  expect_equal "$(wc -l <"$SIM_DIR/mails.jsonl")" 1 "one message: not to the opted out, not unapproved"
  msg=$(head -n 1 "$SIM_DIR/mails.jsonl")
  expect_equal "$(jq -r '.defects | length' <<<"$msg")" 0 "the parser finds no defect"
  expect_equal "$(jq -r .from <<<"$msg")" "Anna Svensson <anna@names.example>" "From"
  expect_equal "$(jq -r '"\(.to_name) <\(.to_address)>"' <<<"$msg")" "Ann Ödman <ann@buyer.example>" "To (RFC 2047)"
  expect_equal "$(jq -r .reply_to <<<"$msg")" "Anna Svensson <anna@names.example>" "Reply-To"
  expect_equal "$(jq -r .subject <<<"$msg")" "Offer: gamma.com for 1500.00 USD" "Subject"
  expect_equal "$(jq -r .date_parsed <<<"$msg")" true "Date"
  expect_equal "$(jq -r '.message_id | test("^<[0-9a-f]+\\.[0-9]+@names\\.example>$")' <<<"$msg")" true "Message-ID"
  expect_equal "$(jq -r .mime_version <<<"$msg")" "1.0" "MIME-Version"
  expect_equal "$(jq -r '"\(.content_type) \(.charset) \(.content_transfer_encoding)"' <<<"$msg")" \
    "text/plain utf-8 quoted-printable" "Content-Type and encoding"
  expect_equal "$(jq -r '.list_unsubscribe | test("^<mailto:stop@names\\.example\\?subject=unsubscribe%20[A-Za-z0-9_-]{43}>, *<https://names\\.example/u/[A-Za-z0-9_-]{43}>$")' <<<"$msg")" \
    true "List-Unsubscribe: the mailto and the one-click URL"
  expect_equal "$(jq -r .list_unsubscribe_post <<<"$msg")" "List-Unsubscribe=One-Click" "List-Unsubscribe-Post"
  expect_equal "$(jq -r .envelope_to[0] <<<"$msg")" ann@buyer.example "the envelope"
  for text in "Example Names AB" "Storgatan 1, 111 22 Stockholm, Sweden" "+46 8 123 456 78" \
    "This is a commercial offer" "gamma.com" "1500.00 USD" "stands until" \
    "your backorder of" "To receive no further mail from us" "stop@names.example"; do
    jq -r .body <<<"$msg" | tr '\n' ' ' | grep -qF -- "$text" && ok || bad "the body lacks '$text'"
  done
  expect_equal "$(status_of "$db" 1)" sent "sent"
  # An opt-out between approval and sending: checked again right before the message.
  show_on_tty "$db" 2
  run --db "$db" offer approve 2 --by anna
  run --db "$db" offer optout bob@buyer.example
  run --db "$db" offer send --send
  expect_rc 0 "send with the recipient opted out"
  expect_out "0 sent, 0 refused (tried again next time), 0 failed, 0 unknown (a person must check), 1 opted out"
  expect_equal "$(mail_count)" 1 "no message to an address opted out after approval"
  expect_equal "$(status_of "$db" 2)" withdrawn "withdrawn"
  # Replies: recorded by a person; accepting withdraws the name's other open offers.
  run --db "$db" offer draft gamma.com --to ceo@other.example --price 2000 --currency USD \
    --reason 'you own gamma.org'
  expect_rc 0 "a draft to an address with a reason"
  run --db "$db" offer mark 3 accepted
  expect_rc 1 "an unsent offer has no answer"
  run --db "$db" offer mark 1 replied --note 'asked about transfer'
  expect_rc 0 "replied"
  run --db "$db" offer mark 1 accepted --note 'paid by invoice'
  expect_rc 0 "accepted"
  expect_err "offer 3: withdrawn, since offer 1 was accepted"
  expect_equal "$(status_of "$db" 3)" withdrawn "the other open offer withdrawn"
  # A person may draft again (the buyer may back out), warned.
  run --db "$db" offer draft gamma.com --to ceo@other.example --price 2000 --currency USD \
    --reason 'you own gamma.org'
  expect_rc 0 "a draft after acceptance"
  expect_err "an offer of gamma.com was accepted (offer 1)"
  run --db "$db" offer mark 99 accepted
  expect_rc 65 "an unknown offer"
  run --db "$db" offer list --status accepted --format tsv --no-header --columns id,note
  expect_equal "$(cat "$OUT")" "1	paid by invoice" "list by status"
  # Forgetting the customer erases the address, name and text of the offers to them; their
  # status stays.
  run --db "$db" backorder forget ann@buyer.example --yes
  expect_rc 0 "forget a customer who had an offer"
  run --db "$db" offer list --format tsv --no-header --columns id,recipient,status
  expect_out "1	(erased)	accepted"
  local left
  # shellcheck disable=SC2046 # one file name per line, no spaces
  left=$(grep -laE 'ann@buyer|Ödman|=C3=96dman' -- $(store_files "$db"))
  [ -z "$left" ] && ok || bad "the forgotten customer is still in $left"
}

# ---- offers in turn: --to next, the next in allocation order with no open or declined offer
turn_part() {
  local db=$SIM_DIR/s.db
  start_sink
  offer_config
  "$DROPCAT" --db "$db" offer hold delta.com >/dev/null 2>&1
  "$DROPCAT" --db "$db" backorder add delta.com --email p3@buyer.example >/dev/null 2>&1
  "$DROPCAT" --db "$db" backorder add delta.com --email p1@buyer.example --priority 10 >/dev/null 2>&1
  "$DROPCAT" --db "$db" backorder add delta.com --email p2@buyer.example --priority 5 >/dev/null 2>&1
  run --db "$db" offer draft delta.com --to next --price 900 --currency EUR --format tsv --no-header --columns recipient
  expect_equal "$(cat "$OUT")" p1@buyer.example "the first in allocation order"
  show_on_tty "$db" 1
  run --db "$db" offer approve 1 --by anna
  # On a terminal: each message as it goes, then the summary.
  script -qec "'$DROPCAT' --db '$db' offer send --send" /dev/null >"$OUT" 2>&1
  expect_out "[1/1] offer 1 of delta.com to p1@buyer.example: handing over"
  expect_out "[1/1] offer 1 of delta.com to p1@buyer.example: sent (250 accepted)"
  expect_out "offer send: 1 sent"
  run --db "$db" offer mark 1 declined
  expect_rc 0 "declined"
  run --db "$db" offer draft delta.com --to next --price 900 --currency EUR --format tsv --no-header --columns recipient
  expect_equal "$(cat "$OUT")" p2@buyer.example "then the next"
  run --db "$db" offer draft delta.com --to next --price 900 --currency EUR --format tsv --no-header --columns recipient
  expect_equal "$(cat "$OUT")" p3@buyer.example "p2 has an open offer: the one after"
  expect_err "skipped p2@buyer.example: has an open offer"
  expect_equal "$(mail_count)" 1 "drafts send nothing"
}

# ---- a crash after a hand-off and between messages: a re-run sends nothing twice
crash_part() {
  local db=$SIM_DIR/s.db i pid
  start_sink - 2 # the second message's answer is held: the sender is killed waiting
  offer_config
  approved_offers "$db" eps.com c
  "$DROPCAT" --db "$db" offer send --send >"$SIM_DIR/crash.out" 2>&1 &
  pid=$!
  for i in $(seq 1 200); do
    [ -e "$SIM_DIR/mail/0002.eml" ] && break
    sleep 0.05
  done
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  # (Had the server's 1 s timeout come before the kill, the killed run itself recorded the
  # second unknown and sent the third: either way, nothing twice.)
  run --db "$db" offer send --send
  expect_rc 0 "the run after the crash"
  expect_equal "$(status_of "$db" 1)" sent "the first, recorded before the crash"
  case $(status_of "$db" 2) in
    sending | unknown) ok ;;
    *) bad "the message cut off is sending or unknown, got $(status_of "$db" 2)" ;;
  esac
  expect_equal "$(status_of "$db" 3)" sent "the third, sent once"
  run --db "$db" offer send --send
  expect_out "0 sent" "nothing more to send"
  mails >"$SIM_DIR/mails.jsonl"
  expect_equal "$(wc -l <"$SIM_DIR/mails.jsonl")" 3 "three messages, none twice"
  expect_equal "$(jq -r .message_id "$SIM_DIR/mails.jsonl" | sort -u | wc -l)" 3 "three Message-IDs"
  expect_equal "$(jq -r .to_address "$SIM_DIR/mails.jsonl" | sort | tr '\n' ' ')" \
    "c1@buyer.example c2@buyer.example c3@buyer.example " "one each"
}

# ---- a server that drops the connection mid-batch: unknown, never resent
drop_part() {
  local db=$SIM_DIR/s.db
  start_sink 1
  offer_config
  approved_offers "$db" zeta.com d
  run --db "$db" offer send --send
  expect_rc 3 "unknown outcomes need a person"
  expect_out "1 sent, 0 refused (tried again next time), 0 failed, 2 unknown"
  run --db "$db" offer send --send
  expect_rc 0 "a re-run"
  expect_out "0 sent"
  run --db "$db" offer list --status unknown --format tsv --no-header --columns id
  expect_equal "$(tr '\n' ' ' <"$OUT")" "2 3 " "the two after the drop are unknown"
  mails >"$SIM_DIR/mails.jsonl"
  expect_equal "$(wc -l <"$SIM_DIR/mails.jsonl")" 3 "each message once"
  expect_equal "$(jq -r .message_id "$SIM_DIR/mails.jsonl" | sort -u | wc -l)" 3 "no Message-ID twice"
}

# ---- the one-click endpoint: POST form body, empty POST, GET page, forged token
serve_part() {
  local db=$SIM_DIR/s.db pid port i t1 t2 code
  SINK_PORT=9 offer_config
  "$DROPCAT" --db "$db" offer hold eta.com >/dev/null 2>&1
  "$DROPCAT" --db "$db" backorder add eta.com --email e1@buyer.example >/dev/null 2>&1
  "$DROPCAT" --db "$db" backorder add eta.com --email e2@buyer.example >/dev/null 2>&1
  run --db "$db" offer draft eta.com --price 100 --currency USD
  t1=$("$DROPCAT" --db "$db" offer show 1 2>/dev/null | grep -o 'names.example/u/[A-Za-z0-9_-]*' | head -n 1 | cut -d/ -f3)
  t2=$("$DROPCAT" --db "$db" offer show 2 2>/dev/null | grep -o 'names.example/u/[A-Za-z0-9_-]*' | head -n 1 | cut -d/ -f3)
  [ ${#t1} -eq 43 ] && [ ${#t2} -eq 43 ] && ok || bad "tokens in the messages: '$t1' '$t2'"
  "$DROPCAT" --db "$db" offer serve --listen 127.0.0.1:0 2>"$SIM_DIR/serve.err" &
  pid=$!
  PART_HOOKS+=("kill $pid 2>/dev/null")
  for i in $(seq 1 100); do
    port=$(grep -o 'http://127.0.0.1:[0-9]*' "$SIM_DIR/serve.err" | cut -d: -f3)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] && ok || bad "offer serve did not start: $(cat "$SIM_DIR/serve.err")"
  # GET: a page with one button, and no opt-out yet (link checkers open links).
  code=$(curl -s -o "$SIM_DIR/page.html" -w '%{http_code}' "http://127.0.0.1:$port/u/$t1")
  expect_equal "$code" 200 "GET"
  grep -q '<button type="submit">Unsubscribe</button>' "$SIM_DIR/page.html" && ok || bad "the page's button"
  grep -q 'name="List-Unsubscribe" value="One-Click"' "$SIM_DIR/page.html" && ok || bad "the button's form"
  run --db "$db" offer optouts --format tsv --no-header
  expect_no_out e1@buyer.example "a GET opts nobody out"
  # A forged token: 404, nothing changed.
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d 'List-Unsubscribe=One-Click' \
    "http://127.0.0.1:$port/u/${t1:0:42}A")
  expect_equal "$code" 404 "a forged token"
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/u/not-a-token")
  expect_equal "$code" 404 "GET of a forged token"
  run --db "$db" offer optouts --format tsv --no-header
  expect_equal "$(wc -l <"$OUT")" 0 "a forged token changes nothing"
  # RFC 8058's POST, and an empty POST: opted out at once.
  code=$(curl -s -o "$SIM_DIR/post.txt" -w '%{http_code}' -X POST -d 'List-Unsubscribe=One-Click' \
    "http://127.0.0.1:$port/u/$t1")
  expect_equal "$code" 200 "POST with the form body"
  grep -q 'no further mail from Example Names AB' "$SIM_DIR/post.txt" && ok || bad "the answer"
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Length: 0' "http://127.0.0.1:$port/u/$t2")
  expect_equal "$code" 200 "an empty POST"
  run --db "$db" offer optouts --format tsv --no-header --columns address,source
  expect_equal "$(sort "$OUT" | tr '\n' ' ')" "e1@buyer.example	one-click e2@buyer.example	one-click " "both opted out"
  kill -TERM "$pid"
  wait "$pid"
  expect_equal "$?" 0 "offer serve stops on SIGTERM"
}

# ---- notices after a real catch: one caught, one lost; no price, no sales text; never twice
notices_part() {
  local db=$SIM_DIR/s.db t1 t2 body
  # The accounts' limits, on both sides, as in catch.sh.
  export DYN_LIMITS=$'checks = 10\ncreates = 1\nper = "1s"' PB_LIMITS=$'checks = 10\ncreates = 1\nper = "1s"'
  export DYN_CLIENT=$'checks_per_minute = 600\nchecks_per_second = 10\ncreates_per_second = 1\ncheck_batch = 1'
  export PB_CLIENT=$'checks_per_minute = 600\nchecks_per_second = 10\ncreates_per_second = 1'
  # Far enough ahead for the set-up on a busy machine (as in catch.sh).
  t1=$(date -u -d "@$(($(date +%s) + 8))" +%Y-%m-%dT%H:%M:%SZ)
  t2=$(date -u -d "@$(($(date +%s) + 9))" +%Y-%m-%dT%H:%M:%SZ)
  { sim_head com; cat <<TOML
[[domain]]
name = "kappa.com"
delete_at = "$t1"
statuses = ["pending delete"]

[[domain]]
name = "lambda.com"
delete_at = "$t2"
statuses = ["pending delete"]
competitor_after = "0ms"
TOML
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  start_sink
  write_config
  cat >>"$XDG_CONFIG_HOME/dropcat/config.toml" <<TOML

[catch]
max_price = "20.00 USD"
lead_seconds = 2
warm_seconds = 2
known_window_seconds = 6
TOML
  offer_config
  printf 'domain,drop_date\nkappa.com,%s\nlambda.com,%s\n' "$t1" "$t2" >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  "$DROPCAT" --db "$db" backorder add kappa.com --email k1@buyer.example --name 'Kim' >/dev/null 2>&1
  "$DROPCAT" --db "$db" backorder add kappa.com --email k2@buyer.example >/dev/null 2>&1
  "$DROPCAT" --db "$db" backorder add lambda.com --email l1@buyer.example >/dev/null 2>&1
  run --db "$db" offer optout k2@buyer.example
  run --db "$db" catch run --live
  [ "$RC" -eq 0 ] || "$DROPCAT" --db "$db" catch results >&2
  expect_rc 0 "the catch"
  expect_out "1 caught, 1 lost"
  run --db "$db" offer notify
  expect_rc 0 "notify, a dry run"
  expect_out "k1@buyer.example"
  expect_out "l1@buyer.example"
  expect_no_out "k2@buyer.example" "no notice to an address opted out"
  expect_err "dry run: 2 notices would be sent"
  expect_equal "$(mail_count)" 0 "a dry run sends nothing"
  run --db "$db" offer notify --send
  expect_rc 0 "notify"
  expect_out "notice send: 2 sent"
  run --db "$db" offer notify --send
  expect_out "notice send: 0 sent" "never two notices"
  mails >"$SIM_DIR/mails.jsonl"
  expect_equal "$(wc -l <"$SIM_DIR/mails.jsonl")" 2 "two notices"
  expect_equal "$(jq -r 'select(.to_address == "k1@buyer.example") | .subject' "$SIM_DIR/mails.jsonl")" \
    "Your backorder: we registered kappa.com" "the caught notice"
  expect_equal "$(jq -r 'select(.to_address == "l1@buyer.example") | .subject' "$SIM_DIR/mails.jsonl")" \
    "Your backorder: lambda.com was registered by another party" "the lost notice"
  body=$(jq -r 'select(.to_address == "k1@buyer.example") | .body' "$SIM_DIR/mails.jsonl")
  grep -qF "We registered it on" <<<"$body" && ok || bad "the caught notice says so"
  grep -qF "and another party registered it first" <<<"$(jq -r 'select(.to_address == "l1@buyer.example") | .body' "$SIM_DIR/mails.jsonl")" &&
    ok || bad "the lost notice says so"
  # No price and no sales text in either.
  jq -r '.subject + " " + .body' "$SIM_DIR/mails.jsonl" >"$SIM_DIR/notices.txt"
  grep -qE '[0-9]+([.,][0-9]+)? ?(USD|EUR|SEK|GBP)|[$€£]' "$SIM_DIR/notices.txt" &&
    bad "a notice carries a price: $(cat "$SIM_DIR/notices.txt")" || ok
  grep -qiE '\b(offer|price|buy|purchase|sale|discount|deal|bid|cost)' "$SIM_DIR/notices.txt" &&
    bad "a notice carries sales text: $(grep -oiE '\b(offer|price|buy|purchase|sale|discount|deal|bid|cost)\w*' "$SIM_DIR/notices.txt" | head -n 3)" || ok
  for text in "Example Names AB" "Storgatan 1" "+46 8 123 456 78" "To receive no further mail"; do
    grep -qF -- "$text" "$SIM_DIR/notices.txt" && ok || bad "a notice lacks '$text'"
  done
  expect_equal "$(jq -r '.list_unsubscribe_post' "$SIM_DIR/mails.jsonl" | sort -u)" \
    "List-Unsubscribe=One-Click" "notices carry the one-click header"
  # A notice needs no approval, and has no replies to record.
  run --db "$db" offer approve 1 --by anna
  expect_rc 1 "approve a notice"
  expect_err "is a notice, which needs no approval"
  run --db "$db" offer mark 1 replied
  expect_rc 1 "mark a notice"
  expect_err "is a notice: a notice is only marked sent or failed"
  # The caught name may be offered without `offer hold`; the lost one may not.
  run --db "$db" offer draft kappa.com --price 500 --currency USD
  expect_rc 0 "a caught name is held"
  run --db "$db" offer draft lambda.com --price 500 --currency USD
  expect_rc 1 "a lost name is not"
  stop_sim
}

part send send_part
part turn turn_part
part crash crash_part
part drop drop_part
part serve serve_part
part notices notices_part
join_parts
finish
