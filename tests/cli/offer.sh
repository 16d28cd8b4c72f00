# dropcat offer: opt-outs (one, listed, imported all or nothing), an opt-out outliving
# `backorder forget` by its hash alone, and the names held. Runs on both store backends.
. "$(dirname "$0")/lib.sh"
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
finish
