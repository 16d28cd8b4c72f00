#pragma once

#include <string_view>

namespace dropcat::cli {

// The one voice on stderr: "dropcat: error: …", "dropcat: warning: …", plain notes. Colour only
// on a terminal (or --color always), never when NO_COLOR is set.
class Reporter {
  public:
    void configure(std::string_view color_mode, bool quiet, int verbosity);
    void error(std::string_view message) const;
    void warning(std::string_view message) const;
    // A summary or progress line; silenced by -q.
    void note(std::string_view message) const;
    // Detail shown with -v.
    void verbose(std::string_view message) const;
    // Detail shown with -vv (the request log).
    void debug(std::string_view message) const;
    // A line printed as it is (FILE:LINE reports), even with -q.
    void plain(std::string_view line) const;
    bool color() const { return m_color; }
    bool quiet() const { return m_quiet; }

  private:
    bool m_color = false;
    bool m_quiet = false;
    int m_verbosity = 0;
};

// Whether colour should be used on a stream with this mode ("auto", "always", "never").
bool use_color(std::string_view mode, int fd);

} // namespace dropcat::cli
