#!/usr/bin/env bash
# Benchmark: dropcat catch against dropcat-sim over HTTPS, and against the naive baseline
# (bench/naive_catch.py: each account checks its names in turn, one a request, at the same
# budget, and creates when one is available). 200 names are released over 60 seconds; three
# accounts (Dynadot, Porkbun, Namecheap), each held by the simulator to 10 checks and 1 create
# a second; a competitor takes each name a set delay after its release. From the simulator's
# log, per case: names caught, median and 99th percentile from release to the accepted
# create's arrival, requests per name caught, creates arriving more than 50 ms early, and
# over-limit answers. Cases:
#   known    the drop list gives each name's release (whole seconds, as lists do): dropcat
#            with one account per name (--accounts-per-name 1), three accounts (competitor
#            at 50 and 200 ms) and one
#   window   the list gives the day only and the window is the whole minute: dropcat and the
#            baseline against the competitor at 50, 200 and 1000 ms, three accounts and one
#   bench/catch.sh [BUILD_DIR]      CASES="known window" to choose; takes about 15 minutes.
# Needs: python3, sqlite3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
cases=${CASES:-known window}
dropcat=$build/apps/dropcat/dropcat
sim=$build/apps/dropcat-sim/dropcat-sim
for b in "$dropcat" "$sim"; do [ -x "$b" ] || { echo "bench: no $b (build first)" >&2; exit 2; }; done
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed" >&2; exit 2; }

work=$(mktemp -d)
sim_pid=
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state XDG_DATA_HOME=$work/data
mkdir -p "$HOME" "$XDG_CONFIG_HOME/dropcat"
export DYN_KEY=bench-dyn-key PB_KEY=pk1_bench PB_SECRET=sk1_bench NC_KEY=bench-nc-key
names=${NAMES:-200}
span_ms=${SPAN_MS:-60000}

# scenario T0 COMPETITOR_MS KNOWN: the simulator's scenario and the release instants. Known:
# whole seconds (a drop list's times); window: one name in each equal slot of the span, at a
# place in it drawn from a fixed seed (a registry's deletions fall on no round times, and a
# grid of checks must not meet releases on its own points by the benchmark's design).
scenario() {
  local t0=$1 comp=$2 known=$3
  cat >"$work/scenario.toml" <<TOML
[sim]
default_price = "10.99 USD"
tlds = ["com"]

[[account]]
name = "dyn-main"
api = "dynadot"
key = "$DYN_KEY"
balance = "100000.00 USD"
checks = 10
creates = 1
per = "1s"

[[account]]
name = "pb-main"
api = "porkbun"
key = "$PB_KEY"
secret = "$PB_SECRET"
balance = "100000.00 USD"
checks = 10
creates = 1
per = "1s"

[[account]]
name = "nc-main"
api = "namecheap"
key = "$NC_KEY"
api_user = "benchuser"
client_ip = "127.0.0.1"
balance = "100000.00 USD"
checks = 10
creates = 1
per = "1s"
TOML
  python3 - "$t0" "$comp" "$known" "$names" "$span_ms" "$work" <<'PY'
import random
import sys
from datetime import datetime, timezone
t0, comp, known, n, span, work = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
with open(f"{work}/scenario.toml", "a") as s, open(f"{work}/releases", "w") as r, \
     open(f"{work}/list.csv", "w") as l, open(f"{work}/names", "w") as names:
    l.write("domain,drop_date\n")
    draw = random.Random(20261203)
    for i in range(n):
        off = span * i / n / 1000.0
        if known:
            off = float(int(off))
        else:
            off += round(draw.random() * span / n) / 1000.0
        at = t0 + off
        name = f"bench{i:03d}.com"
        iso = datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        s.write(f'\n[[domain]]\nname = "{name}"\ndelete_at = "{iso}"\nstatuses = ["pending delete"]\ncompetitor_after = "{comp}ms"\n')
        r.write(f"{name} {at}\n")
        names.write(name + "\n")
        day = datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d")
        l.write(f"{name},{iso[:-5] + 'Z' if known else day}\n")
PY
}

start_sim() {
  rm -f "$work/sim.out" "$work/sim.log"
  "$sim" --listen 127.0.0.1:0 --log "$work/sim.log" --tls-cert "$work/sim.crt" --tls-key "$work/sim.key" \
    "$work/scenario.toml" >"$work/sim.out" 2>"$work/sim.err" &
  sim_pid=$!
  url=
  for _ in $(seq 1 100); do url=$(head -n 1 "$work/sim.out" 2>/dev/null || true); [ -n "$url" ] && break; sleep 0.1; done
  [ -n "$url" ] || { echo "bench: dropcat-sim did not start: $(cat "$work/sim.err")" >&2; exit 1; }
}

stop_sim() { kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=; }

