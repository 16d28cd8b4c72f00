# Each registrar adapter against dropcat-sim over real HTTP on loopback: available, taken,
# premium over the ceiling, lost race, insufficient funds, dry run, a lost create answer, ping,
# a wrong key, and no secret in -vv output or in the simulator's log.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/cli/sim_lib.sh"

VV=$WORK/all-stderr # every -vv stderr of the run, searched for secrets at the end
: >"$VV"
rv() { run -vv "$@"; cat "$ERR" >>"$VV"; }

suite() { # suite ACCOUNT PREFIX
  local acct=$1 p=$2
  cat >"$SIM_DIR/scenario.toml" <<TOML
$(sim_head)

[[domain]]
name = "$p-taken.com"

[[domain]]
name = "$p-race.com"
delete_at = "+0s"

[[domain]]
name = "$p-premium.com"
delete_at = "+0s"
premium = true
price = "2500.00 USD"

[[domain]]
name = "$p-rich.com"
delete_at = "+0s"
price = "150.00 USD"
$([ "$p" = nc ] && echo 'premium = true # at Namecheap only a premium name has a price of its own')

[[fault]]
command = "create"
domain = "$p-race.com"
kind = "competitor"

[[fault]]
command = "create"
domain = "$p-lost.com"
kind = "lost-response"
TOML
  start_sim "$SIM_DIR/scenario.toml"
  # The simulator here limits nothing; the client's limits are raised to match, so that the
  # run's many short processes (which share each account's limits) do not wait.
  local fast=$'checks_per_minute = 600\ncreates_per_minute = 600'
  DYN_CLIENT=$fast PB_CLIENT=$fast NC_CLIENT=$fast write_config

  # Lost race: the quote says available; the competitor registers the name an instant before
  # the create arrives (the simulator's competitor fault).
  rv registrar register --registrar "$acct" "$p-race.com" --max-price "20.00 USD" --live --format json
  expect_rc 1 "$acct lost race"
  expect_equal "$(json_field outcome)" "lost-race" "$acct lost race outcome"
  log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == '$p-race.com']
assert len(c) == 1 and c[0]['outcome'] == 'not-available', c" && ok || bad "$acct: one create, not available"

  # A name registered now is `taken` from the quote, with no create sent; lost-race comes only
  # from a create's answer.
  rv registrar register --registrar "$acct" "$p-taken.com" --max-price "20.00 USD" --live --format json
  expect_rc 1 "$acct: register a taken name"
  expect_equal "$(json_field outcome)" "taken" "$acct taken"
  log_check "assert not [r for r in rows if r['command'] == 'create' and r['domain'] == '$p-taken.com']" \
    && ok || bad "$acct: no create for a taken name"
  rv registrar check --registrar "$acct" "$p-free.com" "$p-taken.com" --format json
  expect_rc 0 "$acct check"
  python3 - "$OUT" "$acct" "$p" <<'PY' && ok || bad "$acct check JSON"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
