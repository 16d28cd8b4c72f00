#include <dropcat/domain.hpp>

#include <catch2/catch.hpp>

#include <string>

using dropcat::parse_domain;

namespace {
std::string reason(std::string_view text) {
    auto r = parse_domain(text);
    REQUIRE_FALSE(r.has_value());
    return r.error().message;
}
std::string ascii(std::string_view text) {
    auto r = parse_domain(text);
    INFO(std::string(text) << ": " << (r ? "" : r.error().message));
    REQUIRE(r.has_value());
    return r->ascii;
}
} // namespace

TEST_CASE("domain: normalises case, white space and one trailing dot") {
    CHECK(ascii("  Example.COM.  ") == "example.com");
    CHECK(ascii("\texample.net\r") == "example.net");
    CHECK_THAT(reason("example.com.."), Catch::Contains("empty label"));
}

TEST_CASE("domain: U-labels become A-labels and keep their display form") {
    CHECK(ascii("bücher.de") == "xn--bcher-kva.de");
    CHECK(ascii("BÜCHER.de") == "xn--bcher-kva.de"); // UTS #46 mapping lowercases
    CHECK(ascii("xn--bcher-kva.de") == "xn--bcher-kva.de");
    CHECK(dropcat::to_unicode("xn--bcher-kva.de") == "bücher.de");
    CHECK(dropcat::to_unicode("example.com") == "example.com");
    CHECK(ascii("пример.рф") == "xn--e1afmkfd.xn--p1ai");
}

TEST_CASE("domain: reports the TLD and the registrable label") {
    auto name = parse_domain("shop.example.co.uk");
    REQUIRE_FALSE(name.has_value());
    auto uk = parse_domain("example.co.uk");
    REQUIRE(uk.has_value());
    CHECK(uk->tld() == "uk");
    CHECK(uk->label() == "example");
    auto com = parse_domain("abc.com");
    REQUIRE(com.has_value());
    CHECK(com->tld() == "com");
    CHECK(com->label() == "abc");
}

TEST_CASE("domain: length rules") {
    std::string label63(63, 'a');
    CHECK(ascii(label63 + ".com") == label63 + ".com");
    CHECK_THAT(reason(std::string(64, 'a') + ".com"), Catch::Contains("longer than 63"));
    // 4 labels of 63 plus dots make 255 characters: over 253.
    std::string long_name = label63 + "." + label63 + "." + label63 + "." + label63 + ".com";
    CHECK_THAT(reason(long_name), Catch::Contains("more than 253"));
    CHECK_THAT(reason(""), Catch::Contains("empty name"));
    CHECK_THAT(reason("   "), Catch::Contains("empty name"));
    CHECK_THAT(reason(".example.com"), Catch::Contains("empty label"));
}

TEST_CASE("domain: LDH and hyphen rules") {
    CHECK_THAT(reason("foo_bar.com"), Catch::Contains("'_' is not allowed"));
    CHECK_THAT(reason("foo bar.com"), Catch::Contains("a space is not allowed"));
    CHECK_THAT(reason("-foo.com"), Catch::Contains("starts with a hyphen"));
    CHECK_THAT(reason("foo-.com"), Catch::Contains("ends with a hyphen"));
    CHECK_THAT(reason("ab--cd.com"), Catch::Contains("positions 3-4"));
    CHECK(ascii("a-b-c.com") == "a-b-c.com");
    CHECK(ascii("abc--d.com") == "abc--d.com"); // hyphens at 4-5 are allowed
    CHECK(ascii("123.com") == "123.com");
}

TEST_CASE("domain: punycode labels must be valid") {
    CHECK_THAT(reason("xn--abc.com"), Catch::Contains("not valid punycode"));
    CHECK_THAT(reason("xn--.com"), Catch::Contains("xn--"));
    CHECK_THAT(reason("xn--zz-zzzz9.com"), Catch::Contains("not valid punycode"));
}

TEST_CASE("domain: single labels, unknown TLDs and public suffixes are not domains") {
    CHECK_THAT(reason("localhost"), Catch::Contains("single label"));
    CHECK_THAT(reason("com"), Catch::Contains("single label"));
    CHECK_THAT(reason("example.notatld"), Catch::Contains("unknown top-level domain '.notatld'"));
    CHECK_THAT(reason("example.123"), Catch::Contains("unknown top-level domain"));
    CHECK_THAT(reason("co.uk"), Catch::Contains("public suffix"));
}

TEST_CASE("domain: only registrable domains pass (ICANN section of the list)") {
    CHECK(ascii("example.co.uk") == "example.co.uk");
    CHECK(ascii("example.com.au") == "example.com.au");
    CHECK_THAT(reason("www.example.com"),
               Catch::Contains("'www.example.com' is a name under 'example.com'"));
    CHECK_THAT(reason("a.b.example.co.uk"), Catch::Contains("under 'example.co.uk'"));
    // blogspot.com is in the private section only: for the registry, foo.blogspot.com is a
    // name under blogspot.com.
    CHECK_THAT(reason("foo.blogspot.com"), Catch::Contains("under 'blogspot.com'"));
}
