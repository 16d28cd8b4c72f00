#pragma once

#include "dropcat/export.hpp"
#include "dropcat/date.hpp"
#include "dropcat/error.hpp"
#include "dropcat/store.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// Where a card-shaped number is in a text: byte offsets, `end` one past the last digit.
struct TextSpan {
    std::size_t begin = 0;
    std::size_t end = 0;
};

// The first payment card number in `text`: a run of 13 to 19 decimal digits (in any script:
// full-width, Arabic-Indic, Devanagari, ...) that starts with a card issuer's prefix for its
// length and passes the Luhn check, however its groups are separated (spaces, dashes, dots,
// slashes, underscores, line ends, invisible characters, single letters such as `x`).
std::optional<TextSpan> find_card_number(std::string_view text);
bool looks_like_card_number(std::string_view text);
// `text` with every card-shaped number replaced by "[card number removed]": for messages.
std::string without_card_numbers(std::string_view text);
// Two fields of one record that together hold a card number (the first part in `first`), as
// when a number is split between a name and a note.
std::optional<std::pair<std::size_t, std::size_t>>
card_number_across(std::span<const std::string_view> fields);

// Whether libphonenumber takes `text` for a valid phone number: in international form (+46
// ...), or in the national form of some country with at least 7 digits.
bool valid_phone_number(std::string_view text);

// An email address trimmed, with its domain part lowercased, or why it is not one (a
// reasonable addr-spec check, not a full RFC 5322 parser).
Result<std::string> normalise_email(std::string_view text);

// A phone number is kept as given but must be a valid one (valid_phone_number); a card-shaped
// value in its place is refused as such, without quoting it.
Result<void> check_phone(std::string_view text);

struct BackorderRequest {
    std::string domain; // A-label
    Contact contact;
    int priority = 0;
    std::string note;
};

struct AddOutcome {
    std::int64_t id = 0;
    std::string domain;
    enum { created, already, reactivated } result = created;
    bool kept_values = false;     // already there with another priority or note, which were kept
    std::optional<Day> drop_date; // when the name is in the drops table
};

struct ForgetOutcome {
    bool found = false;
    std::size_t backorders = 0; // kept, without personal data
    bool opted_out = false;     // the address was opted out: the opt-out is kept by its hash
    // Set when the data was erased from the tables but old copies of it remain in the store's
    // files (see Store::purge_erased): `temporary` when another reader holds them and purge()
    // may succeed a little later, `failed` when it cannot.
    std::optional<Error> leftover;
};

// One customer that others, whose addresses differed from its own only in case, were merged
// into.
struct MergedCustomer {
    std::int64_t kept_id = 0;
    std::string kept_email;                 // as first given
    std::vector<std::string> merged_emails; // the others, now erased
    std::size_t moved = 0;                  // backorders moved to the kept customer
    std::size_t cancelled = 0; // open duplicates (the kept customer had the name) cancelled
};

struct MergeOutcome {
    std::vector<MergedCustomer> customers;
    std::optional<Error> leftover; // as in ForgetOutcome
};

// The backorder book: its rules over the store's customers, backorders and events tables.
// Every call that changes something is one transaction and appends an event (time, actor,
// action, detail) for each change; details never hold personal data.
class Backorders {
  public:
    explicit Backorders(Store& store) : m_store(store) {}

    // Adds backorders; the customer is created or updated by email. Adding one that exists is
    // not an error and creates nothing (a cancelled or expired one is made active again, at
    // the back of the queue; an active one keeps its priority and note).
    // Any field that looks like a card number refuses the whole call (kind `data`).
    Result<std::vector<AddOutcome>> add(std::span<const BackorderRequest> requests,
                                        std::string_view actor, Instant now);

    Result<void> each(const BackorderQuery& query,
                      const std::function<bool(const BackorderRow&)>& row) const;
    // The backorders on one name in allocation order: priority high to low, then oldest first.
    Result<std::vector<BackorderRow>> on_domain(std::string_view domain) const;
    Result<std::vector<EventRow>> events(std::int64_t backorder_id) const;
    // The drop day the store has for a name, if any.
    Result<std::optional<Day>> drop_date(std::string_view domain) const;

    // Sets `cancelled` on the given backorders (all must exist; already-cancelled ones are
    // left as they are). Returns how many changed.
    Result<std::size_t> cancel(std::span<const std::int64_t> ids, std::string_view actor,
                               Instant now);
    Result<std::vector<std::int64_t>> find(std::string_view domain, std::string_view email) const;

    // Changes the priority and/or the note of the given backorders (all must exist, or nothing
    // changes), whatever their status, with an event for each one that changed ("changed":
    // "priority 2 -> 9", "note changed"; the note itself is not in the event). An empty note
    // removes it. Returns how many changed.
    Result<std::size_t> set(std::span<const std::int64_t> ids, std::optional<int> priority,
                            std::optional<std::string> note, std::string_view actor, Instant now);

    // Erases a customer's personal data (email, name, company, phone, notes); backorders and
    // events stay, anonymous; an opt-out of the address is kept by its hash alone. Afterwards
    // the store holds no trace of the address (see Store::purge_erased for what each backend
    // does).
    Result<ForgetOutcome> forget(std::string_view email, std::string_view actor, Instant now);
    // Joins customers whose addresses differ only in case (stores from before addresses were
    // matched case-insensitively): the oldest keeps its address as first given, takes the
    // others' backorders and fills its empty name, company and phone from theirs; the others
    // are erased as by forget. Where both had a backorder on one name, the kept customer's
    // stays and the other, if open, is cancelled. Each change is an event. `dry_run` reports
    // the same outcome and changes nothing.
    Result<MergeOutcome> merge_customers(bool dry_run, std::string_view actor, Instant now);
    // Removes the old copies an earlier forget left (ForgetOutcome::leftover).
    Result<void> purge();

    // Marks `expired` the active backorders whose name's drop date is `grace_days` or more
    // before `today` without a catch. Returns how many.
    Result<std::size_t> expire(Day today, int grace_days, std::string_view actor, Instant now);

    // Backorder ids, for shell completion.
    Result<std::vector<std::int64_t>> ids() const;

  private:
    Store& m_store;
};

} // namespace dropcat

DROPCAT_PUBLIC_END
