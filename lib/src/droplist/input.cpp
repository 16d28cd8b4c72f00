#include "dropcat/droplist.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dropcat {

namespace {
constexpr std::size_t k_chunk = 1 << 20;
constexpr std::size_t k_raw_chunk = 256 * 1024;
} // namespace

// What is read: the descriptor, the bytes read from it and not yet used, and zlib's inflate
// state while the content is gzip.
struct Input::Source {
    int fd = -1;
    std::vector<unsigned char> raw = std::vector<unsigned char>(k_raw_chunk);
    std::size_t raw_pos = 0; // next unused byte of raw
    std::size_t raw_end = 0;
    bool raw_eof = false;
    bool gzip = false;
    bool inflating = false;   // inflateInit2 done
    bool member_done = false; // the current gzip member ended; another may follow
    z_stream z{};

    ~Source() {
        if (inflating) inflateEnd(&z);
        if (fd >= 0) ::close(fd);
    }
};

Input::Input(std::unique_ptr<Source> source, std::string name)
    : m_source(std::move(source)), m_name(std::move(name)), m_buf(k_chunk) {}

Input::Input(Input&& other) noexcept = default;

Input::~Input() = default;

Result<Input> Input::open(const std::string& path) {
    bool is_stdin = path == "-";
    std::string name = is_stdin ? "stdin" : path;
    int fd = is_stdin ? dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(ErrorKind::failed,
                    fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
    auto source = std::make_unique<Source>();
    source->fd = fd;
    struct stat info {};
    if (fstat(fd, &info) == 0 && S_ISDIR(info.st_mode))
        return fail(ErrorKind::failed, fmt::format("{}: is a folder, not a file", name));
    return Input(std::move(source), std::move(name));
}

// Reads more raw bytes after raw_end (moving the unused ones to the front first); 0 at the end.
Result<std::size_t> Input::read_raw(unsigned char* into, std::size_t size) {
    while (true) {
        ssize_t n = ::read(m_source->fd, into, size);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR)
            return fail(ErrorKind::interrupted, fmt::format("{}: interrupted", m_name));
        return fail(ErrorKind::failed,
                    fmt::format("{}: cannot read: {}", m_name, std::strerror(errno)));
    }
}