config() {
  cat >"$XDG_CONFIG_HOME/dropcat/config.toml" <<TOML
[catch]
max_price = "20.00 USD"
lead_seconds = 10
warm_seconds = 2
hot_seconds = 120
known_window_seconds = 10

[rdap.profile.com]
release_spread_minutes = 1

[[registrar]]
name = "dyn-main"
kind = "dynadot"
key_env = "DYN_KEY"
endpoint = "$url"
ca_file = "$work/sim.crt"
checks_per_minute = 600
checks_per_second = 10
creates_per_minute = 60
creates_per_second = 1
check_batch = 100

[[registrar]]
name = "pb-main"
kind = "porkbun"
key_env = "PB_KEY"
secret_env = "PB_SECRET"
endpoint = "$url/api/json/v3"
ca_file = "$work/sim.crt"
checks_per_minute = 600
checks_per_second = 10
creates_per_minute = 60
creates_per_second = 1

[[registrar]]
name = "nc-main"
kind = "namecheap"
key_env = "NC_KEY"
api_user = "benchuser"
client_ip = "127.0.0.1"
endpoint = "$url/xml.response"
ca_file = "$work/sim.crt"
checks_per_minute = 600
checks_per_second = 10
creates_per_minute = 60
creates_per_second = 1
check_batch = 50
catch = true

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

# one LABEL KNOWN COMPETITOR_MS WHO ACCOUNTS...: one case, its figures on stdout.
one() {
  local label=$1 known=$2 comp=$3 who=$4
  shift 4
  local accounts=("$@") t0 until
  t0=$(($(date +%s) + 20))
  until=$((t0 + 75))
  scenario "$t0" "$comp" "$known"
  start_sim
  config
  rm -rf "$XDG_DATA_HOME" "$XDG_STATE_HOME"
  if [ "$who" = dropcat ]; then
    "$dropcat" -q import "$work/list.csv"
    while read -r name; do "$dropcat" -q backorder add "$name" --email "buyer@$name" >/dev/null; done <"$work/names"
    if [ "$known" = 0 ]; then
      # The window as dropcat status would have predicted it: the minute the names drop in.
      sqlite3 "$XDG_DATA_HOME/dropcat/dropcat.db" \
        "INSERT INTO name_states (domain, phase, observed_at, drop_earliest, drop_latest, basis)
         SELECT domain, 'pending-delete', $((t0 * 1000 - 60000)), $((t0 * 1000)), $((t0 * 1000 + span_ms)), 'bench window' FROM drops"
    fi
    local registrars=()
    for a in "${accounts[@]}"; do registrars+=(--registrar "$a"); done
    local per=()
    [ "$known" = 1 ] && per=(--accounts-per-name 1)
    "$dropcat" -q catch run --live "${registrars[@]}" "${per[@]}" \
      --until "$(date -u -d "@$until" +%Y-%m-%dT%H:%M:%SZ)" --format json >"$work/run.jsonl" 2>"$work/run.err" || true
  else
    local kinds=()
    for a in "${accounts[@]}"; do kinds+=("${a%-main}"); done
    kinds=("${kinds[@]/dyn/dynadot}")
    kinds=("${kinds[@]/pb/porkbun}")
    kinds=("${kinds[@]/nc/namecheap}")
    sleep $((t0 - $(date +%s) - 3))
    python3 "$here/naive_catch.py" "$url" "$work/sim.crt" "$until" "$work/names" "${kinds[@]}"
  fi
  stop_sim
  if [ -n "${KEEP:-}" ]; then
    local keep=$work/$(printf '%s' "$label" | tr -c 'a-z0-9' _)
    mkdir -p "$keep" && cp "$work/sim.log" "$work/releases" "$keep/" && cp "$work/run.jsonl" "$keep/" 2>/dev/null || true
  fi
  python3 "$here/catch_report.py" "$label" "$work/sim.log" "$work/releases" "${accounts[@]}"
  [ -z "${KEEP:-}" ] || echo "kept: $work" >&2
}

three=(dyn-main pb-main nc-main)
for c in $cases; do
  case $c in
  known)
    if [ -z "${ONE_ONLY:-}" ]; then
      one "known, dropcat, 3 accounts, 50 ms" 1 50 dropcat "${three[@]}"
      one "known, dropcat, 3 accounts, 200 ms" 1 200 dropcat "${three[@]}"
    fi
    one "known, dropcat, 1 account, 200 ms" 1 200 dropcat dyn-main
    ;;
  window)
    for comp in 50 200 1000; do
      one "window, dropcat, 3 accounts, $comp ms" 0 "$comp" dropcat "${three[@]}"
      one "window, naive, 3 accounts, $comp ms" 0 "$comp" naive "${three[@]}"
    done
    one "window, dropcat, 1 account, 200 ms" 0 200 dropcat dyn-main
    one "window, naive, 1 account, 200 ms" 0 200 naive dyn-main
    ;;
  quick) # a short look at the window case: one competitor delay
    one "window, dropcat, 3 accounts, 200 ms" 0 200 dropcat "${three[@]}"
    one "window, naive, 3 accounts, 200 ms" 0 200 naive "${three[@]}"
    ;;
  esac
done
