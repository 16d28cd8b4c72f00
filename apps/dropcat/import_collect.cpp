#include "import_collect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <thread>
#include <unistd.h>

namespace dropcat::cli {

namespace {

// Entries handed to the store at a time: large, because PostgreSQL takes each batch by one COPY
// (a 1M-row re-import in 16 COPYs of 64K was 10-20% slower), and small enough that the
// batch, and what SQLite reads to compare it, stay well within the memory target.
constexpr std::size_t k_batch = std::size_t{1} << 19;
constexpr std::size_t k_run_buffer = 256 << 10;
// At most this many runs at once (files open, and their buffers: 16 MiB): past it they are
// merged into one, as sort(1) merges in passes.
constexpr std::size_t k_max_runs = 64;

// The first eight bytes of a name as a big-endian number: comparing these orders names the way
// comparing the strings does, without touching the arena for most pairs.
std::uint64_t prefix_key(std::string_view name) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < 8; ++i)
        key = (key << 8) | (i < name.size() ? static_cast<unsigned char>(name[i]) : 0u);
    return key;
}

std::string temp_folder() {
    const char* dir = std::getenv("TMPDIR");
    return dir != nullptr && *dir == '/' ? dir : "/tmp";
}

Error temp_error(const std::string& folder, int error) {
    return Error{ErrorKind::io,
                 fmt::format("cannot write a temporary file in {} (the import sorts a large list "
                             "there; set TMPDIR to another folder): {}",
                             folder, std::strerror(error))};
}

// One record of a run file: the fixed part, then the name's bytes.
struct RunRecord {
    std::uint16_t length;
    std::uint16_t tld_pos;
    std::uint32_t source;
    std::int32_t day;
    std::int64_t time;
};

} // namespace

// A sorted run in an unnamed temporary file, and the record it is at while merging.
struct ImportCollector::Run {
    std::FILE* file = nullptr;
    std::string folder;
    std::vector<char> buffer;
    RunRecord record{};
    std::string name;
    bool at_end = false;

    ~Run() {
        if (file != nullptr) std::fclose(file);
    }

    Result<void> open() {
        folder = temp_folder();
        std::string path = folder + "/dropcat-sort-XXXXXX";
        int fd = mkstemp(path.data());
        if (fd < 0) return std::unexpected(temp_error(folder, errno));
        unlink(path.c_str()); // gone when closed, whatever happens to the process
        file = fdopen(fd, "w+b");
        if (file == nullptr) {
            int e = errno;
            close(fd);
            return std::unexpected(temp_error(folder, e));
        }
        buffer.resize(k_run_buffer);
        std::setvbuf(file, buffer.data(), _IOFBF, buffer.size());
        return {};
    }

    void write(const RunRecord& r, std::string_view n) {
        std::fwrite(&r, sizeof r, 1, file);
        std::fwrite(n.data(), 1, n.size(), file);
    }

    Result<void> end_writing() {
        if (std::fflush(file) != 0 || std::ferror(file))
            return std::unexpected(temp_error(folder, errno));
        std::rewind(file);
        return {};
    }

    // Reads the next record; false at the end or on an error (ferror tells).
    bool advance() {
        if (std::fread(&record, sizeof record, 1, file) != 1) {
            at_end = true;
            return false;
        }
        name.resize(record.length);
        if (std::fread(name.data(), 1, record.length, file) != record.length) {
            at_end = true;
            return false;
        }
        return true;
    }
};

ImportCollector::ImportCollector(std::size_t budget) : m_budget(budget) {}

ImportCollector::~ImportCollector() = default;

void ImportCollector::set_source(std::string source) {
    if (m_sources.empty() || m_sources.back() != source) m_sources.push_back(std::move(source));
}

std::size_t ImportCollector::held_bytes() const {
    // The rows, their names, and the sort keys sorting them will need.
    return m_arena.size() + m_rows.size() * (sizeof(Packed) + 16);
}

