# Never buy twice: every create is written to the store before it is sent and completed after.
# A run killed mid-create (SIGKILL, so nothing is written after) leaves the create unresolved;
# the next run refuses the name with exit 3 and sends nothing, and never calls it lost-race;
# `registrar owns` asks the account and settles it; a name the account bought is then reported
# as registered without a second create. A create the server cut before executing stays
# unresolved while it is recent (the account may not list a new name at once).
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/cli/sim_lib.sh"

cat >"$WORK/scenario.toml" <<TOML
$(sim_head)

[[fault]]
api = "dynadot"
command = "create"
domain = "slow.com"
kind = "delay"
delay = "2s"

[[fault]]
api = "dynadot"
command = "create"
domain = "cut.com"
kind = "reset"
TOML
start_sim "$WORK/scenario.toml"
DYN_CLIENT='checks_per_minute = 600' write_config

# 1. Killed while the create is on the wire: the simulator goes on and registers the name.
export XDG_STATE_HOME=$WORK/state1
"$DROPCAT" registrar register --registrar dyn-main slow.com --max-price "12.00 USD" --live \
  >"$WORK/killed.out" 2>&1 &
pid=$!
wait_for_grant "$XDG_STATE_HOME" dyn-main r || bad "the create was not sent"
sleep 0.3
kill -KILL "$pid"
wait "$pid" 2>/dev/null

# 2. Run again at once: refused, nothing sent, exit 3; not lost-race.
run registrar register --registrar dyn-main slow.com --max-price "12.00 USD" --live --format json
expect_rc 3 "a name with an unresolved create"
expect_equal "$(json_field outcome)" "unresolved"
expect_err "has no known outcome"
expect_err "dropcat registrar owns slow.com --registrar dyn-main"
expect_no_out "lost-race"
log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == 'slow.com']
assert len(c) <= 1, c
" && ok || bad "one create only"

# 3. Once the simulator has registered it, the account says so and that settles it.
for i in $(seq 1 50); do
  log_check "assert [r for r in rows if r['command'] == 'create' and r['domain'] == 'slow.com']" \
    2>/dev/null && break
  sleep 0.1
done
run registrar owns --registrar dyn-main slow.com --format json
expect_rc 0 "owns"
expect_equal "$(json_field owned)" "yes"
expect_equal "$(json_field settled)" "1"
expect_equal "$(json_field unresolved)" "0"

# 4. A new register of it: already bought, no create sent, exit 0.
run registrar register --registrar dyn-main slow.com --max-price "12.00 USD" --live --format json
expect_rc 0 "a name the account bought earlier"
expect_equal "$(json_field outcome)" "registered"
expect_no_err "error"
log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == 'slow.com']
assert len(c) == 1 and c[0]['outcome'] == 'registered', c
" && ok || bad "slow.com bought once, by one create"

# 5. A create the server cut before executing it: ambiguous; the account does not list the
# name, but the create is recent, so it stays unresolved and the next run refuses it.
run registrar register --registrar dyn-main cut.com --max-price "12.00 USD" --live --format json
expect_rc 1 "a create cut before its answer"
expect_equal "$(json_field outcome)" "ambiguous"
run registrar owns --registrar dyn-main cut.com --format json
expect_rc 0
expect_equal "$(json_field owned)" "no"
expect_equal "$(json_field unresolved)" "1"
expect_out "ask again later"
run registrar register --registrar dyn-main cut.com --max-price "12.00 USD" --live --format json
expect_rc 3 "still unresolved"
log_check "
c = [r for r in rows if r['command'] == 'create' and r['domain'] == 'cut.com']
assert len(c) == 1, c
" && ok || bad "cut.com: one create"

# 6. Dry runs are checked the same way and write nothing.
run registrar register --registrar dyn-main cut.com --max-price "12.00 USD" --format json
expect_rc 3 "a dry run meets the same refusal"
stop_sim
finish
