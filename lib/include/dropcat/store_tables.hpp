#pragma once

// The store's tables as typed calls on a transaction (dropcat/store.hpp opens one). Values are
// typed: days, instants, enums; no call takes or returns SQL. A table call that fails ends its
// transaction: the store's read or write returns the failure as its error.

#include "dropcat/export.hpp"
#include "dropcat/date.hpp"
#include "dropcat/error.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

namespace store {
class Connection;
}

// ---- drops

// One drop as an import hands it to the store.
struct DropEntry {
    std::string_view domain; // A-label
    std::string_view source;
    std::optional<Instant> time; // when the list gave a time
    Day day = 0;
    std::uint16_t tld_pos = 0; // where the TLD starts in domain

    std::string_view tld() const { return domain.substr(tld_pos); }
};

using DropBatches = std::function<std::span<const DropEntry>()>;

struct ImportCounts {
    std::size_t added = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
};

// One row of the drops table as listings read it. The views live until the next row.
struct DropRecord {
    std::string_view domain;
    std::string_view tld;
    Day drop_date = 0;
    std::optional<Instant> drop_time; // when known
    std::string_view source;
    Instant first_seen{};
    Instant last_seen{};
    std::int64_t backorders = 0; // active backorders on the name
    // From dropcat status: the predicted drop window's first day, and when the name was seen
    // registered again after deletion had begun.
    std::optional<Instant> predicted_earliest;
    std::optional<Instant> restored_at;
};

// The orders a drops listing can take; ties by domain.
enum class DropOrder { drop_date, domain, drop_time, first_seen, last_seen, backorders };

struct DropQuery {
    std::optional<Day> from;                // inclusive
    std::optional<Day> to;                  // inclusive
    std::optional<Instant> first_seen_from; // names first seen at or after this moment
    DropOrder order = DropOrder::drop_date;
    bool descending = false;
    std::optional<std::string> source;
    std::optional<bool> backordered; // only names with (true) or without (false) active ones
    bool restored = false;           // only names dropcat status saw restored
};

class DropsTable {
  public:
    explicit DropsTable(store::Connection& connection) : m_connection(connection) {}

    // Writes drops: new names are added, names already there get last_seen = now and, where
    // the date, time or source differ, those too. A list without a time does not erase a
    // time the store has for the same day. `entries` must be sorted by domain and unique
    // (byte order, as std::string_view compares). `interrupted` is polled; when it answers
    // true the import stops with an `interrupted` error (and the transaction rolls back).
    Result<ImportCounts> import(std::span<const DropEntry> entries, Instant now,
                                const std::function<bool()>& interrupted);
    // The same, for a list too large to hold at once: `next` returns the entries batch by
    // batch, each sorted and unique and after every name of the batches before it, then an
    // empty span; a batch's views need live only until the next call. `total` (all batches'
    // entries together, or an estimate) lets the backend choose how to compare with what it
    // holds.
    Result<ImportCounts> import(const DropBatches& next, std::size_t total, Instant now,
                                const std::function<bool()>& interrupted);

    // Calls `each` for every drop the query selects, by drop date then domain (byte order),
    // streaming; `each` returns false to stop. `each` must not use the store.
    void each(const DropQuery& query, const std::function<bool(const DropRecord&)>& each) const;

    // The drop day the store has for a name.
    std::optional<Day> drop_day(std::string_view domain) const;
    // The drop time the store has for a name, when its list gave one.
    std::optional<Instant> drop_time(std::string_view domain) const;
    // The sources imports have named, by name.
    std::vector<std::string> sources() const;

  private:
    store::Connection& m_connection;
};

// ---- customers and backorders

// A backorder records that a customer wants a name when it drops. It is informational: no
// money changes hands and no payment data is stored, ever.
enum class BackorderStatus { active, cancelled, caught, lost, expired };

std::string_view status_name(BackorderStatus status);
std::optional<BackorderStatus> parse_status(std::string_view name);
std::span<const std::string_view> status_names();

struct Contact {
    std::string email; // normalised
    std::string name;
    std::string company;
    std::string phone;
};

// A customer's row (the email is the key it was found by).
struct CustomerRecord {
    std::int64_t id = 0;
    std::string name;
    std::string company;
    std::string phone;
};

struct CaseDuplicate {
    std::int64_t id = 0;
    std::string email;
};

class CustomersTable {
  public:
    explicit CustomersTable(store::Connection& connection) : m_connection(connection) {}

