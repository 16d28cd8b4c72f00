# Limits across runs: each run remembers an account's recent requests (under
# $XDG_STATE_HOME/dropcat/accounts) and keeps to its rules as one run would, and one run at a
# time speaks for an account. Checked from the simulator's log.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/cli/sim_lib.sh"

# Two parts, each with a simulator of its own, at the same time.

# 4. Limits hold across runs: three runs one after another keep to Dynadot's documented one
# request a second, as a single run would (a run takes a few milliseconds to start, so
# without what the earlier runs left in the account's ledger they would come far closer).
across_runs() {
  cat >"$SIM_DIR/scenario.toml" <<TOML
$(sim_head)
TOML
  start_sim "$SIM_DIR/scenario.toml"
  write_config
  for n in 1 2 3; do
    run registrar check --registrar dyn-main "p$n.com"
    expect_rc 0 "run $n"
  done
  log_check "
t = [r['t'] for r in rows if r['command'] == 'check']
assert len(t) == 3, t
assert t[1] - t[0] >= 1.0 and t[2] - t[1] >= 1.0, t
" && ok || bad "Dynadot's one request a second, across runs"
  [ -s "$XDG_STATE_HOME/dropcat/accounts/dyn-main.log" ] && ok || bad "the account's ledger"
  stop_sim
}

# 5. One run at a time speaks for an account: another waits for it (DROPCAT_LOCK_WAIT, 5 s by
# default), then exits 75; a run for another account goes ahead.
one_run_at_a_time() {
  cat >"$SIM_DIR/scenario.toml" <<TOML
$(sim_head)

[[fault]]
api = "dynadot"
command = "check"
domain = "slow.com"
kind = "delay"
delay = "3s"
TOML
  start_sim "$SIM_DIR/scenario.toml"
  PB_CLIENT='checks_per_minute = 600' write_config
  "$DROPCAT" registrar check --registrar dyn-main slow.com >/dev/null 2>&1 &
  slow_pid=$!
  wait_for_grant "$XDG_STATE_HOME" dyn-main c || bad "the slow check was not sent"
  run registrar check --registrar pb-main other.com
  expect_rc 0 "another account is not held"
  DROPCAT_LOCK_WAIT=0.2 run registrar check --registrar dyn-main busy.com
  expect_rc 75 "the account is in use by another run"
  expect_err "account dyn-main is in use by another dropcat process (pid $slow_pid); try again when it is done"
  wait "$slow_pid"
  RC=$?
  expect_rc 0 "the run that held the account"
  log_check "assert not [r for r in rows if r['domain'] == 'busy.com']" && ok || bad "nothing sent by the run that waited"
  stop_sim
}

part across across_runs
part one-at-a-time one_run_at_a_time
join_parts

finish
