# Rate limits against dropcat-sim: the account's own limiter keeps every request within the
# configured rules, and each API's over-limit signal (Dynadot system_busy, Porkbun's ERROR with
# ttlRemaining, Namecheap's HTTP 405) is obeyed: after a signal the next request waits, so the
# simulator never sees a burst beyond its limit. Everything is checked from the simulator's log.
# The parts mostly wait on limits, so they run at the same time, each with its own simulator.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/cli/sim_lib.sh"

scenario() {
  cat >"$SIM_DIR/scenario.toml" <<TOML
$(sim_head)
TOML
}

# 1. The client's own limiter: 2 checks per second configured, the simulator unlimited.
client_limiter() {
  scenario
  start_sim "$SIM_DIR/scenario.toml"
  DYN_CLIENT=$'checks_per_minute = 600\nchecks_per_second = 2' write_config
  run registrar check --registrar dyn-main a1.com a2.com a3.com a4.com --format tsv
  expect_rc 0 "four checks at two per second"
  expect_out_lines 5
  log_check "
t = sorted(r['t'] for r in rows if r['key'] == 'dyn-main' and r['command'] == 'check')
assert len(t) == 4, t
# never three requests inside one second
assert all(t[i + 2] - t[i] >= 1.0 for i in range(len(t) - 2)), t
assert not [r for r in rows if r['outcome'] == 'rate-limited']" && ok || bad "client limiter: 2 per second"
  stop_sim
}

# 2. The servers' signals. The simulator allows 1 check per 900 ms per account (Porkbun: per
# 2 s, so that its ttlRemaining is longer than dropcat's own 1 s backoff); the client is
# configured far above that, so only the server's signal can hold it back. The three accounts'
# runs go at the same time: each account's limits are its own.
server_signals() {
  DYN_LIMITS=$'checks = 1\nper = "900ms"' PB_LIMITS=$'checks = 1\nper = "2s"' NC_LIMITS=$'checks = 1\nper = "900ms"' scenario
  start_sim "$SIM_DIR/scenario.toml"
  DYN_CLIENT='checks_per_minute = 6000' PB_CLIENT='checks_per_minute = 6000' \
    NC_CLIENT='checks_per_minute = 6000' write_config
  # 120 names: three Namecheap requests (50, 50, 20).
  seq 1 120 | sed 's/^/n/; s/$/.com/' >"$SIM_DIR/names"
  "$DROPCAT" registrar check --registrar dyn-main b1.com b2.com b3.com --format tsv \
    >"$SIM_DIR/dyn.out" 2>"$SIM_DIR/dyn.err" &
  local dyn=$!
  "$DROPCAT" -v registrar check --registrar pb-main b1.com b2.com b3.com --format tsv \
    >"$SIM_DIR/pb.out" 2>"$SIM_DIR/pb.err" &
  local pb=$!
  "$DROPCAT" registrar check --registrar nc-main - --format tsv <"$SIM_DIR/names" \
    >"$SIM_DIR/nc.out" 2>"$SIM_DIR/nc.err" &
  local nc=$!

  wait "$dyn"
  RC=$? OUT=$SIM_DIR/dyn.out ERR=$SIM_DIR/dyn.err
  expect_rc 0 "dynadot: every name answered after system_busy"
  expect_no_out "unknown"
  wait "$pb"
  RC=$? OUT=$SIM_DIR/pb.out ERR=$SIM_DIR/pb.err
  expect_rc 0 "porkbun: every name answered after its limits answer"
  expect_no_out "unknown"
  # The command does the waiting (the library never sleeps) and says so with -v.
  expect_err "dropcat: waiting "
  expect_err " s: porkbun rate limit (ttlRemaining)"
  wait "$nc"
  RC=$? OUT=$SIM_DIR/nc.out ERR=$SIM_DIR/nc.err
  expect_rc 0 "namecheap: every name answered after 405"
  expect_out_lines 121
  expect_no_out "unknown"

  log_check "
for key in ('dyn-main', 'pb-main', 'nc-main'):
    seq = [r for r in rows if r['key'] == key and r['command'] == 'check']
    ok = [r for r in seq if r['outcome'] != 'rate-limited']
    limited = [r for r in seq if r['outcome'] == 'rate-limited']
    assert len(ok) == 3, (key, seq)
    # the signal was seen, and obeyed: after each one the next request waited at least 1 s,
    # and the client stopped at once (a refused request is never followed by a burst)
    assert 1 <= len(limited) <= 4, (key, len(limited))
    for i, r in enumerate(seq[:-1]):
        if r['outcome'] == 'rate-limited':
            assert seq[i + 1]['t'] - r['t'] >= 0.9, (key, r, seq[i + 1])
" && ok || bad "each API's over-limit signal obeyed"
  # Porkbun said how long to wait (ttlRemaining, up to 2 s here): the client waited that long,
  # so each refusal was followed by an accepted check. With only its own 1 s backoff it would
  # have been refused again.
  log_check "
seq = [r for r in rows if r['key'] == 'pb-main' and r['command'] == 'check']
assert [r['outcome'] != 'rate-limited' for r in seq] == [True, False, True, False, True], seq
" && ok || bad "porkbun ttlRemaining obeyed"
  stop_sim
}

# 3. A create over the server's limit is retried only because the signal comes before
# execution; the name is registered once. The simulator allows one create per 900 ms; the
# client is configured far above that (its own rules would otherwise space the requests a
# second apart), so the second create comes within the window and is refused.
create_signal() {
  DYN_LIMITS=$'creates = 1\nper = "900ms"' scenario
  start_sim "$SIM_DIR/scenario.toml"
  DYN_CLIENT=$'checks_per_minute = 6000\ncreates_per_minute = 6000' write_config
  run registrar register --registrar dyn-main c1.com --max-price "12.00 USD" --live
  expect_rc 0
  run registrar register --registrar dyn-main c2.com --max-price "12.00 USD" --live --format json
  expect_rc 0 "dynadot create after system_busy"
  log_check "
c = [r for r in rows if r['command'] == 'create']
assert [r['outcome'] for r in c if r['domain'] == 'c1.com'] == ['registered'], c
out = [r['outcome'] for r in c if r['domain'] == 'c2.com']
assert len(out) >= 2 and out[-1] == 'registered' and set(out[:-1]) == {'rate-limited'}, out
" && ok || bad "create retried only after a pre-execution signal"
  stop_sim
}

part client client_limiter
part signals server_signals
part creates create_signal
join_parts

finish
