#pragma once

// What `dropcat status` (and the catch) do with an RDAP answer: keep it, predict the drop from
// the name's history, and notice a restored name.

#include "dropcat/export.hpp"
#include "dropcat/rdap.hpp"
#include "dropcat/store.hpp"

#include <optional>
#include <string>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

struct StatusReport {
    RdapRecord record;
    Phase phase = Phase::unknown; // the last known phase (the record's, unless it is unknown)
    std::optional<DropWindow> window;
    Instant observed_at{};           // this look-up
    std::optional<Instant> known_at; // the last look-up that had an answer
    bool restored = false;           // this look-up found it registered again
    std::size_t backorders_told = 0; // active backorders that got a "restored" event
    std::optional<Day> listed_day;   // the drops table's date (the list's claim)
    bool prediction_differs = false; // the window does not hold the listed day
};

// Writes one look-up in `tx`: the observation; the name's state (phase, predicted window from
// its history and `profile`, restored); for a restored name an event on each active backorder.
// A look-up without an answer (phase unknown) is kept in the history and changes nothing else.
StatusReport record_status(Tx& tx, const RdapRecord& record, const LifecycleProfile& profile,
                           Instant now, std::string_view actor);

// The stored history of a name as observations for predict_drop.
std::vector<Observation> history_of(const ReadTx& tx, std::string_view domain);

} // namespace dropcat

DROPCAT_PUBLIC_END
