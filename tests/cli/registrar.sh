# dropcat registrar list: accounts from the configuration; configuration errors exit 78.
. "$(dirname "$0")/lib.sh"

run registrar list
expect_rc 0 "no configuration file"
expect_err "no registrar accounts are configured"
expect_out_lines 1 "only the header"

mkdir -p "$XDG_CONFIG_HOME/dropcat"
cat >"$XDG_CONFIG_HOME/dropcat/config.toml" <<'TOML'
[[registrar]]
name = "dyn-main"
kind = "dynadot"
key_env = "DROPCAT_DYN_MAIN_KEY"
tlds = ["com", "net"]
max_price = "25.00 USD"

[[registrar]]
name = "pork"
kind = "porkbun"
key_env = "PORK_KEY"
secret_env = "PORK_SECRET"
endpoint = "http://127.0.0.1:8080/api/json/v3"
checks_per_minute = 3
TOML
run registrar list --format tsv
expect_rc 0
expect_out "dyn-main	dynadot	https://api.dynadot.com	60	60	1	com net	25.00	advertises drop-catching"
expect_equal "$(cut -f11 "$OUT" | tr '\n' ' ')" "currency USD  " "max_price's currency, last"
expect_out "pork	porkbun	http://127.0.0.1:8080/api/json/v3	3	60	1		"
expect_equal "$(cut -f10 "$OUT" | tr '\n' ' ')" "check_batch 1 1 " "the names per check, last"
expect_no_err "warning" "limits within the documented ones"
run registrar list --format json
python3 - "$OUT" <<'PY' && ok || bad "registrar list JSON"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = ["name", "kind", "endpoint", "checks_per_minute", "creates_per_minute", "max_in_flight",
        "tlds", "max_price", "catch_policy", "check_batch", "currency"]
assert [list(r) for r in rows] == [keys, keys], rows
assert rows[0]["checks_per_minute"] == 60 and rows[1]["checks_per_minute"] == 3
# An amount is a string beside its currency; none is null. The policy is whole in JSON.
assert (rows[0]["max_price"], rows[0]["currency"]) == ("25.00", "USD"), rows[0]
assert (rows[1]["max_price"], rows[1]["currency"]) == (None, None), rows[1]
assert rows[0]["catch_policy"] == "advertises drop-catching through its API; confirm the current terms", rows[0]
PY

# A ceiling is written with its currency's decimals: none for yen, three for dinars.
cfg=$XDG_CONFIG_HOME/dropcat/config.toml
cp "$cfg" "$WORK/config.saved"
sed -i 's/^max_price = .*/max_price = "3000 JPY"/' "$cfg"
run registrar list --format json
expect_equal "$(head -n 1 "$OUT" | jq -c '[.max_price, .currency]')" '["3000","JPY"]' "a ceiling in yen"
sed -i 's/^max_price = .*/max_price = "1.25 BHD"/' "$cfg"
run registrar list --format tsv --no-header --columns name,max_price,currency
expect_equal "$(head -n 1 "$OUT")" "$(printf 'dyn-main\t1.250\tBHD')" "a ceiling in dinars"
sed -i 's/^max_price = .*/max_price = "1500.5 JPY"/' "$cfg"
run registrar list
expect_rc 78 "half a yen"
expect_err "JPY has no decimals"
cp "$WORK/config.saved" "$cfg"

# The registrar commands take --columns like every listing: an unknown one is refused before
# any request is sent.
for cmd in "check example.com" "owns example.com" "ping" "register --registrar dyn-main example.com --max-price '1.00 USD'"; do
  eval "run registrar $cmd --columns domian"
  expect_rc 2 "registrar $cmd --columns domian"
  expect_err "--columns: column 'domian' is not one of"
done

# The table fits 100 columns, even off a terminal: the policy is cut there.
run registrar list --format table
expect_rc 0
python3 -c 'import sys; w = [len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")]; sys.exit(max(w) > 100)' "$OUT" && ok || bad "registrar list is wider than 100 columns: $(cat "$OUT")"
expect_out "…"

