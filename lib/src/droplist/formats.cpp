#include "readers.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <array>

namespace dropcat {

namespace {

constexpr std::array k_formats{
    FormatInfo{"lines", InputFormat::lines, "one domain per line, optionally a date after it"},
    FormatInfo{"se-txt", InputFormat::lines, ".se/.nu TXT list (domain, tab, release date)"},
    FormatInfo{"csv", InputFormat::csv, "comma, semicolon or tab separated, header or not"},
    FormatInfo{"nominet", InputFormat::csv, ".uk drop list (ROID,Domain,Drop time)"},
    FormatInfo{"hexonet", InputFormat::csv, "HEXONET list (domain;drop_date)"},
    FormatInfo{"se-json", InputFormat::se_json, ".se/.nu JSON list (data: name, release_at)"},
    FormatInfo{"auda", InputFormat::auda, ".au list (Date, Eligible purge time, Domain name)"},
};

// Decides the format from the first bytes of the content, or says why it is not a drop list.
Result<InputFormat> detect(Input& input) {
    auto head = input.head(64 * 1024);
    if (!head) return std::unexpected(head.error());
    std::string_view text = *head;
    const std::string& name = input.display_name();
    std::size_t controls = 0;
    for (unsigned char c : text) {
        if (c == 0)
            return fail(ErrorKind::data, fmt::format("{}: binary data, not a drop list", name));
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') ++controls;
    }
    if (controls > text.size() / 100 + 2)
        return fail(ErrorKind::data, fmt::format("{}: binary data, not a drop list", name));

    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        std::string_view line = text.substr(pos, end == std::string_view::npos ? end : end - pos);
        pos = end == std::string_view::npos ? text.size() : end + 1;
        if (droplist::is_blank_or_comment(line)) continue;
        std::size_t first = line.find_first_not_of(" \t");
        char lead = line[first];
        if (lead == '<')
            return fail(ErrorKind::data,
                        fmt::format("{}: looks like an HTML or XML page, not a drop list", name));
        if (lead == '{' || lead == '[') return InputFormat::se_json;
        std::string low = text::ascii_lower(line);
        if (low.find("eligible purge time") != std::string::npos) return InputFormat::auda;
        bool section_title =
            low.find("deleted") != std::string::npos || low.find("expired") != std::string::npos;
        if (section_title && low.find(',') == std::string::npos) {
            // An auDA list may open with its section title before the header.
            std::string_view rest = text.substr(pos, 4096);
            if (text::ascii_lower(rest).find("eligible purge time") != std::string::npos)
                return InputFormat::auda;
        }
        char delimiter = droplist::guess_delimiter(line);
        if (delimiter == ',' || delimiter == ';') return InputFormat::csv;
        if (delimiter == '\t') {
            // A tab-separated header names its columns; otherwise it is "domain<TAB>date".
            std::size_t start = 0;
            while (start <= line.size()) {
                std::size_t tab = line.find('\t', start);
                std::string cell = droplist::normalise_header(
                    line.substr(start, tab == std::string_view::npos ? tab : tab - start));
                if (droplist::domain_header_rank(cell) >= 0 ||
                    droplist::date_header_rank(cell) >= 0)
                    return InputFormat::csv;
                if (tab == std::string_view::npos) break;
                start = tab + 1;
            }
            return InputFormat::lines;
        }
        return InputFormat::lines;
    }
    return InputFormat::lines; // empty or comments only: nothing to read either way
}

} // namespace

std::span<const FormatInfo> input_formats() {
    return k_formats;
}

std::optional<InputFormat> find_input_format(std::string_view name) {
    for (const auto& info : k_formats)
        if (info.name == name) return info.format;
    if (name == "auto") return InputFormat::automatic;
    return std::nullopt;
}

std::string_view format_name(InputFormat format) {
    if (format == InputFormat::automatic) return "auto";
    for (const auto& info : k_formats)
        if (info.format == format) return info.name;
    return "unknown";
}

Result<ReadSummary> read_drop_list(Input& input, const ReadOptions& options, RowSink& sink) {
    ReadSummary summary;
    summary.format = options.format;
    if (summary.format == InputFormat::automatic) {
        auto detected = detect(input);
        if (!detected) return std::unexpected(detected.error());
        summary.format = *detected;
    }
    droplist::RowContext ctx{input, options, sink, summary};
    Result<void> done;
    switch (summary.format) {
    case InputFormat::lines:
        done = droplist::read_lines(ctx);
        break;
    case InputFormat::csv:
        done = droplist::read_csv(ctx, '\0');
        break;
    case InputFormat::se_json:
        done = droplist::read_se_json(ctx);
        break;
    case InputFormat::auda:
        done = droplist::read_auda(ctx);
        break;
    case InputFormat::automatic:
        break;
    }
    if (!done) return std::unexpected(done.error());
    droplist::flush(ctx);
    if (summary.rows == 0)
        return fail(ErrorKind::data,
                    fmt::format("{}: no drop-list rows in it (read as '{}'); an empty download?",
                                input.display_name(), format_name(summary.format)));
    if (summary.valid_domains == 0)
        return fail(ErrorKind::data,
                    fmt::format("{}: not a drop list: none of its {} rows holds a domain name "
                                "(read as '{}'; --input-format chooses another format)",
                                input.display_name(), summary.rows, format_name(summary.format)));
    return summary;
}

} // namespace dropcat
