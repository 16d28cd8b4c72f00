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
run drops
expect_rc 0
[ -f "$XDG_DATA_HOME/dropcat/dropcat.db" ] && ok || bad "default store not under XDG_DATA_HOME"

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

# A file that is not SQLite at all.
echo "just text" >"$WORK/text.db"
run --db "$WORK/text.db" drops
expect_rc 1
expect_err "is not a dropcat store"

finish