void ImportCollector::start_file() {
    m_file_start = m_rows.size();
    m_spilled_ambiguous = false;
}

Result<void> ImportCollector::resolve_day_first(const TimeZone* zone) {
    if (m_spilled_ambiguous)
        return fail(ErrorKind::data,
                    "its dates showed day first only after more rows than fit in the sort "
                    "memory had been read month first; give --date-order dmy");
    for (std::size_t i = m_file_start; i < m_rows.size(); ++i) {
        Packed& p = m_rows[i];
        if ((p.length & k_ambiguous) == 0) continue;
        DropMoment m{p.day,
                     p.time == k_no_time ? std::nullopt : std::optional(from_unix_ms(p.time))};
        std::optional<int> offset;
        if (p.tld_pos & k_has_offset) offset = (((p.tld_pos >> 8) & 0x7F) - 64) * 900;
        DropMoment swapped = day_first_reading(m, zone, offset);
        p.day = swapped.day;
        p.time = swapped.time ? unix_ms(*swapped.time) : k_no_time;
        p.length &= k_length;
    }
    return {};
}

Result<void> ImportCollector::add(const DropRow& row) {
    const std::string& name = row.name.ascii;
    m_rows.push_back(
        Packed{m_arena.size(),
               static_cast<std::uint16_t>(name.size() | (row.ambiguous_date ? k_ambiguous : 0)),
               static_cast<std::uint16_t>(
                   row.name.tld_pos |
                   (row.date_offset ? k_has_offset | ((*row.date_offset / 900 + 64) << 8) : 0)),
               static_cast<std::uint32_t>(m_sources.size() - 1), row.when.day,
               row.when.time ? unix_ms(*row.when.time) : k_no_time});
    m_arena += name;
    ++m_added;
    if (held_bytes() >= m_budget) return spill();
    return {};
}

std::vector<std::uint32_t> ImportCollector::sorted_unique() const {
    auto name = [this](const Packed& p) {
        return std::string_view(m_arena).substr(p.offset, p.length & k_length);
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
    std::vector<std::uint32_t> out;
    out.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (i + 1 < order.size() && order[i + 1].prefix == order[i].prefix &&
            name(m_rows[order[i + 1].index]) == name(m_rows[order[i].index]))
            continue;
        out.push_back(order[i].index);
    }
    return out;
}

Result<void> ImportCollector::spill() {
    auto run = std::make_unique<Run>();
    if (auto opened = run->open(); !opened) return opened;
    for (std::uint32_t i : sorted_unique()) {
        const Packed& p = m_rows[i];
        if (i >= m_file_start && (p.length & k_ambiguous) != 0) m_spilled_ambiguous = true;
        auto length = static_cast<std::uint16_t>(p.length & k_length);
        run->write(RunRecord{length, static_cast<std::uint16_t>(p.tld_pos & 0xFF), p.source, p.day,
                             p.time},
                   std::string_view(m_arena).substr(p.offset, length));
    }
    if (auto written = run->end_writing(); !written) return written;
    m_runs.push_back(std::move(run));
    if (m_runs.size() >= k_max_runs)
        if (auto compacted = compact(); !compacted) return compacted;
    // The memory is kept for the next run.
    m_rows.clear();
    m_arena.clear();
    m_file_start = 0;
    return {};
}

Result<void> ImportCollector::finish() {
    m_finished = true;
    if (m_runs.empty()) {
        m_order = sorted_unique();
        return {};
    }
    if (!m_rows.empty())
        if (auto spilled = spill(); !spilled) return spilled;
    m_rows = {};
    m_arena = {};
    for (auto& run : m_runs)
        run->advance();
    return {};
}

