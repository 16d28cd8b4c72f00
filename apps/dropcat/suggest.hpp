#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dropcat::cli {

// The candidate closest to `given` when it is close enough to be a likely typo.
std::optional<std::string> closest(std::string_view given,
                                   std::span<const std::string_view> candidates);

// "'x' is not one of a, b, c; did you mean 'a'?" (without the suggestion when none is close).
std::string not_one_of(std::string_view what, std::string_view given,
                       std::span<const std::string_view> candidates);

} // namespace dropcat::cli
