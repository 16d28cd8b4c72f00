# Sourced first by a benchmark that measures PostgreSQL too: runs the script again inside
# pg_virtualenv (a throw-away cluster, PG* set) unless NO_PG is set or that is done already.
if [ -z "${NO_PG:-}" ] && [ -z "${DROPCAT_BENCH_PG:-}" ]; then
  command -v pg_virtualenv >/dev/null || { echo "bench: pg_virtualenv is missing (apt-get install postgresql-15), or set NO_PG=1" >&2; exit 2; }
  export DROPCAT_BENCH_PG=1
  pgv=(pg_virtualenv)
  [ "$(id -u)" -eq 0 ] && pgv+=(-t)
  exec "${pgv[@]}" "$0" "$@"
fi
