#pragma once

// Internal to the droplist module: the pieces the format readers share.

#include "dropcat/droplist.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dropcat::droplist {

struct RowContext {
    Input& input;
    const ReadOptions& options;
    RowSink& sink;
    ReadSummary& summary;
};

// The row's text as messages quote it: trimmed and at most 80 characters.
std::string shorten(std::string_view raw);

// Validates one row and hands it to the sink as a row or a rejection. `when` is empty when the
// row had no date; `date_text` is quoted when it had one that could not be read.
void emit(RowContext& ctx, std::size_t line, std::string_view domain_text,
          std::optional<DropMoment> when, std::string_view date_text, std::string_view raw);

// The same for a row whose date is still text in one of the common forms.
void emit_text(RowContext& ctx, std::size_t line, std::string_view domain_text,
               std::string_view date_text, std::string_view raw);

// A header cell reduced for comparison: lowercase, without spaces, underscores, hyphens and any
// parenthesised note ("Drop time (UTC)" -> "droptime").
std::string normalise_header(std::string_view cell);
bool is_domain_header(std::string_view normalised);
// The rank of a date header among the known names (lower wins), or -1.
int date_header_rank(std::string_view normalised);

// Splits one CSV record (RFC 4180 quoting, quoted fields may span lines) starting with `line`.
// `raw` receives the record's text. Returns an error for an unterminated quote at end of input.
Result<void> split_csv(Input& input, std::string_view line, char delimiter,
                       std::vector<std::string>& cells, std::string& raw);

// Which of ',', ';' and TAB separates the cells of this line (outside quotes); '\0' for none.
char guess_delimiter(std::string_view line);

bool is_blank_or_comment(std::string_view line);

Result<void> read_lines(RowContext& ctx);
Result<void> read_csv(RowContext& ctx, char delimiter);
Result<void> read_se_json(RowContext& ctx);
Result<void> read_auda(RowContext& ctx);

} // namespace dropcat::droplist
