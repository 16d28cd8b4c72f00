# dropcat status against dropcat-sim's RDAP: each phase from real-shaped answers, redirects,
# 404, 429 obeyed, bad bodies and lost answers never available, prediction from history and
# from a profile override, restored names, the per-host rate over 100 look-ups, history and
# changes. Runs on both store backends.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/cli/sim_lib.sh"

# config BOOTSTRAP_URL [MORE TOML]: dropcat's configuration for the simulator's registry.
rdap_config() {
  export XDG_CACHE_HOME=$SIM_DIR/cache # the saved bootstrap file, one per part
  mkdir -p "$XDG_CONFIG_HOME/dropcat"
  printf '[rdap]\nbootstrap_url = "%s"\nrequests_per_second = %s\nbackoff_seconds = 1\n%s\n' \
    "$1" "${RPS:-50}" "${2:-}" >"$XDG_CONFIG_HOME/dropcat/config.toml"
}

# ---- phases, spellings, 404, redirects, faults
phases() {
  cat >"$SIM_DIR/scenario.toml" <<'TOML'
[sim]
default_price = "10.99 USD"
tlds = ["com", "net", "org"]

[rdap]
hosts = 2
redirect = true

[[domain]]
name = "held.com"
statuses = ["client transfer prohibited", "active"]
expires_at = "+300d"

[[domain]]
name = "okurl.org"
statuses = ["ok https://icann.org/epp#ok"]

[[domain]]
name = "grace.com"
statuses = ["autoRenewPeriod https://icann.org/epp#autoRenewPeriod", "clientHold https://icann.org/epp#clientHold"]
expires_at = "-10d"

[[domain]]
name = "redeem.net"
statuses = ["pending delete", "redemption period"]

[[domain]]
name = "restoring.com"
statuses = ["pendingDelete https://icann.org/epp#pendingDelete", "pendingRestore https://icann.org/epp#pendingRestore"]

[[domain]]
name = "final.org"
statuses = ["pendingDelete"]
deletion_event_at = "-31d"

[[domain]]
name = "broken.com"

[[domain]]
name = "cut.com"

[[domain]]
name = "slow.net"

[[domain]]
name = "busy.org"

[[domain]]
name = "down.com"

[[fault]]
api = "rdap"
command = "lookup"
domain = "busy.org"
kind = "status"
status = 403

[[fault]]
api = "rdap"
command = "lookup"
domain = "down.com"
kind = "status"
status = 503
times = 0

[[fault]]
api = "rdap"
command = "lookup"
domain = "broken.com"
kind = "malformed"
times = 0

[[fault]]
api = "rdap"
command = "lookup"
domain = "cut.com"
kind = "reset"
times = 0

[[fault]]
api = "rdap"
command = "lookup"
domain = "slow.net"
kind = "status"
status = 429
retry_after = "1s"
TOML
  start_sim "$SIM_DIR/scenario.toml"
  rdap_config "$SIM_URL/rdap/bootstrap/dns.json"
  run status --refresh-bootstrap
  expect_rc 0 "refresh the bootstrap from the simulator"
  expect_err "RDAP bootstrap saved to $XDG_CACHE_HOME/dropcat/rdap-dns.json: 3 TLDs"
  run -v status held.com okurl.org grace.com redeem.net restoring.com final.org free.com --format json
  expect_rc 0 "every name answered"
  expect_err "RDAP bootstrap: $XDG_CACHE_HOME/dropcat/rdap-dns.json (published "
  expect_err ", saved 0 days ago)"
  python3 - "$OUT" <<'PY' && ok || bad "the phase of each name"
import json, sys
rows = {r["domain"]: r for r in map(json.loads, open(sys.argv[1]))}
keys = ["domain", "phase", "statuses", "expiration", "drop_earliest", "drop_latest", "basis",
        "observed_at", "listed_date", "problem"]
assert all(list(r) == keys for r in rows.values()), rows
want = {"held.com": "registered", "okurl.org": "registered", "grace.com": "auto-renew-grace",
        "redeem.net": "redemption", "restoring.com": "pending-restore",
        "final.org": "pending-delete", "free.com": "available"}
assert {d: r["phase"] for d, r in rows.items()} == want, rows
assert rows["okurl.org"]["statuses"] == ["active"], rows["okurl.org"]
assert rows["grace.com"]["statuses"] == ["auto renew period", "client hold"], rows["grace.com"]
assert rows["restoring.com"]["statuses"] == ["pending delete", "pending restore"]
assert rows["held.com"]["drop_earliest"] is None and rows["held.com"]["expiration"], rows["held.com"]
assert rows["grace.com"]["basis"].startswith("expiration "), rows["grace.com"]
# A deletion event 31 days ago fixes the day (+35), narrower than pending delete first seen.
assert rows["final.org"]["basis"].startswith("deletion event "), rows["final.org"]
assert rows["redeem.net"]["basis"].startswith("redemption first seen"), rows["redeem.net"]
assert rows["free.com"]["statuses"] == [] and rows["free.com"]["problem"] is None
PY
  # Every look-up went through the redirect to the host that holds its TLD.
  log_check "
hops = [r for r in rows if r['api'] == 'rdap' and r['command'] == 'lookup']
assert {r['host'] for r in hops if r['domain'] == 'held.com'} == {'redirect', '1'}, hops
assert {r['host'] for r in hops if r['domain'] == 'redeem.net'} == {'redirect', '2'}, hops
assert all(r['status'] == 302 for r in hops if r['host'] == 'redirect')" \
    && ok || bad "redirects followed to each TLD's host"

  # A bad body and a lost answer are unknown, never available; the others still print.
  run status broken.com cut.com held.com --format tsv --no-header --columns domain,phase
  expect_rc 69 "names without an answer"
  expect_out "broken.com	unknown"
  expect_out "cut.com	unknown"
  expect_out "held.com	registered"
  expect_err "2 of 3 names had no answer (phase unknown, never taken for available)"
  run status history cut.com --format json
  expect_rc 0
  expect_equal "$(jq -r .phase "$OUT")" "unknown" "a lost answer is kept as unknown"
  expect_equal "$(jq -r '.problem | length > 0' "$OUT")" "true" "with its problem"

  # 429 with Retry-After: 1 is obeyed: the next request goes a second later, and answers.
  # A 403 to a well-formed query is a limit too: the host is left alone (backoff_seconds = 1;
  # the doubling after it is a unit test, on a virtual clock) and asked again. A 503 is no answer: unknown, never available.
  run status slow.net busy.org down.com --format tsv --no-header --columns domain,phase
  expect_rc 69 "a server error leaves a name unknown"
  expect_out "slow.net	registered"
  expect_out "busy.org	registered"
  expect_out "down.com	unknown"
  log_check "
asked = [r for r in rows if r['command'] == 'lookup' and r['domain'] == 'slow.net']
assert [(r['host'], r['status']) for r in asked] == [('redirect', 429), ('redirect', 302), ('2', 200)], asked
assert asked[1]['t'] - asked[0]['t'] >= 0.99, asked" && ok || bad "Retry-After obeyed"
  log_check "
asked = [r for r in rows if r['command'] == 'lookup' and r['domain'] == 'busy.org' and r['host'] == 'redirect']
assert [r['status'] for r in asked] == [403, 302], asked
assert asked[1]['t'] - asked[0]['t'] >= 0.99, asked" && ok || bad "403 backs off 1 s"
  stop_sim
}

