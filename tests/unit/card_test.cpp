// Card numbers however they are written, and what must not be taken for one.

#include <dropcat/backorder.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace dropcat;

TEST_CASE("card: every network's test numbers are cards, in one block or in groups") {
    for (const char* card :
         {"4111111111111111", "4012888888881881", "4222222222222", "4000000000000000006",
          "5555555555554444", "2223003122003222", "378282246310005", "6011111111111117",
          "30569309025904", "3530111333300000", "6200000000000005", "6759649826438453",
          "2200000000000004", "9792000000000003", "8100000000000002", "100000000000009",
          "4111 1111 1111 1111", "3782 822463 10005", "card: 4111-1111-1111-1111 exp 12/29"}) {
        INFO(card);
        CHECK(looks_like_card_number(card));
    }
}

TEST_CASE("card: any separator that is not a digit or a letter, or a single letter") {
    for (const char* card :
         {"4111.1111.1111.1111", "4111/1111/1111/1111", "4111_1111_1111_1111",
          "4111--1111--1111--1111", "4111\t1111\t1111\t1111", "4111\n1111\r\n1111\n1111",
          "4111\u200b1111\u200b1111\u200b1111",    // zero-width space
          "4111\u00a01111\u00a01111\u00a01111",    // no-break space
          "4111\u30001111\u30001111\u30001111",    // ideographic space
          "4111\u20131111\u20141111\u22121111",    // en dash, em dash, minus sign
          "4111\ufeff1111\u00ad1111\u20601111",    // BOM, soft hyphen, word joiner
          "4\u03321\u03321\u03321 1111 1111 1111", // combining low lines
          "4111x1111x1111x1111", "4111 a 1111 b 1111 c 1111", "4111+1111+1111+1111",
          "(4111) [1111] {1111} <1111>", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
          "4111*1111#1111~1111"}) {
        INFO(card);
        CHECK(looks_like_card_number(card));
    }
}

TEST_CASE("card: digits of any script") {
    for (const char* card :
         {"\uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 "
          "\uff11\uff11\uff11\uff11", // full-width
          "\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661"
          "\u0661\u0661\u0661", // Arabic-Indic
          "\u096a\u0967\u0967\u0967-\u0967\u0967\u0967\u0967-\u0967\u0967\u0967\u0967-"
          "\u0967\u0967\u0967\u0967",                   // Devanagari
          "\u06f4111 \u09e7111 1111 \U0001d7cf111",     // scripts mixed
          "\u0e54\u0e51\u0e51\u0e51 1111 1111 1111"}) { // Thai
        INFO(card);
        CHECK(looks_like_card_number(card));
    }
}

TEST_CASE("card: digits around a card do not hide it") {
    CHECK(looks_like_card_number("card 4111 1111 1111 1111 12/25"));
    CHECK(looks_like_card_number("4111111111111111 123"));
    CHECK(looks_like_card_number("ref 12 4111 1111 1111 1111"));
    CHECK(looks_like_card_number("amex 3782 822463 10005 exp 0129 cvv 1234"));
    CHECK(looks_like_card_number("anna+4111111111111111"));
    // After a '+', a run is a phone number only when it is a valid one: a 13-15 digit card
    // written +NNN is still a card.
    CHECK(looks_like_card_number("anna+378282246310005"));
    CHECK(looks_like_card_number("+30569309025904"));
    CHECK(looks_like_card_number("+4222222222222"));
    CHECK(looks_like_card_number("x4111x1111x1111x1111x"));
}

TEST_CASE("card: ordinary numbers are not cards") {
    for (const char* text :
         {"", "4111 1111 1111 1112", // fails Luhn
          "7000000000000005",        // passes Luhn, no issuer starts with 7
          "0000000000000000", "20260000000006",
          "order 123456789012",   // 12 digits
          "12345678901234567890", // 20 digits in one run
          "window 2026-12-01 2026-12-03", "renewal 2026-12-03 19:00:00 UTC, budget 500",
          "4111 1111 order number 1111 1111", // words between the groups
          "ISBN 978-3-16-148410-0",
          // Phone numbers of several countries, alone and in notes.
          "+1 555-123-4567", "+86 139 1234 5677", "+8613912345677", "+44 20 7946 0958",
          "+49 30 901820", "+49 1512 3456789", "+33 1 42 68 53 00", "+81 3-1234-5678",
          "+91 98765 43210", "+1 (415) 555-2671", "+61 2 9876 5432", "+55 11 91234-5678",
          "+62 812 3456 7890", "call +46 70 111 22 33 after 10"}) {
        INFO(text);
        CHECK_FALSE(looks_like_card_number(text));
    }
}

TEST_CASE("card: a number split between two fields of one record") {
    std::vector<std::string_view> fields{"Anna 4111 1111", "anna@example.com", "1111 1111"};
    auto pair = card_number_across(fields);
    REQUIRE(pair);
    CHECK(pair->first == 0);
    CHECK(pair->second == 2);
    std::vector<std::string_view> reversed{"1111 1111", "Anna 4111 1111"};
    CHECK(card_number_across(reversed));
    std::vector<std::string_view> ordinary{"Anna Berg", "+46 70 111 22 33", "call first"};
    CHECK_FALSE(card_number_across(ordinary));
}

TEST_CASE("card: messages lose the card and keep the rest") {
    CHECK(without_card_numbers("list.csv:3: '4111 1111 1111 1111' is not a number") ==
          "list.csv:3: '[card number removed]' is not a number");
    CHECK(without_card_numbers("a 4111111111111111 b 5555555555554444 c") ==
          "a [card number removed] b [card number removed] c");
    CHECK(without_card_numbers("line 12: 2026-12-03") == "line 12: 2026-12-03");
    auto span = find_card_number("pay 4111-1111-1111-1111.");
    REQUIRE(span);
    CHECK(span->begin == 4);
    CHECK(span->end == 23);
}

TEST_CASE("phone: libphonenumber judges phone numbers") {
    for (const char* phone :
         {"+46 70 111 22 33", "+44 20 7946 0958", "+49 30 901820", "+33 1 42 68 53 00",
          "+81 3-1234-5678", "+91 98765 43210", "+1 (415) 555-2671", "+61 2 9876 5432",
          "+86 139 1234 5677", "020 7946 0958", "(202) 555-0143"}) {
        INFO(phone);
        CHECK(valid_phone_number(phone));
        CHECK(check_phone(phone));
    }
    for (const char* bad : {"123", "+46 1", "4111 1111 1111 1111", "+4111111111111111", "none"}) {
        INFO(bad);
        CHECK_FALSE(valid_phone_number(bad));
        CHECK_FALSE(check_phone(bad));
    }
    // A card in the phone field is refused as one, and never quoted.
    auto card = check_phone("4111 1111 1111 1111");
    REQUIRE_FALSE(card);
    CHECK(card.error().message.find("payment card") != std::string::npos);
    CHECK(card.error().message.find("4111") == std::string::npos);
}
