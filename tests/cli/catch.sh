# dropcat catch against dropcat-sim: names caught at a known instant, over a window, a race
# lost to the competitor, an over-limit signal obeyed, two accounts firing at one name, a lost
# create answer settled by asking and by `catch resolve`, a SIGKILL resumed without a second
# create, the run lock, a dry run sending no create, and the backorders' new states. Runs on
# both store backends.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/cli/sim_lib.sh"

# at SECONDS: the UTC instant SECONDS from now, whole seconds, as drop lists give it.
at() { date -u -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }

# Each account may check 10 times and create once a second, on both sides.
export DYN_LIMITS=$'checks = 10\ncreates = 1\nper = "1s"'
export PB_LIMITS=$'checks = 10\ncreates = 1\nper = "1s"'
export DYN_CLIENT=$'checks_per_minute = 600\nchecks_per_second = 10\ncreates_per_second = 1\ncheck_batch = 1'
export PB_CLIENT=$'checks_per_minute = 600\nchecks_per_second = 10\ncreates_per_second = 1'

# catch_config [TOML]: the accounts at the simulator and a [catch] table (short lead and
# windows, so that a run ends in seconds), with TOML after it.
catch_config() {
  write_config
  cat >>"$XDG_CONFIG_HOME/dropcat/config.toml" <<TOML

[catch]
max_price = "20.00 USD"
lead_seconds = 2
warm_seconds = 2
known_window_seconds = 8
${1:-}
TOML
}

# backorder DB NAME...: one backorder per name, each from its own customer.
backorders() {
  local db=$1 name
  shift
  for name in "$@"; do
    "$DROPCAT" --db "$db" backorder add "$name" --email "buyer@${name}" >/dev/null 2>&1 ||
      bad "backorder add $name"
  done
}

