# The wire between dropcat and the registrars, against dropcat-sim: checks share a kept-alive
# connection while each create opens its own, Dynadot's batched search (check_batch), the
# outcomes particular to one API (Namecheap's whitelisted IP and its registrations that complete
# later, Dynadot's premium option, Porkbun's price guard), and Porkbun's 429 with Retry-After:
# obeyed, and reported as rate-limited (exit 75) when the wait is longer than dropcat may wait.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/cli/sim_lib.sh"

# Porkbun allows one create per 3 s here: the second create gets 429 with Retry-After, waits
# that long (not just dropcat's own 1 s backoff) and then registers, once. (A part of its own,
# with a simulator of its own, while the rest goes on.)
retry_after() {
  cat >"$SIM_DIR/scenario.toml" <<TOML
$(PB_LIMITS=$'creates = 1\nper = "3s"' sim_head)
TOML
  start_sim "$SIM_DIR/scenario.toml"
  PB_CLIENT='checks_per_minute = 600' write_config
  run registrar register --registrar pb-main pb1.com --max-price "12.00 USD" --live
  expect_rc 0 "porkbun: first create"
  run registrar register --registrar pb-main pb2.com --max-price "12.00 USD" --live --format json
  expect_rc 0 "porkbun: a create after 429 and Retry-After"
  expect_equal "$(json_field outcome)" "registered"
  log_check "
first = [r for r in rows if r['command'] == 'create' and r['domain'] == 'pb1.com']
c = [r for r in rows if r['command'] == 'create' and r['domain'] == 'pb2.com']
assert [r['outcome'] for r in c] == ['rate-limited', 'registered'], c
assert c[0]['status'] == 429, c
# the slot freed 3 s after the first create; a client that waited only its 1 s backoff
# would have been refused again
assert c[1]['t'] - first[0]['t'] >= 3.0, (first, c)
" && ok || bad "porkbun: Retry-After obeyed"
  stop_sim
}

# A Retry-After longer than dropcat may wait (two minutes): rate-limited, exit 75, said once.
beyond_patience() {
  cat >"$SIM_DIR/slow.toml" <<TOML
$(PB_LIMITS=$'creates = 1\nper = "10m"' sim_head com)
TOML
  start_sim "$SIM_DIR/slow.toml"
  PB_CLIENT='checks_per_minute = 600' write_config
  run registrar register --registrar pb-main pb3.com --max-price "12.00 USD" --live
  expect_rc 0
  run registrar register --registrar pb-main pb4.com --max-price "12.00 USD" --live --format json
  expect_rc 75 "porkbun: a wait longer than dropcat's patience"
  expect_equal "$(json_field outcome)" "rate-limited"
  expect_err "nothing was executed"
  log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == 'pb4.com']
assert [r['outcome'] for r in c] == ['rate-limited'], c
" && ok || bad "porkbun: one refused create, not retried"
  # The next run remembers the registrar's wait: it sends no create at all.
  run registrar register --registrar pb-main pb5.com --max-price "12.00 USD" --live --format json
  expect_rc 75 "porkbun: the next run within the registrar's wait"
  expect_equal "$(json_field outcome)" "rate-limited"
  expect_err "nothing was sent"
  log_check "assert not [r for r in rows if r['command'] == 'create' and r['domain'] == 'pb5.com']" \
    && ok || bad "porkbun: no create within the wait, from a new run either"
  stop_sim
}
part retry-after retry_after
part patience beyond_patience

cat >"$WORK/scenario.toml" <<TOML
$(sim_head)

[[domain]]
name = "later.net"
delete_at = "+0s"
non_real_time = true

[[domain]]
name = "fancy.com"
delete_at = "+0s"
premium = true
price = "50.00 USD"

[[fault]]
api = "porkbun"
command = "create"
domain = "dearer.com"
kind = "reprice"
price = "13.99 USD"
TOML
start_sim "$WORK/scenario.toml"
DYN_CLIENT=$'checks_per_minute = 600\ncheck_batch = 3' PB_CLIENT='checks_per_minute = 600' write_config

# Seven names, three to a search: three requests, one after the other on one connection.
run registrar check --registrar dyn-main w1.com w2.com w3.com w4.com w5.com w6.com w7.com --format tsv
expect_rc 0 "a batched check"
expect_out_lines 8
expect_equal "$(tail -n +2 "$OUT" | cut -f1 | tr '\n' ' ')" "w1.com w2.com w3.com w4.com w5.com w6.com w7.com " \
  "answers in the order asked"
log_check "
c = [r for r in rows if r['key'] == 'dyn-main' and r['command'] == 'check']
assert [r.get('domains', [r['domain']]) for r in c] == [['w1.com', 'w2.com', 'w3.com'],
    ['w4.com', 'w5.com', 'w6.com'], ['w7.com']], c
