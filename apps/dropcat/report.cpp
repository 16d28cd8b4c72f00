#include "report.hpp"

#include <dropcat/backorder.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace dropcat::cli {

namespace {
void write_line(std::string_view prefix, std::string_view label, std::string_view message,
                bool color, const char* colour_code) {
    std::string line(prefix);
    if (!label.empty()) {
        if (color) line += colour_code;
        line += label;
        if (color) line += "\033[0m";
        line += ' ';
    }
    // No message ever shows a card number, whatever value it quotes.
    line += without_card_numbers(message);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}
} // namespace

bool use_color(std::string_view mode, int fd) {
    if (mode == "never") return false;
    if (mode == "always") return true;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') return false;
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::string_view(term) == "dumb") return false;
    return isatty(fd) != 0;
}

void Reporter::configure(std::string_view color_mode, bool quiet, int verbosity) {
    m_color = use_color(color_mode, STDERR_FILENO);
    m_quiet = quiet;
    m_verbosity = verbosity;
}

void Reporter::error(std::string_view message) const {
    write_line("dropcat: ", "error:", message, m_color, "\033[1;31m");
}

void Reporter::warning(std::string_view message) const {
    write_line("dropcat: ", "warning:", message, m_color, "\033[1;33m");
}

void Reporter::note(std::string_view message) const {
    if (!m_quiet) write_line("dropcat: ", "", message, false, "");
}

void Reporter::verbose(std::string_view message) const {
    if (m_verbosity > 0 && !m_quiet) write_line("dropcat: ", "", message, false, "");
}

void Reporter::debug(std::string_view message) const {
    if (m_verbosity > 1 && !m_quiet) write_line("dropcat: ", "", message, false, "");
}

void Reporter::plain(std::string_view line) const {
    write_line("", "", line, false, "");
}

} // namespace dropcat::cli
