#!/usr/bin/env bash
# Benchmark: `dropcat status` of 2,000 names spread over 20 RDAP hosts of dropcat-sim, each host
# limited to 10 look-ups a second ([rdap] per_second; 429 beyond it), with dropcat's
# requests_per_second at the same 10. The ideal is 2,000 / (20 x 10) = 10 s: every host busy
# at its limit from the first second to the last, which only look-ups to different hosts
# running at once can reach. Reports the wall time, its ratio to the ideal (target: at most
# 1.1) and the over-limit answers in the simulator's log (target: 0).
#   bench/status.sh [BUILD_DIR] [NAMES_PER_HOST]   RUNS=3 for more runs (medians reported)
# Needs: python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
per_host=${2:-100}
runs=${RUNS:-1}
dropcat=$build/apps/dropcat/dropcat
sim=$build/apps/dropcat-sim/dropcat-sim
for b in "$dropcat" "$sim"; do [ -x "$b" ] || { echo "bench: no $b (build first)" >&2; exit 2; }; done

work=$(mktemp -d)
sim_pid=
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"' EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data
mkdir -p "$HOME" "$XDG_CONFIG_HOME/dropcat"
tlds=(com net org info biz io co me tv cc us de fr nl se nu ca nz eu it)
hosts=${#tlds[@]}
{
  printf '[sim]\ndefault_price = "10.99 USD"\ntlds = ['
  printf '"%s", ' "${tlds[@]}" | sed 's/, $//'
  printf ']\n\n[rdap]\nhosts = %d\nper_second = 10\n' "$hosts"
} >"$work/scenario.toml"
for tld in "${tlds[@]}"; do
  seq 1 "$per_host" | sed "s/^/bench-name-/; s/\$/.$tld/"
done >"$work/names"
total=$(wc -l <"$work/names")

results=()
for run in $(seq 1 "$runs"); do
  rm -f "$work/sim.out" "$work/sim.log" "$work/data/dropcat/dropcat.db"*
  "$sim" --listen 127.0.0.1:0 --log "$work/sim.log" "$work/scenario.toml" >"$work/sim.out" &
  sim_pid=$!
  url=
  for _ in $(seq 1 100); do url=$(head -n 1 "$work/sim.out" 2>/dev/null || true); [ -n "$url" ] && break; sleep 0.1; done
  [ -n "$url" ] || { echo "bench: dropcat-sim did not start" >&2; exit 1; }
  printf '[rdap]\nbootstrap_url = "%s/rdap/bootstrap/dns.json"\nrequests_per_second = 10\n' "$url" \
    >"$XDG_CONFIG_HOME/dropcat/config.toml"
  "$dropcat" -q status --refresh-bootstrap
  start=$(date +%s.%N)
  "$dropcat" -q status - --format tsv --no-header <"$work/names" >"$work/out" || true
  end=$(date +%s.%N)
  kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=
  answered=$(cut -f2 "$work/out" | grep -cv '^unknown$' || true)
  over=$(grep -c '"outcome":"over-limit"' "$work/sim.log" || true)
  wall=$(python3 -c "print(f'{$end - $start:.2f}')")
  results+=("$wall $answered $over")
  echo "run $run: $wall s for $total names ($answered answered), $over over-limit answers"
done
ideal=$(python3 -c "print($total / ($hosts * 10))")
python3 - "$ideal" "${results[@]}" <<'PY'
import statistics, sys
ideal = float(sys.argv[1])
runs = [tuple(r.split()) for r in sys.argv[2:]]
wall = statistics.median(float(r[0]) for r in runs)
over = max(int(r[2]) for r in runs)
print(f"status: median {wall:.2f} s against the ideal {ideal:.1f} s: {wall / ideal:.3f}x "
      f"(target <= 1.1), over-limit answers {over} (target 0)")
PY
