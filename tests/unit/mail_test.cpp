#include <dropcat/mail.hpp>

#include <catch2/catch.hpp>

using namespace dropcat;

namespace {

MailMessage sample() {
    MailMessage m;
    m.from = {"Ada Lovelace", "ada@example.org"};
    m.to = {"Bob", "bob@example.net"};
    m.reply_to = Mailbox{"", "sales@example.org"};
    m.subject = "Offer: example.com is for sale";
    m.date = from_unix_ms(1'796'000'000'000); // 2026-11-30T00:53:20Z, a Monday
    m.message_id = "abc.1@example.org";
    m.unsubscribe = {"mailto:unsubscribe@example.org?subject=unsubscribe",
                     "https://example.org/u/TOKEN"};
    m.one_click = true;
    m.body = "Hello Bob,\nexample.com costs 100.00 USD.\n";
    return m;
}

} // namespace

TEST_CASE("mail: a message has every header, CRLF lines and a quoted-printable body", "[mail]") {
    auto text = format_message(sample());
    REQUIRE(text);
    CHECK_THAT(*text, Catch::StartsWith("From: Ada Lovelace <ada@example.org>\r\n"
                                        "To: Bob <bob@example.net>\r\n"
                                        "Reply-To: <sales@example.org>\r\n"
                                        "Subject: Offer: example.com is for sale\r\n"
                                        "Date: Mon, 30 Nov 2026 00:53:20 +0000\r\n"
                                        "Message-ID: <abc.1@example.org>\r\n"
                                        "List-Unsubscribe: "
                                        "<mailto:unsubscribe@example.org?subject=unsubscribe>,\r\n"
                                        " <https://example.org/u/TOKEN>\r\n"
                                        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                                        "MIME-Version: 1.0\r\n"
                                        "Content-Type: text/plain; charset=UTF-8\r\n"
                                        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"));
    CHECK_THAT(*text, Catch::EndsWith("\r\n\r\nHello Bob,\r\nexample.com costs 100.00 USD.\r\n"));
    // No bare LF anywhere.
    for (std::size_t i = 0; i < text->size(); ++i)
        if ((*text)[i] == '\n') REQUIRE((i > 0 && (*text)[i - 1] == '\r'));
}

TEST_CASE("mail: a field with a line break is refused, whatever field", "[mail]") {
    for (int which = 0; which < 6; ++which) {
        auto m = sample();
        std::string evil = "x\r\nBcc: victim@example.com";
        switch (which) {
        case 0:
            m.subject = evil;
            break;
        case 1:
            m.from.name = evil;
            break;
        case 2:
            m.to.address = "bob@example.net\nBcc: v@example.com";
            break;
        case 3:
            m.reply_to->name = "a\rb";
            break;
        case 4:
            m.unsubscribe[0] = "mailto:a@b.c\r\nX: y";
            break;
        case 5:
            m.to.name = "Bob\n";
            break;
        }
        auto text = format_message(m);
        REQUIRE_FALSE(text);
        CHECK(text.error().kind == ErrorKind::data);
    }
    auto m = sample();
    m.to.address = "Bob <bob@example.net>";
    CHECK_FALSE(format_message(m));
    m = sample();
    m.unsubscribe = {"mailto:unsubscribe@example.org"};
    auto no_https = format_message(m); // one-click needs an https: URI
    REQUIRE_FALSE(no_https);
    CHECK_THAT(no_https.error().message, Catch::Contains("https"));
}

TEST_CASE("mail: non-ASCII names and subjects become encoded words", "[mail]") {
    auto m = sample();
    m.from.name = "Zoë Müller, Domains";
    m.subject = std::string("Angebot: bücher.de für 100 € – ") + std::string(60, 'x');
    auto text = format_message(m);
    REQUIRE(text);
    CHECK_THAT(*text, Catch::Contains("From: =?UTF-8?B?Wm/DqyBNw7xsbGVyLCBEb21haW5z?= "
                                      "<ada@example.org>\r\n"));
    // Each encoded word at most 75 characters, folded onto continuation lines.
    auto start = text->find("Subject: ");
    auto end = text->find("\r\nDate: ");
    std::string subject = text->substr(start + 9, end - start - 9);
    CHECK(subject.find("\r\n =?UTF-8?B?") != std::string::npos);
    std::size_t pos = 0;
    while ((pos = subject.find("=?UTF-8?B?", pos)) != std::string::npos) {
        auto close = subject.find("?=", pos + 10);
        REQUIRE(close != std::string::npos);
        CHECK(close + 2 - pos <= 75);
        pos = close;
    }
    // A plain ASCII name with specials is quoted.
    m = sample();
    m.from.name = "Example Domains, Inc. \"Sales\"";
    text = format_message(m);
    REQUIRE(text);
    CHECK_THAT(*text,
               Catch::Contains("From: \"Example Domains, Inc. \\\"Sales\\\"\" <ada@example.org>"));
}

TEST_CASE("mail: quoted-printable keeps lines short and encodes what it must", "[mail]") {
    CHECK(quoted_printable("a=b") == "a=3Db");
    CHECK(quoted_printable("price 5 €") == "price 5 =E2=82=AC");
    CHECK(quoted_printable("trailing \nnext") == "trailing=20\r\nnext");
    std::string long_line(200, 'a');
    std::string qp = quoted_printable(long_line);
    std::size_t at = 0;
    while (at < qp.size()) {
        auto eol = qp.find("\r\n", at);
        if (eol == std::string::npos) eol = qp.size();
        CHECK(eol - at <= 76);
        at = eol + 2;
    }
    CHECK(qp.find("=\r\n") != std::string::npos);
}

TEST_CASE("mail: addresses, dates and tokens", "[mail]") {
    CHECK(plain_address("bob@example.net"));
    CHECK_FALSE(plain_address("bob@localhost"));
    CHECK_FALSE(plain_address("bob example@example.net"));
    CHECK_FALSE(plain_address("@example.net"));
    CHECK_FALSE(plain_address("bøb@example.net"));
    CHECK(canonical_address("  Bob@Example.NET ") == "bob@example.net");
    CHECK(format_mail_date(from_unix_ms(0)) == "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK_THAT(new_message_id("ada@example.org", from_unix_ms(5)),
               Catch::Matches("[0-9a-f]{32}\\.5@example\\.org"));

    auto token = optout_token("secret", "Bob@Example.net");
    CHECK(token.size() == 43);
    CHECK(token_shaped(token));
    CHECK(token == optout_token("secret", "bob@example.net")); // the canonical address
    CHECK(token != optout_token("other secret", "bob@example.net"));
    CHECK(token != optout_token("secret", "bob2@example.net"));
    // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?"), base64url.
    CHECK(optout_token("Jefe", "what do ya want for nothing?") ==
          "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
    CHECK(address_hash(" Bob@Example.NET") ==
          "e7b3b708168e80fd10abb34296e9863d4cc0c191c84b4fe934c92fce9bcfdd18");
    CHECK_FALSE(token_shaped("short"));
    CHECK_FALSE(token_shaped(std::string(43, '.')));
}
