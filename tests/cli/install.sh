# cmake --install puts the program, the library, its headers, the man pages and the
# completions where GNUInstallDirs says, and the installed program runs.
. "$(dirname "$0")/lib.sh"
: "${BUILD_DIR:?}"
prefix=$WORK/prefix
cmake --install "$BUILD_DIR" --prefix "$prefix" >"$WORK/install.log" 2>&1 && ok || bad "cmake --install: $(tail -3 "$WORK/install.log")"
for f in bin/dropcat include/dropcat/droplist.hpp include/dropcat/store.hpp \
         share/man/man1/dropcat.1 share/man/man1/dropcat-import.1 share/man/man1/dropcat-drops.1 \
         share/bash-completion/completions/dropcat share/zsh/vendor-completions/_dropcat \
         share/fish/vendor_completions.d/dropcat.fish bin/dropcat-sim share/man/man1/dropcat-sim.1 \
         share/man/man1/dropcat-registrar.1 share/bash-completion/completions/dropcat-sim \
         share/zsh/vendor-completions/_dropcat-sim share/fish/vendor_completions.d/dropcat-sim.fish; do
  [ -e "$prefix/$f" ] && ok || bad "not installed: $f"
done
lib=$(find "$prefix" -name 'libdropcat.so*' | head -n 1)
[ -n "$lib" ] && ok || bad "libdropcat.so not installed"
# No LD_LIBRARY_PATH: the installed program must find its library by itself.
env -u LD_LIBRARY_PATH "$prefix/bin/dropcat" --version >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "installed dropcat runs without LD_LIBRARY_PATH"
expect_out "dropcat 0.1.0"
env -u LD_LIBRARY_PATH "$prefix/bin/dropcat-sim" --version >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "installed dropcat-sim runs without LD_LIBRARY_PATH"
finish
