#pragma once

// Offers to interested parties (dropcat offer): the operator's identity, the offer's text from
// a template that must say who writes, what is offered and how to stop further mail, and the
// notices a catch's end sends to its backorderers.

#include "dropcat/export.hpp"
#include "dropcat/config.hpp"
#include "dropcat/date.hpp"
#include "dropcat/error.hpp"
#include "dropcat/money.hpp"
#include "dropcat/store.hpp"

#include <istream>

#include <string>
#include <string_view>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// The [operator] keys an offer cannot be made without, missing or empty: company, address,
// phone, sender_name, sender_email. Empty: all there.
std::vector<std::string> missing_identity(const OperatorSettings& identity);

// What an offer's text is made of: each is a template field ({domain}, {price}, ...).
struct OfferFields {
    std::string domain;         // as the recipient reads it (U-label)
    std::string price;          // "1,500.00 USD"
    std::string valid_until;    // YYYY-MM-DD
    std::string valid_days;     // "14"
    std::string recipient_name; // may be empty: the template greets without it
    std::string recipient_email;
    std::string reason; // why this person is written to: their backorder, or a contact's basis
    std::string optout; // how to stop further mail: the reply, the mailto, the one-click URL
    std::string accept; // how to accept
    std::string company;
    std::string address;
    std::string phone;
    std::string sender_name;
    std::string sender_email;
};

// The field names a template may use, in braces: {domain}, {price}, ...
const std::vector<std::string_view>& offer_template_fields();

// The plain-text template offers use unless --template gives another.
std::string_view default_offer_template();

// A custom template must name {company}, {address}, {phone}, {domain}, {price} and {optout}
// (who writes, what is offered, how to stop further mail), and no field dropcat lacks.
// Kind `data`, the message listing each part missing and each unknown field (with its line).
Result<void> check_offer_template(std::string_view text);

// The template with each {field} replaced; "{{" and "}}" are literal braces. Kind `data` for an
// unknown field or an unclosed brace.
Result<std::string> render_offer(std::string_view text, const OfferFields& fields);

// "Offer: DOMAIN for PRICE": names the domain and says it is an offer.
std::string offer_subject(const OfferFields& fields);

// How a recipient stops further mail: reply "unsubscribe", write to the mailto address, or
// (when configured) open the one-click URL with the recipient's token.
std::string optout_text(const OperatorSettings& identity, std::string_view token);

// The List-Unsubscribe URIs for a recipient's token: the mailto first, then the https URL
// when configured.
std::vector<std::string> unsubscribe_uris(const OperatorSettings& identity, std::string_view token);

// Suppresses an address for every future offer and notice, at once (`source`: command,
// one-click, import). False when it already was. Kind `data` when it is not an address.
Result<bool> suppress_address(Store& store, std::string_view address, std::string_view source,
                              std::string_view reason, Instant now);

struct OptOutImport {
    std::size_t added = 0;
    std::size_t already = 0; // suppressed before
};

// `dropcat offer import-optouts`: one address a line (blank lines and # comments skipped),
// all or nothing: a line that is not an address is kind `data`, "NAME:LINE: ...", and
// nothing is written.
Result<OptOutImport> import_optouts(Store& store, std::istream& in, std::string_view name,
                                    Instant now);

// `dropcat offer hold`: a name the operator holds and may offer (an A-label). False when it
// was held already.
Result<bool> hold_name(Store& store, std::string_view domain, std::string_view note, Instant now);

} // namespace dropcat

DROPCAT_PUBLIC_END
