# Shared by the CLI tests: a temporary HOME, a runner that captures stdout, stderr and the exit
# code, and checks that say what they expected. Each test script sources this file, runs checks,
# and ends with `finish`.
set -u
: "${DROPCAT:?DROPCAT must name the dropcat binary}"
: "${TESTS_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
DATA=$TESTS_DIR/cli/data

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dropcat-cli-XXXXXX")
# at_exit COMMAND: run at the end of the script, before the temporary HOME is removed.
EXIT_HOOKS=()
PARTS=() # lib.sh's parts running in the background (see part)
at_exit() { EXIT_HOOKS+=("$1"); }
trap 'for p in "${PARTS[@]}"; do wait "${p%%:*}"; done 2>/dev/null
      for hook in "${EXIT_HOOKS[@]}"; do eval "$hook"; done; rm -rf "$WORK"' EXIT
export HOME=$WORK/home
export XDG_DATA_HOME=$HOME/.local/share
export XDG_CONFIG_HOME=$HOME/.config
export XDG_STATE_HOME=$HOME/.local/state
unset DROPCAT_DB DROPCAT_CONFIG NO_COLOR
mkdir -p "$HOME"
cd "$WORK" || exit 1

# The store's backend: SQLite files, or with DROPCAT_TEST_BACKEND=postgresql a database of its
# own on the PG* server for each store the script names (see pg_wrap.sh). Without a server
# the script is skipped (77), or fails when DROPCAT_TEST_PG_REQUIRED is set (tools/dev test).
BACKEND=${DROPCAT_TEST_BACKEND:-sqlite}
if [ "$BACKEND" = postgresql ]; then
  if ! psql -qAtX -d postgres -c 'SELECT 1' >/dev/null 2>"$WORK/pg.err"; then
    echo "no PostgreSQL server: $(head -c 300 "$WORK/pg.err")" >&2
    [ -n "${DROPCAT_TEST_PG_REQUIRED:-}" ] && exit 1
    exit 77
  fi
  PG_PREFIX=dct$(printf '%s' "$WORK" | md5sum | cut -c1-8)
  PG_MADE=$WORK/pg-made
  mkdir -p "$PG_MADE"
  export PG_PREFIX PG_MADE DROPCAT_REAL=$DROPCAT
  DROPCAT=$TESTS_DIR/cli/pg_wrap.sh
  # Drops this script's databases at the end.
  at_exit 'psql -qAtX -d postgres -c "SELECT format('"'"'DROP DATABASE %I WITH (FORCE);'"'"', datname) FROM pg_database WHERE datname LIKE '"'"'${PG_PREFIX}%'"'"'" 2>/dev/null |
          psql -qAtX -d postgres >/dev/null 2>&1' 
  # The default store, where a command is given no --db.
  export DROPCAT_DB=$WORK/default.db
fi
on_sqlite() { [ "$BACKEND" = sqlite ]; }
# pg_uri DB: the PostgreSQL URI that stands for the store DB in this script.
pg_uri() { PG_PREFIX=$PG_PREFIX DROPCAT_REAL=/bin/echo "$TESTS_DIR/cli/pg_wrap.sh" --db "$1" | cut -d' ' -f2; }
on_postgresql() { [ "$BACKEND" = postgresql ]; }
# store_sql DB SQL: runs SQL (written for both engines) on the store DB, as an older dropcat
# or another tool might have left it.
store_sql() {
  if on_sqlite; then sqlite3 "$1" "$2"; else psql -qAtX -d "$(pg_uri "$1")" -c "$2"; fi
}

# store_files DB: the files that hold a store's data: the SQLite file and its log, or the
# PostgreSQL database's folder under the server's data directory, after a checkpoint.
store_files() {
  if on_sqlite; then
    for f in "$1" "$1-wal"; do [ -e "$f" ] && echo "$f"; done
    return 0
  fi
  local uri
  uri=$(pg_uri "$1")
  psql -qAtX -d "$uri" -c CHECKPOINT >/dev/null
  local dir oid
  dir=$(psql -qAtX -d "$uri" -c 'SHOW data_directory')
  oid=$(psql -qAtX -d "$uri" -c 'SELECT oid FROM pg_database WHERE datname = current_database()')
  find "$dir/base/$oid" -type f
}

passed=0
failed=0
OUT=$WORK/stdout
ERR=$WORK/stderr
RC=0