    // The customer with this address, its ASCII case aside (the oldest, where a store holds
    // addresses differing only in case).
    std::optional<CustomerRecord> by_email(std::string_view email) const;
    // Every customer with this address whatever its case, oldest first.
    std::vector<std::int64_t> ids_by_email(std::string_view email) const;
    std::optional<CustomerRecord> by_id(std::int64_t id) const;
    // Customers whose addresses differ only in case, grouped (same folded address together),
    // oldest first within a group.
    std::vector<CaseDuplicate> case_duplicates() const;
    // Adds a customer; empty fields are stored as absent. Returns its id.
    std::int64_t add(const Contact& contact, Instant now);
    // Sets name, company and phone (empty: absent) of a customer.
    void set_details(std::int64_t id, const CustomerRecord& details);
    // Erases the customer's personal data (email, name, company, phone) and records when.
    void erase(std::int64_t id, Instant now);

  private:
    store::Connection& m_connection;
};

// A customer's backorder, for merging customers.
struct CustomerBackorder {
    std::int64_t id = 0;
    std::string domain;
    BackorderStatus status = BackorderStatus::active;
    int priority = 0;
};

// One backorder's own values.
struct BackorderRecord {
    std::int64_t id = 0;
    BackorderStatus status = BackorderStatus::active;
    int priority = 0;
    std::string note;
};

struct BackorderRow {
    std::int64_t id = 0;
    std::string domain;
    std::string email; // empty once the customer is forgotten
    std::string name;
    std::string company; // the customer's; empty when none (or forgotten)
    std::string phone;
    std::string note; // the backorder's own
    int priority = 0;
    BackorderStatus status = BackorderStatus::active;
    Instant created_at{};
    std::optional<Day> drop_date; // when the name is in the drops table
};

struct BackorderQuery {
    std::optional<BackorderStatus> status;
    std::optional<std::string> email;  // normalised
    std::optional<std::string> domain; // A-label
    std::optional<Day> due_from;       // drop date range, inclusive
    std::optional<Day> due_to;
};

// An active backorder whose name has dropped.
struct DueBackorder {
    std::int64_t id = 0;
    Day drop_date = 0;
};

class BackordersTable {
  public:
    explicit BackordersTable(store::Connection& connection) : m_connection(connection) {}

    std::optional<BackorderRecord> find(std::string_view domain, std::int64_t customer) const;
    std::optional<BackorderStatus> status(std::int64_t id) const;
    std::optional<BackorderRecord> by_id(std::int64_t id) const;
    // Sets a backorder's priority and note (an empty note: none).
    void set_details(std::int64_t id, int priority, std::string_view note, Instant now);
    // Adds an active backorder; returns its id.
    std::int64_t add(std::string_view domain, std::int64_t customer, int priority,
                     std::string_view note, Instant now);
    // Makes a backorder active again at the back of the queue (created_at = now).
    void reactivate(std::int64_t id, int priority, std::string_view note, Instant now);
    void set_status(std::int64_t id, BackorderStatus status, Instant now);

    // Backorders the query selects, by domain then allocation order; `each` returns false to
    // stop and must not use the store.
    void each(const BackorderQuery& query,
              const std::function<bool(const BackorderRow&)>& each) const;
    // The backorders on one name in allocation order: priority high to low, then oldest first.
    std::vector<BackorderRow> on_domain(std::string_view domain) const;
    std::vector<std::int64_t> ids_of(std::string_view domain, std::string_view email) const;
    // Active backorders on names whose drop day is `last_day` or earlier, by id.
    std::vector<DueBackorder> due(Day last_day) const;
    std::size_t count_of_customer(std::int64_t customer) const;
    void clear_notes_of_customer(std::int64_t customer);
    std::vector<CustomerBackorder> of_customer(std::int64_t customer) const;
    void move_to_customer(std::int64_t id, std::int64_t customer, Instant now);
    // The drop day of every name with an active backorder that the drops table has: taken
    // before and after an import in its transaction, it shows whose drop dates moved.
    std::map<std::string, Day> active_drop_days() const;
    std::vector<std::int64_t> ids() const;

  private:
    store::Connection& m_connection;
};

// ---- events: every state change appends one (who, when, what); never personal data

enum class EventSubject { backorder, customer, catch_target, offer };

struct EventRecord {
    Instant at{};
    std::string_view actor;
    EventSubject subject = EventSubject::backorder;
    std::int64_t subject_id = 0;
    std::string_view action;
    std::string_view detail;
};

