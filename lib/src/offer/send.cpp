// Sending approved offers and notices: the suppression list checked again right before each
// message, the ledger row written before the hand-off and completed after, at most
// per_minute hand-offs in any minute.
#include "dropcat/offer.hpp"

#include <fmt/format.h>

#include <array>

namespace dropcat {

namespace {

Instant wall(const Clock& clock) {
    return std::chrono::floor<std::chrono::milliseconds>(clock.wall_now());
}

void event(Tx& tx, Instant now, std::string_view actor, std::int64_t id, std::string_view action,
           std::string_view detail) {
    tx.events().append(EventRecord{now, actor, EventSubject::offer, id, action, detail});
}

constexpr std::array k_approved = {OfferStatus::approved};
constexpr std::array k_sending = {OfferStatus::sending};
constexpr std::array k_finishing = {OfferStatus::sending, OfferStatus::unknown};

// Hand-offs a process began and never finished: it ended between the hand-off and writing
// the outcome, so the server may have the message. Recorded unknown, never resent by itself.
Result<std::size_t> settle_cut_off(Store& store, const SendOptions& o, Instant now) {
    return store.write([&](Tx& tx) -> Result<std::size_t> {
        std::size_t n = 0;
        for (const auto& row : tx.offers().list(OfferQuery{OfferStatus::sending, {}, {}})) {
            auto ledger = tx.offers().send_of(row.id);
            if (ledger && ledger->started_at > now - o.stale) continue; // still in hand
            std::string detail = "the hand-off was cut off before the server's answer was "
                                 "recorded: the message may have been delivered, and it is not "
                                 "sent again";
            OfferUpdate u;
            u.detail = detail;
            if (!tx.offers().move(row.id, k_sending, OfferStatus::unknown, u, now)) continue;
            tx.offers().finish_send(row.id, SendState::unknown, detail, now);
            event(tx, now, o.actor, row.id, "unknown", "hand-off cut off");
            ++n;
        }
        return n;
    });
}

// The approved messages of one sort, in order, at most `limit`; with `suppressed`, also those
// whose recipient opted out since (send_offers withdraws them).
Result<std::vector<OfferRow>> approved(const Store& store, bool notices,
                                       std::optional<std::size_t> limit, bool suppressed) {
    return store.read([&](const ReadTx& tx) -> Result<std::vector<OfferRow>> {
        std::vector<OfferRow> out;
        OfferQuery q{OfferStatus::approved, {}, {}, notices};
        if (!notices) q.kind = OfferKind::offer;
        for (auto& row : tx.offers().list(q)) {
            if (!suppressed && tx.optouts().suppressed(row.recipient_hash)) continue;
            if (limit && out.size() >= *limit) break;
            out.push_back(std::move(row));
        }
        return out;
    });
}

} // namespace

Result<std::vector<OfferRow>> sendable(const Store& store, bool notices,
                                       std::optional<std::size_t> limit) {
    return approved(store, notices, limit, false);
}

Result<SendSummary> send_offers(Store& store, const OperatorSettings& identity,
                                const DeliverFn& deliver, const SendOptions& o,
                                const Clock& clock) {
    using std::chrono::milliseconds;
    SendSummary sum;
    auto cut = settle_cut_off(store, o, wall(clock));
    if (!cut) return std::unexpected(cut.error());
    sum.cut_off = *cut;
    auto todo = approved(store, o.notices, o.limit, true);
    if (!todo) return std::unexpected(todo.error());
    int per_minute = std::max(1, o.per_minute);
    for (std::size_t i = 0; i < todo->size(); ++i) {
        const OfferRow& planned = (*todo)[i];
        // At most per_minute hand-offs began in the last 60 s, this run's and earlier runs'.
        for (int rounds = 0; rounds < 1000; ++rounds) {
            if (o.stop.stop_requested()) break;
            Instant now = wall(clock);
            auto recent = store.read([&](const ReadTx& tx) -> Result<std::vector<Instant>> {
                return tx.offers().sends_since(now - std::chrono::seconds(60));
            });
            if (!recent) return std::unexpected(recent.error());
            if (recent->size() < static_cast<std::size_t>(per_minute)) break;
            Instant free = (*recent)[recent->size() - static_cast<std::size_t>(per_minute)] +
                           std::chrono::seconds(60) + milliseconds(1);
            if (!clock.sleep_until(clock.now() + (free - now), o.stop)) break;
        }
        if (o.stop.stop_requested()) {
            sum.stopped = true;
            break;
        }
        Instant now = wall(clock);
        // Right before the hand-off, from the row as it is now: still approved, its recipient
        // not erased (backorder forget) nor opted out; then the ledger row.
        // `skipped`: no longer approved, its message cannot be made, or the ledger has it.
        enum class Go { send, suppressed, skipped };
        Result<std::string> message = std::unexpected(Error{});
        std::string recipient;
        auto begun = store.write([&](Tx& tx) -> Result<Go> {
            auto row = tx.offers().get(planned.id);
            if (!row || row->status != OfferStatus::approved) return Go::skipped;
            message = offer_message(*row, identity, now);
            recipient = row->recipient.value_or("");
            if (tx.optouts().suppressed(row->recipient_hash)) {
                OfferUpdate u;
                u.detail = "the recipient opted out before it was sent";
                tx.offers().move(row->id, k_approved, OfferStatus::withdrawn, u, now);
                event(tx, now, o.actor, row->id, "withdrawn", "recipient opted out");
                return Go::suppressed;
            }
            if (!message) {
                OfferUpdate u;
                u.detail = message.error().message;
                tx.offers().move(row->id, k_approved, OfferStatus::failed, u, now);
                event(tx, now, o.actor, row->id, "failed", "message could not be made");
                return Go::skipped;
            }
            if (!tx.offers().begin_send(*row, now)) {
                auto ledger = tx.offers().send_of(row->id);
                OfferUpdate u;
                u.detail = fmt::format("the send ledger already has this message{}: it is not "
                                       "sent again",
                                       ledger ? " as " + std::string(send_state_name(ledger->state))
                                              : " (another message's row)");
                tx.offers().move(row->id, k_approved, OfferStatus::unknown, u, now);
                event(tx, now, o.actor, row->id, "unknown", "already in the send ledger");
                return Go::skipped;
            }
            tx.offers().move(row->id, k_approved, OfferStatus::sending, {}, now);
            return Go::send;
        });
        if (!begun) return std::unexpected(begun.error());
        Go go = *begun;
        if (go == Go::suppressed) {
            ++sum.suppressed;
            if (o.on_message) o.on_message(planned, "suppressed", "opted out", i, todo->size());
            continue;
        }
        if (go != Go::send) continue;
        if (o.on_message) o.on_message(planned, "", "", i, todo->size());
        HandoffResult h = deliver(identity.sender_email, recipient, *message);
        Instant done = wall(clock);
        OfferStatus status = OfferStatus::sent;
        SendState state = SendState::sent;
        std::string outcome = "sent";
        if (h.outcome == Handoff::refused) {
            state = SendState::refused;
            bool permanent = h.code >= 500 && h.code < 600;
            status = permanent ? OfferStatus::failed : OfferStatus::approved;
            outcome = permanent ? "failed" : "refused";
        } else if (h.outcome == Handoff::unknown) {
            state = SendState::unknown;
            status = OfferStatus::unknown;
            outcome = "unknown";
        }
        auto finished = store.write([&](Tx& tx) -> Result<void> {
            OfferUpdate u;
            u.detail = h.detail;
            if (status == OfferStatus::sent) u.sent_at = done;
            // From unknown too: a second run may have taken this hand-off for cut off, and
            // the server's answer is the better record.
            tx.offers().move(planned.id, k_finishing, status, u, done);
            tx.offers().finish_send(planned.id, state, h.detail, done);
            event(tx, done, o.actor, planned.id, outcome,
                  h.code ? fmt::format("server answered {}", h.code) : "");
            return {};
        });
        if (!finished) return std::unexpected(finished.error());
        if (status == OfferStatus::sent) ++sum.sent;
        if (outcome == "refused") ++sum.refused;
        if (outcome == "failed") ++sum.failed;
        if (outcome == "unknown") ++sum.unknown;
        if (o.on_message) o.on_message(planned, outcome, h.detail, i, todo->size());
    }
    return sum;
}

} // namespace dropcat
