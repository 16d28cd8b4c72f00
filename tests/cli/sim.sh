# dropcat-sim itself: loopback only, scenario errors with FILE:LINE: KEY, the printed address,
# RDAP before and after a deletion, the bootstrap file pointing at itself, the competitor, the
# JSON Lines log, and a clean stop on SIGTERM.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/cli/sim_lib.sh"

simrun() { "$DROPCAT_SIM" "$@" >"$OUT" 2>"$ERR"; RC=$?; }

simrun --help
expect_rc 0
expect_out "SCENARIO"
# The hand-written completions know every option, and parse in their shells.
for opt in $(grep -oE -- '--[a-z][a-z-]+' "$OUT" | sort -u); do
  grep -q -- "$opt" "$SOURCE_DIR/completions/dropcat-sim.bash" && ok || bad "$opt missing from bash completion"
  grep -q -- "$opt" "$SOURCE_DIR/completions/_dropcat-sim" && ok || bad "$opt missing from zsh completion"
  grep -q -- "-l ${opt#--}" "$SOURCE_DIR/completions/dropcat-sim.fish" && ok || bad "$opt missing from fish completion"
  grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$SOURCE_DIR/man/dropcat-sim.1" && ok || bad "$opt missing from dropcat-sim.1"
done
bash -n "$SOURCE_DIR/completions/dropcat-sim.bash" && ok || bad "bash -n"
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat-sim --l); COMP_CWORD=1; _dropcat_sim; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat-sim.bash")
expect_equal "$result" "--listen --log" "bash completes options"
if command -v zsh >/dev/null; then zsh -n "$SOURCE_DIR/completions/_dropcat-sim" && ok || bad "zsh -n"; fi
if command -v fish >/dev/null; then fish -n "$SOURCE_DIR/completions/dropcat-sim.fish" && ok || bad "fish -n"; fi
printf '[sim]\ndefault_price = "10.99 USD"\n' >"$WORK/min.toml"
simrun --listen 0.0.0.0:0 "$WORK/min.toml"
expect_rc 2 "a non-loopback address is refused"
expect_err "loopback"

cat >"$WORK/bad.toml" <<'TOML'
[sim]
default_price = "10.99 USD"

[[domain]]
name = "a.com"
delete_at = "soon"
TOML
simrun "$WORK/bad.toml"
expect_rc 65 "a bad scenario"
expect_err "bad.toml:6: delete_at"
printf '[sim]\ncolour = "red"\n' >"$WORK/bad2.toml"
simrun "$WORK/bad2.toml"
expect_rc 65
expect_err "bad2.toml:2: colour: unknown key"

cat >"$WORK/bad3.toml" <<'TOML'
[sim]
default_price = "10.99 USD"

[[fault]]
api = "rdap"
command = "create"
kind = "reset"
TOML
simrun "$WORK/bad3.toml"
expect_rc 65 "a fault that can never fire"
expect_err "bad3.toml:6: command"
printf '[sim]\ndefault_price = "10.99 USD"\n\n[[fault]]\ncommand = "create"\nkind = "competitor"\n' >"$WORK/bad4.toml"
simrun "$WORK/bad4.toml"
expect_rc 65 "a competitor fault without its domain"
expect_err "bad4.toml:4: domain: is required for kind = \"competitor\""

# The registry's side: phases in time order, Retry-After only on a status fault, [rdap] keys.
cat >"$WORK/bad5.toml" <<'TOML'
[sim]
default_price = "10.99 USD"

[[domain]]
name = "a.com"
expires_at = "-40d"
[[domain.phase]]
at = "+5s"
statuses = ["pending delete"]
[[domain.phase]]
at = "+2s"
statuses = ["active"]
TOML
simrun "$WORK/bad5.toml"
expect_rc 65 "phases out of order"
expect_err "bad5.toml:11: phase.at: must not be before the phase above it"
printf '[sim]\ndefault_price = "10.99 USD"\n\n[[fault]]\nkind = "reset"\nretry_after = "1s"\n' >"$WORK/bad6.toml"
simrun "$WORK/bad6.toml"
expect_rc 65 "Retry-After on a fault that sends no status"
expect_err "bad6.toml:6: retry_after: is only for kind = \"status\""
printf '[sim]\ndefault_price = "10.99 USD"\n\n[rdap]\nhost = 2\n' >"$WORK/bad7.toml"
simrun "$WORK/bad7.toml"
expect_rc 65 "an unknown [rdap] key"
expect_err "bad7.toml:5: host: unknown key"

# --check tells when each name is deleted, from the simulator's start: an absolute UTC time,
# and a relative one with jitter, drawn from the seed: within its bounds, and the same again for
# the same seed.
jitter_scenario() { # jitter_scenario SEED
  cat >"$WORK/jitter.toml" <<TOML
[sim]
default_price = "10.99 USD"
tlds = ["com"]
seed = $1

[[domain]]
name = "absolute.com"
delete_at = "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"

[[domain]]
name = "jittery.com"
delete_at = "+1s"
jitter = "10s"
competitor_after = "250ms"
TOML
  simrun --check "$WORK/jitter.toml"
}
jitter_scenario 7
expect_rc 0 "--check"
expect_out "jitter.toml: ok: 0 accounts, 2 names, 0 faults"
python3 - "$OUT" <<'PY' && ok || bad "--check: the deletion moments"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
absolute = re.fullmatch(r"absolute\.com: deleted at \+(\d+\.\d{3})s", lines[1])
assert absolute and 3590 <= float(absolute.group(1)) <= 3600, lines  # the start is a little later
jittery = re.fullmatch(r"jittery\.com: deleted at \+(\d+\.\d{3})s, taken by the competitor at \+(\d+\.\d{3})s", lines[2])
assert jittery, lines
at, taken = float(jittery.group(1)), float(jittery.group(2))
assert 1.0 <= at <= 11.0 and abs(taken - at - 0.25) < 0.0015, lines
PY
first=$(grep '^jittery' "$OUT")
jitter_scenario 7
expect_equal "$(grep '^jittery' "$OUT")" "$first" "the same seed, the same moment"
jitter_scenario 8
[ "$(grep '^jittery' "$OUT")" != "$first" ] && ok || bad "another seed, another moment: $first"

