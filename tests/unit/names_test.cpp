#include <dropcat/names.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using namespace dropcat;

TEST_CASE("names: arguments and stdin lines, in order, normalised") {
    std::istringstream in("# a wish list\n\n  Second.COM \r\nbücher.de\n");
    std::vector<std::string> args{"first.com", "-", "last.net"};
    auto names = read_names(args, in);
    REQUIRE(names);
    CHECK(*names ==
          std::vector<std::string>{"first.com", "second.com", "xn--bcher-kva.de", "last.net"});
}

TEST_CASE("names: a bad line names its line, a bad argument itself") {
    std::istringstream in("good.com\nnot a name\n");
    std::vector<std::string> args{"-"};
    auto bad = read_names(args, in);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == ErrorKind::data);
    CHECK_THAT(bad.error().message, Catch::StartsWith("<stdin>:2: 'not a name': "));
    std::istringstream none("");
    std::vector<std::string> arg{"-x-.com"};
    auto wrong = read_names(arg, none);
    REQUIRE_FALSE(wrong);
    CHECK_THAT(wrong.error().message, Catch::StartsWith("'-x-.com': "));
}

TEST_CASE("names: an endless line is refused without reading it all") {
    std::string huge(5000, 'a');
    std::istringstream in(huge);
    std::vector<std::string> args{"-"};
    auto r = read_names(args, in);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::data);
    CHECK(r.error().message == "<stdin>:1: line too long (over 1024 bytes)");
    CHECK(in.tellg() <= 1100); // it stopped reading at the cap
}

TEST_CASE("names: nothing given is a usage error; a stop request ends the reading") {
    std::istringstream empty("# only a comment\n");
    std::vector<std::string> args{"-"};
    auto none = read_names(args, empty);
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == ErrorKind::usage);
    std::istringstream in("a.com\nb.com\n");
    auto stopped = read_names(args, in, [] { return true; });
    REQUIRE_FALSE(stopped);
    CHECK(stopped.error().kind == ErrorKind::interrupted);
}
