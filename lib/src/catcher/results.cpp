// What catch results says of each target's timing: from the release to the accepted create.
#include "dropcat/catcher.hpp"

namespace dropcat {

namespace {

// A registration event this far from our create's send and answer is another registration
// (the registry's clock may be off by this much and still be believed).
constexpr std::int64_t k_registration_slack_us = 60'000'000;

} // namespace

CatchTiming catch_timing(const TargetRow& target, std::span<const AttemptRow> attempts,
                         std::span<const ObservationRow> observations) {
    CatchTiming out;
    // A known instant is the registry's; a check's time is this machine's, and an arrival
    // from RDAP is then measured against it across the two clocks.
    out.released = target.release_at ? target.release_at : target.released_at;
    const AttemptRow* accepted = nullptr;
    for (const auto& a : attempts)
        if (!a.dry_run && (a.outcome == "registered" || a.outcome == "pending")) accepted = &a;
    if (accepted == nullptr) return out;
    std::int64_t answered = accepted->answered_us.value_or(accepted->sent_us);
    // The registry's own time of the registration, from the latest look-up after it.
    for (auto it = observations.rbegin(); it != observations.rend() && !out.arrived_us; ++it) {
        if (unix_ms(it->at) * 1000 < accepted->sent_us) break;
        for (const auto& e : it->events) {
            std::int64_t at_us = unix_ms(e.at) * 1000;
            // Whole seconds (most registries) say nothing at this scale; the look-up still
            // confirms the registration, and the estimate stands. A time on a whole second
            // is still the registry's to the millisecond when it falls between the create's
            // leaving and its answer (a whole-second time would lie before it left).
            bool within = at_us >= accepted->sent_us && at_us <= answered;
            if (e.action == "registration" && (unix_ms(e.at) % 1000 != 0 || within) &&
                at_us >= accepted->sent_us - k_registration_slack_us &&
                at_us <= answered + k_registration_slack_us) {
                out.arrived_us = at_us;
                out.arrived_from = "rdap";
                break;
            }
        }
    }
    if (!out.arrived_us) {
        out.arrived_us = accepted->sent_us + (answered - accepted->sent_us) / 2;
        out.arrived_from = "estimate";
    }
    if (out.released)
        out.release_to_create_ms =
            static_cast<double>(*out.arrived_us - unix_ms(*out.released) * 1000) / 1000.0;
    return out;
}

} // namespace dropcat
