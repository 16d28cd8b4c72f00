#include "dropcat/droplist.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dropcat {

namespace {
constexpr std::size_t k_chunk = 1 << 20;
}

Input::Input(gzFile file, std::string name)
    : m_file(file), m_name(std::move(name)), m_buf(k_chunk) {}

Input::Input(Input&& other) noexcept
    : m_file(other.m_file), m_name(std::move(other.m_name)), m_compressed(other.m_compressed),
      m_buf(std::move(other.m_buf)), m_pos(other.m_pos), m_end(other.m_end), m_eof(other.m_eof),
      m_started(other.m_started), m_started_reading(other.m_started_reading), m_line(other.m_line) {
    other.m_file = nullptr;
}

Input::~Input() {
    if (m_file != nullptr) gzclose(m_file);
}

Result<Input> Input::open(const std::string& path) {
    bool is_stdin = path == "-";
    std::string name = is_stdin ? "stdin" : path;
    int fd = is_stdin ? dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(ErrorKind::failed,
                    fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
    struct stat info {};
    if (fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
        close(fd);
        return fail(ErrorKind::failed, fmt::format("{}: is a folder, not a file", name));
    }
    gzFile file = gzdopen(fd, "rb");
    if (file == nullptr) {
        close(fd);
        return fail(ErrorKind::failed, fmt::format("{}: cannot read: out of memory", name));
    }
    gzbuffer(file, 256 * 1024);
    return Input(file, std::move(name));
}

// Reads more data after m_end, compacting or growing the buffer; false at end of input. A
// gzip stream that stops before its end (a cut-off download) is an error, not an end.
Result<bool> Input::fill() {
    if (m_eof) return false;
    if (m_pos > 0 && m_started) {
        std::memmove(m_buf.data(), m_buf.data() + m_pos, m_end - m_pos);
        m_end -= m_pos;
        m_pos = 0;
    }
    if (m_end == m_buf.size()) m_buf.resize(m_buf.size() * 2);
    int got = gzread(m_file, m_buf.data() + m_end, static_cast<unsigned>(m_buf.size() - m_end));
    int code = Z_OK;
    const char* what = gzerror(m_file, &code);
    if (got < 0 || (got == 0 && code != Z_OK)) {
        if (code == Z_ERRNO && errno == EINTR)
            return fail(ErrorKind::interrupted, fmt::format("{}: interrupted", m_name));
        if (code == Z_ERRNO)
            return fail(ErrorKind::failed,
                        fmt::format("{}: cannot read: {}", m_name, std::strerror(errno)));
        if (code == Z_BUF_ERROR)
            return fail(
                ErrorKind::data,
                fmt::format("{}: the gzip data ends too soon (a cut-off download?)", m_name));
        return fail(ErrorKind::data, fmt::format("{}: bad gzip data: {}", m_name, what));
    }
    // zlib knows whether it is decompressing once it has read the first bytes.
    if (!m_started_reading) {
        m_started_reading = true;
        m_compressed = gzdirect(m_file) == 0;
    }
    if (got == 0) {
        m_eof = true;
        return false;
    }
    m_end += static_cast<std::size_t>(got);
    return true;
}

Result<std::string_view> Input::head(std::size_t bytes) {
    while (m_end - m_pos < bytes) {
        auto more = fill();
        if (!more) return std::unexpected(more.error());
        if (!*more) break;
    }
    std::string_view view(m_buf.data() + m_pos, std::min(bytes, m_end - m_pos));
    if (!m_started && view.starts_with("\xEF\xBB\xBF")) view.remove_prefix(3);
    return view;
}

Result<bool> Input::next_line(std::string_view& line) {
    if (!m_started) {
        m_started = true;
        auto h = head(3);
        if (!h) return std::unexpected(h.error());
        if (std::string_view(m_buf.data() + m_pos, m_end - m_pos).starts_with("\xEF\xBB\xBF"))
            m_pos += 3;
    }
    auto too_long = [&] {
        return fail(ErrorKind::data, fmt::format("{}:{}: line too long (over {} bytes)", m_name,
                                                 m_line + 1, k_max_line));
    };
    std::size_t scanned = m_pos;
    while (true) {
        const char* start = m_buf.data() + scanned;
        const void* nl = std::memchr(start, '\n', m_end - scanned);
        if (nl != nullptr) {
            std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - m_buf.data());
            if (end - m_pos > k_max_line + 1) return too_long(); // (+1: a CR before the LF)
            line = std::string_view(m_buf.data() + m_pos, end - m_pos);
            m_pos = end + 1;
            break;
        }
        if (m_end - m_pos > k_max_line + 1) return too_long();
        std::size_t offset = m_end - m_pos;
        auto more = fill();
        if (!more) return std::unexpected(more.error());
        if (!*more) {
            if (m_pos == m_end) return false;
            line = std::string_view(m_buf.data() + m_pos, m_end - m_pos);
            m_pos = m_end;
            break;
        }
        scanned = m_pos + offset;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++m_line;
    return true;
}

} // namespace dropcat