struct EventRow {
    Instant at{};
    std::string actor;
    std::string action;
    std::string detail;
};

class EventsTable {
  public:
    explicit EventsTable(store::Connection& connection) : m_connection(connection) {}

    void append(const EventRecord& event);
    // A subject's events, oldest first.
    std::vector<EventRow> of(EventSubject subject, std::int64_t id) const;

  private:
    store::Connection& m_connection;
};

// ---- creates: each registrar create, written before it is sent and completed after

struct CreateStart {
    std::string_view account;
    std::string_view domain;
    std::string_view idempotency_key;
    bool dry_run = false;
    Instant at{};
};

struct CreateRow {
    std::int64_t id = 0;
    std::string account;
    std::string domain;
    std::string idempotency_key;
    bool dry_run = false;
    Instant started_at{};
    std::optional<Instant> finished_at; // none: the run ended before an outcome was written
    std::string outcome;                // empty while unfinished
    std::string detail;
    std::optional<Instant> resolved_at;
    std::string resolution; // "registered" or "not-registered" once settled
};

class CreatesTable {
  public:
    explicit CreatesTable(store::Connection& connection) : m_connection(connection) {}

    // Writes a create about to be sent; its id.
    std::int64_t begin(const CreateStart& start);
    // Writes a create's outcome (dropcat's name for it) once it is known.
    void finish(std::int64_t id, std::string_view outcome, std::string_view detail, Instant at);
    // Settles an unclear create by what the account says: "registered" or "not-registered".
    void resolve(std::int64_t id, std::string_view resolution, Instant at);
    // The account's creates of the name whose outcome is not known (never finished, or
    // ambiguous) and not settled since, oldest first. Dry runs buy nothing and are not among
    // them.
    std::vector<CreateRow> unresolved(std::string_view account, std::string_view domain) const;
    // Every create of the name by any account, oldest first.
    std::vector<CreateRow> of(std::string_view domain) const;

  private:
    store::Connection& m_connection;
};

// ---- observations: what the registry said of a name over RDAP (dropcat status)

struct ObservedEvent {
    std::string action; // "expiration", "deletion", ...
    Instant at{};
};

struct ObservationRow {
    std::string domain; // A-label
    Instant at{};
    std::string phase;          // rdap's phase_name
    std::string previous_phase; // the last known phase before this one; empty: none
    std::vector<std::string> statuses;
    std::vector<ObservedEvent> events;
    std::string server;  // the URL that answered
    std::string problem; // why the phase is unknown
};

// A name's latest known state.
struct NameState {
    std::string domain;
    std::string phase;
    Instant observed_at{};
    std::optional<Instant> drop_earliest;
    std::optional<Instant> drop_latest;
    std::string basis;
    std::optional<Instant> restored_at;
};

class ObservationsTable {
  public:
    explicit ObservationsTable(store::Connection& connection) : m_connection(connection) {}

    // Appends an observation. Its previous_phase is the name's last known phase (unknown
    // answers aside), which the returned copy carries.
    ObservationRow add(ObservationRow row);
    // A name's observations, oldest first.
    std::vector<ObservationRow> of(std::string_view domain) const;
    // Observations at or after `since` whose known phase differs from the one known before,
    // by time; `each` returns false to stop and must not use the store.
    void changes(Instant since, const std::function<bool(const ObservationRow&)>& each) const;

    std::optional<NameState> state(std::string_view domain) const;
    void set_state(const NameState& state);

  private:
    store::Connection& m_connection;
};

// ---- catch: the names a catch run tries to register on a drop day, and its attempts

// Where a catch target is. `armed`: planned, its window not begun; `checking`: its window has
// begun and availability is being checked; `available`: a check found it free; `registering`:
// a create may be in flight (written before it leaves); `caught`, `lost` and `failed` end
// it; `ambiguous`: a create's outcome is unknown and the account could not tell, so a person
// must (dropcat catch resolve).
enum class TargetState { armed, checking, available, registering, caught, lost, ambiguous, failed };
std::string_view target_state_name(TargetState state);
std::optional<TargetState> parse_target_state(std::string_view name);
// caught, lost and failed: nothing more is sent for the target.
bool is_final(TargetState state);

struct TargetRow {
    std::int64_t id = 0;
    std::string domain; // A-label
    Day cycle = 0;      // the drop day
    TargetState state = TargetState::armed;
    Instant window_start{};
    Instant window_end{};
    std::optional<Instant> release_at; // a known release instant
    std::string basis;
    bool wished = false; // named by --target
    std::string account; // the account that caught it
    std::optional<Instant> released_at;
    std::optional<Instant> caught_at;
    std::int64_t checks = 0;
    std::string detail;
    Instant updated_at{};
};