# ---- history: prediction for .com, a profile override, a restored name
history() {
  cat >"$SIM_DIR/scenario.toml" <<'TOML'
[sim]
default_price = "10.99 USD"
tlds = ["com", "net"]

[[domain]]
name = "moving.com"
statuses = ["pending delete", "redemption period"]
[[domain.phase]]
at = "+4s"
statuses = ["pending delete"]

[[domain]]
name = "comeback.com"
statuses = ["pending delete", "redemption period"]
[[domain.phase]]
at = "+4s"
statuses = ["client transfer prohibited"]

[[domain]]
name = "profiled.net"
statuses = ["pending delete"]
TOML
  start_sim "$SIM_DIR/scenario.toml"
  rdap_config "$SIM_URL/rdap/bootstrap/dns.json" $'[rdap.profile.net]\npending_delete_days = 2\nzone = "UTC"\nrelease_times = ["06:30"]\nrelease_spread_minutes = 15'
  run status --refresh-bootstrap
  expect_rc 0
  # The drops table lists moving.com far from what the registry will say.
  printf 'moving.com,2030-01-01\ncomeback.com,2030-01-02\n' >"$SIM_DIR/list.csv"
  run import --source test "$SIM_DIR/list.csv"
  expect_rc 0
  run backorder add comeback.com --email a@example.org --name A
  expect_rc 0 "a backorder on comeback.com"
  run status moving.com comeback.com profiled.net --format json
  expect_rc 0
  first=$(jq -r 'select(.domain == "moving.com") | .basis' "$OUT")
  case $first in "redemption first seen "*" + 35 days") ok ;; *) bad "first basis: $first" ;; esac
  expect_equal "$(jq -r 'select(.domain == "moving.com") | .listed_date' "$OUT")" "2030-01-01"
  expect_err "moving.com: predicted drop "
  expect_err "the list says 2030-01-01"
  # The profile override: two final days, released at 06:30 UTC, 15 minutes long.
  python3 - "$OUT" <<'PY' && ok || bad "the .net profile override"
