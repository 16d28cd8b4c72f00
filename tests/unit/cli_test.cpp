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

namespace {
// What an import hands the store, kept past each batch.
struct Entry {
    std::string domain, source, tld;
    Day day;
};
std::vector<Entry> drain(ImportCollector& c) {
    REQUIRE(c.finish().has_value());
    std::vector<Entry> out;
    for (auto batch = c.next(); !batch.empty(); batch = c.next())
        for (const auto& e : batch)
            out.push_back(
                {std::string(e.domain), std::string(e.source), std::string(e.tld()), e.day});
    CHECK_FALSE(c.error().has_value());
    return out;
}
DropRow drop_row(const std::string& name, Day day) {
    auto n = parse_domain(name);
    REQUIRE(n.has_value());
    return DropRow{*n, DropMoment{day, std::nullopt}, 1, false, std::nullopt};
}
} // namespace

TEST_CASE("cli: import keeps one entry per domain, sorted, the last row winning") {
    ImportCollector c;
    c.set_source("first");
    REQUIRE(c.add(drop_row("zeta.com", 1)));
    REQUIRE(c.add(drop_row("alpha.com", 1)));
    c.set_source("second");
    REQUIRE(c.add(drop_row("alpha.com", 2)));
    REQUIRE(c.add(drop_row("alphabetical.com", 3))); // shares its first 8 bytes with alpha.com
    auto entries = drain(c);
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].domain == "alpha.com");
    CHECK(entries[0].day == 2);
    CHECK(entries[0].source == "second");
    CHECK(entries[1].domain == "alphabetical.com");
    CHECK(entries[2].domain == "zeta.com");
    CHECK(entries[2].source == "first");
    CHECK(entries[2].tld == "com");
    CHECK(c.rows() == 4);
    CHECK(c.runs() == 0);
}

// The same rows through memory only and through many sorted runs in temporary files give the
// same entries: sorted, unique, the last row read winning even when its twin is in another run.
TEST_CASE("cli: a large import sorts on two threads, or in runs, and still lets the last row win") {
    const int n = 70000;
    auto fill = [&](ImportCollector& c) {
        c.set_source("list");
        for (int i = n - 1; i >= 0; --i)
            REQUIRE(c.add(drop_row("n" + std::to_string(i) + ".com", 1)));
        for (int i = 0; i < n; i += 7) // duplicates, spread over the runs
            REQUIRE(c.add(drop_row("n" + std::to_string(i) + ".com", 2)));
        c.set_source("late");
        REQUIRE(c.add(drop_row("n5.com", 9))); // read last: wins
    };
    ImportCollector memory;
    fill(memory);
    ImportCollector spilled(256 << 10);
    fill(spilled);
    // A tiny budget makes hundreds of runs: they are merged in passes, never more than 64.
    ImportCollector passes(16 << 10);
    fill(passes);
    CHECK(memory.runs() == 0);
    CHECK(spilled.runs() > 5);
    CHECK(passes.runs() < 64);
    CHECK(passes.merge_passes() >= 3);
    auto a = drain(memory);
    auto b = drain(spilled);
    auto c = drain(passes);
    REQUIRE(c.size() == a.size());
    bool same_in_passes = true;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].domain != c[i].domain || a[i].day != c[i].day || a[i].source != c[i].source)
            same_in_passes = false;
    CHECK(same_in_passes);
    REQUIRE(a.size() == static_cast<std::size_t>(n));
    REQUIRE(b.size() == a.size());
    bool sorted = true, same = true;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (i > 0 && !(a[i - 1].domain < a[i].domain)) sorted = false;
        if (a[i].domain != b[i].domain || a[i].day != b[i].day || a[i].source != b[i].source)
            same = false;
    }
    CHECK(sorted);
    CHECK(same);
    auto it = std::find_if(b.begin(), b.end(), [](const Entry& e) { return e.domain == "n5.com"; });
    REQUIRE(it != b.end());
    CHECK(it->day == 9);
    CHECK(it->source == "late");
    auto seventh =
        std::find_if(b.begin(), b.end(), [](const Entry& e) { return e.domain == "n14.com"; });
    REQUIRE(seventh != b.end());
    CHECK(seventh->day == 2);
}

TEST_CASE("cli: DROPCAT_SORT_MEMORY") {
    auto with = [](const char* value) {
        setenv("DROPCAT_SORT_MEMORY", value, 1);
        auto r = sort_memory_from_environment();
        unsetenv("DROPCAT_SORT_MEMORY");
        return r;
    };
    CHECK(with("96M") == std::size_t{96} << 20);
    CHECK(with("1G") == std::size_t{1} << 30);
    CHECK(with("2048K") == std::size_t{2} << 20);
    for (const char* bad : {"12", "1T", "M", "-5M", "5 M", "512K"}) {
        INFO(bad);
        auto r = with(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::config);
    }
    CHECK(sort_memory_from_environment() == ImportCollector::k_default_budget);
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
