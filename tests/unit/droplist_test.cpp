#include "core/text.hpp"
#include "temp_files.hpp"

#include <dropcat/droplist.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace dropcat;

namespace {

struct Collected : RowSink {
    struct Good {
        std::string domain;
        std::string day;
        std::string time; // empty when none
        std::size_t line;
    };
    std::vector<Good> rows;
    std::vector<Rejection> rejected;
    void row(DropRow&& r) override {
        rows.push_back({r.name.ascii, format_day(r.when.day),
                        r.when.time ? format_utc(*r.when.time) : "", r.line});
    }
    void reject(Rejection&& r) override { rejected.push_back(std::move(r)); }
};

struct Outcome {
    Result<ReadSummary> summary;
    Collected got;
};

Outcome read_text(const std::string& content, ReadOptions options = {}, bool gzip = false,
                  const std::string& name = "list.txt") {
    test::TempDir dir;
    auto path = dir.write(name, content, gzip);
    auto input = Input::open(path.string());
    REQUIRE(input.has_value());
    Outcome out{ReadSummary{}, {}};
    out.summary = read_drop_list(*input, options, out.got);
    return out;
}

} // namespace

TEST_CASE("droplist: lines with and without dates, comments and blank lines") {
    ReadOptions options;
    options.default_day = days_from_civil(2026, 12, 1);
    auto o = read_text("# NameJet style\n\nexample.com\nBÜCHER.de 2026-12-02\n"
                       "example.net\t2026-12-03T04:00:00Z\n",
                       options);
    REQUIRE(o.summary.has_value());
    CHECK(o.summary->format == InputFormat::lines);
    CHECK(o.summary->rows == 3);
    REQUIRE(o.got.rows.size() == 3);
    CHECK(o.got.rows[0].domain == "example.com");
    CHECK(o.got.rows[0].day == "2026-12-01");
    CHECK(o.got.rows[0].line == 3);
    CHECK(o.got.rows[1].domain == "xn--bcher-kva.de");
    CHECK(o.got.rows[2].time == "2026-12-03T04:00:00Z");
}

TEST_CASE("droplist: a row without a date needs --drop-date") {
    auto o = read_text("example.com\nexample.net 2026-12-01\n");
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rejected.size() == 1);
    CHECK(o.got.rejected[0].line == 1);
    CHECK(o.got.rejected[0].reason == "no drop date (give one with --drop-date)");
    CHECK(o.got.rows.size() == 1);
}

TEST_CASE("droplist: bad rows are rejected with line, reason and text") {
    auto o = read_text("good.com 2026-12-01\nbad_name.com 2026-12-01\ngood.net 2026-13-45\n");
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rejected.size() == 2);
    CHECK(o.got.rejected[0].line == 2);
    CHECK_THAT(o.got.rejected[0].reason, Catch::Contains("'_' is not allowed"));
    CHECK(o.got.rejected[0].text == "bad_name.com 2026-12-01");
    CHECK(o.got.rejected[1].line == 3);
    CHECK(o.got.rejected[1].reason == "cannot read the date '2026-13-45'");
    CHECK(o.summary->rows == 3);
    CHECK(o.summary->good == 1);
}

TEST_CASE("droplist: CSV with a header finds its columns by name") {
    auto o = read_text("Drop Date,Domain Name,price\n2026-12-01,example.com,10\n"
                       "12/02/2026,\"example.net\",\"1,000\"\n");
    REQUIRE(o.summary.has_value());
    CHECK(o.summary->format == InputFormat::csv);
    REQUIRE(o.got.rows.size() == 2);
    CHECK(o.got.rows[0].domain == "example.com");
    CHECK(o.got.rows[0].line == 2);
    CHECK(o.got.rows[1].day == "2026-12-02");
}

TEST_CASE("droplist: semicolon and tab separated lists") {
    auto semi = read_text("domain;drop_date\nexample.com;2026-12-01 15:00:00\n"); // HEXONET
    REQUIRE(semi.summary.has_value());
    REQUIRE(semi.got.rows.size() == 1);
    CHECK(semi.got.rows[0].time == "2026-12-01T15:00:00Z");
    auto tab = read_text("name\trelease_date\nexample.org\t2026-12-04\n");
    REQUIRE(tab.summary.has_value());
    CHECK(tab.summary->format == InputFormat::csv);
    REQUIRE(tab.got.rows.size() == 1);
    CHECK(tab.got.rows[0].day == "2026-12-04");
}

