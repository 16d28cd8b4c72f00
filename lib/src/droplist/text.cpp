#include "readers.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <charconv>

namespace dropcat::droplist {

namespace {

constexpr std::size_t k_poll_every = 4096;

Result<void> interrupted(RowContext& ctx) {
    return fail(ErrorKind::interrupted, fmt::format("{}: interrupted", ctx.input.display_name()));
}

// A column chosen on the command line: a 1-based number, or a header name.
struct ColumnChoice {
    std::string_view given;
    std::optional<std::size_t> index;
};

ColumnChoice column_choice(std::string_view given) {
    ColumnChoice choice{given, std::nullopt};
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(given.data(), given.data() + given.size(), n);
    if (ec == std::errc() && end == given.data() + given.size() && n >= 1) choice.index = n - 1;
    return choice;
}

std::string join_cells(const std::vector<std::string>& cells) {
    std::string out;
    for (const auto& c : cells)
        out += (out.empty() ? "" : ", ") + c;
    return out;
}

} // namespace

Result<void> read_lines(RowContext& ctx) {
    std::string_view line;
    std::size_t count = 0;
    while (true) {
        auto more = ctx.input.next_line(line);
        if (!more) return std::unexpected(more.error());
        if (!*more) return {};
        if (++count % k_poll_every == 0 && ctx.sink.interrupted()) return interrupted(ctx);
        if (is_blank_or_comment(line)) continue;
        std::string_view text = dropcat::text::trim(line);
        std::size_t gap = text.find_first_of(" \t");
        std::string_view domain = text.substr(0, gap);
        std::string_view date =
            gap == std::string_view::npos ? std::string_view{} : text.substr(gap);
        emit_text(ctx, ctx.input.line_number(), domain, date, line);
    }
}

Result<void> read_csv(RowContext& ctx, char delimiter) {
    Input& input = ctx.input;
    const std::string& file = input.display_name();
    std::string_view line;
    std::vector<std::string> cells;
    std::string raw;

    // The first record decides the delimiter and whether there is a header.
    while (true) {
        auto more = input.next_line(line);
        if (!more) return std::unexpected(more.error());
        if (!*more) return {};
        if (!is_blank_or_comment(line)) break;
    }
    if (delimiter == '\0') delimiter = guess_delimiter(line);
    if (delimiter == '\0') delimiter = ',';
    std::size_t first_line = input.line_number();
    auto split = split_csv(input, line, delimiter, cells, raw);
    if (!split) return std::unexpected(split.error());
    std::size_t size = *split;
    cells.resize(size);

    ColumnChoice domain_choice = column_choice(ctx.options.domain_column);
    ColumnChoice date_choice = column_choice(ctx.options.date_column);
    std::vector<std::string> names;
    for (const auto& c : cells)
        names.push_back(normalise_header(c));
    auto find_named = [&](std::string_view given) -> std::optional<std::size_t> {
        std::string want = normalise_header(given);
        for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == want) return i;
        return std::nullopt;
    };

    bool header = false;
    std::optional<std::size_t> domain_col;
    std::optional<std::size_t> date_col;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (domain_header_rank(names[i]) >= 0 || date_header_rank(names[i]) >= 0) header = true;
    if (!domain_choice.given.empty() && !domain_choice.index) {
        domain_col = find_named(domain_choice.given);
        if (!domain_col)
            return fail(ErrorKind::data,
                        fmt::format("{}:{}: no column named '{}' in the header (columns: {})", file,
                                    first_line, domain_choice.given, join_cells(cells)));
        header = true;
    }
    if (!date_choice.given.empty() && !date_choice.index) {
        date_col = find_named(date_choice.given);
        if (!date_col)
            return fail(ErrorKind::data,
                        fmt::format("{}:{}: no column named '{}' in the header (columns: {})", file,
                                    first_line, date_choice.given, join_cells(cells)));
        header = true;
    }
    if (domain_choice.index) domain_col = domain_choice.index;
    if (date_choice.index) date_col = date_choice.index;
    if (header) {
        if (!domain_col) {
            int best = -1;
            for (std::size_t i = 0; i < names.size(); ++i) {
                int rank = domain_header_rank(names[i]);
                if (rank >= 0 && (best < 0 || rank < best)) {
                    best = rank;
                    domain_col = i;
                }
            }
        }
        if (!domain_col)
            return fail(ErrorKind::data,
                        fmt::format("{}:{}: the header has no domain column (looked for domain, "
                                    "domain_name, domainname, name, domain name; columns: {}); "
                                    "choose one with --domain-column",
                                    file, first_line, join_cells(cells)));
        if (!date_col) {
            int best = -1;
            for (std::size_t i = 0; i < names.size(); ++i) {
                int rank = date_header_rank(names[i]);
                if (rank >= 0 && (best < 0 || rank < best)) {
                    best = rank;
                    date_col = i;
                }
            }
        }
    } else {
        if (!domain_col) domain_col = 0;
        if (!date_col && cells.size() > 1) date_col = *domain_col == 1 ? 0 : 1;
    }

    auto handle = [&](std::size_t at) {
        if (*domain_col >= size) {
            reject(ctx, at, fmt::format("no column {} on this row", *domain_col + 1), raw);
            return;
        }
        std::string_view date;
        if (date_col && *date_col < size) date = cells[*date_col];
        emit_text(ctx, at, cells[*domain_col], date, raw);
    };
    if (!header) handle(first_line);

    std::size_t count = 0;
    while (true) {
        auto more = input.next_line(line);
        if (!more) return std::unexpected(more.error());
        if (!*more) return {};
        if (++count % k_poll_every == 0 && ctx.sink.interrupted()) return interrupted(ctx);
        if (is_blank_or_comment(line)) continue;
        std::size_t at = input.line_number();
        split = split_csv(input, line, delimiter, cells, raw);
        if (!split) return std::unexpected(split.error());
        size = *split;
        handle(at);
    }
}

} // namespace dropcat::droplist
