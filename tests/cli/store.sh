# Where the store lives, and what happens to one that a newer dropcat wrote.
. "$(dirname "$0")/lib.sh"

# --db beats DROPCAT_DB, which beats the XDG default.
export DROPCAT_DB=$WORK/env/env.db
run import "$DATA/drops.csv"
expect_rc 0
[ -f "$WORK/env/env.db" ] && ok || bad "DROPCAT_DB not used (folder created on first use)"
run --db "$WORK/flag.db" import "$DATA/namejet.txt" --drop-date 2026-12-01
expect_rc 0
[ -f "$WORK/flag.db" ] && ok || bad "--db not used"
unset DROPCAT_DB
[ ! -e "$XDG_DATA_HOME/dropcat/dropcat.db" ] && ok || bad "default store created although --db/DROPCAT_DB was given"
run -v import "$DATA/drops.csv"
expect_rc 0
[ -f "$XDG_DATA_HOME/dropcat/dropcat.db" ] && ok || bad "default store not under XDG_DATA_HOME"
# -v says which store and which configuration file were opened.
expect_err "dropcat: store: $XDG_DATA_HOME/dropcat/dropcat.db"
run -v registrar list
expect_err "dropcat: configuration: $XDG_CONFIG_HOME/dropcat/config.toml (not there: no accounts)"

# Under cron without HOME, and with no absolute XDG_* folder (a relative one is ignored, as
# the XDG specification says), a command that needs a default path stops (78) naming the
# option to give, and writes nothing under the current folder.
mkdir "$WORK/cwd"
(
  cd "$WORK/cwd" || exit 1
  for home in unset empty; do
    if [ $home = unset ]; then unset HOME; else export HOME=; fi
    export XDG_DATA_HOME=relative/data XDG_CONFIG_HOME=relative/config XDG_STATE_HOME=relative/state
    run import "$DATA/drops.csv"
    expect_rc 78 "import without HOME ($home)"
    expect_err "no default store: HOME is not set and XDG_DATA_HOME is not an absolute path; name the store with --db PATH (or DROPCAT_DB)"
    run drops
    expect_rc 78 "drops without HOME ($home)"
    run registrar list
    expect_rc 78 "registrar list without HOME ($home)"
    expect_err "no default configuration file: HOME is not set and XDG_CONFIG_HOME is not an absolute path; name it with --config PATH (or DROPCAT_CONFIG)"
    printf '[[registrar]]\nname = "d"\nkind = "dynadot"\nkey_env = "K"\nendpoint = "http://127.0.0.1:1"\n' >"$WORK/nohome.toml"
    K=k run --config "$WORK/nohome.toml" registrar check --registrar d a.com
    expect_rc 78 "registrar check without a state folder ($home)"
    expect_err "set XDG_STATE_HOME or HOME"
    # --db names the store: the command works without HOME.
    run --db "$WORK/nohome.db" import -q "$DATA/drops.csv"
    expect_rc 0 "import with --db and no HOME ($home)"
  done
  [ -z "$(ls -A "$WORK/cwd")" ] && ok || bad "files written under the current folder: $(ls -A "$WORK/cwd")"
  echo "$passed $failed" >"$WORK/cwd.counts"
)
read -r p_passed p_failed <"$WORK/cwd.counts" || p_failed=1
passed=$((passed + p_passed)) failed=$((failed + p_failed))

# The store is SQLite in WAL mode with its schema version set.
python3 - "$WORK/flag.db" <<'PY' && ok || bad "store pragmas"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
assert c.execute("PRAGMA user_version").fetchone()[0] >= 1
PY

# A store from a newer dropcat is refused and not touched.
python3 - "$WORK/newer.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE drops (domain TEXT)")
c.execute("PRAGMA user_version = 42")
c.commit()
PY
sum_before=$(sha256sum "$WORK/newer.db")
run --db "$WORK/newer.db" import "$DATA/drops.csv"
expect_rc 1 "newer store"
expect_err "was written by a newer dropcat (schema 42"
expect_equal "$(sha256sum "$WORK/newer.db")" "$sum_before" "newer store unchanged"

# A new store holds personal data: the file is made 0600 and the folders dropcat makes 0700; an
# existing store keeps the mode its owner gave it.
run --db "$WORK/private/inner/p.db" import "$DATA/drops.csv"
expect_rc 0
expect_equal "$(stat -c %a "$WORK/private/inner/p.db")" 600 "new store file mode"
expect_equal "$(stat -c %a "$WORK/private") $(stat -c %a "$WORK/private/inner")" "700 700" "new folder modes"
chmod 0640 "$WORK/private/inner/p.db"
run --db "$WORK/private/inner/p.db" import "$DATA/drops.csv"
expect_equal "$(stat -c %a "$WORK/private/inner/p.db")" 640 "an existing store's mode is kept"

# A store that fails to be created leaves no file: here its write-ahead log cannot be made.
mkdir -p "$WORK/nowal/s.db-wal" && touch "$WORK/nowal/s.db-wal/x"
run --db "$WORK/nowal/s.db" import "$DATA/drops.csv"
expect_rc 1 "store that cannot be set up"
[ ! -e "$WORK/nowal/s.db" ] && ok || bad "a store that failed to be created left its file"

# A store the user may only read: listings work, writes are refused clearly, nothing changes.
# As root the reader is another user (nobody); otherwise the same user without write rights.
ro=$WORK/ro/shared.db
"$DROPCAT" --db "$ro" import -q "$DATA/drops.csv"
"$DROPCAT" --db "$ro" backorder add alpha.com --email reader@example.com >/dev/null
chmod 0755 "$WORK" "$WORK/ro"
chmod 0644 "$ro"
as_reader=()
if [ "$(id -u)" -eq 0 ]; then
  as_reader=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent)
else
  chmod 0444 "$ro"
  chmod 0555 "$WORK/ro"
fi
sum_before=$(sha256sum "$ro")
"${as_reader[@]}" "$DROPCAT" --db "$ro" drops --format tsv >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "drops on a read-only store"
expect_out_lines 7 "every drop listed from a read-only store"
"${as_reader[@]}" "$DROPCAT" --db "$ro" backorder list --format tsv >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "backorder list on a read-only store"
expect_out "reader@example.com"
"${as_reader[@]}" "$DROPCAT" --db "$ro" backorder show alpha.com >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "backorder show on a read-only store"
"${as_reader[@]}" "$DROPCAT" --db "$ro" import "$DATA/namejet.txt" --drop-date 2026-12-01 >"$OUT" 2>"$ERR"
RC=$?
expect_rc 1 "import into a read-only store"
expect_err "can only be read by you"
expect_equal "$(sha256sum "$ro")" "$sum_before" "a read-only store is unchanged"
chmod 0755 "$WORK/ro"

# A file that is not SQLite at all.
echo "just text" >"$WORK/text.db"
run --db "$WORK/text.db" drops
expect_rc 1
expect_err "is not a dropcat store"

finish
