#include "suggest.hpp"

#include <dropcat/suggest.hpp>

#include <fmt/format.h>

namespace dropcat::cli {

std::optional<std::string> closest(std::string_view given,
                                   std::span<const std::string_view> candidates) {
    return closest_match(given, candidates);
}

std::string not_one_of(std::string_view what, std::string_view given,
                       std::span<const std::string_view> candidates) {
    std::string list;
    for (std::string_view c : candidates)
        list += (list.empty() ? "" : ", ") + std::string(c);
    std::string message = fmt::format("{} '{}' is not one of {}", what, given, list);
    if (auto guess = closest(given, candidates))
        message += fmt::format("; did you mean '{}'?", *guess);
    return message;
}

} // namespace dropcat::cli