# run ARGS...: runs dropcat; stdin from /dev/null unless redirected by the caller.
run() {
  local started=$EPOCHREALTIME
  "$DROPCAT" "$@" >"$OUT" 2>"$ERR"
  RC=$?
  # DROPCAT_TEST_TIMES=FILE: how long each command took, to keep the suite fast.
  [ -z "${DROPCAT_TEST_TIMES:-}" ] ||
    printf '%s %s %s\n' "$(bc <<<"$EPOCHREALTIME - $started")" "$(basename "$0")" "$*" \
      >>"$DROPCAT_TEST_TIMES"
}
# run_in FILE ARGS...: the same with FILE on stdin.
run_in() {
  local input=$1
  shift
  "$DROPCAT" "$@" <"$input" >"$OUT" 2>"$ERR"
  RC=$?
}

ok() { passed=$((passed + 1)); }
bad() {
  failed=$((failed + 1))
  echo "FAIL: $*" >&2
  echo "  exit code: $RC" >&2
  echo "  stdout: $(head -c 600 "$OUT")" >&2
  echo "  stderr: $(head -c 600 "$ERR")" >&2
}
expect_rc() { [ "$RC" -eq "$1" ] && ok || bad "${2:-} expected exit $1"; }
expect_out() { grep -qF -- "$1" "$OUT" && ok || bad "${2:-} expected stdout to contain '$1'"; }
expect_err() { grep -qF -- "$1" "$ERR" && ok || bad "${2:-} expected stderr to contain '$1'"; }
expect_no_out() { grep -qF -- "$1" "$OUT" && bad "${2:-} stdout should not contain '$1'" || ok; }
expect_no_err() { grep -qF -- "$1" "$ERR" && bad "${2:-} stderr should not contain '$1'" || ok; }
expect_out_lines() {
  local n
  n=$(wc -l <"$OUT")
  [ "$n" -eq "$1" ] && ok || bad "${2:-} expected $1 lines on stdout, got $n"
}
expect_empty_err() { [ ! -s "$ERR" ] && ok || bad "${1:-} expected nothing on stderr"; }
expect_equal() { [ "$1" = "$2" ] && ok || bad "${3:-} expected '$2', got '$1'"; }

# part NAME FUNCTION [ARGS...]: runs FUNCTION in the background, at the same time as the rest
# of the script, with OUT, ERR, XDG_CONFIG_HOME and XDG_STATE_HOME of its own (and SIM_DIR, for
# a simulator of its own, and a default store of its own); join_parts waits for every part and
# counts their checks. For the scripts that mostly wait on registrars' limits and delays. A
# script that ends early still waits for its parts before its folder goes.
PART_HOOKS=() # what a part runs when it ends (sim_lib.sh: stop the part's simulator)
part() {
  # (bash scopes variables dynamically: the part's own functions may use any plain name)
  local _part_dir=$WORK/$1
  shift
  mkdir -p "$_part_dir"
  (
    OUT=$_part_dir/stdout ERR=$_part_dir/stderr passed=0 failed=0 RC=0
    XDG_CONFIG_HOME=$_part_dir/config XDG_STATE_HOME=$_part_dir/state SIM_DIR=$_part_dir
    XDG_DATA_HOME=$_part_dir/data
    SIM_LOG=$_part_dir/sim.log SIM_PID=
    trap 'for hook in "${PART_HOOKS[@]}"; do eval "$hook"; done' EXIT
    "$@"
    echo "$passed $failed" >"$_part_dir/counts"
  ) &
  PARTS+=("$!:$_part_dir")
}
join_parts() {
  local p dir p_passed p_failed
  for p in "${PARTS[@]}"; do
    wait "${p%%:*}"
    dir=${p#*:}
    if read -r p_passed p_failed 2>/dev/null <"$dir/counts"; then
      passed=$((passed + p_passed))
      failed=$((failed + p_failed))
    else
      failed=$((failed + 1))
      echo "FAIL: part ${dir##*/} ended before its last check" >&2
    fi
  done
  PARTS=()
}

# rows DB: the number of drops in a store, through dropcat itself.
rows() { "$DROPCAT" --db "$1" drops --format tsv | tail -n +2 | wc -l; }

finish() {
  if on_postgresql; then
    local used
    used=$(psql -qAtX -d postgres -c "SELECT count(*) FROM pg_database WHERE datname LIKE '${PG_PREFIX}%'")
    [ "$used" -gt 0 ] && ok || bad "the script ran on PostgreSQL but used no PostgreSQL store"
  fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
