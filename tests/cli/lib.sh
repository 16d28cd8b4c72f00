# Shared by the CLI tests: a temporary HOME, a runner that captures stdout, stderr and the exit
# code, and checks that say what they expected. Each test script sources this file, runs checks,
# and ends with `finish`.
set -u
: "${DROPCAT:?DROPCAT must name the dropcat binary}"
: "${TESTS_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
DATA=$TESTS_DIR/cli/data

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dropcat-cli-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK/home
export XDG_DATA_HOME=$HOME/.local/share
export XDG_CONFIG_HOME=$HOME/.config
export XDG_STATE_HOME=$HOME/.local/state
unset DROPCAT_DB DROPCAT_CONFIG NO_COLOR
mkdir -p "$HOME"
cd "$WORK" || exit 1

passed=0
failed=0
OUT=$WORK/stdout
ERR=$WORK/stderr
RC=0

# run ARGS...: runs dropcat; stdin from /dev/null unless redirected by the caller.
run() {
  "$DROPCAT" "$@" >"$OUT" 2>"$ERR"
  RC=$?
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

# rows DB: the number of drops in a store, through dropcat itself.
rows() { "$DROPCAT" --db "$1" drops --format tsv | tail -n +2 | wc -l; }

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
