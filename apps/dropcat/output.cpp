#include "output.hpp"
#include "suggest.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
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

namespace {

// The code point at the start of `s` and its length in bytes (1 for a byte that is not UTF-8).
std::size_t decode(std::string_view s, char32_t& cp) {
    auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    unsigned char b0 = b(0);
    std::size_t n = b0 < 0x80         ? 1
                    : (b0 >> 5) == 6  ? 2
                    : (b0 >> 4) == 14 ? 3
                    : (b0 >> 3) == 30 ? 4
                                      : 1;
    if (n > s.size()) n = 1;
    cp = n == 1 ? b0 : n == 2 ? b0 & 0x1F : n == 3 ? b0 & 0x0F : b0 & 0x07;
    for (std::size_t i = 1; i < n; ++i) {
        if ((b(i) & 0xC0) != 0x80) {
            cp = b0;
            return 1;
        }
        cp = (cp << 6) | (b(i) & 0x3F);
    }
    return n;
}

// Columns a code point takes on a terminal (East Asian Wide and Fullwidth: 2; combining and
// zero-width: 0), after Unicode's EastAsianWidth.txt in broad ranges.
int char_width(char32_t cp) {
    if (cp == 0) return 0;
    if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x483 && cp <= 0x489) ||
        (cp >= 0x591 && cp <= 0x5BD) || (cp >= 0x610 && cp <= 0x61A) ||
        (cp >= 0x64B && cp <= 0x65F) || (cp >= 0x200B && cp <= 0x200F) ||
        (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
        (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0xFEFF)
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
        (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

} // namespace

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        i += decode(text.substr(i), cp);
        width += static_cast<std::size_t>(char_width(cp));
    }
    return width;
}

std::string cut_to_width(std::string_view text, std::size_t width) {
    if (display_width(text) <= width) return std::string(text);
    if (width == 0) return {};
    std::string out;
    std::size_t used = 0;
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        std::size_t n = decode(text.substr(i), cp);
        auto w = static_cast<std::size_t>(char_width(cp));
        if (used + w > width - 1) break; // room for the ellipsis
        out.append(text.substr(i, n));
        used += w;
        i += n;
    }
    return out + "\u2026";
}

std::optional<ViewError> make_view(const ListingOptions& options,
                                   const std::vector<std::string>& columns, RowView& view) {
    view.header = !options.no_header;
    std::string_view list = options.columns;
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        auto it = std::find(columns.begin(), columns.end(), name);
        if (it == columns.end()) {
            std::vector<std::string_view> names(columns.begin(), columns.end());
            return ViewError{"--columns: " + not_one_of("column", name, names)};
        }
        view.picked.push_back(static_cast<std::size_t>(it - columns.begin()));
    }
    if (listing_format(options.format) == OutputFormat::table && isatty(STDOUT_FILENO)) {
        std::size_t width = 0;
        if (const char* env = std::getenv("COLUMNS"); env != nullptr && *env != '\0')
            width = static_cast<std::size_t>(std::strtoul(env, nullptr, 10));
        winsize ws{};
        if (width == 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) width = ws.ws_col;
        view.width = width;
    }
    return std::nullopt;
}

namespace {
pid_t g_pager = -1;
}

void start_pager(const ListingOptions& options) {
    if (options.no_pager || listing_format(options.format) != OutputFormat::table ||
        !isatty(STDOUT_FILENO))
        return;
    const char* env = std::getenv("PAGER");
    std::string pager = env != nullptr ? env : "less";
    if (pager.empty() || pager == "cat") return;
    // No PAGER and no less (a minimal system): no pager.
    if (env == nullptr) {
        bool found = false;
        std::string_view path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
        while (!found && !path.empty()) {
            std::size_t colon = path.find(':');
            std::string dir(path.substr(0, colon));
            found = !dir.empty() && access((dir + "/less").c_str(), X_OK) == 0;
            path = colon == std::string_view::npos ? std::string_view{} : path.substr(colon + 1);
        }
        if (!found) return;
    }
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]);
        close(fds[1]);
        // less quits at once on a short listing, keeps colours, leaves the screen as it is.
        setenv("LESS", "FRX", 0);
        execl("/bin/sh", "sh", "-c", pager.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    std::fflush(stdout);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    g_pager = pid;
}

bool finish_pager() {
    if (g_pager < 0) return true;
    std::fflush(stdout);
    // The pager reads to the end of its input, then waits for the user.
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, STDOUT_FILENO);
        close(null);
    }
    int status = 0;
    while (waitpid(g_pager, &status, 0) < 0 && errno == EINTR) {
    }
    g_pager = -1;
    return !(WIFEXITED(status) && (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127));
}