# A bulk account raises the figures: listed, with a warning that they are above the documented.
printf '[[registrar]]\nname = "bulk"\nkind = "dynadot"\nkey_env = "K"\ncheck_batch = 100\nchecks_per_minute = 600\n' >"$WORK/bulk.toml"
run --config "$WORK/bulk.toml" registrar list --format tsv
expect_rc 0 "a bulk account"
expect_out "bulk	dynadot	https://api.dynadot.com	600	60	1"
expect_equal "$(tail -n 1 "$OUT" | cut -f10)" "100" "a bulk account's names per check"
expect_err "warning: bulk: checks_per_minute 600 is above dynadot's documented 60"
expect_err "warning: bulk: check_batch 100 is above dynadot's documented 1"
printf '[[registrar]]\nname = "nc"\nkind = "porkbun"\nkey_env = "K"\nsecret_env = "S"\ncheck_batch = 2\n' >"$WORK/batch.toml"
run --config "$WORK/batch.toml" registrar list
expect_rc 78 "a batch the API does not take"
expect_err "batch.toml:6: check_batch: porkbun takes at most 1 name per check"

# A --max-price in another currency than the account's max_price cannot be compared with it.
run registrar register --registrar dyn-main example.com --max-price "10.00 EUR"
expect_rc 2 "a ceiling in another currency than the account's"
expect_err "--max-price is in EUR and dyn-main's max_price (25.00 USD) in USD: give --max-price in USD"
expect_err "try 'dropcat registrar register --help'"
expect_equal "$(grep -c "^try " "$ERR")" 1 "the hint once"

# A secret in the file, a bad kind: exit 78, FILE:LINE: KEY.
printf '[[registrar]]\nname = "x"\nkind = "dynadot"\nkey = "s3cr3t-value"\nkey_env = "K"\n' >"$WORK/secret.toml"
run --config "$WORK/secret.toml" registrar list
expect_rc 78 "a secret in the configuration"
expect_err "secret.toml:4: key: secrets do not go in the configuration file"
expect_no_err "s3cr3t-value"
printf '[[registrar]]\nname = "x"\nkind = "godaddy"\nkey_env = "K"\n' >"$WORK/kind.toml"
DROPCAT_CONFIG=$WORK/kind.toml run registrar list
expect_rc 78 "an unknown kind, through DROPCAT_CONFIG"
expect_err "kind.toml:3: kind: 'godaddy' is not one of dynadot, porkbun, namecheap"
run --config "$WORK/none.toml" registrar list
expect_rc 78 "a --config file that does not exist"

# A secrets file others can read is refused; a private one is fine.
printf 'K = "v"\n' >"$WORK/secrets.toml"
chmod 640 "$WORK/secrets.toml"
printf 'secrets_file = "secrets.toml"\n' >"$WORK/with-secrets.toml"
run --config "$WORK/with-secrets.toml" registrar list
expect_rc 78 "a group-readable secrets file"
expect_err "can be read by others (mode 640)"
chmod 600 "$WORK/secrets.toml"
run --config "$WORK/with-secrets.toml" registrar list
expect_rc 0 "a private secrets file"

# A FIFO (or any file that is not a regular one) as the secrets file: refused at once, never
# opened to be read (which would hang); the error is said once.
mkfifo "$WORK/fifo"
printf 'secrets_file = "fifo"\n' >"$WORK/with-fifo.toml"
run --config "$WORK/with-fifo.toml" registrar list
expect_rc 78 "a FIFO as the secrets file"
expect_err "is not a regular file"
[ "$(wc -l <"$ERR")" -eq 1 ] && ok || bad "the configuration error said once: $(cat "$ERR")"

# A secret pasted into a *_env key is never echoed.
printf '[[registrar]]\nname = "x"\nkind = "dynadot"\nkey_env = "dk-live-7f6e5d4c3b2a"\n' >"$WORK/pasted.toml"
run --config "$WORK/pasted.toml" registrar list
expect_rc 78 "a secret in key_env"
expect_no_err "7f6e5d4c3b2a"
expect_err "pasted.toml:4: key_env: must name the environment variable"

# Plain http to a host that only looks like loopback is refused.
printf '[[registrar]]\nname = "x"\nkind = "dynadot"\nkey_env = "K"\nendpoint = "http://[::1].example.net/"\n' >"$WORK/host.toml"
run --config "$WORK/host.toml" registrar list
expect_rc 78 "a look-alike loopback host"
expect_err "host.toml:5: endpoint: "

finish
