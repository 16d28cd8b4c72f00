#include "readers.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <thread>

namespace dropcat::droplist {

using text::trim;

std::string shorten(std::string_view raw) {
    return text::for_message(trim(raw), 80);
}

namespace {

constexpr std::size_t k_batch_rows = 8192;
// Lines may be up to Input::k_max_line long: a batch is also checked once its text is this big,
// so that its offsets (32-bit) never wrap and its memory stays small.
constexpr std::size_t k_batch_bytes = 16 << 20;

std::string_view view_or_empty(const RowBatch& b, std::uint32_t off, std::uint32_t len) {
    return len == 0 ? std::string_view{} : b.view(off, len);
}

void enqueue(RowContext& ctx, RowBatch::Pending row, std::string_view domain, std::string_view date,
             std::string_view raw) {
    RowBatch& b = ctx.batch;
    row.domain_off = b.put(domain);
    row.domain_len = static_cast<std::uint32_t>(domain.size());
    row.date_off = b.put(date);
    row.date_len = static_cast<std::uint32_t>(date.size());
    row.raw_off = b.put(raw);
    row.raw_len = static_cast<std::uint32_t>(raw.size());
    b.rows.push_back(row);
    if (b.rows.size() >= k_batch_rows || b.arena.size() >= k_batch_bytes) flush(ctx);
}

} // namespace

void flush(RowContext& ctx) {
    RowBatch& b = ctx.batch;
    const std::size_t n = b.rows.size();
    if (n == 0) return;
    std::vector<std::optional<Result<DomainName>>> names(n);
    std::vector<std::optional<Result<ListDate>>> dates(n);
    auto check = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            RowBatch::Pending& r = b.rows[i];
            if (r.reason >= 0) continue;
            names[i] = parse_domain(b.view(r.domain_off, r.domain_len));
            if (r.parse_date) {
                std::string_view date = trim(view_or_empty(b, r.date_off, r.date_len));
                if (!date.empty()) dates[i] = read_list_date(date, ctx.options.dates);
            }
        }
    };
    if (n >= 1024) {
        std::thread helper(check, n / 2, n);
        check(0, n / 2);
        helper.join();
    } else {
        check(0, n);
    }
    for (std::size_t i = 0; i < n; ++i) {
        RowBatch::Pending& r = b.rows[i];
        std::string_view raw = view_or_empty(b, r.raw_off, r.raw_len);
        ++ctx.summary.rows;
        if (r.reason >= 0) {
            ctx.sink.reject({r.line, b.reasons[static_cast<std::size_t>(r.reason)], shorten(raw)});
            continue;
        }
        auto& name = *names[i];
        if (!name) {
            ctx.sink.reject({r.line, text::for_message(name.error().message, 200), shorten(raw)});
            continue;
        }
        ++ctx.summary.valid_domains;
        std::optional<DropMoment> when = r.when;
        bool ambiguous = false;
        if (dates[i]) {
            const auto& date = *dates[i];
            if (!date) {
                ctx.sink.reject({r.line, date.error().message, shorten(raw)});
                continue;
            }
            // Read automatically, the first row that shows the order sets it for the file.
            ReadSummary& sum = ctx.summary;
            if (date->shows != DateOrder::automatic) {
                if (sum.date_order == DateOrder::automatic) {
                    sum.date_order = date->shows;
                    sum.date_order_line = r.line;
                } else if (date->shows != sum.date_order) {
                    ctx.sink.reject(
                        {r.line,
                         fmt::format("the date is {} first, but line {} showed this file's "
                                     "dates {} first (--date-order chooses)",
                                     date->shows == DateOrder::dmy ? "day" : "month",
                                     sum.date_order_line,
                                     sum.date_order == DateOrder::dmy ? "day" : "month"),
                         shorten(raw)});
                    continue;
                }
            }
            when = date->moment;
            if (date->ambiguous) {
                if (sum.date_order == DateOrder::dmy)
                    when = day_first_reading(date->moment, ctx.options.dates.zone, date->offset);
                else if (sum.date_order == DateOrder::automatic) {
                    ambiguous = true;
                    ++sum.ambiguous_dates;
                }
            }
        }
        if (!when) {
            if (!ctx.options.default_day) {
                ctx.sink.reject({r.line, "no drop date (give one with --drop-date)", shorten(raw)});
                continue;
            }
            when = DropMoment{*ctx.options.default_day, std::nullopt};
        }
        ++ctx.summary.good;
        ctx.sink.row(DropRow{std::move(*name), *when, r.line, ambiguous,
                             ambiguous ? (*dates[i])->offset : std::nullopt});
    }
    b.clear();
}

void reject(RowContext& ctx, std::size_t line, std::string reason, std::string_view raw) {
    RowBatch::Pending row{};
    row.line = line;
    row.reason = static_cast<std::int32_t>(ctx.batch.reasons.size());
    ctx.batch.reasons.push_back(std::move(reason));
    enqueue(ctx, row, {}, {}, raw);
}