absolute_at=$(date +%s.%3N --date='+4 seconds') # room for a busy machine's set-up
cat >"$WORK/scenario.toml" <<TOML
$(sim_head)

[[domain]]
name = "dropping.com"
delete_at = "+1500ms"
statuses = ["pending delete"]

[[domain]]
name = "absolute.com"
delete_at = "$(date -u -d "@$absolute_at" +%Y-%m-%dT%H:%M:%S.%3NZ)"

[[domain]]
name = "contested.com"
delete_at = "+500ms"
competitor_after = "100ms"
TOML
start_sim "$WORK/scenario.toml"
case $SIM_URL in
http://127.0.0.1:[0-9]*) ok ;;
*) bad "the address line: '$SIM_URL'" ;;
esac

get() { curl -s -o "$OUT" -w '%{http_code}' "$SIM_URL$1"; }
expect_equal "$(get /rdap/domain/dropping.com)" 200 "RDAP before the deletion"
python3 - "$OUT" <<'PY' && ok || bad "RDAP domain object"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["objectClassName"] == "domain" and d["ldhName"].lower() == "dropping.com", d
assert d["status"] == ["pending delete"], d
PY
expect_equal "$(get /rdap/domain/absolute.com)" 200 "RDAP before an absolute deletion time"
expect_equal "$(get /rdap/domain/never-listed.com)" 404 "RDAP for a name nobody holds"
expect_equal "$(get /rdap/bootstrap/dns.json)" 200
python3 - "$OUT" "$SIM_URL" <<'PY' && ok || bad "bootstrap points at the simulator"
import json, sys
b = json.load(open(sys.argv[1]))
tlds, urls = b["services"][0]
assert sorted(tlds) == ["com", "net"] and urls[0].startswith(sys.argv[2]), b
PY
sleep 1.6
expect_equal "$(get /rdap/domain/dropping.com)" 404 "RDAP after the deletion"
python3 -c 'import sys, time; time.sleep(max(0.0, float(sys.argv[1]) + 0.2 - time.time()))' "$absolute_at"
expect_equal "$(get /rdap/domain/absolute.com)" 404 "RDAP after an absolute deletion time"
expect_equal "$(get /rdap/domain/contested.com)" 200 "the competitor registered its name"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["status"] == ["active"]' "$OUT" \
  && ok || bad "the competitor's name is active"
# Namecheap's UserName is checked against the account's username (default: api_user).
curl -s -o "$OUT" "$SIM_URL/xml.response?ApiUser=ncuser&ApiKey=$NC_KEY&UserName=someone&ClientIp=127.0.0.1&Command=namecheap.users.getBalances"
expect_out 'Number="1016103"' "a UserName that is not the account's"
curl -s -o "$OUT" "$SIM_URL/xml.response?ApiUser=ncuser&ApiKey=$NC_KEY&UserName=ncuser&ClientIp=127.0.0.1&Command=namecheap.users.getBalances"
expect_out 'AvailableBalance="100.00"' "the right UserName"
# Every request is logged, even a method no API has.
expect_equal "$(curl -s -o /dev/null -w "%{http_code}" -X PUT -d x "$SIM_URL/api3.json")" 404 "PUT"
stop_sim
log_check "
assert [r for r in rows if r['status'] == 404 and 'PUT' in r['command']], [r['command'] for r in rows]
" && ok || bad "a PUT is logged"
log_check "
lookups = [r for r in rows if r['command'] == 'lookup']
assert [r['status'] for r in lookups] == [200, 200, 404, 404, 404, 200], lookups
assert all(r['time'].endswith('Z') and len(r['time'].split('.')[1]) == 7 for r in rows)
" && ok || bad "the log has every lookup with microsecond times"

# SIGTERM while a request is held by a delay fault: the simulator stops at once (exit 0) and
# does not execute the held request.
cat >"$WORK/held.toml" <<TOML
[sim]
default_price = "10.99 USD"

$(sim_accounts)

[[fault]]
api = "dynadot"
command = "create"
kind = "delay"
delay = "5m"
TOML
start_sim "$WORK/held.toml"
curl -s -o /dev/null "$SIM_URL/api3.json?key=$DYN_KEY&command=register&domain=held.com&duration=1&currency=USD" &
curl_pid=$!
sleep 0.5
start=$(date +%s%N)
stop_sim
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed_ms" -lt 3000 ] && ok || bad "SIGTERM during a 5-minute delay took ${elapsed_ms} ms"
wait "$curl_pid" 2>/dev/null
log_check "
c = [r for r in rows if r['command'] == 'create']
assert len(c) == 1 and c[0]['outcome'] == 'interrupted', c
" && ok || bad "the held create was not executed"

finish
