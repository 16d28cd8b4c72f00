# The man page option lists and the completions are generated from the CLI definitions,
# committed, and must not drift; the completions must parse and the pages must lint clean.
. "$(dirname "$0")/lib.sh"
: "${SOURCE_DIR:?}"
# The completions are parsed by their shells and the pages linted: without those tools this
# test cannot check what it promises, so it is skipped (77), not passed.
for tool in zsh fish mandoc; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed (tools/dev installs it)"; exit 77; }
done

run generate --check --dir "$SOURCE_DIR"
expect_rc 0 "committed man pages and completions match the CLI (run 'dropcat generate' if not)"

# A drifted copy is noticed, and regenerating mends it.
copy=$WORK/tree
mkdir -p "$copy"
cp -r "$SOURCE_DIR/man" "$SOURCE_DIR/completions" "$copy/"
sed -i 's/Drop date for rows that have none/Drop day/' "$copy/man/dropcat-import.1"
echo "# stale" >>"$copy/completions/dropcat.bash"
run generate --check --dir "$copy"
expect_rc 1 "drift noticed"
expect_err "dropcat-import.1 is out of date"
expect_err "dropcat.bash is out of date"
run generate --dir "$copy"
expect_rc 0
run generate --check --dir "$copy"
expect_rc 0 "regenerated tree is up to date"

