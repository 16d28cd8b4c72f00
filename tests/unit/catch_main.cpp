// The unit tests' main: Catch2's, after a check that the backend under test can be reached.
// A PostgreSQL run without a server is skipped (exit 77, which CTest reports as skipped) unless
// DROPCAT_TEST_PG_REQUIRED is set, as tools/dev test sets it: then it fails.
#define CATCH_CONFIG_RUNNER
#include "test_store.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

int main(int argc, char** argv) {
    bool listing = false;
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]).starts_with("--list")) listing = true;
    if (!listing && dropcat::test::backend_under_test() == dropcat::Backend::postgresql) {
        std::string why;
        if (!dropcat::test::postgresql_reachable(why)) {
            bool required = std::getenv("DROPCAT_TEST_PG_REQUIRED") != nullptr;
            std::fprintf(stderr, "%s: no PostgreSQL server (%s)\n", required ? "FAIL" : "SKIP",
                         why.c_str());
            return required ? 1 : 77;
        }
    }
    return Catch::Session().run(argc, argv);
}
