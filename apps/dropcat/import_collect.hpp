#pragma once

#include <dropcat/droplist.hpp>
#include <dropcat/store.hpp>
#include <dropcat/store_tables.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dropcat::cli {

// Holds the good rows of an import run until it has read all its input, then hands the store
// one entry per domain, sorted, the last row winning, in batches. Memory stays within a budget
// whatever the input's size: when the rows held reach it they are sorted, made unique and
// written to an unnamed temporary file (a sorted run), and the runs are merged at the end, as
// sort(1) does.
class ImportCollector {
  public:
    // The default budget; DROPCAT_SORT_MEMORY changes it (see dropcat-import(1)).
    static constexpr std::size_t k_default_budget = std::size_t{96} << 20;

    explicit ImportCollector(std::size_t budget = k_default_budget);
    ~ImportCollector();
    ImportCollector(const ImportCollector&) = delete;
    ImportCollector& operator=(const ImportCollector&) = delete;

    void set_source(std::string source);
    // A new input file starts: resolve_day_first() applies to its rows from here.
    void start_file();
    // The file showed its dates day first after some of its rows were read month first
    // (DropRow::ambiguous_date): those rows take their day-first reading. Fails (kind `data`)
    // when some of them were already written to a run.
    Result<void> resolve_day_first(const TimeZone* zone);
    // Fails (kind `io`) when a run cannot be written to the temporary folder.
    Result<void> add(const DropRow& row);
    // Rows added: an upper bound of the entries next() will give (the store's plan uses it).
    std::size_t rows() const { return m_added; }
    std::size_t runs() const { return m_runs.size(); }
    std::size_t merge_passes() const { return m_merge_passes; } // runs merged into one, so far

    // Ends the collecting; then next() gives the entries, sorted and unique, batch by batch
    // (an empty span at the end). A batch's views live until the next call.
    Result<void> finish();
    std::span<const DropEntry> next();
    // Set when next() met a read error in a run (the batches then end early).
    const std::optional<Error>& error() const { return m_error; }

  private:
    struct Packed {
        std::uint64_t offset; // in the arena
        std::uint16_t length; // k_ambiguous set: read month first, see DropRow::ambiguous_date
        std::uint16_t tld_pos;
        std::uint32_t source;
        Day day;
        std::int64_t time; // Unix ms; k_no_time when the list gave none
    };
    static constexpr std::int64_t k_no_time = INT64_MIN;
    static constexpr std::uint16_t k_ambiguous = 0x8000;
    static constexpr std::uint16_t k_length = 0x7FFF;
    // tld_pos is under 256; an ambiguous date's own offset rides in its high byte: bit 15 set,
    // bits 8-14 the offset in quarter hours plus 64.
    static constexpr std::uint16_t k_has_offset = 0x8000;
    struct Run;

    // The rows held, sorted, last of equal names kept, as indexes into m_rows.
    std::vector<std::uint32_t> sorted_unique() const;
    Result<void> spill();
    // Gives `emit` the run holding each next name (the latest run among those at the same name),
    // in name order, until `limit` names or the runs end; then moves those runs on. Returns how
    // many names it gave; sets m_error on a read error.
    std::size_t merge_some(std::size_t limit, const std::function<void(Run&)>& emit);
    // Merges every run into one, so that runs (each an open file and its buffer) stay few.
    Result<void> compact();
    std::size_t held_bytes() const;

    std::size_t m_budget;
    std::size_t m_added = 0;
    std::string m_arena;
    std::vector<Packed> m_rows;
    std::vector<std::string> m_sources;
    std::vector<std::unique_ptr<Run>> m_runs;
    std::size_t m_merge_passes = 0;
    std::size_t m_file_start = 0;     // in m_rows, where the current file's rows start
    bool m_spilled_ambiguous = false; // a run holds rows of this file read month first
    std::optional<Error> m_error;

    // Output state.
    bool m_finished = false;
    std::vector<std::uint32_t> m_order; // when nothing was spilled
    std::size_t m_position = 0;
    std::vector<DropEntry> m_batch;
    std::string m_batch_names;
};

// DROPCAT_SORT_MEMORY: a size such as 96M, 512K or 1G (at least 1M); the default when unset.
Result<std::size_t> sort_memory_from_environment();

} // namespace dropcat::cli
