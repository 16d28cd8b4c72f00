#pragma once

#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dropcat::cli {

enum class OutputFormat { table, tsv, csv, json };

// The listing formats as --format spells them, for add_choice.
inline std::vector<std::string> listing_format_names() {
    return {"table", "tsv", "csv", "json"};
}

OutputFormat parse_output_format(std::string_view name);
// `table` on a terminal, `tsv` otherwise, when the user gave none.
OutputFormat default_output_format();
// The --format a listing command was given, or the default when none.
OutputFormat listing_format(std::string_view given);

// Thrown when stdout is a closed pipe; main turns it into a quiet exit 0.
struct BrokenPipe : std::runtime_error {
    BrokenPipe() : std::runtime_error("broken pipe") {}
};

// Thrown when a signal interrupts a write to stdout; main turns it into exit 130.
// Standard output cannot be written (closed, a full disk, an I/O error): exit 74.
struct OutputFailed : std::runtime_error {
    explicit OutputFailed(int error)
        : std::runtime_error(std::string("cannot write to standard output: ") +
                             std::strerror(error)) {}
};

struct OutputInterrupted : std::runtime_error {
    OutputInterrupted() : std::runtime_error("interrupted") {}
};

// Buffered writes to stdout that notice a closed pipe.
class Out {
  public:
    static void write(std::string_view text);
    static void flush();
};

struct Cell {
    std::string_view text;
    bool number = false;        // JSON: written bare
    std::string_view json = {}; // JSON: written bare instead of text when set (a list)
};

// What a listing command's user chose about its output: --format, --columns, --no-header,
// --no-pager (add_listing_options adds them).
struct ListingOptions {
    std::string format;
    std::string columns; // comma-separated names; empty: all
    bool no_header = false;
    bool no_pager = false;
};

// How a RowWriter shows its rows: which of the columns, in which order (indexes into the
// writer's columns; empty: all), with or without a header, and within how many terminal
// columns a table must fit (0: no limit).
struct RowView {
    std::vector<std::size_t> picked;
    bool header = true;
    std::size_t width = 0;
};

// The view a listing's options ask for: --columns checked against `columns` (a usage Error
// naming the unknown one, with a suggestion), the header, and for a table on a terminal the
// terminal's width ($COLUMNS, else the terminal's own).
struct ViewError {
    std::string message;
};
std::optional<ViewError> make_view(const ListingOptions& options,
                                   const std::vector<std::string>& columns, RowView& view);

// Long table output on a terminal goes through $PAGER (default "less -FRX", as git does) unless
// --no-pager, PAGER is empty or "cat", or the output is not a table on a terminal. Call before
// writing; the pager is waited for when the program ends (finish_pager).
void start_pager(const ListingOptions& options);
// Waits for the pager, if one was started; false when it could not be run (the shell's 126 or
// 127: a PAGER that names no program), so that the output that went to it was not shown.
bool finish_pager();

// Streams rows in one of the listing formats. JSON is JSON Lines with the column names as keys;
// a table sizes its columns from the first rows and streams the rest.
class RowWriter {
  public:
    RowWriter(OutputFormat format, std::vector<std::string> columns, bool color, RowView view = {});
    ~RowWriter();
    void row(std::span<const Cell> cells);
    void finish();

  private:
    void flush_table();
    void write_table_row(const std::vector<std::string>& cells, bool header);

    // The cells of the picked columns, in their order.
    std::vector<std::string_view> picked(std::span<const Cell> cells) const;
    void fit_widths();

    OutputFormat m_format;
    std::vector<std::string> m_columns;
    RowView m_view;
    bool m_color;
    std::vector<std::vector<std::string>> m_pending; // table rows held to size the columns
    std::vector<std::size_t> m_widths;
    bool m_table_started = false;
    bool m_finished = false;
    std::string m_line;
};

void append_json_string(std::string& out, std::string_view text);

// "1 backorder", "2 backorders", "0 backorders".
inline std::string counted(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}
// Display width of UTF-8 text in terminal columns: wide (CJK, full-width) characters take two,
// combining marks and zero-width characters none, others one.
std::size_t display_width(std::string_view text);
// `text` cut to at most `width` columns, ending in "…" when cut.
std::string cut_to_width(std::string_view text, std::size_t width);

} // namespace dropcat::cli