# Every option of every command appears in its man page and in each completion.
for cmd in import drops backorder "backorder add" "backorder import" "backorder list" \
           "backorder show" "backorder cancel" "backorder forget" "backorder expire" \
           registrar "registrar list" "registrar ping" "registrar check" "registrar register"; do
  # shellcheck disable=SC2086
  "$DROPCAT" $cmd --help >"$WORK/help.txt"
  page=${cmd%% *}
  for opt in $(sed -n '/^Examples:/q;p' "$WORK/help.txt" | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
    grep -q -- "$esc" "$SOURCE_DIR/man/dropcat-$page.1" && ok || bad "$opt missing from dropcat-$page.1"
    grep -q -- "$opt" "$SOURCE_DIR/completions/dropcat.bash" && ok || bad "$opt missing from bash completion"
    grep -q -- "$opt" "$SOURCE_DIR/completions/_dropcat" && ok || bad "$opt missing from zsh completion"
    grep -q -- "-l ${opt#--}" "$SOURCE_DIR/completions/dropcat.fish" && ok || bad "$opt missing from fish completion"
  done
done

bash -n "$SOURCE_DIR/completions/dropcat.bash" && ok || bad "bash -n"
# The bash completion completes commands and option values.
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat im); COMP_CWORD=1; _dropcat; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat.bash")
expect_equal "$result" "import" "bash completes a command"
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat drops --format j); COMP_CWORD=3; _dropcat; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat.bash")
expect_equal "$result" "json" "bash completes a choice"
# Live values come from the store named on the line, past the values of any option (--by).
"$DROPCAT" --db "$WORK/live.db" backorder add a.com b.com --email x@example.com >/dev/null
"$DROPCAT" --db "$WORK/other.db" backorder add a.com --email x@example.com >/dev/null
export PATH="$(dirname "$DROPCAT"):$PATH" DROPCAT_DB="$WORK/other.db"
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat --db "$2" backorder --by maria cancel ""); COMP_CWORD=7; _dropcat; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat.bash" "$WORK/live.db")
expect_equal "$result" "1 2" "bash completes backorder ids from the --db store"
# cancel offers only active backorders; show offers the backordered names; --source the sources
# imports named.
"$DROPCAT" --db "$WORK/live.db" backorder cancel 2 -q
"$DROPCAT" --db "$WORK/live.db" import -q --source nightly --drop-date 2026-12-09 <(printf 'n.com\n')
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat --db "$2" backorder cancel ""); COMP_CWORD=5; _dropcat; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat.bash" "$WORK/live.db")
expect_equal "$result" "1" "bash completes only active ids for cancel"
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat --db "$2" backorder set ""); COMP_CWORD=5; _dropcat; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat.bash" "$WORK/live.db")
expect_equal "$result" "1 2" "bash completes every id for set"
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat --db "$2" backorder show ""); COMP_CWORD=5; _dropcat; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat.bash" "$WORK/live.db")
expect_equal "$result" "a.com b.com" "bash completes backordered names for show"
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat --db "$2" drops --source n); COMP_CWORD=5; _dropcat; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat.bash" "$WORK/live.db")
expect_equal "$result" "nightly" "bash completes --source from the store"
result=$(fish -c "source '$SOURCE_DIR/completions/dropcat.fish'; complete -C 'dropcat --db $WORK/live.db drops --source '" | cut -f1 | tr '\n' ' ')
expect_equal "$result" "nightly " "fish completes --source from the store"
# --registrar completes from the configuration named on the line.
printf '[[registrar]]\nname = "from-line"\nkind = "dynadot"\nkey_env = "K"\n' >"$WORK/line.toml"
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat --config "$2" registrar owns --registrar ""); COMP_CWORD=6; _dropcat; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat.bash" "$WORK/line.toml")
expect_equal "$result" "from-line" "bash completes --registrar from --config"
result=$(fish -c "source '$SOURCE_DIR/completions/dropcat.fish'; complete -C 'dropcat --config $WORK/line.toml registrar owns --registrar '" | cut -f1 | tr '\n' ' ')
expect_equal "$result" "from-line " "fish completes --registrar from --config"
result=$(bash -c '. "$1"; COMP_WORDS=(dropcat backorder list --status c); COMP_CWORD=4; _dropcat; echo "${COMPREPLY[*]}"' _ "$SOURCE_DIR/completions/dropcat.bash")
expect_equal "$result" "cancelled caught" "bash completes statuses through the helper"
result=$(fish -c "source '$SOURCE_DIR/completions/dropcat.fish'; complete -C 'dropcat --db $WORK/live.db backorder cancel '" | cut -f1 | tr '\n' ' ')
expect_equal "$result" "1 " "fish completes active backorder ids from the --db store"
result=$(fish -c "source '$SOURCE_DIR/completions/dropcat.fish'; complete -C 'dropcat backorder import --'" | cut -f1 | tr '\n' ' ')
case "$result" in *--strict*|*--input-format*) bad "fish offers import's options for backorder import: $result" ;; *) ok ;; esac
result=$(fish -c "source '$SOURCE_DIR/completions/dropcat.fish'; complete -C 'dropcat backorder '" | cut -f1 | tr '\n' ' ')
expect_equal "$result" "add cancel expire forget import list merge-customers set show " "fish completes backorder subcommands"
unset DROPCAT_DB
zsh -n "$SOURCE_DIR/completions/_dropcat" && ok || bad "zsh -n"
fish -n "$SOURCE_DIR/completions/dropcat.fish" && ok || bad "fish -n"
lint=$(mandoc -Tlint -Wwarning "$SOURCE_DIR"/man/*.1 2>&1)
[ -z "$lint" ] && ok || bad "mandoc -Tlint: $lint"
# What the pages say, as rendered (each of these once read wrongly): words run together by a
# misused .BR, a claim the program contradicts.
rendered=$(for page in "$SOURCE_DIR"/man/*.1; do
  mandoc -T ascii -O width=400 "$page" | sed 's/.\x08//g'; done | tr -s ' \n' ' ')
grep -q 'aTOMLfileof' <<<"$rendered" && bad "dropcat-registrar(1) SECRETS runs words together" || ok
grep -q 'never prompts' <<<"$rendered" && bad "dropcat(1) says it never prompts; backorder forget does" || ok
grep -q 'without delete_at it stays registered' <<<"$rendered" && ok \
  || bad "dropcat-sim(1) says a premium name without delete_at stays registered"

finish
