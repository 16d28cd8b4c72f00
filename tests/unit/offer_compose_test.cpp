#include "temp_files.hpp"

#include <dropcat/config.hpp>
#include <dropcat/offer.hpp>

#include <catch2/catch.hpp>

using namespace dropcat;
using dropcat::test::TempDir;

namespace {

OperatorSettings identity() {
    OperatorSettings o;
    o.company = "Example Domains Ltd";
    o.address = "1 High Street, London N1 1AA, United Kingdom";
    o.phone = "+44 20 7946 0000";
    o.sender_name = "Ada Lovelace";
    o.sender_email = "ada@example.org";
    o.unsubscribe_mailto = "unsubscribe@example.org";
    return o;
}

OfferFields fields() {
    OperatorSettings o = identity();
    OfferFields f;
    f.domain = "example.com";
    f.price = "1,500.00 USD";
    f.valid_until = "2026-12-17";
    f.valid_days = "14";
    f.recipient_name = "Bob";
    f.recipient_email = "bob@example.net";
    f.reason = "you asked us to try to register example.com for you (backorder of 2026-11-20).";
    f.optout = optout_text(o, "TOKEN");
    f.accept = "To accept, reply to this message.";
    f.company = o.company;
    f.address = o.address;
    f.phone = o.phone;
    f.sender_name = o.sender_name;
    f.sender_email = o.sender_email;
    return f;
}

} // namespace

TEST_CASE("offer: the default template says who writes, what is offered and how to stop",
          "[offer]") {
    REQUIRE(check_offer_template(default_offer_template()));
    auto text = render_offer(default_offer_template(), fields());
    REQUIRE(text);
    for (const char* part :
         {"Hello Bob,", "This is a commercial offer from Example Domains Ltd.",
          "We hold the domain name example.com and offer it to you for 1,500.00 USD.",
          "The offer stands until 2026-12-17 (14 days). To accept, reply to this message.",
          "Why you are receiving this: you asked us", "write to unsubscribe@example.org",
          "1 High Street, London N1 1AA, United Kingdom", "Telephone: +44 20 7946 0000"})
        CHECK_THAT(*text, Catch::Contains(part));
    // No name: a greeting without one.
    auto f = fields();
    f.recipient_name.clear();
    CHECK_THAT(*render_offer(default_offer_template(), f), Catch::StartsWith("Hello,\n"));
    CHECK(offer_subject(f) == "Offer: example.com for 1,500.00 USD");
}

TEST_CASE("offer: a custom template without the identity, the offer or the opt-out is refused",
          "[offer]") {
    auto bare = check_offer_template("Buy {domain} now!\nWrite to {sender_email}.\n");
    REQUIRE_FALSE(bare);
    CHECK(bare.error().kind == ErrorKind::data);
    for (const char* missing :
         {"who is writing ({company}) is missing", "the postal address ({address}) is missing",
          "the telephone ({phone}) is missing", "the price ({price}) is missing",
          "how to stop further mail ({optout}) is missing"})
        CHECK_THAT(bare.error().message, Catch::Contains(missing));
    CHECK_THAT(bare.error().message, !Catch::Contains("{domain}"));

    auto typo = check_offer_template("{company} {address} {phone} {domain} {price}\n{opt_out}\n");
    REQUIRE_FALSE(typo);
    CHECK_THAT(typo.error().message, Catch::Contains("line 2: no field {opt_out}"));
    CHECK_THAT(typo.error().message, Catch::Contains("({optout}) is missing"));

    auto open = check_offer_template("{company\n");
    REQUIRE_FALSE(open);
    CHECK_THAT(open.error().message, Catch::Contains("template line 1: a '{' that is not closed"));
    // Doubled braces are literal.
    auto text = render_offer("{{{domain}}}", fields());
    REQUIRE(text);
    CHECK(*text == "{example.com}");
}

TEST_CASE("offer: the identity an offer needs, and the opt-out channels", "[offer]") {
    OperatorSettings none;
    CHECK(missing_identity(none) ==
          std::vector<std::string>{"company", "address", "phone", "sender_name", "sender_email"});
    CHECK(missing_identity(identity()).empty());
    OperatorSettings o = identity();
    CHECK(unsubscribe_uris(o, "TOK") ==
          std::vector<std::string>{"mailto:unsubscribe@example.org?subject=unsubscribe%20TOK"});
    o.unsubscribe_url_base = "https://example.org/u";
    CHECK(unsubscribe_uris(o, "TOK").back() == "https://example.org/u/TOK");
    CHECK_THAT(optout_text(o, "TOK"), Catch::Contains("open https://example.org/u/TOK"));
    o.unsubscribe_mailto.clear(); // the sender's address takes opt-outs
    CHECK(unsubscribe_uris(o, "TOK").front() == "mailto:ada@example.org?subject=unsubscribe%20TOK");
}

TEST_CASE("offer: [operator] and [smtp] are read and checked", "[offer][config]") {
    TempDir dir;
    auto good = dir.write("good.toml", R"([operator]
company = "Example Domains Ltd"
address = """1 High Street
London N1 1AA"""
phone = "+44 20 7946 0000"
sender_name = "Ada Lovelace"
sender_email = "ada@example.org"
unsubscribe_url_base = "https://example.org/u/"

[smtp]
url = "smtp://127.0.0.1:2525"
allow_plaintext = true
per_minute = 30
)");
    auto config = load_config(good, true);
    REQUIRE(config);
    CHECK(config->operator_identity.company == "Example Domains Ltd");
    CHECK(config->operator_identity.address == "1 High Street\nLondon N1 1AA");
    CHECK(config->operator_identity.token_secret_env == "DROPCAT_OPTOUT_SECRET");
    CHECK(config->smtp.per_minute == 30);
    CHECK(config->smtp.allow_plaintext);

    struct Bad {
        const char* toml;
        const char* says;
    };
    for (auto [toml, says] : std::initializer_list<Bad>{
             {"[operator]\nphone = \"12\"\n", "bad.toml:2: operator.phone: must be a telephone"},
             {"[operator]\nsender_email = \"ada\"\n", "operator.sender_email: must be an address"},
             {"[operator]\nunsubscribe_url_base = \"http://example.org/u/\"\n",
              "must be an https:// URL"},
             {"[operator]\ncompany = \"A\\r\\nBcc: x@example.com\"\n",
              "operator.company: must be one line"},
             {"[operator]\ncompnay = \"A\"\n", "did you mean 'company'"},
             {"[smtp]\nurl = \"smtp://mail.example.org\"\nallow_plaintext = true\n",
              "smtp.allow_plaintext: is only for a server on this machine"},
             {"[smtp]\nurl = \"http://mail.example.org\"\n", "smtp.url: must be smtp://"},
             {"[smtp]\npassword_env = \"hunter2 is my password\"\n", "must name an environment"},
             {"[smtp]\nper_minute = 0\n", "smtp.per_minute: must be a whole number from 1"}}) {
        auto path = dir.write("bad.toml", toml);
        auto refused = load_config(path, true);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().kind == ErrorKind::config);
        CHECK_THAT(refused.error().message, Catch::Contains(says));
    }
}
