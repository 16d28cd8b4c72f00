# Shared by the tests that need dropcat-sim: start it on a free loopback port, stop it with
# SIGTERM, and write a dropcat configuration whose accounts point at it. Source after lib.sh.
: "${DROPCAT_SIM:?DROPCAT_SIM must name the dropcat-sim binary}"
# jq reads single JSON fields (json_field); tools/dev installs it. Without it: skipped, not passed.
command -v jq >/dev/null || { echo "jq is not installed (tools/dev deps installs it)" >&2; exit 77; }
SIM_PID=
SIM_URL=
SIM_DIR=$WORK # the simulator's files: its address, its errors, its certificate
SIM_LOG=$WORK/sim.log
# What a part (lib.sh) stops when it ends: its own simulator.
PART_HOOKS+=('if [ -n "$SIM_PID" ]; then kill -KILL "$SIM_PID" 2>/dev/null; fi')

# start_sim SCENARIO: starts the simulator; SIM_URL is its address. Waits at most 10 s. With
# SIM_TLS=1 it serves HTTPS with a self-signed certificate it makes ($SIM_DIR/sim.crt), which the
# accounts write_config writes trust (ca_file): the same scripts then run over TLS.
start_sim() {
  : >"$SIM_LOG"
  rm -f "$SIM_DIR/sim.out"
  local tls=()
  [ "${SIM_TLS:-0}" = 1 ] && tls=(--tls-cert "$SIM_DIR/sim.crt" --tls-key "$SIM_DIR/sim.key")
  "$DROPCAT_SIM" --listen 127.0.0.1:0 --log "$SIM_LOG" "${tls[@]}" "$1" >"$SIM_DIR/sim.out" 2>"$SIM_DIR/sim.err" &
  SIM_PID=$!
  local i
  for i in $(seq 1 100); do
    SIM_URL=$(head -n 1 "$SIM_DIR/sim.out" 2>/dev/null || true)
    [ -n "$SIM_URL" ] && return 0
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "dropcat-sim did not start: $(cat "$SIM_DIR/sim.err")" >&2
  exit 1
}

# stop_sim: SIGTERM, and the simulator must exit 0 within 10 s.
stop_sim() {
  [ -n "$SIM_PID" ] || return 0
  kill -TERM "$SIM_PID"
  local i
  for i in $(seq 1 100); do
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.1
  done
  local rc=0
  wait "$SIM_PID" || rc=$?
  SIM_PID=
  [ "$rc" -eq 0 ] && ok || { RC=$rc; bad "dropcat-sim should stop cleanly on SIGTERM"; }
}
at_exit 'if [ -n "$SIM_PID" ]; then kill -KILL "$SIM_PID" 2>/dev/null; fi'

# The accounts' secrets, from the environment as an operator would set them.
export DYN_KEY=dyn-secret-key-0001 PB_KEY=pk1_secret_0002 PB_SECRET=sk1_secret_0003
export NC_KEY=nc-secret-key-0004

# sim_accounts [EXTRA TOML]: the scenario's [[account]] tables for the keys above.
sim_accounts() {
  cat <<TOML
[[account]]
name = "dyn-main"
api = "dynadot"
key = "$DYN_KEY"
balance = "${DYN_BALANCE:-100.00 USD}"
${DYN_LIMITS:-}

[[account]]
name = "pb-main"
api = "porkbun"
key = "$PB_KEY"
secret = "$PB_SECRET"
balance = "${PB_BALANCE:-100.00 USD}"
${PB_LIMITS:-}

[[account]]
name = "nc-main"
api = "namecheap"
key = "$NC_KEY"
api_user = "ncuser"
client_ip = "127.0.0.1"
balance = "${NC_BALANCE:-100.00 USD}"
${NC_LIMITS:-}
TOML
}

# sim_head [TLD...]: a scenario's [sim] table (default TLDs com and net) and its accounts.
sim_head() {
  local tlds
  tlds=$(printf '"%s", ' ${*:-com net})
  printf '[sim]\ndefault_price = "10.99 USD"\ntlds = [%s]\n\n' "${tlds%, }"
  sim_accounts
}

# write_config: dropcat's configuration with one account per API at SIM_URL. Client-side
# limits come from DYN_CLIENT, PB_CLIENT, NC_CLIENT (TOML lines).
# The ca_file line of an account when the simulator serves TLS.
sim_ca_line() { [ "${SIM_TLS:-0}" = 1 ] && printf 'ca_file = "%s"\n' "$SIM_DIR/sim.crt" || true; }

write_config() {
  mkdir -p "$XDG_CONFIG_HOME/dropcat"
  cat >"$XDG_CONFIG_HOME/dropcat/config.toml" <<TOML
[[registrar]]
name = "dyn-main"
kind = "dynadot"
key_env = "DYN_KEY"
endpoint = "$SIM_URL"
$(sim_ca_line)
${DYN_CLIENT:-}

[[registrar]]
name = "pb-main"
kind = "porkbun"
key_env = "PB_KEY"
secret_env = "PB_SECRET"
endpoint = "$SIM_URL/api/json/v3"
$(sim_ca_line)
${PB_CLIENT:-}

[[registrar]]
name = "nc-main"
kind = "namecheap"
key_env = "NC_KEY"
api_user = "ncuser"
client_ip = "127.0.0.1"
endpoint = "$SIM_URL/xml.response"
$(sim_ca_line)
${NC_CLIENT:-}

[registrar.contact]
first_name = "Ada"
last_name = "Lovelace"
address = "1 Analytical Row"
city = "London"
state_province = "London"
postal_code = "N1 1AA"
country = "GB"
phone = "+44.2071234567"
email = "ada@example.org"
TOML
}

# wait_for_grant STATE ACCOUNT CLASS: waits (at most 10 s) until the account's ledger under the
# state folder STATE shows a request of CLASS (c: check, r: create) granted: dropcat is sending
# it. Use a state folder no earlier run wrote to.
wait_for_grant() {
  local i
  for i in $(seq 1 100); do
    grep -q "^g $3 " "$1/dropcat/accounts/$2.log" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# json_field KEY: the KEY of the first JSON row on stdout, as jq -r prints it (true, false,
# null, 10.99); a row without the key says so, and a line that is not JSON gives jq's error.
json_field() {
  head -n 1 "$OUT" | jq -r --arg k "$1" 'if has($k) then .[$k] else "(no key \($k))" end' 2>&1
}

# log_check PYTHON: runs a Python expression block over the simulator's log as `rows`
# (a list of dicts); it must raise (assert) to fail.
log_check() {
  python3 - "$SIM_LOG" "$1" <<'PY'
import json, sys
from datetime import datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for r in rows:
    r["t"] = datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
exec(sys.argv[2])
PY
}