TEST_CASE("droplist: quoted fields follow RFC 4180, even across lines") {
    auto o = read_text("domain,date,note\n\"example.com\",2026-12-01,\"said \"\"hi\"\"\"\n"
                       "example.net,2026-12-01,\"two\nlines\"\nexample.org,2026-12-01,x\n");
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rows.size() == 3);
    CHECK(o.got.rows[2].domain == "example.org");
    CHECK(o.got.rows[2].line == 5);
    auto open = read_text("domain,date\n\"example.com,2026-12-01\n");
    REQUIRE_FALSE(open.summary.has_value());
    CHECK_THAT(open.summary.error().message, Catch::Contains(":2: a quoted field is never closed"));
}

TEST_CASE("droplist: headerless CSV reads domain then date (Pool.com style)") {
    auto o = read_text("example.com,12/01/2026,x\nexample.net,12/02/2026,y\n");
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rows.size() == 2);
    CHECK(o.got.rows[0].line == 1);
    CHECK(o.got.rows[1].day == "2026-12-02");
}

TEST_CASE("droplist: Nominet .uk CSV with drop times") {
    auto o = read_text("ROID,Domain,Drop time\nABC123-UK,example.co.uk,2026-12-01T14:23:05Z\n"
                       "DEF456-UK,example.uk,2026-12-01T16:00:00Z\n",
                       {}, true, "droplist.csv.gz");
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rows.size() == 2);
    CHECK(o.got.rows[0].domain == "example.co.uk");
    CHECK(o.got.rows[0].time == "2026-12-01T14:23:05Z");
}

TEST_CASE("droplist: column overrides by name or number") {
    ReadOptions by_name;
    by_name.domain_column = "fqdn";
    by_name.date_column = "expires";
    auto o = read_text("fqdn,expires\nexample.com,2026-12-01\n", by_name);
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rows.size() == 1);
    ReadOptions by_number;
    by_number.domain_column = "2";
    by_number.date_column = "1";
    auto n = read_text("2026-12-01,example.com\n", by_number);
    REQUIRE(n.summary.has_value());
    REQUIRE(n.got.rows.size() == 1);
    CHECK(n.got.rows[0].domain == "example.com");
    ReadOptions missing;
    missing.domain_column = "nope";
    auto m = read_text("domain,date\nexample.com,2026-12-01\n", missing);
    REQUIRE_FALSE(m.summary.has_value());
    CHECK_THAT(m.summary.error().message, Catch::Contains("no column named 'nope'"));
}

TEST_CASE("droplist: a header without a domain column is a file error") {
    auto o = read_text("foo,drop_date\nexample.com,2026-12-01\n");
    REQUIRE_FALSE(o.summary.has_value());
    CHECK(o.summary.error().kind == ErrorKind::data);
    CHECK_THAT(o.summary.error().message, Catch::Contains(":1: the header has no domain column"));
}

TEST_CASE("droplist: a short row is rejected, not a crash") {
    auto o = read_text("date,domain\n2026-12-01\n2026-12-01,example.com\n");
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rejected.size() == 1);
    CHECK(o.got.rejected[0].reason == "no column 2 on this row");
    CHECK(o.got.rows.size() == 1);
}

TEST_CASE("droplist: .se/.nu JSON, with line numbers") {
    auto o = read_text("{\"data\":[\n"
                       "  {\"name\":\"exempel.se\",\"release_at\":\"2026-12-01\"},\n"
                       "  {\"name\":\"xn--rksmrgs-5wao1o.se.\",\"release_at\":\"2026-12-02\"},\n"
                       "  {\"name\":\"bad_name.se\",\"release_at\":\"2026-12-02\"}\n"
                       "]}\n");
    REQUIRE(o.summary.has_value());
    CHECK(o.summary->format == InputFormat::se_json);
    REQUIRE(o.got.rows.size() == 2);
    CHECK(o.got.rows[0].domain == "exempel.se");
    CHECK(o.got.rows[0].line == 2);
    CHECK(o.got.rows[1].domain == "xn--rksmrgs-5wao1o.se");
    REQUIRE(o.got.rejected.size() == 1);
    CHECK(o.got.rejected[0].line == 4);
}

TEST_CASE("droplist: malformed JSON names its line") {
    auto o =
        read_text("{\"data\":[\n{\"name\":\"a.se\",\"release_at\":\"2026-12-01\"},\n{oops}\n]}\n");
    REQUIRE_FALSE(o.summary.has_value());
    CHECK_THAT(o.summary.error().message, Catch::Contains(":3: malformed JSON"));
}

TEST_CASE("droplist: .se TXT lists are the lines format") {
    ReadOptions opts;
    opts.format = *find_input_format("se-txt");
    auto o = read_text("exempel.se\t2026-12-01\nannat.nu\t2026-12-02\n", opts);
    REQUIRE(o.summary.has_value());
    CHECK(o.got.rows.size() == 2);
}

