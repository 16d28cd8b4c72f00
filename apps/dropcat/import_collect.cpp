#include "import_collect.hpp"

#include <algorithm>
#include <thread>

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
                            row.when.time ? unix_ms(*row.when.time) : k_no_time});
    m_arena += name;
}

namespace {
// The first eight bytes of a name as a big-endian number: comparing these orders names the way
// comparing the strings does, without touching the arena for most pairs.
std::uint64_t prefix_key(std::string_view name) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < 8; ++i)
        key = (key << 8) | (i < name.size() ? static_cast<unsigned char>(name[i]) : 0u);
    return key;
}
} // namespace

std::vector<DropEntry> ImportCollector::entries() const {
    auto name = [this](const Packed& p) {
        return std::string_view(m_arena).substr(p.offset, p.length);
    };
    struct Key {
        std::uint64_t prefix;
        std::uint32_t index;
    };
    std::vector<Key> order(m_rows.size());
    for (std::uint32_t i = 0; i < order.size(); ++i)
        order[i] = {prefix_key(name(m_rows[i])), i};
    // By name, then by position, so among equal names the last row read ends up last. Two
    // halves are sorted on two threads, then merged.
    auto less = [&](const Key& a, const Key& b) {
        if (a.prefix != b.prefix) return a.prefix < b.prefix;
        std::string_view na = name(m_rows[a.index]);
        std::string_view nb = name(m_rows[b.index]);
        if (na != nb) return na < nb;
        return a.index < b.index;
    };
    auto middle = order.begin() + static_cast<std::ptrdiff_t>(order.size() / 2);
    if (order.size() >= 65536) {
        std::thread helper([&] { std::sort(order.begin(), middle, less); });
        std::sort(middle, order.end(), less);
        helper.join();
        std::inplace_merge(order.begin(), middle, order.end(), less);
    } else {
        std::sort(order.begin(), order.end(), less);
    }
    std::vector<DropEntry> out;
    out.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const Packed& p = m_rows[order[i].index];
        if (i + 1 < order.size() && order[i + 1].prefix == order[i].prefix &&
            name(m_rows[order[i + 1].index]) == name(p))
            continue;
        out.push_back(
            DropEntry{name(p), m_sources[p.source],
                      p.time == k_no_time ? std::nullopt : std::optional(from_unix_ms(p.time)),
                      p.day, p.tld_pos});
    }
    return out;
}

} // namespace dropcat::cli
