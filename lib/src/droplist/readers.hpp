#pragma once

// Internal to the droplist module: the pieces the format readers share.

#include "dropcat/droplist.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dropcat::droplist {

// Rows waiting to be checked. Readers queue rows here in file order; a full batch is checked
// on two threads (the domain rules are the costly part of a read) and handed to the sink in
// the same order.
class RowBatch {
  public:
    struct Pending {
        std::size_t line;
        std::uint32_t domain_off, domain_len;
        std::uint32_t date_off, date_len;
        std::uint32_t raw_off, raw_len;
        std::optional<DropMoment> when; // given by the reader, else parsed from the date text
        bool parse_date;                // date text is to be parsed
        std::int32_t reason = -1;       // index into m_reasons: rejected by the reader itself
    };
    std::string arena;
    std::vector<Pending> rows;
    std::vector<std::string> reasons;

    std::uint32_t put(std::string_view text) {
        auto offset = static_cast<std::uint32_t>(arena.size());
        arena.append(text);
        return offset;
    }
    std::string_view view(std::uint32_t off, std::uint32_t len) const {
        return std::string_view(arena).substr(off, len);
    }
    void clear() {
        arena.clear();
        rows.clear();
        reasons.clear();
    }
};

struct RowContext {
    Input& input;
    const ReadOptions& options;
    RowSink& sink;
    ReadSummary& summary;
    RowBatch batch{};
};

// Checks and delivers the queued rows; readers need not call it (read_drop_list does at the end).
void flush(RowContext& ctx);

// Queues a row the reader itself rejects (a missing column, say), keeping file order.
void reject(RowContext& ctx, std::size_t line, std::string reason, std::string_view raw);

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
// The rank of a domain header among the known names (lower wins: domain, domain_name, name),
// or -1.
int domain_header_rank(std::string_view normalised);
// The rank of a date header among the known names (lower wins), or -1.
int date_header_rank(std::string_view normalised);

// Splits one CSV record (RFC 4180 quoting, quoted fields may span lines) starting with `line`.
// `raw` receives the record's text. Returns the number of cells, which are the first entries of
// `cells` (kept allocated from row to row), or an error for a quote never closed.
Result<std::size_t> split_csv(Input& input, std::string_view line, char delimiter,
                              std::vector<std::string>& cells, std::string& raw);

// Which of ',', ';' and TAB separates the cells of this line (outside quotes); '\0' for none.
char guess_delimiter(std::string_view line);

bool is_blank_or_comment(std::string_view line);

Result<void> read_lines(RowContext& ctx);
Result<void> read_csv(RowContext& ctx, char delimiter);
Result<void> read_se_json(RowContext& ctx);
Result<void> read_auda(RowContext& ctx);

} // namespace dropcat::droplist