TEST_CASE("droplist: auDA list maps eligible purge times to purge cycles") {
    auto o = read_text("Deleted Domains\n"
                       "Date, Eligible purge time (UTC), Domain name\n"
                       "16/12/2021, 15:04:50, deletedexample.net.au\n"
                       "16/12/2021, 04:00:00, laterexample.com.au\n"
                       "Expired Domains\n"
                       "Date, Eligible purge time (UTC), Domain name\n"
                       "16/12/2021, 01:00:00, expiredexample.com.au\n");
    REQUIRE(o.summary.has_value());
    CHECK(o.summary->format == InputFormat::auda);
    REQUIRE(o.got.rows.size() == 3);
    // 15:04:50 UTC is 01:04:50 AEST on the 17th: purged at 13:00 AEST (03:00 UTC) that day.
    CHECK(o.got.rows[0].time == "2021-12-17T03:00:00Z");
    // 04:00 UTC is 14:00 AEST on the 16th, after that day's cycle: the next day's.
    CHECK(o.got.rows[1].time == "2021-12-17T03:00:00Z");
    // Expired names go in the 13:30 AEST cycle: 01:00 UTC is 11:00 AEST, same day.
    CHECK(o.got.rows[2].time == "2021-12-16T03:30:00Z");
    // Eligible exactly at a cycle's time: the next day's cycle.
    auto edge = read_text("Date, Eligible purge time (UTC), Domain name\n"
                          "16/12/2021, 03:00:00, edgeexample.com.au\n");
    REQUIRE(edge.summary.has_value());
    REQUIRE(edge.got.rows.size() == 1);
    CHECK(edge.got.rows[0].time == "2021-12-17T03:00:00Z");
}

TEST_CASE("droplist: an auDA list that opens with its expired section is detected") {
    auto o = read_text("Expired Domains\n"
                       "Date, Eligible purge time (UTC), Domain name\n"
                       "16/12/2021, 01:00:00, expiredexample.com.au\n");
    REQUIRE(o.summary.has_value());
    CHECK(o.summary->format == InputFormat::auda);
    REQUIRE(o.got.rows.size() == 1);
    CHECK(o.got.rows[0].time == "2021-12-16T03:30:00Z");
}

TEST_CASE("droplist: gzip is told by its magic bytes, whatever the name") {
    auto o = read_text("example.com 2026-12-01\n", {}, true, "list.csv");
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rows.size() == 1);
    CHECK(o.got.rows[0].domain == "example.com");
}

TEST_CASE("droplist: CRLF line ends and a byte-order mark") {
    auto o = read_text("\xEF\xBB\xBF"
                       "domain,date\r\nexample.com,2026-12-01\r\n");
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rows.size() == 1);
    CHECK(o.got.rows[0].day == "2026-12-01");
}

TEST_CASE("droplist: files that are not drop lists") {
    auto html = read_text("<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n", {}, false,
                          "drops.csv");
    REQUIRE_FALSE(html.summary.has_value());
    CHECK(html.summary.error().kind == ErrorKind::data);
    CHECK_THAT(html.summary.error().message, Catch::Contains("HTML"));

    auto binary = read_text(std::string("PK\x03\x04\x00\x00garbage", 14));
    REQUIRE_FALSE(binary.summary.has_value());
    CHECK_THAT(binary.summary.error().message, Catch::Contains("binary data"));

    auto prose = read_text("Dear customer,\nThank you for your order.\n");
    REQUIRE_FALSE(prose.summary.has_value());
    CHECK_THAT(prose.summary.error().message, Catch::Contains("not a drop list"));
}

TEST_CASE("droplist: an input without rows is refused (an empty download, an API error)") {
    for (const char* text : {"", "# only a comment\n\n", "domain,drop_date\n",
                             "{\"error\":\"rate limited\",\"status\":429}\n", "[]\n"}) {
        INFO(text);
        auto o = read_text(text);
        REQUIRE_FALSE(o.summary.has_value());
        CHECK(o.summary.error().kind == ErrorKind::data);
        CHECK_THAT(o.summary.error().message, Catch::Contains("no drop-list rows"));
    }
}

