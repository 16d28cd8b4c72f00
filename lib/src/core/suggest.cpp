#include "dropcat/suggest.hpp"

#include <algorithm>
#include <vector>

namespace dropcat {

namespace {
// Optimal string alignment distance: edits, with a swap of neighbours counting as one.
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}
} // namespace

std::optional<std::string> closest_match(std::string_view given,
                                         std::span<const std::string_view> candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (std::string_view c : candidates) {
        std::size_t dist = distance(given, c);
        if (c.starts_with(given) && given.size() >= 2) dist = std::min<std::size_t>(dist, 1);
        if (!best || dist < best_distance) {
            best = std::string(c);
            best_distance = dist;
        }
    }
    std::size_t limit = std::max<std::size_t>(1, std::min(given.size(), std::size_t{6}) / 2);
    if (best && best_distance <= limit) return best;
    return std::nullopt;
}

} // namespace dropcat