assert len({r['port'] for r in c}) == 1, c  # one kept-alive connection
" && ok || bad "check_batch 3: three searches on one connection"

# A registration asks for the price on the kept-alive connection, then creates on a new one.
for name in buy1.com buy2.com; do
  run registrar register --registrar dyn-main "$name" --max-price "12.00 USD" --live
  expect_rc 0 "register $name"
done
log_check "
ports = []
for name in ('buy1.com', 'buy2.com'):
    check = [r for r in rows if r['command'] == 'check' and r['domain'] == name]
    create = [r for r in rows if r['command'] == 'create' and r['domain'] == name]
    assert len(check) == 1 and len(create) == 1, (check, create)
    assert check[0]['port'] != create[0]['port'], (check, create)
    ports += [check[0]['port'], create[0]['port']]
assert len(set(ports)) == 4, ports
" && ok || bad "each create on a connection of its own"

# Namecheap refuses an IP that is not whitelisted: a configuration problem (78), no create.
sed -i 's/^client_ip = "127.0.0.1"/client_ip = "127.0.0.9"/' "$XDG_CONFIG_HOME/dropcat/config.toml"
run registrar ping nc-main
expect_rc 78 "namecheap: an IP that is not whitelisted"
expect_err "1011150"
run registrar register --registrar nc-main notlisted.com --max-price "12.00 USD" --live --format json
expect_rc 78 "namecheap register from an IP that is not whitelisted"
expect_equal "$(json_field outcome)" "auth-error"
log_check "assert not [r for r in rows if r['command'] == 'create' and r['domain'] == 'notlisted.com']" \
  && ok || bad "no create from an IP that is not whitelisted"
DYN_CLIENT=$'checks_per_minute = 600\ncheck_batch = 3' PB_CLIENT='checks_per_minute = 600' write_config

# A name whose registry completes registrations later: accepted, pending (exit 0).
run registrar register --registrar nc-main later.net --max-price "12.00 USD" --live --format json
expect_rc 0 "namecheap: a registration that completes later"
expect_equal "$(json_field outcome)" "pending"

# Dynadot's price sentence says premium: a premium name within the ceiling is not bought,
# since Dynadot's create takes no price (dropcat sends no premium option), and no create goes.
run registrar check --registrar dyn-main fancy.com --format json
expect_equal "$(json_field availability)" "premium" "dynadot: premium from the price sentence"
run registrar register --registrar dyn-main fancy.com --max-price "60.00 USD" --live --format json
expect_rc 1 "dynadot: a premium name"
expect_equal "$(json_field outcome)" "policy-refused"
expect_err "premium"
log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == 'fancy.com']
assert c == [], c
" && ok || bad "dynadot premium: no create sent"

# The price rose between the check and the create: Porkbun's create carries the quoted cost,
# so the registrar refuses it rather than charge more.
run registrar register --registrar pb-main dearer.com --max-price "20.00 USD" --live --format json
expect_rc 1 "porkbun: the price changed after the check"
expect_equal "$(json_field outcome)" "price-mismatch"
log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == 'dearer.com']
assert [r['outcome'] for r in c] == ['price-mismatch'], c
" && ok || bad "porkbun: a repriced create refused, not charged"
stop_sim

# A name whose TLD no account serves gets a row "unsupported"; the others, read from a pipe,
# are still checked, in the order given; the exit status says not every name was answered.
start_sim "$WORK/scenario.toml"
DYN_CLIENT=$'checks_per_minute = 600\ntlds = ["com"]' PB_CLIENT=$'checks_per_minute = 600\ntlds = ["com"]' \
  NC_CLIENT=$'checks_per_minute = 600\ntlds = ["net"]' write_config
printf 'first.com\nnobody.org\nthird.net\n' >"$WORK/mixed"
run_in "$WORK/mixed" registrar check - --format tsv
expect_rc 69 "a name no account serves"
expect_out_lines 4
expect_equal "$(tail -n +2 "$OUT" | cut -f1,2,3 | tr '\t\n' ' |')" \
  "first.com dyn-main available|nobody.org  unsupported|third.net nc-main available|" "rows in order"
expect_out "no configured account serves .org"
# owns answers in the order given too, each name from every account serving it.
run registrar owns first.com nobody.org third.net --format tsv
expect_rc 69 "owns: a name no account serves"
expect_equal "$(tail -n +2 "$OUT" | cut -f1,2,3 | tr '\t\n' ' |')" \
  "first.com dyn-main no|first.com pb-main no|nobody.org  unknown|third.net nc-main no|" \
  "owns: rows in order"
stop_sim

join_parts
finish
