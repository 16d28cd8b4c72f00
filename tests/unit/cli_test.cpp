#include "generate_cmd.hpp"
#include "import_collect.hpp"
#include "options.hpp"
#include "output.hpp"
#include "suggest.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <string_view>

using namespace dropcat;
using namespace dropcat::cli;

TEST_CASE("cli: did-you-mean suggestions") {
    std::array<std::string_view, 3> commands{"import", "drops", "backorder"};
    CHECK(closest("improt", commands) == "import");
    CHECK(closest("drop", commands) == "drops");
    CHECK(closest("backordr", commands) == "backorder");
    CHECK_FALSE(closest("zzzzzz", commands).has_value());
    std::array<std::string_view, 4> formats{"table", "tsv", "csv", "json"};
    CHECK(not_one_of("value", "jsno", formats) ==
          "value 'jsno' is not one of table, tsv, csv, json; did you mean 'json'?");
}

TEST_CASE("cli: JSON strings are escaped") {
    std::string out;
    append_json_string(out, "a\"b\\c\nd\x01");
    CHECK(out == "\"a\\\"b\\\\c\\nd\\u0001\"");
}

TEST_CASE("cli: display width counts characters, not bytes") {
    CHECK(display_width("bücher") == 6);
    CHECK(display_width("рф") == 2);
}

TEST_CASE("cli: command-line dates") {
    Day today = day_of(wall_clock_now());
    CHECK(parse_cli_date("today") == today);
    CHECK(parse_cli_date("tomorrow") == today + 1);
    CHECK(parse_cli_date("2026-12-01") == days_from_civil(2026, 12, 1));
    CHECK_FALSE(parse_cli_date("2026-12-01T10:00:00Z").has_value());
    CHECK_FALSE(parse_cli_date("someday").has_value());
}

TEST_CASE("cli: import keeps one entry per domain, sorted, the last row winning") {
    ImportCollector c;
    c.set_source("first");
    auto row = [](const char* name, Day day) {
        auto n = parse_domain(name);
        REQUIRE(n.has_value());
        return DropRow{*n, DropMoment{day, std::nullopt}, 1};
    };
    c.add(row("zeta.com", 1));
    c.add(row("alpha.com", 1));
    c.set_source("second");
    c.add(row("alpha.com", 2));
    c.add(row("alphabetical.com", 3)); // shares its first 8 bytes with alpha.com
    auto entries = c.entries();
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].domain == "alpha.com");
    CHECK(entries[0].day == 2);
    CHECK(entries[0].source == "second");
    CHECK(entries[1].domain == "alphabetical.com");
    CHECK(entries[2].domain == "zeta.com");
    CHECK(entries[2].source == "first");
    CHECK(entries[2].tld() == "com");
    CHECK(c.rows() == 4);
}

TEST_CASE("cli: a large import sorts on two threads and still lets the last row win") {
    ImportCollector c;
    c.set_source("list");
    const int n = 70000;
    for (int i = n - 1; i >= 0; --i) {
        auto name = parse_domain("n" + std::to_string(i) + ".com");
        REQUIRE(name.has_value());
        c.add(DropRow{*name, DropMoment{1, std::nullopt}, 1});
    }
    auto again = parse_domain("n5.com");
    REQUIRE(again.has_value());
    c.add(DropRow{*again, DropMoment{9, std::nullopt}, 2}); // read last: wins
    auto entries = c.entries();
    REQUIRE(entries.size() == static_cast<std::size_t>(n));
    bool sorted = true;
    for (std::size_t i = 1; i < entries.size(); ++i)
        if (!(entries[i - 1].domain < entries[i].domain)) sorted = false;
    CHECK(sorted);
    auto it = std::find_if(entries.begin(), entries.end(),
                           [](const DropEntry& e) { return e.domain == "n5.com"; });
    REQUIRE(it != entries.end());
    CHECK(it->day == 9);
}

TEST_CASE("cli: generated man options replace only the marked part of a page") {
    std::string page = ".TH X 1\n.SH OPTIONS\nprose\n"
                       ".\\\" BEGIN GENERATED OPTIONS (dropcat generate man)\nold\n"
                       ".\\\" END GENERATED OPTIONS\n.SH EXAMPLES\n";
    std::string spliced = splice_man_page(page, ".TP\nnew\n");
    CHECK(spliced == ".TH X 1\n.SH OPTIONS\nprose\n"
                     ".\\\" BEGIN GENERATED OPTIONS (dropcat generate man)\n.TP\nnew\n"
                     ".\\\" END GENERATED OPTIONS\n.SH EXAMPLES\n");
    CHECK(splice_man_page("no markers", "x") == "no markers");
}
