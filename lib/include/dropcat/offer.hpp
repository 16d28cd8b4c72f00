#pragma once

// Offers to interested parties (dropcat offer): the operator's identity, the offer's text from
// a template that must say who writes, what is offered and how to stop further mail, and the
// notices a catch's end sends to its backorderers.

#include "dropcat/export.hpp"
#include "dropcat/clock.hpp"
#include "dropcat/config.hpp"
#include "dropcat/date.hpp"
#include "dropcat/error.hpp"
#include "dropcat/money.hpp"
#include "dropcat/smtp.hpp"
#include "dropcat/store.hpp"

#include <functional>
#include <istream>
#include <optional>
#include <stop_token>

#include <string>
#include <string_view>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// The [operator] keys an offer cannot be made without, missing or empty: company, address,
// phone, sender_name, sender_email. Empty: all there.
std::vector<std::string> missing_identity(const OperatorSettings& identity);
// Kind `config` naming each missing key: "`what` cannot be ... [operator] lacks address, phone".
// `what`: "an offer", "a notice", "nothing is sent".
Result<void> check_identity(const OperatorSettings& identity, std::string_view what);
// Kind `config` when the opt-out tokens' secret is empty, naming its variable.
Result<void> check_token_secret(const OperatorSettings& identity, std::string_view secret);

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

// A custom template must name {company}, {address}, {phone}, {domain}, {price}, {accept},
// {valid_until} or {valid_days}, and {optout} (who writes, what is offered for how long, how
// to accept, how to stop further mail), and no field dropcat lacks.
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

// ---- drafting, approving and recording offers

// Who an offer goes to: every backorderer of the name (active or caught backorders), the
// next in allocation order with no open or declined offer, or the addresses given.
enum class OfferAudience { backorderers, next, addresses };

struct DraftRequest {
    std::string domain; // A-label
    OfferAudience to = OfferAudience::backorderers;
    std::vector<std::string> addresses; // OfferAudience::addresses
    // Why the addresses are written to; needed for an address with no backorder of the name.
    std::string reason;
    Money price;
    int valid_days = 14;
    std::string template_text; // empty: default_offer_template()
    std::string actor;         // for the events
};

struct SkippedRecipient {
    std::string recipient; // the address, or "backorder N" when it was erased
    std::string why;
};

struct DraftOutcome {
    std::vector<OfferRow> drafted;
    std::vector<SkippedRecipient> skipped;
    std::optional<std::int64_t> accepted; // an offer of the name was accepted already
};

// One draft per recipient, all in one transaction. Kind `config` when the identity lacks a
// key (each named) or `secret` is empty; `data` for a template that cannot be used, an
// address that is not one, or an address with no backorder and no reason; `failed` when the
// name is not held (caught by dropcat or added with hold_name). Suppressed recipients, those
// with an open offer of the name, and those whose message cannot be made, are skipped.
Result<DraftOutcome> draft_offers(Store& store, const OperatorSettings& identity,
                                  std::string_view secret, const DraftRequest& request,
                                  Instant now);

// The whole message of an offer or notice as it is handed over (dated `date`): RFC 5322
// headers with List-Unsubscribe, then the quoted-printable body.
Result<std::string> offer_message(const OfferRow& row, const OperatorSettings& identity,
                                  Instant date);

// An offer or notice; kind `data` when there is no such one.
Result<OfferRow> get_offer(const Store& store, std::int64_t id);
// `offer show` displayed the whole message to a person: a first contact may be approved now.
Result<void> record_shown(Store& store, std::int64_t id, Instant now);

// `offer approve`: all or nothing. Each must be a draft offer; a first contact (no earlier
// offer to the address about the name was sent) must have been shown. Kind `data` for an
// unknown id, `failed` for a refusal (each reason in the message).
Result<std::vector<OfferRow>> approve_offers(Store& store, std::span<const std::int64_t> ids,
                                             std::string_view by, Instant now);

struct MarkOutcome {
    OfferRow row;
    std::vector<std::int64_t> withdrawn; // the other open offers of the name, when accepted
};

// `offer mark`: replied, accepted or declined (an offer that was sent), withdrawn (any open or
// accepted one), or sent or failed (an unknown outcome a person settled from the mail
// server's log; notices too). Accepting withdraws the name's other open offers. Kind `data`
// for an unknown id, `usage` for another status, `failed` when the state does not allow it.
Result<MarkOutcome> mark_offer(Store& store, std::int64_t id, OfferStatus to, std::string_view note,
                               std::string_view actor, Instant now);

// ---- notices after a catch

// The caught and lost notices due: one per backorderer (backorder caught or lost) of each
// name whose catch ended (on `cycle`, or any), not suppressed, not noticed before. Not
// written: `add_notices` writes them (approved: a notice answers the customer's own request).
Result<std::vector<OfferRow>> notices_due(const Store& store, const OperatorSettings& identity,
                                          std::string_view secret, std::optional<Day> cycle,
                                          Instant now);
Result<std::vector<OfferRow>> add_notices(Store& store, std::vector<OfferRow> notices,
                                          std::string_view actor, Instant now);

// ---- sending

// Hands one message over: SmtpSender::send, or a test's stand-in.
using DeliverFn = std::function<HandoffResult(std::string_view from, std::string_view to,
                                              std::string_view message)>;

struct SendOptions {
    bool notices = false;             // caught and lost notices instead of offers
    std::optional<std::size_t> limit; // at most this many messages
    int per_minute = 20;              // hand-offs in any 60 s, counted from the ledger
    // A hand-off begun this long ago with no outcome written was cut off (the process
    // ended): it is recorded unknown, never sent again by itself.
    std::chrono::milliseconds stale{std::chrono::minutes(5)};
    std::stop_token stop;
    std::string actor;
    // Called before each message (outcome empty) and after it (outcome set).
    std::function<void(const OfferRow& row, std::string_view outcome, std::string_view detail,
                       std::size_t index, std::size_t total)>
        on_message;
};

struct SendSummary {
    std::size_t sent = 0;
    std::size_t refused = 0; // the server said no for now: tried again next time
    std::size_t failed = 0;  // the server said no for good (5xx)
    std::size_t unknown = 0; // no answer after the data: never resent by itself
    std::size_t suppressed = 0;
    std::size_t cut_off = 0; // earlier hand-offs found unfinished, now unknown
    bool stopped = false;
};

// The approved messages `send_offers` would send, in order, at most `limit` (those whose
// recipient opted out since approval left out: they are withdrawn when sent).
Result<std::vector<OfferRow>> sendable(const Store& store, bool notices,
                                       std::optional<std::size_t> limit);

// Sends approved messages one by one: right before each, the suppression list is checked
// again and the ledger row written (handing-over); after, the outcome. At most `per_minute`
// hand-offs start in any 60 s (the ledger's, so runs in a row share it): `clock` sleeps in
// between. Stops between messages when `stop` is requested.
Result<SendSummary> send_offers(Store& store, const OperatorSettings& identity,
                                const DeliverFn& deliver, const SendOptions& options,
                                const Clock& clock);

// `offer serve`: the address a one-click token stands for is suppressed. False (changing
// nothing) when the token is unknown or not token-shaped.
Result<bool> one_click_optout(Store& store, std::string_view token, Instant now);

} // namespace dropcat

DROPCAT_PUBLIC_END