# window_setup DB NAME SECONDS: NAME (a .net) released SECONDS from now, listed for today
# without a time, in a window: .net released over two minutes from this minute.
window_setup() {
  local db=$1 name=$2 minute
  minute=$(date -u +%H:%M)
  { sim_head com net; cat <<TOML
[[domain]]
name = "$name"
delete_at = "$(at "$3")"
statuses = ["pending delete"]
TOML
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  catch_config "hot_seconds = 60

[rdap.profile.net]
zone = \"UTC\"
release_times = [\"$minute\"]
release_spread_minutes = 2"
  printf 'domain,drop_date\n%s,%s\n' "$name" "$(date -u +%Y-%m-%d)" >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  backorders "$db" "$name"
}

# creates_by NAME: "ACCOUNT OUTCOME" per create of NAME in the simulator's log.
creates_of() {
  jq -r --arg d "$1" 'select(.command == "create" and .domain == $d) | "\(.key) \(.outcome)"' "$SIM_LOG"
}

# ---- a known instant: one caught at it, one lost to the competitor
instant() {
  local t1 t2 db=$SIM_DIR/s.db
  # Far enough ahead for the import, the backorders and the plan on a busy machine: this part
  # times the create against the instant.
  t1=$(at 10)
  t2=$(at 11)
  { sim_head com net; cat <<TOML
[[domain]]
name = "alpha.com"
delete_at = "$t1"
statuses = ["pending delete"]

[[domain]]
name = "beta.com"
delete_at = "$t2"
statuses = ["pending delete"]
competitor_after = "0ms"
TOML
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  catch_config
  printf 'domain,drop_date\nalpha.com,%s\nbeta.com,%s\n' "$t1" "$t2" >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  backorders "$db" alpha.com beta.com
  run --db "$db" catch plan --format json
  expect_rc 0 "catch plan"
  expect_equal "$(json_field basis)" "drop list time" "plan basis"
  expect_equal "$(json_field window_start)" "$t1" "plan window_start"
  expect_equal "$(head -n 1 "$OUT" | jq -c .accounts)" '["dyn-main","pb-main"]' "plan accounts"
  expect_equal "$(head -n 1 "$OUT" | jq -c '.cadence_ms | keys')" '["create"]' "plan cadence"
  expect_equal "$(head -n 1 "$OUT" | jq -r '.planned_requests > 0')" true "planned requests"
  expect_equal "$(head -n 1 "$OUT" | jq -r '.warnings | type')" array "warnings a list"
  expect_err "nc-main does not catch"
  expect_no_err "clock is" "a simulator on time"
  # Under cron (stdout a pipe, no --format): only the summary line.
  run --db "$db" catch run --live
  expect_rc 0 "a live run"
  expect_out_lines 1 "cron output"
  expect_out "1 caught, 1 lost; " "the summary"
  run --db "$db" catch results --format tsv
  expect_out "alpha.com	caught"
  expect_out "beta.com	lost"
  run --db "$db" catch results --format json
  expect_equal "$(jq -r 'select(.domain == "alpha.com") | .outcome' "$OUT")" caught "results"
  expect_equal "$(jq -r 'select(.domain == "alpha.com") | .arrival' "$OUT")" estimate \
    "arrival estimated before any look-up"
  # A later RDAP look-up gives the registry's own time of the registration (the simulator's,
  # to the microsecond): results measure the release to it.
  printf '\n[rdap]\nbootstrap_url = "%s"\n' "$SIM_URL/rdap/bootstrap/dns.json" \
    >>"$XDG_CONFIG_HOME/dropcat/config.toml"
  XDG_CACHE_HOME=$SIM_DIR/cache run --db "$db" status --refresh-bootstrap alpha.com
  expect_rc 0 "status after the catch"
  run --db "$db" catch results --format json
  expect_equal "$(jq -r 'select(.domain == "alpha.com") | .arrival' "$OUT")" rdap \
    "arrival from the registration event"
  local logged reported
  logged=$(jq -r 'select(.command == "create" and .domain == "alpha.com" and
    .outcome == "registered") | .time' "$SIM_LOG")
  logged=$(date -u -d "$logged" +%s%3N)
  reported=$(date -u -d "$(jq -r 'select(.domain == "alpha.com") | .arrived_at' "$OUT")" +%s%3N)
  expect_equal "$(((reported - logged) ** 2 <= 25))" 1 \
    "arrived_at is the simulator's arrival, within 5 ms ($reported, logged $logged)"
  expect_equal "$(jq -r --arg t "$(date -u -d "$t1" +%Y-%m-%dT%H:%M:%S)" \
    'select(.command == "create" and .domain == "alpha.com" and .time < $t)' "$SIM_LOG")" "" \
    "no create of alpha.com arrived before its release"
  # Timing is checked in an ordinary build; under the sanitizers everything runs slower.
  [ -n "${ASAN_OPTIONS:-}" ] ||
    expect_equal "$(jq -r 'select(.domain == "alpha.com") | .release_to_create_ms < 50' "$OUT")" \
      true "the create arrived within 50 ms of the release"
  expect_equal "$(jq -r 'select(.domain == "beta.com") | .outcome' "$OUT")" lost "results lost"
  run --db "$db" backorder list --format tsv
  expect_out "alpha.com	alpha.com	buyer@alpha.com		0	caught"
  expect_out "beta.com	beta.com	buyer@beta.com		0	lost"
  # From the simulator's log: no create arrived more than 50 ms before its name's release,
  # nothing was over a limit, and the catching account sent one create.
  log_check "
from datetime import datetime, timezone
rel = {'alpha.com': datetime.strptime('$t1', '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp(),
       'beta.com': datetime.strptime('$t2', '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp()}
creates = [r for r in rows if r['command'] == 'create']
assert creates, 'no create was sent'
for r in creates:
    t = datetime.strptime(r['time'], '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=timezone.utc).timestamp()
    assert t >= rel[r['domain']] - 0.05, ('early create', r)
assert not [r for r in rows if r['outcome'] == 'rate-limited'], 'over a limit'
won = [r for r in creates if r['domain'] == 'alpha.com' and r['outcome'] == 'registered']
assert len(won) == 1, won
arrived = datetime.strptime(won[0]['time'], '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=timezone.utc).timestamp()
import os
assert os.environ.get('ASAN_OPTIONS') or arrived - rel['alpha.com'] < 0.05, ('the create arrived late', arrived - rel['alpha.com'])
" && ok || bad "the log: creates at the instants, none over a limit"
  expect_equal "$(creates_of beta.com | grep -c registered)" 0 "nobody of ours registered beta.com"
  stop_sim
}

# ---- a window: checks until the name is free, then a create at once
window() {
  local db=$SIM_DIR/s.db
  window_setup "$db" gamma.net 3
  run --db "$db" catch plan --registrar dyn-main --format json
  expect_equal "$(json_field release_at)" null "a window has no instant"
  expect_equal "$(head -n 1 "$OUT" | jq -c '.cadence_ms | keys')" '["hot","post","warm"]' \
    "the window's phases"
  run --db "$db" catch run --live --registrar dyn-main --format json
  expect_rc 0 "a window run"
  expect_equal "$(jq -r 'select(.event == "summary") | .states.caught' "$OUT")" 1 "caught"
  expect_equal "$(jq -r 'select(.event == "check" and .outcome == "available") | .domain' "$OUT" | head -n 1)" \
    gamma.net "a check found it free"
  expect_equal "$(creates_of gamma.net)" "dyn-main registered" "one create, after the check"
  run --db "$db" backorder list --format tsv
  expect_out "gamma.net	gamma.net	buyer@gamma.net		0	caught"
  stop_sim
}

# ---- two accounts fire at one name; one catches it
fanout() {
  local db=$SIM_DIR/s.db t1
  t1=$(at 10) # both accounts must be armed before the instant, even on a busy machine
  { sim_head com net; cat <<TOML
[[domain]]
name = "delta.com"
delete_at = "$t1"
statuses = ["pending delete"]
TOML
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  catch_config
  printf 'domain,drop_date\ndelta.com,%s\n' "$t1" >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  backorders "$db" delta.com
  # --accounts-per-name 1: the plan fires one account only.
  run --db "$db" catch plan --accounts-per-name 1 --format json
  expect_equal "$(head -n 1 "$OUT" | jq -c .accounts)" '["dyn-main"]' "one account per name"
  run --db "$db" catch run --live --format tsv
  expect_rc 0 "two accounts"
  expect_out "delta.com	caught"
  # Both fire when both are armed before the instant; under the sanitizers a slow set-up may
  # start the run after it, and the first account's catch then ends the name.
  [ -n "${ASAN_OPTIONS:-}" ] ||
    expect_equal "$(creates_of delta.com | cut -d' ' -f1 | sort | tr '\n' ' ')" "dyn-main pb-main " \
      "both accounts fired"
  expect_equal "$(creates_of delta.com | grep -c registered)" 1 "one of them registered it"
  run --db "$db" catch results --format tsv
  expect_out "delta.com	caught	$(creates_of delta.com | awk '$2 == "registered" {print $1}')"
  stop_sim
}

# ---- on time first: one account, a create a second, instants a second apart. The create at
# the second instant would cost the third its instant (the limiter keeps 1.05 s between
# creates), so it waits until the third's create has gone.
ontime() {
  local db=$SIM_DIR/s.db t1 t2 t3 base
  # One reading of the clock: three calls of `at` may straddle a second and space the
  # instants 2 s apart, which leaves every one on time.
  base=$(date +%s)
  t1=$(date -u -d "@$((base + 10))" +%Y-%m-%dT%H:%M:%SZ)
  t2=$(date -u -d "@$((base + 11))" +%Y-%m-%dT%H:%M:%SZ)
  t3=$(date -u -d "@$((base + 12))" +%Y-%m-%dT%H:%M:%SZ)
  { sim_head com net; cat <<TOML
[[domain]]
name = "one.com"
delete_at = "$t1"
statuses = ["pending delete"]

[[domain]]
name = "two.com"
delete_at = "$t2"
statuses = ["pending delete"]

[[domain]]
name = "three.com"
delete_at = "$t3"
statuses = ["pending delete"]
TOML
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  catch_config
  printf 'domain,drop_date
one.com,%s
two.com,%s
three.com,%s
' "$t1" "$t2" "$t3" \
    >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  backorders "$db" one.com two.com three.com
  run --db "$db" catch plan --registrar dyn-main --format json
  expect_equal "$(jq -r 'select(.domain == "two.com") | .warnings[0]' "$OUT")" \
    "dyn-main cannot be on time: its create budget (one per 1050 ms) goes to earlier instants, and it fires at this one only when that costs none of them" \
    "the plan says which instant cannot be on time"
  expect_equal "$(jq -r 'select(.domain == "three.com") | .warnings | length' "$OUT")" 0 \
    "the third is on time"
  run --db "$db" catch run --live --registrar dyn-main --format json
  expect_rc 0 "on time first"
  cp "$OUT" "$SIM_DIR/ontime.jsonl"
  run --db "$db" catch results --format tsv
  expect_out "one.com	caught"
  expect_out "two.com	caught"
  expect_out "three.com	caught"
  # Under the sanitizers a slow set-up may start the run after the first instant.
  [ -n "${ASAN_OPTIONS:-}" ] ||
    expect_equal "$(jq -r 'select(.command == "create") | .domain' "$SIM_LOG" | tr '\n' ' ')" \
      "one.com three.com two.com " \
      "the late create went after the on-time one (the run: $(jq -c '[.event, .domain, .outcome, .time]' "$SIM_DIR/ontime.jsonl" | tr '\n' ' '); the simulator: $(jq -c '[.command, .domain, .outcome, .time]' "$SIM_LOG" | tr '\n' ' '))"
  stop_sim
}

# ---- an over-limit answer is obeyed: the simulator allows fewer checks than dropcat thinks
limits() {
  local db=$SIM_DIR/s.db
  DYN_LIMITS=$'checks = 1\ncreates = 1\nper = "2s"'
  DYN_CLIENT=$'checks_per_minute = 600\nchecks_per_second = 10\ncreates_per_second = 1\ncheck_batch = 1'
  window_setup "$db" epsilon.net 5
  run --db "$db" catch run --live --registrar dyn-main --format tsv
  expect_rc 0 "a run held by the server"
  expect_out "epsilon.net	caught"
  # Dynadot's busy answer names no wait: dropcat waits a second, doubling, before the next
  # check, never hammering an account that said slow down.
  log_check "
checks = [r for r in rows if r['command'] == 'check' and not r['domain'].startswith('dropcat-price-probe')]
limited = [i for i, r in enumerate(checks) if r['outcome'] == 'rate-limited']
assert limited, 'the simulator never said slow down'
for i in limited:
    if i + 1 < len(checks):
        assert checks[i + 1]['t'] - checks[i]['t'] >= 0.95, (checks[i], checks[i + 1])
" && ok || bad "over-limit answers obeyed"
  stop_sim
}

# ---- a create's answer lost: settled by asking the account, or by a person
ambiguous() {
  local db=$SIM_DIR/s.db t1 base
  base=$(date +%s)
  t1=$(date -u -d "@$((base + 4))" +%Y-%m-%dT%H:%M:%SZ)
  # Porkbun registers zeta.com but its answer is lost: the account, asked, says it has it.
  # (The registry releases it a moment before the list's time, so the create finds it free.)
  { sim_head com net; cat <<TOML
[[domain]]
name = "zeta.com"
delete_at = "$(date -u -d "@$((base + 3))" +%Y-%m-%dT%H:%M:%S).800Z"
statuses = ["pending delete"]

[[fault]]
api = "porkbun"
command = "create"
kind = "lost-response"
TOML
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  catch_config
  printf 'domain,drop_date\nzeta.com,%s\n' "$t1" >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  backorders "$db" zeta.com
  run --db "$db" catch run --live --registrar pb-main --format tsv
  expect_rc 0 "a lost answer settled by asking"
  expect_out "zeta.com	caught	pb-main"
  expect_equal "$(creates_of zeta.com)" "pb-main fault-lost-response" "zeta.com: one create"
  expect_equal "$(jq -r 'select(.command == "owns") | .key' "$SIM_LOG" | head -n 1)" pb-main \
    "the account was asked"
  stop_sim
  # The same, and the account cannot say (its listing fails): ambiguous until a person says.
  t1=$(at 4)
  { sim_head com net; cat <<TOML
[[domain]]
name = "eta.com"
delete_at = "$t1"
statuses = ["pending delete"]

[[fault]]
api = "porkbun"
command = "create"
kind = "lost-response"

[[fault]]
api = "porkbun"
command = "owns"
kind = "status"
status = 500
times = 0
TOML
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  catch_config
  printf 'domain,drop_date\neta.com,%s\n' "$t1" >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  backorders "$db" eta.com
  run --db "$db" catch run --live --registrar pb-main --format tsv
  expect_rc 3 "a name nobody can tell about"
  expect_out "eta.com	ambiguous"
  expect_equal "$(creates_of eta.com | wc -l)" 1 "eta.com: one create"
  # The next run asks again and sends nothing; a person resolves it.
  run --db "$db" catch run --live --registrar pb-main --format tsv
  expect_rc 3 "still ambiguous"
  expect_equal "$(creates_of eta.com | wc -l)" 1 "eta.com: still one create"
  run --db "$db" catch resolve eta.com --caught
  expect_rc 0 "resolve"
  run --db "$db" catch results --format tsv
  expect_out "eta.com	caught	pb-main"
  run --db "$db" backorder list --format tsv
  expect_out "eta.com	eta.com	buyer@eta.com		0	caught"
  run --db "$db" catch resolve eta.com --lost
  expect_rc 1 "a target that ended"
  expect_err "eta.com ended as caught already"
  stop_sim
}

# ---- SIGKILL in the middle of a run: the next run resumes, no create sent twice
killed() {
  local db=$SIM_DIR/s.db t1 t2 t3 pid i
  # Far enough ahead for the set-up under the sanitizers on a loaded machine (at 4 s, the
  # sanitizer stage of a full CI run once began the run after theta.com's window had ended).
  t1=$(at 8)
  t2=$(at 11)
  t3=$(at 12)
  { sim_head com net; cat <<TOML
[[domain]]
name = "theta.com"
delete_at = "$t1"
statuses = ["pending delete"]

[[domain]]
name = "iota.com"
delete_at = "$t2"
statuses = ["pending delete"]

[[domain]]
name = "kappa.com"
delete_at = "$t3"
statuses = ["pending delete"]

# theta.com's creates take 3 s: the run is killed while they are in flight.
[[fault]]
api = "dynadot"
command = "create"
domain = "theta.com"
kind = "delay"
delay = "3s"

[[fault]]
api = "porkbun"
command = "create"
domain = "theta.com"
kind = "delay"
delay = "3s"
TOML
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  catch_config
  printf 'domain,drop_date\ntheta.com,%s\niota.com,%s\nkappa.com,%s\n' "$t1" "$t2" "$t3" \
    >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  backorders "$db" theta.com iota.com kappa.com
  "$DROPCAT" --db "$db" catch run --live >"$SIM_DIR/first.out" 2>&1 &
  pid=$!
  # Killed while theta.com's creates are on their way: the store shows it registering (its
  # creates written before they left), and the simulator holds them 3 s.
  local state=
  for i in $(seq 1 250); do
    state=$(store_sql "$db" "SELECT state FROM catch_targets WHERE domain = 'theta.com'" 2>/dev/null)
    [ "$state" = registering ] && break
    sleep 0.1
  done
  sleep 0.2
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  expect_equal "$(store_sql "$db" "SELECT state FROM catch_targets WHERE domain = 'theta.com'")" \
    registering "the killed run left it registering"
  sleep 3.5 # the delayed creates execute: one account bought it
  run --db "$db" catch run --live --format tsv
  expect_rc 0 "the next run"
  expect_err "has it (asked after the run ended)" "what the next run found by asking"
  run --db "$db" catch results --format tsv
  expect_out "theta.com	caught"
  expect_out "iota.com	caught"
  expect_out "kappa.com	caught"
  expect_equal "$(jq -r 'select(.command == "create") | "\(.key) \(.domain)"' "$SIM_LOG" | sort | uniq -d)" "" \
    "no account sent a second create of a name"
  stop_sim
}

# ---- one run at a time; a dry run sends no create and writes nothing; quiet cron exits
lock_and_dry() {
  local db=$SIM_DIR/s.db far pid i
  far=$(at 3600)
  { sim_head com net; cat <<TOML
[[domain]]
name = "lambda.com"
delete_at = "$(at 4)"
statuses = ["pending delete"]
TOML
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  catch_config
  printf 'domain,drop_date\nlambda.com,%s\nlater.com,%s\n' "$(at 4)" "$far" >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  backorders "$db" lambda.com
  run --db "$db" catch run --registrar pb-main --format tsv
  expect_rc 0 "a dry run"
  expect_out "lambda.com	dry-run	"
  expect_out "	true	" "the result line says dry run"
  expect_err "dry run: no create was live"
  expect_equal "$(creates_of lambda.com)" "pb-main dry-run" "only Porkbun's own dry run"
  run --db "$db" catch results --format tsv
  expect_no_out "lambda.com" "a dry run writes no target"
  run --db "$db" backorder list --format tsv
  expect_out "lambda.com	lambda.com	buyer@lambda.com		0	active"
  # A run waiting for a window an hour away holds the store (and no account: it opens them
  # only when it wakes).
  run --db "$db" backorder cancel --domain lambda.com --email buyer@lambda.com
  expect_rc 0 "lambda.com's backorder cancelled"
  backorders "$db" later.com
  "$DROPCAT" --db "$db" -v catch run --live >"$SIM_DIR/holder.out" 2>&1 &
  pid=$!
  for i in $(seq 1 100); do
    grep -q "holding the store's catch lock" "$SIM_DIR/holder.out" && break
    sleep 0.1
  done
  run --db "$db" catch run --live --registrar dyn-main --until "$(date -u -d '+5 sec' +%H:%M:%S)"
  expect_rc 75 "a second run"
  expect_err "another catch run holds the store"
  expect_err "pid $pid"
  # A dry run takes no lock: a rehearsal never keeps the live run out, nor is kept out.
  run --db "$db" catch run --registrar dyn-main --until "$(date -u -d '+2 sec' +%H:%M:%S)"
  expect_rc 0 "a dry run beside a live one"
  expect_no_err "in use by another dropcat process" "an asleep run holds no account"
  # Nor does it keep a registrar command out.
  run --db "$db" registrar check --registrar dyn-main later.com
  expect_rc 0 "registrar check beside an asleep run"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null
  # Cron: --until already past, or nothing due, exits 0 and says nothing.
  run --db "$db" catch run --live --until 2020-01-01T00:00:00Z
  expect_rc 0 "--until past"
  expect_empty_err "--until past"
  run --db "$db" catch run --live --date 2020-01-01
  expect_rc 0 "an empty day"
  expect_empty_err "an empty day"
  stop_sim
}

# ---- a registrar whose clock is off: its Date headers say so, the plan warns
clock() {
  local db=$SIM_DIR/s.db
  { printf '[sim]\ndefault_price = "10.99 USD"\ntlds = ["com"]\nclock_ahead = "3s"\n\n'
    sim_accounts; } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  catch_config
  printf 'domain,drop_date\nmu.com,%s\n' "$(at 600)" >"$SIM_DIR/list.csv"
  run --db "$db" import "$SIM_DIR/list.csv"
  backorders "$db" mu.com
  run --db "$db" catch plan --registrar pb-main
  expect_rc 0 "a plan"
  expect_err "pb-main's clock is"
  expect_err "ms ahead of ours (its Date header), more than the 500 ms limit"
  # The operator's own wish list: a name with no backorder and no drop known is planned on
  # the registry's release of the day.
  printf 'wished.com\n' >"$SIM_DIR/wish.txt"
  run --db "$db" catch plan --registrar pb-main --target "$SIM_DIR/wish.txt" --format json
  expect_equal "$(jq -r 'select(.domain == "wished.com") | .basis' "$OUT")" \
    "registry profile .com: release at $(date -u +%Y-%m-%d)T$(date -u -d "TZ=\"America/New_York\" $(date -u +%Y-%m-%d) 14:00" +%H:%M:%S)Z (America/New_York), over 180 min (named by --target, no drop known)" \
    "a wished name"
  printf 'not a name\n' | "$DROPCAT" --db "$db" catch plan --target - >"$OUT" 2>"$ERR"
  RC=$?
  expect_rc 65 "a bad name in the wish list"
  stop_sim
}

part clock clock
part instant instant
part window window
part fanout fanout
part ontime ontime
part limits limits
part ambiguous ambiguous
part killed killed
part lock lock_and_dry
join_parts
finish
