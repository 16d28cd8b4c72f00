#pragma once

// Email messages as dropcat offer sends them: RFC 5322 with encoded headers (RFC 2047), a
// quoted-printable UTF-8 body (RFC 2045) and the List-Unsubscribe headers (RFC 2369, 8058);
// and the opt-out token of an address.

#include "dropcat/export.hpp"
#include "dropcat/date.hpp"
#include "dropcat/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// A mailbox: an optional display name (any UTF-8) and an ASCII address.
struct Mailbox {
    std::string name;
    std::string address;
};

struct MailMessage {
    Mailbox from;
    Mailbox to;
    std::optional<Mailbox> reply_to;
    std::string subject; // UTF-8
    Instant date{};
    std::string message_id; // without the angle brackets: "ID@DOMAIN"
    // List-Unsubscribe URIs in order of preference (mailto:, https:); none: no header.
    std::vector<std::string> unsubscribe;
    // List-Unsubscribe-Post: List-Unsubscribe=One-Click; only with an https: URI.
    bool one_click = false;
    std::string body; // UTF-8 text, lines ended by \n or \r\n
};

// The whole message, lines ended by CRLF, ready for SMTP DATA. Kind `data` when a field
// holds CR or LF (no header injection), an address is not a plain ASCII addr-spec, the body
// is not UTF-8, or one-click is asked without an https: URI.
Result<std::string> format_message(const MailMessage& message);

// Whether `address` is an ASCII addr-spec dropcat sends to: local@domain, no spaces, no
// angle brackets, a dot in the domain. Not a full RFC 5321 parser: what offers need.
bool plain_address(std::string_view address);

// An address as suppression and tokens key it: trimmed, ASCII lower case.
std::string canonical_address(std::string_view address);

// "Thu, 03 Dec 2026 19:00:00 +0000" (RFC 5322 date-time, in UTC).
std::string format_mail_date(Instant t);

// "HEX.UNIXMS@DOMAIN" with 128 random bits, DOMAIN the sender's.
std::string new_message_id(std::string_view sender_address, Instant now);

// A header value as RFC 2047 encoded words where it is not plain printable ASCII.
std::string encode_header_text(std::string_view utf8);

// Quoted-printable (RFC 2045 6.7) with CRLF line ends and lines of at most 76 characters.
std::string quoted_printable(std::string_view text);

// The opt-out token of an address: HMAC-SHA256 of its canonical form under `secret`,
// base64url without padding (43 characters). Cannot be made without the secret.
std::string optout_token(std::string_view secret, std::string_view address);

// The hex SHA-256 of an address's canonical form: how suppression keeps an address once the
// address itself is erased.
std::string address_hash(std::string_view address);

// Whether `token` has the shape optout_token gives (before any look-up).
bool token_shaped(std::string_view token);

} // namespace dropcat

DROPCAT_PUBLIC_END
