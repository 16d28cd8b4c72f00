#pragma once

#include "dropcat/export.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// The candidate closest to `given` when it is close enough to be a likely typo (an edit
// distance, a swap of neighbours counting as one, of at most a third of its length, or a
// prefix of two characters or more): for "did you mean".
std::optional<std::string> closest_match(std::string_view given,
                                         std::span<const std::string_view> candidates);

} // namespace dropcat

DROPCAT_PUBLIC_END
