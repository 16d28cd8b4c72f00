#!/usr/bin/env bash
# Benchmark: `dropcat registrar check` of N names, one Dynadot search each, against dropcat-sim,
# compared with curl(1) fetching the same N search URLs in one process (one kept-alive
# connection), in the same run on the same machine, so the ratio holds whatever its speed.
# Also with max_in_flight = 4 (four requests at once over one curl multi handle), and the same
# over HTTPS (dropcat-sim --tls-cert, the account's ca_file, curl --cacert). Then the latency of
# a create (Dynadot register) on a connection warmed before it against a cold one, over HTTP
# and HTTPS (bench/create_latency.cpp, built here).
#   bench/registrar.sh [BUILD_DIR] [NAMES] [CREATES]   RUNS=5 for more runs (medians reported)
# Needs: curl, python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
names=${2:-1000}
creates=${3:-200}
runs=${RUNS:-3}
dropcat=$build/apps/dropcat/dropcat
sim=$build/apps/dropcat-sim/dropcat-sim
for b in "$dropcat" "$sim"; do [ -x "$b" ] || { echo "bench: no $b (build first)" >&2; exit 2; }; done
cmake --build "$build" --target dropcat-bench-create >/dev/null
bench_create=$build/dropcat-bench-create
command -v curl >/dev/null || { echo "bench: curl is missing" >&2; exit 2; }

work=$(mktemp -d)
sim_pid=
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config DYN_KEY=bench-key-0001
mkdir -p "$XDG_CONFIG_HOME/dropcat"
cat >"$work/scenario.toml" <<'TOML'
[sim]
default_price = "10.99 USD"
tlds = ["com"]

[[account]]
name = "dyn-bench"
api = "dynadot"
key = "bench-key-0001"
balance = "1000000.00 USD"
TOML
start_sim() { # start_sim [--tls-cert FILE --tls-key FILE]; sets url and sim_pid
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -f "$work/sim.out"
  "$sim" --listen 127.0.0.1:0 "$@" "$work/scenario.toml" >"$work/sim.out" &
  sim_pid=$!
  url=
  for _ in $(seq 1 100); do url=$(head -n 1 "$work/sim.out" 2>/dev/null || true); [ -n "$url" ] && break; sleep 0.1; done
  [ -n "$url" ] || { echo "bench: dropcat-sim did not start" >&2; exit 1; }
}

seq 1 "$names" | sed 's/^/bench-name-/; s/$/.com/' >"$work/names"

config() { # config IN_FLIGHT
  cat >"$XDG_CONFIG_HOME/dropcat/config.toml" <<TOML
[[registrar]]
name = "dyn-bench"
kind = "dynadot"
key_env = "DYN_KEY"
endpoint = "$url"
$ca_line
checks_per_minute = 100000
max_in_flight = $1
TOML
}
seconds() { python3 -c 'import sys,time; t=time.monotonic(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(f"{time.monotonic()-t:.3f}")' "$@"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

checks() { # checks LABEL: the check runs against the simulator at $url
local label=$1
sed "s|.*|url = \"$url/api3.json?key=$DYN_KEY\&command=search\&domain0=&\&show_price=1\&currency=USD\"\noutput = \"/dev/null\"|" \
  "$work/names" >"$work/curl.cfg"
local -a t_curl=() t_one=() t_four=()
for i in $(seq 1 "$runs"); do
  t_curl+=("$(seconds curl -s $cacert -K "$work/curl.cfg")")
  # Each run with a state folder of its own: runs share an account's limits (its ledger), and
  # 1,000 checks in a tenth of a second fill most of a second's budget for the next run.
  config 1
  t_one+=("$(XDG_STATE_HOME=$work/state-$label-$i-1 seconds sh -c "'$dropcat' -q registrar check --format tsv - <'$work/names'")")
  config 4
  t_four+=("$(XDG_STATE_HOME=$work/state-$label-$i-4 seconds sh -c "'$dropcat' -q registrar check --format tsv - <'$work/names'")")
done
local c o f
c=$(median "${t_curl[@]}"); o=$(median "${t_one[@]}"); f=$(median "${t_four[@]}")
echo "$label: names: $names, runs: $runs (medians)"
echo "curl, one connection:            ${c} s  ($(python3 -c "print(f'{$c/$names*1000:.3f}')") ms a request)"
echo "dropcat check, max_in_flight 1:  ${o} s  ($(python3 -c "print(f'{$o/$names*1000:.3f}')") ms a request), ratio to curl $(python3 -c "print(f'{$o/$c:.2f}')")"
echo "dropcat check, max_in_flight 4:  ${f} s  ratio to curl $(python3 -c "print(f'{$f/$c:.2f}')")"
}

ca_line=
cacert=
start_sim
checks http
"$bench_create" "$url" "" "$creates"

"$sim" --check "$work/scenario.toml" >/dev/null # the scenario is fine; now over TLS
start_sim --tls-cert "$work/sim.crt" --tls-key "$work/sim.key"
ca_line="ca_file = \"$work/sim.crt\""
cacert="--cacert $work/sim.crt"
checks https
"$bench_create" "$url" "$work/sim.crt" "$creates"
