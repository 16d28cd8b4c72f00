#include "import_collect.hpp"

#include <algorithm>
#include <numeric>

namespace dropcat::cli {

void ImportCollector::set_source(std::string source) {
    if (m_sources.empty() || m_sources.back() != source) m_sources.push_back(std::move(source));
}

void ImportCollector::add(const DropRow& row) {
    const std::string& name = row.name.ascii;
    m_rows.push_back(Packed{static_cast<std::uint32_t>(m_arena.size()),
                            static_cast<std::uint16_t>(name.size()),
                            static_cast<std::uint16_t>(row.name.tld_pos),
                            static_cast<std::uint32_t>(m_sources.size() - 1), row.when.day,
                            row.when.unix_seconds.value_or(k_no_time)});
    m_arena += name;
}

std::vector<DropEntry> ImportCollector::entries() const {
    auto name = [this](const Packed& p) {
        return std::string_view(m_arena).substr(p.offset, p.length);
    };
    std::vector<std::uint32_t> order(m_rows.size());
    std::iota(order.begin(), order.end(), 0u);
    // Stable by position, so among equal names the last row read ends up last.
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return name(m_rows[a]) < name(m_rows[b]);
    });
    std::vector<DropEntry> out;
    out.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const Packed& p = m_rows[order[i]];
        if (i + 1 < order.size() && name(m_rows[order[i + 1]]) == name(p)) continue;
        std::string_view domain = name(p);
        out.push_back(DropEntry{domain, domain.substr(p.tld_pos), p.day,
                                p.time == k_no_time ? std::nullopt : std::optional(p.time),
                                m_sources[p.source]});
    }
    return out;
}

} // namespace dropcat::cli
