#pragma once

#include "dropcat/export.hpp"
#include "dropcat/date.hpp"
#include "dropcat/domain.hpp"
#include "dropcat/error.hpp"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

enum class InputFormat { automatic, lines, csv, se_json, auda };

// A name an operator can give to --input-format, and the reader behind it. Several names share
// a reader where the formats are the same on the wire (a .se TXT list is the `lines` format).
struct FormatInfo {
    std::string_view name;
    InputFormat format;
    std::string_view summary;
};

std::span<const FormatInfo> input_formats();
std::optional<InputFormat> find_input_format(std::string_view name);
std::string_view format_name(InputFormat format);

// A file or stdin read line by line, gzip-compressed or not (told by its magic bytes, whatever
// its name). Lines may end in LF or CRLF; a UTF-8 byte-order mark is skipped. Concatenated gzip
// members are read one after the other (gzip -c a b > ab.gz is valid); anything else after the
// end of the gzip data, or gzip data that stops before its end, is an error.
class Input {
  public:
    // The longest line (and CSV record) read: a longer one is an error found without reading
    // the rest of it, so a file of one endless line cannot fill the memory.
    static constexpr std::size_t k_max_line = 1 << 20;

    // "-" is stdin. `display_name` is what messages call it ("stdin" for "-").
    static Result<Input> open(const std::string& path);
    Input(Input&& other) noexcept;
    Input& operator=(Input&&) = delete;
    Input(const Input&) = delete;
    ~Input();

    const std::string& display_name() const { return m_name; }
    // Whether the content is gzip-compressed; known once the first bytes have been read.
    bool compressed() const { return m_compressed; }

    // The first bytes of the content (decompressed), without consuming them.
    Result<std::string_view> head(std::size_t bytes);
    // The next line without its end; false at the end of the input. The view stays valid until
    // the next call. A line over k_max_line bytes is an error (kind data): "NAME:LINE: line too
    // long (over N bytes)".
    Result<bool> next_line(std::string_view& line);
    // The next bytes of the content as they come (a leading UTF-8 byte order mark skipped),
    // for readers that are not line-based; false at the end. The view stays valid until the
    // next call. Not to be mixed with next_line.
    Result<bool> next_chunk(std::string_view& chunk);
    // The number of the line next_line returned last (1-based).
    std::size_t line_number() const { return m_line; }

  private:
    struct Source; // the descriptor and the gzip decoder (input.cpp)
    Input(std::unique_ptr<Source> source, std::string name);
    Result<bool> fill();
    Result<void> start();
    Result<std::size_t> read_raw(unsigned char* into, std::size_t size);
    Result<std::size_t> inflate_into(char* into, std::size_t size);

    std::unique_ptr<Source> m_source;
    std::string m_name;
    bool m_compressed = false;
    std::vector<char> m_buf;
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    bool m_eof = false;
    bool m_started = false;
    bool m_started_reading = false;
    std::size_t m_line = 0;
};

// Reads CSV records (RFC 4180 quoting; quoted fields may span lines; blank lines and lines
// starting with '#' skipped) for tables other than drop lists, such as backorder imports.
class CsvReader {
  public:
    CsvReader(Input& input, char delimiter = ',') : m_input(input), m_delimiter(delimiter) {}
    // The next record's cells and the line it starts on; false at the end of the input.
    Result<bool> next(std::vector<std::string>& cells, std::size_t& line);
    // The record's text as it stood, for messages.
    const std::string& raw() const { return m_raw; }

  private:
    Input& m_input;
    char m_delimiter;
    std::string m_raw;
};

struct ReadOptions {
    InputFormat format = InputFormat::automatic;
    std::string domain_column; // a header name or 1-based number; empty: found by name
    std::string date_column;
    std::optional<Day> default_day; // for rows without a date (--drop-date)
    DateReading dates;              // --date-order, --timezone
};

struct DropRow {
    DomainName name;
    DropMoment when;
    std::size_t line = 0;
    // Read month first while the file has not shown its order (ReadSummary::date_order): if
    // it shows day first later, day_first_reading(when) is the row's date.
    bool ambiguous_date = false;
    std::optional<int> date_offset; // the offset an ambiguous date's text gave (ListDate)
};

struct Rejection {
    std::size_t line = 0;
    std::string reason;
    std::string text; // the row as it stood, shortened for display
};

// Receives what a reader finds, in file order.
class RowSink {
  public:
    virtual ~RowSink() = default;
    virtual void row(DropRow&& row) = 0;
    virtual void reject(Rejection&& rejection) = 0;
    // Polled between rows; true stops the reader with ErrorKind::interrupted.
    virtual bool interrupted() const { return false; }
};

struct ReadSummary {
    InputFormat format = InputFormat::automatic;
    std::size_t rows = 0;          // data rows read (not headers, comments or blank lines)
    std::size_t good = 0;          // rows handed to RowSink::row
    std::size_t valid_domains = 0; // rows whose domain was valid, whatever their date
    // Read with DateOrder::automatic: the order the file's dates showed (mdy or dmy, from the
    // first date that could be read only one way, on date_order_line), or automatic when none
    // did; and how many rows were handed over as DropRow::ambiguous_date.
    DateOrder date_order = DateOrder::automatic;
    std::size_t date_order_line = 0;
    std::size_t ambiguous_dates = 0;
};

// Reads a whole drop list. A row that is bad goes to RowSink::reject with its line and reason;
// a file that is not a drop list at all (binary data, an HTML page, malformed JSON, a CSV header
// without a domain column, no valid domain on any row) is an Error of kind `data` whose message
// starts with "FILE:" or "FILE:LINE:".
Result<ReadSummary> read_drop_list(Input& input, const ReadOptions& options, RowSink& sink);

} // namespace dropcat

DROPCAT_PUBLIC_END