void emit(RowContext& ctx, std::size_t line, std::string_view domain_text,
          std::optional<DropMoment> when, std::string_view date_text, std::string_view raw) {
    RowBatch::Pending row{};
    row.line = line;
    row.when = when;
    row.parse_date = false;
    enqueue(ctx, row, domain_text, when ? std::string_view{} : date_text, raw);
}

void emit_text(RowContext& ctx, std::size_t line, std::string_view domain_text,
               std::string_view date_text, std::string_view raw) {
    RowBatch::Pending row{};
    row.line = line;
    row.parse_date = true;
    enqueue(ctx, row, domain_text, date_text, raw);
}

std::string normalise_header(std::string_view cell) {
    std::string out;
    int depth = 0;
    for (char c : cell) {
        if (c == '(')
            ++depth;
        else if (c == ')')
            depth = depth > 0 ? depth - 1 : 0;
        else if (depth == 0 && c != ' ' && c != '_' && c != '-' && c != '"' && c != '\t')
            out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

int domain_header_rank(std::string_view n) {
    if (n == "domain") return 0;
    if (n == "domainname") return 1;
    if (n == "name") return 2;
    return -1;
}

int date_header_rank(std::string_view n) {
    static constexpr std::string_view k_names[] = {"dropdate",     "droptime",     "date",
                                                   "deletiondate", "deletedate",   "releaseat",
                                                   "releasedate",  "dateavailable"};
    for (std::size_t i = 0; i < std::size(k_names); ++i)
        if (n == k_names[i]) return static_cast<int>(i);
    return -1;
}

bool is_blank_or_comment(std::string_view line) {
    line = trim(line);
    return line.empty() || line.front() == '#';
}

char guess_delimiter(std::string_view line) {
    std::size_t comma = 0, semicolon = 0, tab = 0;
    bool quoted = false;
    for (char c : line) {
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == ',')
            ++comma;
        else if (c == ';')
            ++semicolon;
        else if (c == '\t')
            ++tab;
    }
    if (comma == 0 && semicolon == 0 && tab == 0) return '\0';
    if (comma >= semicolon && comma >= tab) return ',';
    return semicolon >= tab ? ';' : '\t';
}

Result<std::size_t> split_csv(Input& input, std::string_view line, char delimiter,
                              std::vector<std::string>& cells, std::string& raw) {
    // Cells are reused from row to row (cleared, not freed), so a long list allocates once.
    std::size_t count = 0;
    auto next_cell = [&]() -> std::string& {
        if (count == cells.size()) cells.emplace_back();
        std::string& cell = cells[count++];
        cell.clear();
        return cell;
    };
    std::string* cell = &next_cell();
    raw.assign(line);
    bool quoted = false;
    std::size_t start_line = input.line_number();
    while (true) {
        std::size_t i = 0;
        while (i < line.size()) {
            char c = line[i];
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        *cell += '"';
                        ++i;
                    } else {
                        quoted = false;
                    }
                } else {
                    *cell += c;
                }
                ++i;
            } else if (c == '"') {
                quoted = true;
                ++i;
            } else if (c == delimiter) {
                cell = &next_cell();
                ++i;
            } else {
                // Copy the run of plain characters up to the next quote or delimiter at once.
                std::size_t end = i;
                while (end < line.size() && line[end] != '"' && line[end] != delimiter)
                    ++end;
                cell->append(line.substr(i, end - i));
                i = end;
            }
        }
        if (!quoted) return count;
        auto more = input.next_line(line);
        if (!more) return std::unexpected(more.error());
        if (!*more)
            return fail(ErrorKind::data, fmt::format("{}:{}: a quoted field is never closed",
                                                     input.display_name(), start_line));
        *cell += '\n';
        raw += ' ';
        raw.append(line);
        // A quoted field that spans lines is bounded as a line is.
        if (raw.size() > Input::k_max_line)
            return fail(ErrorKind::data,
                        fmt::format("{}:{}: record too long (over {} bytes)", input.display_name(),
                                    start_line, Input::k_max_line));
    }
}

} // namespace dropcat::droplist

namespace dropcat {

Result<bool> CsvReader::next(std::vector<std::string>& cells, std::size_t& line) {
    std::string_view text;
    while (true) {
        auto more = m_input.next_line(text);
        if (!more) return std::unexpected(more.error());
        if (!*more) return false;
        if (!droplist::is_blank_or_comment(text)) break;
    }
    line = m_input.line_number();
    auto count = droplist::split_csv(m_input, text, m_delimiter, cells, m_raw);
    if (!count) return std::unexpected(count.error());
    cells.resize(*count);
    return true;
}

} // namespace dropcat