import json, sys
from datetime import datetime, timedelta
r = [x for x in map(json.loads, open(sys.argv[1])) if x["domain"] == "profiled.net"][0]
assert r["basis"].startswith("pending delete first seen ") and r["basis"].endswith(" + 2 days"), r
e = datetime.fromisoformat(r["drop_earliest"].replace("Z", "+00:00"))
l = datetime.fromisoformat(r["drop_latest"].replace("Z", "+00:00"))
assert (e.hour, e.minute) == (6, 30), r
assert l - e == timedelta(days=2, minutes=15), r
PY
  # The registry's change comes 4 s after the simulator started: the set-up above (four
  # commands, each opening the store; slower on PostgreSQL on a busy machine) must see the
  # names before it.
  sleep 4.1
  run status moving.com comeback.com --format json
  expect_rc 0
  predicted=$(jq -r 'select(.domain == "moving.com") | .drop_earliest[0:10]' "$OUT")
  # History for .com: pending delete first seen now, after redemption a moment ago, bounds the
  # drop to within the 5 days after the change, in Verisign's batch.
  python3 - "$OUT" <<'PY' && ok || bad "the .com prediction from history"
import json, sys
from datetime import datetime
rows = {r["domain"]: r for r in map(json.loads, open(sys.argv[1]))}
m = rows["moving.com"]
assert m["phase"] == "pending-delete" and m["basis"].startswith("pending delete first seen"), m
assert m["basis"].endswith(" + 5 days"), m
e = datetime.fromisoformat(m["drop_earliest"].replace("Z", "+00:00"))
l = datetime.fromisoformat(m["drop_latest"].replace("Z", "+00:00"))
assert e.hour in (18, 19) and (l - e).days == 0, m   # 14:00 New York, the batch's 3 hours
assert rows["comeback.com"]["phase"] == "registered", rows
PY
  expect_err "comeback.com: restored: registered again; 1 active backorder told"
  run drops --restored --format tsv --no-header --columns domain,restored
  expect_rc 0
  expect_out_lines 1 "only the restored name"
  expect_out "comeback.com	20" "drops --restored lists it, with when"
  run backorder show comeback.com
  expect_out "restored"
  run status changes --since today --format tsv --no-header
  expect_rc 0
  expect_out "moving.com	"
  expect_out "	redemption	pending-delete"
  expect_out "	redemption	registered"
  # --due and --backordered choose the names from the store.
  run status --due 2030-01-01 --backordered --format tsv --no-header --columns domain
  expect_rc 0
  expect_equal "$(sort "$OUT" | tr '\n' ' ')" "comeback.com moving.com " "the drop due that day and the backordered name"
  # The drops listing shows the registry's date beside the list's claim.
  run drops --format json
  expect_equal "$(jq -r 'select(.domain == "moving.com") | [.drop_date, .predicted_date, .restored] | @tsv' "$OUT")" \
    "$(printf '2030-01-01\t%s\t' "$predicted")" "drops shows the predicted date"
  stop_sim
}

