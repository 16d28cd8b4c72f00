#include "output.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace dropcat::cli {

namespace {
constexpr std::size_t k_table_sample = 1000;
}

OutputFormat parse_output_format(std::string_view name) {
    if (name == "tsv") return OutputFormat::tsv;
    if (name == "csv") return OutputFormat::csv;
    if (name == "json") return OutputFormat::json;
    return OutputFormat::table;
}

OutputFormat default_output_format() {
    return isatty(STDOUT_FILENO) != 0 ? OutputFormat::table : OutputFormat::tsv;
}

OutputFormat listing_format(std::string_view given) {
    return given.empty() ? default_output_format() : parse_output_format(given);
}

void Out::write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
        if (errno == EPIPE) throw BrokenPipe();
        if (errno == EINTR) throw OutputInterrupted();
        throw OutputFailed(errno);
    }
}

void Out::flush() {
    if (std::fflush(stdout) != 0) {
        if (errno == EPIPE) throw BrokenPipe();
        if (errno == EINTR) throw OutputInterrupted();
        throw OutputFailed(errno);
    }
}

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    out += '"';
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += k_hex[c >> 4];
                out += k_hex[c & 15];
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++width;
    return width;
}

RowWriter::RowWriter(OutputFormat format, std::vector<std::string> columns, bool color)
    : m_format(format), m_columns(std::move(columns)), m_color(color) {
    if (m_format == OutputFormat::tsv || m_format == OutputFormat::csv) {
        std::vector<Cell> header;
        for (const auto& c : m_columns)
            header.push_back(Cell{c});
        row(header);
    }
}

RowWriter::~RowWriter() = default;

void RowWriter::row(std::span<const Cell> cells) {
    m_line.clear();
    switch (m_format) {
    case OutputFormat::tsv:
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) m_line += '\t';
            for (char c : cells[i].text)
                m_line += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
        }
        break;
    case OutputFormat::csv:
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) m_line += ',';
            std::string_view t = cells[i].text;
            if (t.find_first_of(",\"\n\r") == std::string_view::npos) {
                m_line += t;
            } else {
                m_line += '"';
                for (char c : t) {
                    if (c == '"') m_line += '"';
                    m_line += c;
                }
                m_line += '"';
            }
        }
        m_line += '\r'; // RFC 4180 records end in CRLF
        break;
    case OutputFormat::json:
        m_line += '{';
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) m_line += ',';
            append_json_string(m_line, m_columns[i]);
            m_line += ':';
            if (cells[i].number)
                m_line += cells[i].text.empty() ? "null" : cells[i].text;
            else
                append_json_string(m_line, cells[i].text);
        }
        m_line += '}';
        break;
    case OutputFormat::table: {
        std::vector<std::string> copy;
        for (const auto& c : cells)
            copy.emplace_back(c.text);
        if (!m_table_started) {
            m_pending.push_back(std::move(copy));
            if (m_pending.size() >= k_table_sample) flush_table();
        } else {
            write_table_row(copy, false);
        }
        return;
    }
    }
    m_line += '\n';
    Out::write(m_line);
}

void RowWriter::flush_table() {
    m_widths.assign(m_columns.size(), 0);
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        m_widths[i] = display_width(m_columns[i]);
    for (const auto& r : m_pending)
        for (std::size_t i = 0; i < r.size() && i < m_widths.size(); ++i)
            m_widths[i] = std::max(m_widths[i], display_width(r[i]));
    m_table_started = true;
    write_table_row(m_columns, true);
    for (const auto& r : m_pending)
        write_table_row(r, false);
    m_pending.clear();
}

void RowWriter::write_table_row(const std::vector<std::string>& cells, bool header) {
    m_line.clear();
    if (header && m_color) m_line += "\033[1m";
    for (std::size_t i = 0; i < cells.size(); ++i) {
        std::string_view text = cells[i];
        std::string shown(text);
        if (header)
            for (char& c : shown)
                c = (c == '_') ? ' ' : static_cast<char>(std::toupper(c));
        m_line += shown;
        if (i + 1 < cells.size()) {
            std::size_t width = display_width(shown);
            m_line.append(width < m_widths[i] ? m_widths[i] - width : 0, ' ');
            m_line += "  ";
        }
    }
    if (header && m_color) m_line += "\033[0m";
    m_line += '\n';
    Out::write(m_line);
}

void RowWriter::finish() {
    if (m_finished) return;
    m_finished = true;
    if (m_format == OutputFormat::table && !m_table_started) flush_table();
    Out::flush();
}

} // namespace dropcat::cli
