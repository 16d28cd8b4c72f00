#pragma once

// Internal to catcher: the store writes a target's end makes (its state, its event, the
// backorders on the name), shared by the run, the recovery and `catch resolve`.

#include "dropcat/store.hpp"

#include <span>
#include <string_view>

namespace dropcat::catcher {

// Moves the target from one of `from` to `to` with `update`, appending its event; on caught
// or lost, every active backorder on the name takes that status with an event of its own.
// False when the target was not in one of `from` (nothing written).
bool end_target(Tx& tx, std::int64_t id, std::string_view domain, std::span<const TargetState> from,
                TargetState to, const TargetUpdate& update, std::string_view actor,
                std::string_view detail, Instant now);

// The states a target may leave for caught: all of them, lost included (a registration the
// account confirms is the truth, whatever was thought before).
inline constexpr TargetState k_any_state[] = {
    TargetState::armed,  TargetState::checking, TargetState::available, TargetState::registering,
    TargetState::caught, TargetState::lost,     TargetState::ambiguous, TargetState::failed};
inline constexpr TargetState k_open_states[] = {TargetState::armed, TargetState::checking,
                                                TargetState::available, TargetState::registering,
                                                TargetState::ambiguous};

} // namespace dropcat::catcher
