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
# The library as a library: a small program built against the installed headers and library,
# once with CMake's find_package(dropcat) and once with pkg-config; it runs without
# LD_LIBRARY_PATH beyond the prefix. Only the public API is exported, and no third-party symbol.
for f in include/dropcat/export.hpp lib/cmake/dropcat/dropcatConfig.cmake \
         lib/cmake/dropcat/dropcatTargets.cmake; do
  [ -n "$(find "$prefix" -path "*$f" | head -n 1)" ] && ok || bad "not installed: $f"
done
pc_dir=$(dirname "$(find "$prefix" -name dropcat.pc | head -n 1)")
[ -f "$pc_dir/dropcat.pc" ] && ok || bad "dropcat.pc not installed"
mkdir -p "$WORK/consumer"
cat >"$WORK/consumer/main.cpp" <<'CPP'
#include <dropcat/backorder.hpp>
#include <dropcat/domain.hpp>
#include <iostream>
int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        auto name = dropcat::parse_domain(argv[i]);
        std::cout << (name ? name->ascii : "refused: " + name.error().message) << " "
                  << dropcat::looks_like_card_number(argv[i]) << "\n";
    }
}
CPP
cat >"$WORK/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(consumer CXX)
set(CMAKE_CXX_STANDARD 23)
find_package(dropcat 0.1 REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE dropcat::dropcat)
CMAKE
# A library built with AddressSanitizer (tools/dev sanitize) needs its runtime in the program.
sanitize=()
ldd "$lib" 2>/dev/null | grep -q libasan && sanitize=(-fsanitize=address,undefined)
if cmake -S "$WORK/consumer" -B "$WORK/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" \
     -DCMAKE_BUILD_RPATH="$(dirname "$lib")" -DCMAKE_CXX_FLAGS="${sanitize[*]}" >"$WORK/consumer.log" 2>&1 &&
   cmake --build "$WORK/consumer/build" >>"$WORK/consumer.log" 2>&1; then ok; else bad "find_package(dropcat): $(tail -5 "$WORK/consumer.log")"; fi
env -u LD_LIBRARY_PATH "$WORK/consumer/build/consumer" Bücher.DE 4111111111111111.com >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "a program built with find_package(dropcat) runs"
expect_out "xn--bcher-kva.de 0"
expect_out "4111111111111111.com 1"
# shellcheck disable=SC2046
if c++ -std=c++23 "${sanitize[@]}" -o "$WORK/consumer/pc" "$WORK/consumer/main.cpp" \
     $(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags --libs dropcat) -Wl,-rpath,"$(dirname "$lib")" \
     >"$WORK/pc.log" 2>&1; then ok; else bad "pkg-config dropcat: $(tail -5 "$WORK/pc.log")"; fi
env -u LD_LIBRARY_PATH "$WORK/consumer/pc" example.com >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "a program built with pkg-config runs"
expect_out "example.com 0"
exported=$(nm -D --defined-only "$lib" | c++filt)
echo "$exported" | grep -q 'dropcat::looks_like_card_number' && ok || bad "the public API is not exported"
echo "$exported" | grep -q 'dropcat::text::for_message' && bad "an internal function is exported" || ok
echo "$exported" | grep -q 'dropcat::store::SqliteConnection' && bad "an internal class is exported" || ok
echo "$exported" | grep -Eq ' (inflate|fmt::|nlohmann|toml::|pugi::|curl_|sqlite3_|PQ)' && bad "a third-party symbol is exported: $(echo "$exported" | grep -E ' (inflate|fmt::|nlohmann|toml::|pugi::|curl_|sqlite3_|PQ)' | head -3)" || ok
grep -rlE '#include <(zlib|fmt|nlohmann|toml|pugixml|curl|sqlite3|libpq|phonenumbers)' "$prefix/include/dropcat" && bad "a public header includes a third-party header" || ok
finish