TEST_CASE("droplist: a gzip file cut short is an error, not a shorter list") {
    std::string text = "domain,drop_date\n";
    for (int i = 0; i < 2000; ++i)
        text += "cut" + std::to_string(i) + ".com,2026-12-01\n";
    test::TempDir dir;
    auto whole = dir.write("whole.csv.gz", text, true);
    std::ifstream in(whole, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto cut = dir.write("cut.csv.gz", bytes.substr(0, bytes.size() / 2));
    auto input = Input::open(cut.string());
    REQUIRE(input.has_value());
    Collected got;
    auto summary = read_drop_list(*input, {}, got);
    REQUIRE_FALSE(summary.has_value());
    CHECK(summary.error().kind == ErrorKind::data);
    CHECK_THAT(summary.error().message, Catch::Contains("gzip data ends too soon"));
}

TEST_CASE("droplist: a tab-separated header names its columns in any order") {
    auto o = read_text("drop_date\tdomain\n2026-12-01\ttabfirst.com\n");
    REQUIRE(o.summary.has_value());
    CHECK(o.summary->format == InputFormat::csv);
    REQUIRE(o.got.rows.size() == 1);
    CHECK(o.got.rows[0].domain == "tabfirst.com");
}

TEST_CASE("droplist: 'domain' is preferred over 'name' wherever the columns stand") {
    auto o = read_text("name,domain,drop_date\nJohn Smith,pref.com,2026-12-01\n");
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rows.size() == 1);
    CHECK(o.got.rows[0].domain == "pref.com");
    auto j = read_text("[{\"domain\":\"pref.se\",\"name\":\"Anna\",\"date\":\"2026-12-01\"}]\n");
    REQUIRE(j.summary.has_value());
    REQUIRE(j.got.rows.size() == 1);
    CHECK(j.got.rows[0].domain == "pref.se");
}

TEST_CASE("droplist: a folder is not a file") {
    test::TempDir dir;
    auto input = Input::open(dir.path().string());
    REQUIRE_FALSE(input.has_value());
    CHECK(input.error().kind == ErrorKind::failed);
    CHECK_THAT(input.error().message, Catch::Contains("is a folder"));
}

TEST_CASE("droplist: many rows keep their order across batches") {
    std::string text;
    for (int i = 0; i < 20000; ++i)
        text += "name" + std::to_string(i) + ".com 2026-12-01\n";
    text += "bad_one.com 2026-12-01\n";
    auto o = read_text(text);
    REQUIRE(o.summary.has_value());
    REQUIRE(o.got.rows.size() == 20000);
    CHECK(o.got.rows[12345].domain == "name12345.com");
    CHECK(o.got.rows[12345].line == 12346);
    REQUIRE(o.got.rejected.size() == 1);
    CHECK(o.got.rejected[0].line == 20001);
}

TEST_CASE("droplist: format names") {
    CHECK(find_input_format("nominet") == InputFormat::csv);
    CHECK(find_input_format("auda") == InputFormat::auda);
    CHECK(find_input_format("auto") == InputFormat::automatic);
    CHECK_FALSE(find_input_format("xml").has_value());
    CHECK(format_name(InputFormat::se_json) == "se-json");
}

TEST_CASE("droplist: rejected text is escaped for the terminal: controls, C1 and bad UTF-8") {
    using dropcat::text::for_message;
    CHECK(for_message("plain.com,2026-12-01") == "plain.com,2026-12-01");
    CHECK(for_message("a\tb") == "a b");
    CHECK(for_message("a\x1b[31mred") == "a\\x1B[31mred"); // ESC: no colour tricks
    CHECK(for_message("del\x7f") == "del\\x7F");
    CHECK(for_message("next\xc2\x85line") == "next\\u0085line"); // NEL, a C1 control
    CHECK(for_message("csi\xc2\x9b"
                      "2J") == "csi\\u009B2J"); // the one-byte CSI, as UTF-8
    CHECK(for_message("raw\x9b"
                      "2J") == "raw\\x9B2J"); // the raw C1 byte: not UTF-8
    CHECK(for_message("bad\xff\xfe") == "bad\\xFF\\xFE");
    CHECK(for_message("over\xc0\xaflong") == "over\\xC0\\xAFlong"); // an overlong '/'
    CHECK(for_message("surrogate\xed\xa0\x80") == "surrogate\\xED\\xA0\\x80");
    CHECK(for_message("cut\xe2\x82") == "cut\\xE2\\x82"); // a sequence cut short
    CHECK(for_message("caf\xc3\xa9 \xe4\xb8\xad\xf0\x9f\x90\x88") ==
          "caf\xc3\xa9 \xe4\xb8\xad\xf0\x9f\x90\x88"); // é, 中 and 🐈 kept
    // The limit counts characters, not bytes, and never cuts one in half.
    CHECK(for_message("\xc3\xa9\xc3\xa9\xc3\xa9", 2) == "\xc3\xa9\xc3\xa9...");
    CHECK(for_message("abc", 3) == "abc");
}