acct, p = sys.argv[2], sys.argv[3]
assert [list(r)[:6] for r in rows] == [["domain", "registrar", "availability", "price", "currency", "definitive"]] * 2
free, taken = rows
assert free["domain"] == p + "-free.com" and free["availability"] == "available", free
assert free["definitive"] is True and free["registrar"] == acct
# Namecheap's check gives no price for ordinary names: dropcat adds the price list's.
assert free["price"] == "10.99" and free["currency"] == "USD", free  # an amount is a string
assert taken["availability"] == "taken" and taken["definitive"] is True, taken
PY

  # (--columns and --no-header as every listing takes them.)
  rv registrar check --registrar "$acct" "$p-premium.com" --format tsv --no-header \
    --columns domain,registrar,availability,price,currency,definitive
  expect_rc 0
  expect_out_lines 1 "$acct check without a header"
  # Every adapter says premium (Dynadot in its price sentence, apps/dropcat-sim/WIRE.md).
  expect_equal "$(cat "$OUT")" "$(printf '%s\t%s\tpremium\t2500.00\tUSD\ttrue' "$p-premium.com" "$acct")" "$acct premium check"

  rv registrar register --registrar "$acct" "$p-premium.com" --max-price "100.00 USD" --live --format json
  expect_rc 1 "$acct premium over the ceiling"
  expect_equal "$(json_field outcome)" "price-mismatch"
  expect_err "above the ceiling"
  log_check "assert not [r for r in rows if r['command'] == 'create' and r['domain'] == '$p-premium.com']" \
    && ok || bad "$acct: no create sent for a premium name over the ceiling"

  rv registrar register --registrar "$acct" "$p-dry.com" --max-price "12.00 USD" --format json
  expect_rc 0 "$acct dry run"
  expect_equal "$(json_field outcome)" "dry-run-ok"
  expect_err "add --live to register" "$acct: the hint when nothing blocks"
  expect_equal "$(json_field dry_run)" "true"
  expect_err "dry run"
  log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == '$p-dry.com']
assert all(r['outcome'] == 'dry-run' for r in c), c
assert len(c) == (1 if '$acct' == 'pb-main' else 0), c" && ok || bad "$acct: dry run registers nothing"

  rv registrar register --registrar "$acct" "$p-free.com" --max-price "12.00 USD" --live --format json
  expect_rc 0 "$acct live register"
  expect_equal "$(json_field outcome)" "registered"
  rv registrar check --registrar "$acct" "$p-free.com" --format tsv
  expect_out "$p-free.com	$acct	taken" "$acct: a registered name is taken"

  # A dry run meets what a live run would: the balance (100.00 here) below the price.
  rv registrar register --registrar "$acct" "$p-rich.com" --max-price "200.00 USD" --format json
  expect_rc 1 "$acct dry run, insufficient funds"
  expect_equal "$(json_field outcome)" "insufficient-funds" "$acct dry run funds"
  expect_no_err "add --live"
  rv registrar register --registrar "$acct" "$p-rich.com" --max-price "200.00 USD" --live --format json
  expect_rc 1 "$acct insufficient funds"
  expect_equal "$(json_field outcome)" "insufficient-funds"

  # A lost answer (the create executed): never sent again (Porkbun's Idempotency-Key
  # included); the account is asked at once, lists the name, and that settles it.
  rv registrar register --registrar "$acct" "$p-lost.com" --max-price "12.00 USD" --live --format json
  expect_rc 0 "$acct lost answer"
  expect_equal "$(json_field outcome)" "registered"
  expect_err "no whole answer came to the create, but $acct lists the name"
  log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == '$p-lost.com']
assert len(c) == 1 and c[0]['outcome'] == 'fault-lost-response', c
# Porkbun's listAll names no domain: it lists the account's.
o = [r for r in rows if r['command'] == 'owns' and r['key'] == '$acct' and r.get('domain') in ('$p-lost.com', '', None)]
assert len(o) == 1 and o[0]['outcome'] in ('owned', 'listed'), o" && ok || bad "$acct: an ambiguous create is never resent"

  # More than one year: a first-year quote cannot hold a ceiling for the later years, so
  # nothing is bought (Namecheap's price list quotes each period: there it is priced).
  rv registrar register --registrar "$acct" "$p-years.com" --max-price "100.00 USD" --years 2 --live --format json
  if [ "$acct" = nc-main ]; then
    expect_rc 0 "namecheap: two years from the price list"
    expect_equal "$(json_field outcome)" "registered"
    expect_equal "$(json_field price)" "21.98" "namecheap: two years' price"
    log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == '$p-years.com']
