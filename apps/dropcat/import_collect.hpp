#pragma once

#include <dropcat/droplist.hpp>
#include <dropcat/store.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dropcat::cli {

// Holds every good row of an import run compactly (names in one arena) until the run has read
// all its input, then hands the store one entry per domain, sorted, the last row winning.
class ImportCollector {
  public:
    void set_source(std::string source);
    void add(const DropRow& row);
    std::size_t rows() const { return m_rows.size(); }

    // Sorted, one per domain. The views point into this collector.
    std::vector<DropEntry> entries() const;

  private:
    struct Packed {
        std::uint32_t offset;
        std::uint16_t length;
        std::uint16_t tld_pos;
        std::uint32_t source;
        Day day;
        std::int64_t time; // Unix ms; k_no_time when the list gave none
    };
    static constexpr std::int64_t k_no_time = INT64_MIN;

    std::string m_arena;
    std::vector<Packed> m_rows;
    std::vector<std::string> m_sources;
};

} // namespace dropcat::cli