std::size_t ImportCollector::merge_some(std::size_t limit, const std::function<void(Run&)>& emit) {
    auto later = [this](std::size_t a, std::size_t b) {
        if (m_runs[a]->name != m_runs[b]->name) return m_runs[a]->name > m_runs[b]->name;
        return a < b;
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heads(later);
    for (std::size_t i = 0; i < m_runs.size(); ++i)
        if (!m_runs[i]->at_end) heads.push(i);
    std::size_t given = 0;
    std::vector<std::size_t> same;
    while (!heads.empty() && given < limit) {
        std::size_t top = heads.top();
        heads.pop();
        // Every other run at the same name: the last of them wins.
        std::size_t winner = top;
        same.assign(1, top);
        while (!heads.empty() && m_runs[heads.top()]->name == m_runs[top]->name) {
            winner = std::max(winner, heads.top());
            same.push_back(heads.top());
            heads.pop();
        }
        emit(*m_runs[winner]);
        ++given;
        for (std::size_t i : same)
            if (m_runs[i]->advance())
                heads.push(i);
            else if (std::ferror(m_runs[i]->file) && !m_error)
                m_error = temp_error(m_runs[i]->folder, errno);
    }
    return given;
}

Result<void> ImportCollector::compact() {
    auto merged = std::make_unique<Run>();
    if (auto opened = merged->open(); !opened) return opened;
    for (auto& run : m_runs)
        run->advance();
    merge_some(SIZE_MAX, [&](Run& r) { merged->write(r.record, r.name); });
    if (m_error) return std::unexpected(*m_error);
    if (auto written = merged->end_writing(); !written) return written;
    m_runs.clear();
    m_runs.push_back(std::move(merged));
    ++m_merge_passes;
    return {};
}

std::span<const DropEntry> ImportCollector::next() {
    m_batch.clear();
    auto time_of = [](std::int64_t t) {
        return t == k_no_time ? std::nullopt : std::optional(from_unix_ms(t));
    };
    if (m_runs.empty()) {
        std::size_t end = std::min(m_order.size(), m_position + k_batch);
        for (; m_position < end; ++m_position) {
            const Packed& p = m_rows[m_order[m_position]];
            m_batch.push_back(
                DropEntry{std::string_view(m_arena).substr(p.offset, p.length & k_length),
                          m_sources[p.source], time_of(p.time), p.day,
                          static_cast<std::uint16_t>(p.tld_pos & 0xFF)});
        }
        return m_batch;
    }
    // The views go into m_batch_names once the batch is whole (it may grow while filling).
    struct Pending {
        std::size_t offset;
        RunRecord record;
    };
    std::vector<Pending> pending;
    m_batch_names.clear();
    merge_some(k_batch, [&](Run& r) {
        pending.push_back({m_batch_names.size(), r.record});
        m_batch_names += r.name;
    });
    if (m_error) return {};
    for (const auto& p : pending)
        m_batch.push_back(DropEntry{
            std::string_view(m_batch_names).substr(p.offset, p.record.length),
            m_sources[p.record.source], time_of(p.record.time), p.record.day, p.record.tld_pos});
    return m_batch;
}

Result<std::size_t> sort_memory_from_environment() {
    const char* text = std::getenv("DROPCAT_SORT_MEMORY");
    if (text == nullptr || *text == '\0') return ImportCollector::k_default_budget;
    std::string_view s(text);
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    std::string_view unit(end, static_cast<std::size_t>(s.data() + s.size() - end));
    int shift = unit == "K" || unit == "k"   ? 10
                : unit == "M" || unit == "m" ? 20
                : unit == "G" || unit == "g" ? 30
                : unit.empty()               ? 0
                                             : -1;
    if (ec != std::errc() || shift < 0 || value > (std::size_t{1} << 40 >> shift) ||
        (value << shift) < (std::size_t{1} << 20))
        return fail(ErrorKind::config,
                    fmt::format("DROPCAT_SORT_MEMORY={} is not a size of at least 1M (such as "
                                "96M or 1G)",
                                s));
    return value << shift;
}

} // namespace dropcat::cli