assert [r['outcome'] for r in c] == ['registered'], c" && ok || bad "namecheap: two years bought once"
  else
    expect_rc 1 "$acct: two years"
    expect_equal "$(json_field outcome)" "policy-refused"
    expect_err "quotes one year only"
    log_check "assert not [r for r in rows if r['domain'] == '$p-years.com']" \
      && ok || bad "$acct: nothing sent for a two-year request"
  fi

  rv registrar ping "$acct" --format json
  expect_rc 0 "$acct ping"
  expect_equal "$(json_field ok)" "true"
  # An amount is a string with its decimals, beside its currency; an account whose ping
  # gives no balance (Porkbun) has null for both.
  if [ "$acct" = pb-main ]; then
    expect_equal "$(jq -c '[.balance, .currency]' "$OUT")" "[null,null]" "$acct has no balance"
  else
    expect_equal "$(jq -r '.balance | type' "$OUT")" "string" "$acct balance is a string"
    expect_equal "$(jq -r '.currency' "$OUT")" "USD" "$acct balance currency"
  fi
  case $acct in
  # 100.00 - 10.99 for the registered name, less the lost-answer one the simulator executed.
  dyn-main) expect_equal "$(json_field balance)" "78.02" "$acct balance" ;;
  # Namecheap also bought two years of $p-years.com.
  nc-main) expect_equal "$(json_field balance)" "56.04" "$acct balance" ;;
  esac

  local saved
  case $acct in
  dyn-main) saved=$DYN_KEY; export DYN_KEY=wrong-key-9999 ;;
  pb-main) saved=$PB_KEY; export PB_KEY=pk1_wrong_9999 ;;
  nc-main) saved=$NC_KEY; export NC_KEY=wrong-key-9999 ;;
  esac
  rv registrar check --registrar "$acct" "$p-free.net"
  expect_rc 78 "$acct wrong key"
  expect_err "refused"
  case $acct in
  dyn-main) export DYN_KEY=$saved ;;
  pb-main) export PB_KEY=$saved ;;
  nc-main) export NC_KEY=$saved ;;
  esac
  stop_sim
  cp "$SIM_LOG" "$WORK/sim-$acct.log"
}

# A registrar that keeps its accounts in yen: amounts carry the currency's own decimals (none),
# read from the API and written in JSON.
yen() {
  cat >"$SIM_DIR/scenario.toml" <<TOML
[sim]
default_price = "1500 JPY"
tlds = ["com"]

$(DYN_BALANCE="20000 JPY" PB_BALANCE="20000 JPY" NC_BALANCE="20000 JPY" sim_accounts)
TOML
  start_sim "$SIM_DIR/scenario.toml"
  write_config
  local acct
  for acct in dyn-main nc-main; do
    rv registrar ping "$acct" --format json
    expect_rc 0 "$acct ping in yen"
    expect_equal "$(jq -c '[.balance, .currency]' "$OUT")" '["20000","JPY"]' "$acct balance in yen"
  done
  stop_sim
}

# The three APIs at the same time, each with a simulator of its own (lib.sh's parts).
part dyn suite dyn-main dyn
part pb suite pb-main pb
part nc suite nc-main nc
part yen yen
join_parts

# No secret anywhere: not in -vv output, not in the simulator's logs. The request log is there.
grep -q 'GET https\?://127.0.0.1:[0-9]*/api3.json?key=REDACTED&command=search' "$VV" && ok \
  || bad "-vv shows the request log with the key redacted"
grep -q 'POST https\?://127.0.0.1:[0-9]*/xml.response -> 200' "$VV" && ok || bad "-vv logs namecheap posts"
# Creates ride on a connection opened before them (with SIM_TLS=1: TLS done before the create).
for create in 'command=register' '/domain/create/' 'POST https?://127.0.0.1:[0-9]*/xml.response'; do
  grep -E "$create.* -> 200 .*connection reused" "$VV" >/dev/null && ok \
    || bad "a create ($create) on a warm connection"
done
for secret in "$DYN_KEY" "$PB_KEY" "$PB_SECRET" "$NC_KEY" wrong-key-9999 pk1_wrong_9999; do
  grep -qF -- "$secret" "$VV" "$WORK"/sim-*.log && bad "secret $secret leaked" || ok
done

finish
