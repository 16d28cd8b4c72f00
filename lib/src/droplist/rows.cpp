#include "readers.hpp"

#include <fmt/format.h>

namespace dropcat::droplist {

namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}
} // namespace

std::string shorten(std::string_view raw) {
    raw = trim(raw);
    std::string out;
    for (char c : raw.substr(0, 80)) out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
    if (raw.size() > 80) out += "...";
    return out;
}

void emit(RowContext& ctx, std::size_t line, std::string_view domain_text,
          std::optional<DropMoment> when, std::string_view date_text, std::string_view raw) {
    ++ctx.summary.rows;
    auto name = parse_domain(domain_text);
    if (!name) {
        ctx.sink.reject({line, name.error().message, shorten(raw)});
        return;
    }
    ++ctx.summary.valid_domains;
    if (!when) {
        if (!trim(date_text).empty()) {
            ctx.sink.reject({line, fmt::format("cannot read the date '{}'", shorten(date_text)),
                             shorten(raw)});
            return;
        }
        if (!ctx.options.default_day) {
            ctx.sink.reject({line, "no drop date (give one with --drop-date)", shorten(raw)});
            return;
        }
        when = DropMoment{*ctx.options.default_day, std::nullopt};
    }
    ++ctx.summary.good;
    ctx.sink.row(DropRow{std::move(*name), *when, line});
}

void emit_text(RowContext& ctx, std::size_t line, std::string_view domain_text,
               std::string_view date_text, std::string_view raw) {
    date_text = trim(date_text);
    std::optional<DropMoment> when;
    if (!date_text.empty()) when = parse_drop_date(date_text);
    emit(ctx, line, domain_text, when, date_text, raw);
}

std::string normalise_header(std::string_view cell) {
    std::string out;
    int depth = 0;
    for (char c : cell) {
        if (c == '(') ++depth;
        else if (c == ')') depth = depth > 0 ? depth - 1 : 0;
        else if (depth == 0 && c != ' ' && c != '_' && c != '-' && c != '"' && c != '\t')
            out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

bool is_domain_header(std::string_view n) {
    return n == "domain" || n == "domainname" || n == "name";
}

int date_header_rank(std::string_view n) {
    static constexpr std::string_view k_names[] = {
        "dropdate",    "droptime",    "date",        "deletiondate", "deletedate",
        "releaseat",   "releasedate", "dateavailable"};
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
        if (c == '"') quoted = !quoted;
        else if (quoted) continue;
        else if (c == ',') ++comma;
        else if (c == ';') ++semicolon;
        else if (c == '\t') ++tab;
    }
    if (comma == 0 && semicolon == 0 && tab == 0) return '\0';
    if (comma >= semicolon && comma >= tab) return ',';
    return semicolon >= tab ? ';' : '\t';
}

Result<void> split_csv(Input& input, std::string_view line, char delimiter,
                       std::vector<std::string>& cells, std::string& raw) {
    cells.clear();
    cells.emplace_back();
    raw.assign(line);
    bool quoted = false;
    std::size_t start_line = input.line_number();
    while (true) {
        for (std::size_t i = 0; i < line.size(); ++i) {
            char c = line[i];
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        cells.back() += '"';
                        ++i;
                    } else {
                        quoted = false;
                    }
                } else {
                    cells.back() += c;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == delimiter) {
                cells.emplace_back();
            } else {
                cells.back() += c;
            }
        }
        if (!quoted) return {};
        auto more = input.next_line(line);
        if (!more) return std::unexpected(more.error());
        if (!*more)
            return fail(ErrorKind::data, fmt::format("{}:{}: a quoted field is never closed",
                                                     input.display_name(), start_line));
        cells.back() += '\n';
        raw += ' ';
        raw.append(line);
    }
}

} // namespace dropcat::droplist
