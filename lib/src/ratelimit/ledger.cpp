#include "ratelimit/ledger.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sys/file.h>
#include <unistd.h>

namespace dropcat::ratelimit {

namespace {

// The file: a first line "boot BOOT_ID", then one event a line, TYPE CLASS MONO_MS WALL_MS.
// TYPE is g (granted), d (done: completed), c (completed, as compaction writes it) or h (held
// until the time given); CLASS is c (check), r (create) or o (other; for a hold: every class).
// MONO_MS is the monotonic clock, which every process on the machine shares from boot and no
// clock setting moves; WALL_MS (Unix milliseconds) serves only after a reboot, when the
// monotonic clock has started again.
using Steady = std::chrono::steady_clock;
using Wall = std::chrono::system_clock;
using std::chrono::milliseconds;

char class_letter(RequestClass kind) {
    switch (kind) {
    case RequestClass::check:
        return 'c';
    case RequestClass::create:
        return 'r';
    case RequestClass::other:
        break;
    }
    return 'o';
}

std::optional<RequestClass> class_of(char letter) {
    switch (letter) {
    case 'c':
        return RequestClass::check;
    case 'r':
        return RequestClass::create;
    case 'o':
        return RequestClass::other;
    default:
        return std::nullopt;
    }
}

// The two clocks as they stand now, to turn one into the other.
struct Clocks {
    explicit Clocks(const Clock& clock)
        : steady(clock.now()),
          wall_ms(std::chrono::duration_cast<milliseconds>(clock.wall_now().time_since_epoch())
                      .count()) {}
    Steady::time_point steady;
    std::int64_t wall_ms;
    std::int64_t to_wall(Steady::time_point t) const {
        return wall_ms + std::chrono::duration_cast<milliseconds>(t - steady).count();
    }
    Steady::time_point from_wall(std::int64_t ms) const {
        return steady + milliseconds(ms - wall_ms);
    }
};

std::int64_t mono_ms(Steady::time_point t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// This boot's identity (Linux); empty where there is none, and then only wall times are used.
std::string boot_id() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

std::string line_of(char type, RequestClass kind, Steady::time_point at, const Clocks& clocks) {
    return fmt::format("{} {} {} {}\n", type, class_letter(kind), mono_ms(at), clocks.to_wall(at));
}

bool number(std::string_view text, std::int64_t& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// Reads the log into completed requests and holds. Lines it cannot read (one cut short by a
// crash, say) are skipped. No time is later than it can be: a completion is never in the
// future, and a hold lasts at most the longer of `keep` and an hour, so that one absurd
// Retry-After cannot stop every later run.
std::vector<LimiterEvent> read_history(const std::filesystem::path& log, milliseconds keep,
                                       const Clocks& clocks, const std::string& boot) {
    std::vector<LimiterEvent> out;
    std::ifstream in(log);
    std::string line;
    bool same_boot = false;
    if (std::getline(in, line) && line.starts_with("boot "))
        same_boot = !boot.empty() && line.substr(5) == boot;
    else
        in.seekg(0);
    Steady::time_point now = clocks.steady;
    Steady::time_point oldest = now - keep;
    Steady::time_point longest_hold = now + std::max<milliseconds>(keep, std::chrono::hours(1));
    std::map<RequestClass, std::deque<Steady::time_point>> open_grants;
    auto completed = [&](RequestClass kind, Steady::time_point at) {
        at = std::min(at, now);
        if (at > oldest) out.push_back(LimiterEvent{LimiterEvent::Type::completed, kind, at});
    };
    while (std::getline(in, line)) {
        std::string_view v(line);
        auto space = v.find(' ', 4);
        std::int64_t mono = 0, wall = 0;
        if (v.size() < 7 || v[1] != ' ' || v[3] != ' ' || space == std::string_view::npos ||
            !number(v.substr(4, space - 4), mono) || !number(v.substr(space + 1), wall))
            continue;
        auto kind = class_of(v[2]);
        if (!kind) continue;
        Steady::time_point at =
            same_boot ? Steady::time_point(milliseconds(mono)) : clocks.from_wall(wall);
        switch (v[0]) {
        case 'g':
            open_grants[*kind].push_back(at);
            break;
        case 'd': {
            // A completion ends the oldest open grant of its class, as in the limiter itself.
            auto& grants = open_grants[*kind];
            if (!grants.empty()) grants.pop_front();
            completed(*kind, at);
            break;
        }
        case 'c':
            completed(*kind, at);
            break;
        case 'h':
            if (at > now)
                out.push_back(
                    LimiterEvent{LimiterEvent::Type::held, *kind, std::min(at, longest_hold)});
            break;
        default:
            break;
        }
    }
    for (const auto& [kind, grants] : open_grants)
        for (auto granted : grants)
            completed(kind, granted + AccountLedger::k_longest_request);
    return out;
}

Error write_error(const std::filesystem::path& path, int error) {
    return Error{ErrorKind::failed,
                 fmt::format("cannot write {}: {}", path.string(), std::strerror(error))};
}

// Rewrites the log with only what is still of use, through a new file renamed over the old one
// (safe: only the holder of the lock reads or writes it).
Result<void> compact(const std::filesystem::path& log, const std::vector<LimiterEvent>& history,
                     const Clocks& clocks, const std::string& boot) {
    std::string text = fmt::format("boot {}\n", boot);
    for (const auto& e : history)
        text += line_of(e.type == LimiterEvent::Type::held ? 'h' : 'c', e.kind, e.at, clocks);
    std::filesystem::path fresh = log;
    fresh += ".new";
    int fd = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return std::unexpected(write_error(fresh, errno));
    int error = 0;
    if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        error = errno != 0 ? errno : EIO;
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error == 0 && std::rename(fresh.c_str(), log.c_str()) != 0) error = errno;
    if (error != 0) {
        ::unlink(fresh.c_str());
        return std::unexpected(write_error(log, error));
    }
    return {};
}

std::string holder_of(int lock_fd) {
    char text[32] = {};
    ssize_t n = ::pread(lock_fd, text, sizeof text - 1, 0);
    std::string pid(text, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
        pid.pop_back();
    return pid.empty() ? "" : fmt::format(" (pid {})", pid);
}

} // namespace

Result<std::unique_ptr<AccountLedger>>
AccountLedger::open(const std::filesystem::path& dir, std::string_view account, milliseconds keep,
                    milliseconds wait, std::stop_token stop, const Clock& clock) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return fail(ErrorKind::failed,
                    fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    std::filesystem::path lock = dir / fmt::format("{}.lock", account);
    std::filesystem::path log = dir / fmt::format("{}.log", account);
    int lock_fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd < 0)
        return fail(ErrorKind::failed,
                    fmt::format("cannot open {}: {}", lock.string(), std::strerror(errno)));
    auto give_up = clock.now() + wait;
    while (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int error = errno;
        std::optional<Error> failure;
        if (error == EINTR) continue;
        if (error != EWOULDBLOCK)
            failure = Error{ErrorKind::failed,
                            fmt::format("cannot lock {}: {}", lock.string(), std::strerror(error))};
        else if (stop.stop_requested())
            failure = Error{ErrorKind::interrupted,
                            fmt::format("interrupted while waiting for account {}", account)};
        else if (clock.now() >= give_up)
            failure = Error{ErrorKind::temporary,
                            fmt::format("account {} is in use by another dropcat process{}; try "
                                        "again when it is done",
                                        account, holder_of(lock_fd))};
        if (failure) {
            ::close(lock_fd);
            return std::unexpected(*failure);
        }
        clock.sleep_until(std::min(give_up, clock.now() + milliseconds(50)), stop);
    }
    // Who holds it, for the message a waiting process gives; the lock holds without it.
    std::string pid = fmt::format("{}\n", ::getpid());
    if (::ftruncate(lock_fd, 0) == 0) (void)!::pwrite(lock_fd, pid.data(), pid.size(), 0);
    Clocks clocks(clock);
    std::string boot = boot_id();
    auto history = read_history(log, keep, clocks, boot);
    if (auto compacted = compact(log, history, clocks, boot); !compacted) {
        ::close(lock_fd);
        return std::unexpected(compacted.error());
    }
    int log_fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        int error = errno;
        ::close(lock_fd);
        return fail(ErrorKind::failed,
                    fmt::format("cannot open {}: {}", log.string(), std::strerror(error)));
    }
    return std::unique_ptr<AccountLedger>(
        new AccountLedger(lock_fd, log_fd, std::move(history), clock));
}

AccountLedger::AccountLedger(int lock_fd, int log_fd, std::vector<LimiterEvent> history,
                             const Clock& clock)
    : m_lock_fd(lock_fd), m_log_fd(log_fd), m_history(std::move(history)), m_clock(clock) {}

AccountLedger::~AccountLedger() {
    ::close(m_log_fd);
    ::close(m_lock_fd); // releases the lock
}

void AccountLedger::append(const LimiterEvent& event) {
    char type = event.type == LimiterEvent::Type::granted     ? 'g'
                : event.type == LimiterEvent::Type::completed ? 'd'
                                                              : 'h';
    std::string line = line_of(type, event.kind, event.at, Clocks(m_clock));
    // One write of a short line with O_APPEND: whole, or not at all in practice.
    (void)!::write(m_log_fd, line.data(), line.size());
}

} // namespace dropcat::ratelimit