# ---- the per-host rate over 100 look-ups: two registry hosts, 50 names each, each host
# limited to 20 a second (bench/status.sh runs 2,000 over 20 hosts)
rate() {
  {
    printf '[sim]\ndefault_price = "10.99 USD"\ntlds = ["com", "net"]\n\n[rdap]\nhosts = 2\nper_second = 20\n'
  } >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  RPS=20 rdap_config "$SIM_URL/rdap/bootstrap/dns.json"
  run status --refresh-bootstrap
  for i in $(seq 1 50); do echo "name$i.com"; echo "name$i.net"; done >"$SIM_DIR/names.txt"
  run status - --format tsv --no-header --columns domain,phase <"$SIM_DIR/names.txt"
  expect_rc 0 "100 look-ups"
  expect_out_lines 100
  log_check "
from collections import defaultdict
times = defaultdict(list)
for r in rows:
    if r['command'] == 'lookup':
        assert r['outcome'] != 'over-limit', r
        times[r['host']].append(r['t'])
assert sorted(times) == ['1', '2'] and sum(map(len, times.values())) == 100, times.keys()
for host, ts in times.items():
    ts.sort()
    for i in range(len(ts)):
        in_window = [t for t in ts[i:] if t - ts[i] < 1.0]
        assert len(in_window) <= 20, (host, len(in_window))
# Hosts are asked at once: both were busy in the same second.
assert abs(min(times['1']) - min(times['2'])) < 0.5" \
    && ok || bad "at most 20 a second per host, no over-limit answer, hosts in parallel"
  # A reader that stops early (head) ends the run quietly while both hosts' workers write.
  "$DROPCAT" status - --format tsv <"$SIM_DIR/names.txt" 2>"$ERR" | head -n 1 >/dev/null
  local rc=${PIPESTATUS[0]}
  expect_equal "$rc" 0 "a closed pipe is a quiet success"
  expect_no_err "terminate" "no worker thread dies on the closed pipe"
  stop_sim
}

# ---- Ctrl-C keeps what was answered; the progress line only on a terminal
interrupt() {
  printf '[sim]\ndefault_price = "10.99 USD"\ntlds = ["com"]\n' >"$SIM_DIR/scenario.toml"
  start_sim "$SIM_DIR/scenario.toml"
  RPS=10 rdap_config "$SIM_URL/rdap/bootstrap/dns.json"
  run status --refresh-bootstrap
  seq 1 40 | sed 's/^/n/; s/$/.com/' >"$SIM_DIR/names.txt"
  "$DROPCAT" status - --format tsv --no-header <"$SIM_DIR/names.txt" >"$OUT" 2>"$ERR" &
  local pid=$! rc=0 waited
  # Ctrl-C once the registry has answered three look-ups (the store's set-up takes a while
  # on a busy machine), at most 10 s on; the 40 take 4 s at 10 a second.
  for waited in $(seq 1 100); do
    [ "$(grep -c '"command":"lookup"' "$SIM_LOG")" -ge 3 ] && break
    sleep 0.1
  done
  kill -INT "$pid"
  wait "$pid" || rc=$?
  expect_equal "$rc" 130 "Ctrl-C exits 130"
  local kept
  kept=$(wc -l <"$OUT")
  [ "$kept" -ge 3 ] && [ "$kept" -lt 40 ] && ok || bad "some names answered before Ctrl-C, not all: $kept"
  expect_err "interrupted: $kept of 40 names looked up, and kept"
  expect_no_err "/s, " "no progress line when stderr is not a terminal"
  run status history n1.com --format tsv --no-header --columns domain,phase
  expect_out "n1.com	available" "an answer before Ctrl-C is in the store"
  # On a terminal, a progress line: done/total, rate, time left.
  script -qec "\"$DROPCAT\" status n1.com n2.com n3.com" /dev/null >"$WORK/tty.out" 2>&1
  grep -q "status: 3/3 looked up, .*/s, .* left" "$WORK/tty.out" && ok || bad "a progress line on a terminal: $(cat "$WORK/tty.out")"
  stop_sim
}

part phases phases
part history history
# The pacing is the client's, the same whatever the store: run once.
on_sqlite && part rate rate
part interrupt interrupt
join_parts

# Usage and configuration errors.
run status
expect_rc 2 "no names"
expect_err "name the domains to look up"
mkdir -p "$XDG_CONFIG_HOME/dropcat"
printf '[rdap]\nrequests_per_secnd = 2\n' >"$XDG_CONFIG_HOME/dropcat/config.toml"
run status example.com
expect_rc 78 "a misspelt key"
expect_err "config.toml:2: rdap.requests_per_secnd: unknown key (did you mean 'requests_per_second'?)"
printf '[rdap.profile.com]\nzone = "EST"\n' >"$XDG_CONFIG_HOME/dropcat/config.toml"
run status example.com
expect_rc 78 "an abbreviation for a zone"
expect_err "rdap.profile.com.zone:"
rm "$XDG_CONFIG_HOME/dropcat/config.toml"
run status history nothere.com --db "$WORK/none.db"
expect_rc 66 "history of a store that is not there"

finish