// What a state change sets besides the state; absent fields are left as they are.
struct TargetUpdate {
    std::optional<std::string> account;
    std::optional<Instant> released_at;
    std::optional<Instant> caught_at;
    std::optional<std::int64_t> checks;
    std::optional<std::string> detail;
};

struct AttemptStart {
    std::int64_t target_id = 0;
    std::string_view account;
    bool dry_run = false;
    std::optional<std::int64_t> create_id;
    std::int64_t sent_us = 0; // Unix microseconds
};

struct AttemptRow {
    std::int64_t id = 0;
    std::int64_t target_id = 0;
    std::string domain;
    std::string account;
    bool dry_run = false;
    std::optional<std::int64_t> create_id;
    std::int64_t sent_us = 0;
    std::optional<std::int64_t> answered_us;
    std::optional<std::int64_t> latency_us;
    std::string outcome; // empty while no answer was recorded
    std::string detail;
};

class CatchTable {
  public:
    explicit CatchTable(store::Connection& connection) : m_connection(connection) {}

    // Adds the target (domain, cycle) armed, or, when it is there and not final, sets its
    // window, release instant, basis and wish; returns the row as stored.
    TargetRow arm(const TargetRow& target, Instant now);
    std::optional<TargetRow> target(std::string_view domain, Day cycle) const;
    std::optional<TargetRow> target(std::int64_t id) const;
    // A name's targets, newest cycle first.
    std::vector<TargetRow> of(std::string_view domain) const;
    // The targets of a cycle (none: every cycle), by domain.
    std::vector<TargetRow> targets(std::optional<Day> cycle) const;
    // Targets in a state, any cycle, by id.
    std::vector<TargetRow> in_state(TargetState state) const;
    // Moves the target to `to` when it is in one of `from` (a compare-and-set), setting what
    // `update` gives; false, changing nothing, when it is not.
    bool move(std::int64_t id, std::span<const TargetState> from, TargetState to,
              const TargetUpdate& update, Instant now);
    // Sets what `update` gives without moving the target.
    void update(std::int64_t id, const TargetUpdate& update, Instant now);

    std::int64_t begin_attempt(const AttemptStart& start);
    // Records when the attempt actually left (`sent_us`) and its answer.
    void finish_attempt(std::int64_t id, std::int64_t sent_us, std::string_view outcome,
                        std::string_view detail, std::int64_t answered_us);
    // A target's attempts, oldest first.
    std::vector<AttemptRow> attempts(std::int64_t target_id) const;
    // Attempts with no recorded answer, oldest first.
    std::vector<AttemptRow> unanswered() const;

    // Who holds the named run lock (for the message a second run gives), and recording it.
    std::optional<std::pair<std::string, Instant>> lock_holder(std::string_view name) const;
    void set_lock_holder(std::string_view name, std::string_view holder, Instant since);

  private:
    store::Connection& m_connection;
};

// An address no offer or notice goes to, ever (dropcat offer optout).
struct Suppression {
    std::string address_hash;           // hex SHA-256 of the canonical address
    std::optional<std::string> address; // none once erased
    std::string source;                 // command, one-click, import
    std::string reason;
    Instant created_at{};
};

struct Holding {
    std::string domain; // A-label
    Instant since{};
    std::string note;
};

class OptOutsTable {
  public:
    explicit OptOutsTable(store::Connection& connection) : m_connection(connection) {}

    // Suppresses the address (by its hash, with the address while it is not erased); false
    // when it already was, changing nothing.
    bool suppress(const Suppression& s);
    bool suppressed(std::string_view address_hash) const;
    // Every suppression, oldest first.
    std::vector<Suppression> list() const;
    // Erases the address itself from suppressions and tokens, keeping the hash: the
    // suppression holds after `backorder forget`. True when an address was there to erase.
    bool erase_address(std::string_view address_hash);

    // The token of an address, kept so that a one-click opt-out can find its hash.
    void remember_token(std::string_view token, std::string_view address_hash,
                        std::string_view address);
    // The hash (and the address, unless erased) a token leads to.
    std::optional<std::pair<std::string, std::optional<std::string>>>
    token(std::string_view token) const;

    // Names the operator holds and may offer (dropcat offer hold); true when added.
    bool hold(const Holding& h);
    bool held(std::string_view domain) const;
    std::vector<Holding> holdings() const;