RowWriter::RowWriter(OutputFormat format, std::vector<std::string> columns, bool color,
                     RowView view)
    : m_format(format), m_columns(std::move(columns)), m_view(std::move(view)), m_color(color) {
    if (m_view.picked.empty())
        for (std::size_t i = 0; i < m_columns.size(); ++i)
            m_view.picked.push_back(i);
    if ((m_format == OutputFormat::tsv || m_format == OutputFormat::csv) && m_view.header) {
        std::vector<Cell> header;
        for (const auto& c : m_columns)
            header.push_back(Cell{c});
        row(header);
    }
}

std::vector<std::string_view> RowWriter::picked(std::span<const Cell> cells) const {
    std::vector<std::string_view> out;
    for (std::size_t i : m_view.picked)
        out.push_back(i < cells.size() ? cells[i].text : std::string_view{});
    return out;
}

RowWriter::~RowWriter() = default;

void RowWriter::row(std::span<const Cell> cells) {
    m_line.clear();
    std::vector<std::string_view> shown = picked(cells);
    switch (m_format) {
    case OutputFormat::tsv:
        for (std::size_t i = 0; i < shown.size(); ++i) {
            if (i > 0) m_line += '\t';
            for (char c : shown[i])
                m_line += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
        }
        break;
    case OutputFormat::csv:
        for (std::size_t i = 0; i < shown.size(); ++i) {
            if (i > 0) m_line += ',';
            std::string_view t = shown[i];
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
        // An absent value is null, never "" (dropcat(1), JSON OUTPUT).
        m_line += '{';
        for (std::size_t k = 0; k < m_view.picked.size(); ++k) {
            std::size_t i = m_view.picked[k];
            if (k > 0) m_line += ',';
            append_json_string(m_line, m_columns[i]);
            m_line += ':';
            std::string_view text = i < cells.size() ? cells[i].text : std::string_view{};
            if (i < cells.size() && !cells[i].json.empty())
                m_line += cells[i].json;
            else if (text.empty())
                m_line += "null";
            else if (cells[i].number)
                m_line += text;
            else
                append_json_string(m_line, text);
        }
        m_line += '}';
        break;
    case OutputFormat::table: {
        std::vector<std::string> copy(shown.begin(), shown.end());
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

// Shrinks the widest columns, a column at a time, until the table fits the terminal; no
// column goes below 6 characters (headers are cut too) so that what is cut still says
// something.
void RowWriter::fit_widths() {
    if (m_view.width == 0 || m_widths.empty()) return;
    auto total = [&] {
        std::size_t sum = 2 * (m_widths.size() - 1);
        for (std::size_t w : m_widths)
            sum += w;
        return sum;
    };
    std::vector<std::size_t> floor(m_widths.size());
    for (std::size_t i = 0; i < m_widths.size(); ++i)
        floor[i] = std::min<std::size_t>(m_widths[i], 6);
    while (total() > m_view.width) {
        std::size_t widest = m_widths.size();
        for (std::size_t i = 0; i < m_widths.size(); ++i)
            if (m_widths[i] > floor[i] &&
                (widest == m_widths.size() || m_widths[i] > m_widths[widest]))
                widest = i;
        if (widest == m_widths.size()) break; // as narrow as it goes
        --m_widths[widest];
    }
}

void RowWriter::flush_table() {
    m_widths.assign(m_view.picked.size(), 0);
    std::vector<std::string> header;
    for (std::size_t i = 0; i < m_view.picked.size(); ++i) {
        header.push_back(m_columns[m_view.picked[i]]);
        if (m_view.header) m_widths[i] = display_width(header.back());
    }
    for (const auto& r : m_pending)
        for (std::size_t i = 0; i < r.size() && i < m_widths.size(); ++i)
            m_widths[i] = std::max(m_widths[i], display_width(r[i]));
    fit_widths();
    m_table_started = true;
    if (m_view.header) write_table_row(header, true);
    for (const auto& r : m_pending)
        write_table_row(r, false);
    m_pending.clear();
}

void RowWriter::write_table_row(const std::vector<std::string>& cells, bool header) {
    m_line.clear();
    if (header && m_color) m_line += "\033[1m";
    for (std::size_t i = 0; i < cells.size(); ++i) {
        std::string shown(cells[i]);
        if (header)
            for (char& c : shown)
                c = (c == '_') ? ' ' : static_cast<char>(std::toupper(c));
        if (i < m_widths.size()) shown = cut_to_width(shown, m_widths[i]);
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