// Decompresses into `into`, reading raw bytes as needed: the number of bytes made, 0 at the
// end of the last member. After a member's end only another gzip member may follow.
Result<std::size_t> Input::inflate_into(char* into, std::size_t size) {
    Source& s = *m_source;
    auto refill = [&]() -> Result<bool> {
        if (s.raw_pos > 0) {
            std::memmove(s.raw.data(), s.raw.data() + s.raw_pos, s.raw_end - s.raw_pos);
            s.raw_end -= s.raw_pos;
            s.raw_pos = 0;
        }
        if (s.raw_eof || s.raw_end == s.raw.size()) return false;
        auto got = read_raw(s.raw.data() + s.raw_end, s.raw.size() - s.raw_end);
        if (!got) return std::unexpected(got.error());
        if (*got == 0) s.raw_eof = true;
        s.raw_end += *got;
        return *got > 0;
    };
    while (true) {
        if (s.member_done) {
            // Another member, or the end: two bytes tell which.
            while (s.raw_end - s.raw_pos < 2 && !s.raw_eof) {
                auto more = refill();
                if (!more) return std::unexpected(more.error());
            }
            std::size_t left = s.raw_end - s.raw_pos;
            if (left == 0) return 0;
            if (left < 2 || s.raw[s.raw_pos] != 0x1f || s.raw[s.raw_pos + 1] != 0x8b)
                return fail(ErrorKind::data,
                            fmt::format("{}: bytes after the end of the gzip data that are not "
                                        "another gzip member (a damaged or appended-to file?)",
                                        m_name));
            inflateReset(&s.z);
            s.member_done = false;
        }
        if (s.raw_pos == s.raw_end) {
            auto more = refill();
            if (!more) return std::unexpected(more.error());
        }
        s.z.next_in = s.raw.data() + s.raw_pos;
        s.z.avail_in = static_cast<uInt>(s.raw_end - s.raw_pos);
        s.z.next_out = reinterpret_cast<Bytef*>(into);
        s.z.avail_out = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
        int rc = ::inflate(&s.z, Z_NO_FLUSH);
        std::size_t made = static_cast<std::size_t>(reinterpret_cast<char*>(s.z.next_out) - into);
        s.raw_pos = static_cast<std::size_t>(s.z.next_in - s.raw.data());
        if (rc == Z_STREAM_END) {
            s.member_done = true;
            if (made > 0) return made;
            continue;
        }
        if (rc == Z_OK || (rc == Z_BUF_ERROR && made > 0)) {
            if (made > 0) return made;
            continue; // it took input and made nothing yet (a header)
        }
        if (rc == Z_BUF_ERROR) {
            if (s.raw_eof && s.raw_pos == s.raw_end)
                return fail(
                    ErrorKind::data,
                    fmt::format("{}: the gzip data ends too soon (a cut-off download?)", m_name));
            continue;
        }
        return fail(ErrorKind::data, fmt::format("{}: bad gzip data: {}", m_name,
                                                 s.z.msg != nullptr ? s.z.msg : "unreadable"));
    }
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
    Source& s = *m_source;
    // The first bytes say whether the content is gzip (its magic number), whatever the name.
    if (!m_started_reading) {
        m_started_reading = true;
        while (s.raw_end < 2 && !s.raw_eof) {
            auto got = read_raw(s.raw.data() + s.raw_end, s.raw.size() - s.raw_end);
            if (!got) return std::unexpected(got.error());
            if (*got == 0) s.raw_eof = true;
            s.raw_end += *got;
        }
        s.gzip = s.raw_end >= 2 && s.raw[0] == 0x1f && s.raw[1] == 0x8b;
        m_compressed = s.gzip;
        if (s.gzip) {
            if (inflateInit2(&s.z, 16 + MAX_WBITS) != Z_OK)
                return fail(ErrorKind::failed,
                            fmt::format("{}: cannot read: out of memory", m_name));
            s.inflating = true;
        }
    }
    std::size_t got = 0;
    if (s.gzip) {
        auto made = inflate_into(m_buf.data() + m_end, m_buf.size() - m_end);
        if (!made) return std::unexpected(made.error());
        got = *made;
    } else if (s.raw_pos < s.raw_end) {
        // The bytes read to look for the magic number come first.
        got = std::min(s.raw_end - s.raw_pos, m_buf.size() - m_end);
        std::memcpy(m_buf.data() + m_end, s.raw.data() + s.raw_pos, got);
        s.raw_pos += got;
    } else if (!s.raw_eof) {
        auto read =
            read_raw(reinterpret_cast<unsigned char*>(m_buf.data() + m_end), m_buf.size() - m_end);
        if (!read) return std::unexpected(read.error());
        got = *read;
        if (got == 0) s.raw_eof = true;
    }
    if (got == 0) {
        m_eof = true;
        return false;
    }
    m_end += got;
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

// Before the first line or chunk: a UTF-8 byte order mark is skipped.
Result<void> Input::start() {
    if (m_started) return {};
    m_started = true;
    auto h = head(3);
    if (!h) return std::unexpected(h.error());
    if (std::string_view(m_buf.data() + m_pos, m_end - m_pos).starts_with("\xEF\xBB\xBF"))
        m_pos += 3;
    return {};
}

Result<bool> Input::next_chunk(std::string_view& chunk) {
    if (auto started = start(); !started) return std::unexpected(started.error());
    while (m_pos == m_end) {
        auto more = fill();
        if (!more) return std::unexpected(more.error());
        if (!*more && m_pos == m_end) return false;
    }
    chunk = std::string_view(m_buf.data() + m_pos, m_end - m_pos);
    m_pos = m_end;
    return true;
}

Result<bool> Input::next_line(std::string_view& line) {
    if (auto started = start(); !started) return std::unexpected(started.error());
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