  private:
    store::Connection& m_connection;
};

// ---- offers and notices: each message from its draft to its outcome, and the send ledger

// `offer`: a commercial offer a person approves; `caught` and `lost`: the notices a catch's
// end sends its backorderers (no price, no sales text, no approval).
enum class OfferKind { offer, caught, lost };
std::string_view offer_kind_name(OfferKind kind);
std::optional<OfferKind> parse_offer_kind(std::string_view name);

// draft -> approved -> sending -> sent | failed | unknown; a sent offer -> replied, accepted,
// declined; any open one -> withdrawn. `sending`: handed over, no answer recorded yet.
enum class OfferStatus {
    draft,
    approved,
    sending,
    sent,
    failed,
    unknown,
    replied,
    accepted,
    declined,
    withdrawn
};
std::string_view offer_status_name(OfferStatus status);
std::optional<OfferStatus> parse_offer_status(std::string_view name);
std::span<const std::string_view> offer_status_names();

struct OfferRow {
    std::int64_t id = 0;
    OfferKind kind = OfferKind::offer;
    std::string domain;                   // A-label
    std::optional<std::string> recipient; // canonical address; none once erased
    std::string recipient_hash;
    std::string recipient_name;
    std::optional<std::int64_t> backorder_id;
    std::int64_t round = 0; // earlier messages of this kind to the recipient about the name
    OfferStatus status = OfferStatus::draft;
    std::string price; // "1500.00 USD"; empty for a notice
    std::optional<Day> valid_until;
    std::string subject;
    std::string body;
    std::string message_id;
    std::string token;
    std::string reason;
    bool first_contact = false;
    std::optional<Instant> shown_at;
    std::string approved_by;
    std::optional<Instant> approved_at;
    std::optional<Instant> sent_at;
    std::string detail; // the mail server's words, or why it failed
    std::string note;   // the operator's, from offer mark
    Instant created_at{};
    Instant updated_at{};
};

struct OfferQuery {
    std::optional<OfferStatus> status;
    std::optional<std::string> domain; // A-label
    std::optional<OfferKind> kind;
    bool notices = false; // only caught and lost notices (kind aside)
};

// What a status change sets besides the status; absent fields are left as they are.
struct OfferUpdate {
    std::optional<std::string> approved_by;
    std::optional<Instant> approved_at;
    std::optional<Instant> sent_at;
    std::optional<std::string> detail;
    std::optional<std::string> note;
};

// The ledger's states: `handing-over` is written before the message leaves.
enum class SendState { handing_over, sent, refused, unknown };
std::string_view send_state_name(SendState state);

struct SendRow {
    std::int64_t offer_id = 0;
    SendState state = SendState::handing_over;
    Instant started_at{};
    std::optional<Instant> finished_at;
    std::string detail;
};

class OffersTable {
  public:
    explicit OffersTable(store::Connection& connection) : m_connection(connection) {}

    // Adds a message; its id.
    std::int64_t add(const OfferRow& row);
    std::optional<OfferRow> get(std::int64_t id) const;
    // The messages the query selects, by id.
    std::vector<OfferRow> list(const OfferQuery& query) const;
    // Every message of any kind to the recipient about the name, by id.
    std::vector<OfferRow> to(std::string_view recipient_hash, std::string_view domain) const;
    // Moves the message to `to` when it is in one of `from` (a compare-and-set); false,
    // changing nothing, when it is not.
    bool move(std::int64_t id, std::span<const OfferStatus> from, OfferStatus to,
              const OfferUpdate& update, Instant now);
    void mark_shown(std::int64_t id, Instant now);
    // Erases the recipient's address, name and the messages' text, keeping the hash.
    std::size_t erase_recipient(std::string_view recipient_hash, Instant now);

    // The ledger. Writes (recipient, domain, kind, round) as handing-over before the message
    // leaves. True when it may leave: no row was there, or the one there says the server
    // refused it (nothing delivered). False, changing nothing, when a row says it was sent,
    // may have been, or is being handed over.
    bool begin_send(const OfferRow& row, Instant now);
    void finish_send(std::int64_t offer_id, SendState state, std::string_view detail, Instant now);
    std::optional<SendRow> send_of(std::int64_t offer_id) const;
    // When the hand-offs started at or after `since` started, oldest first.
    std::vector<Instant> sends_since(Instant since) const;

  private:
    store::Connection& m_connection;
};

} // namespace dropcat

DROPCAT_PUBLIC_END
