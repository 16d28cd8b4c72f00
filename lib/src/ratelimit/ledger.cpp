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
#include <thread>
#include <unistd.h>

namespace dropcat::ratelimit {

namespace {

// The file holds one event a line: TYPE CLASS UNIX_MS, where TYPE is g (granted), d (done:
// completed), c (completed, as a compacted g and d) or h (held until UNIX_MS) and CLASS is c
// (check), r (create) or o (other; for a hold: every class).
using Steady = std::chrono::steady_clock;
using Wall = std::chrono::system_clock;

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

// Wall-clock milliseconds for a steady time and back, as the two clocks stand now.
struct Clocks {
    Steady::time_point steady = Steady::now();
    std::int64_t wall_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Wall::now().time_since_epoch())
            .count();
    std::int64_t to_wall(Steady::time_point t) const {
        return wall_ms + std::chrono::duration_cast<std::chrono::milliseconds>(t - steady).count();
    }
    Steady::time_point to_steady(std::int64_t ms) const {
        return steady + std::chrono::milliseconds(ms - wall_ms);
    }
};

std::string line_of(char type, RequestClass kind, std::int64_t ms) {
    return fmt::format("{} {} {}\n", type, class_letter(kind), ms);
}

// Reads the log into completed requests and holds; lines it cannot read are skipped (a line
// cut short by a crash, say).
std::vector<LimiterEvent> read_history(const std::filesystem::path& log,
                                       std::chrono::milliseconds keep, const Clocks& clocks) {
    std::vector<LimiterEvent> out;
    std::ifstream in(log);
    std::map<RequestClass, std::deque<std::int64_t>> open_grants;
    std::int64_t oldest = clocks.wall_ms - keep.count();
    auto completed = [&](RequestClass kind, std::int64_t ms) {
        if (ms > oldest)
            out.push_back(LimiterEvent{LimiterEvent::Type::completed, kind, clocks.to_steady(ms)});
    };
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() < 5 || line[1] != ' ' || line[3] != ' ') continue;
        auto kind = class_of(line[2]);
        std::int64_t ms = 0;
        auto [end, ec] = std::from_chars(line.data() + 4, line.data() + line.size(), ms);
        if (!kind || ec != std::errc() || end != line.data() + line.size()) continue;
        switch (line[0]) {
        case 'g':
            open_grants[*kind].push_back(ms);
            break;
        case 'd': {
            // A completion ends the oldest open grant of its class, as in the limiter itself.
            auto& grants = open_grants[*kind];
            if (!grants.empty()) grants.pop_front();
            completed(*kind, ms);
            break;
        }
        case 'c':
            completed(*kind, ms);
            break;
        case 'h':
            if (ms > clocks.wall_ms)
                out.push_back(LimiterEvent{LimiterEvent::Type::held, *kind, clocks.to_steady(ms)});
            break;
        default:
            break;
        }
    }
    auto longest =
        std::chrono::duration_cast<std::chrono::milliseconds>(AccountLedger::k_longest_request)
            .count();
    for (const auto& [kind, grants] : open_grants)
        for (std::int64_t granted : grants)
            completed(kind, std::min(clocks.wall_ms, granted + longest));
    return out;
}

// Rewrites the log with only what is still of use, through a new file renamed over the old one
// (safe: only the holder of the lock reads or writes it).
Result<void> compact(const std::filesystem::path& log, const std::vector<LimiterEvent>& history,
                     const Clocks& clocks) {
    std::string text;
    for (const auto& e : history)
        text +=
            line_of(e.type == LimiterEvent::Type::held ? 'h' : 'c', e.kind, clocks.to_wall(e.at));
    std::filesystem::path fresh = log;
    fresh += ".new";
    int fd = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(ErrorKind::failed,
                    fmt::format("cannot write {}: {}", fresh.string(), std::strerror(errno)));
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::close(fd) == 0 && ok;
    if (!ok || std::rename(fresh.c_str(), log.c_str()) != 0)
        return fail(ErrorKind::failed,
                    fmt::format("cannot write {}: {}", log.string(), std::strerror(errno)));
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

Result<std::unique_ptr<AccountLedger>> AccountLedger::open(const std::filesystem::path& dir,
                                                           std::string_view account,
                                                           std::chrono::milliseconds keep,
                                                           std::chrono::milliseconds wait) {
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
    auto give_up = Steady::now() + wait;
    while (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK || Steady::now() >= give_up) {
            std::string who = holder_of(lock_fd);
            ::close(lock_fd);
            return fail(ErrorKind::temporary,
                        fmt::format("account {} is in use by another dropcat process{}; try again "
                                    "when it is done",
                                    account, who));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Who holds it, for the message a waiting process gives; the lock holds without it.
    std::string pid = fmt::format("{}\n", ::getpid());
    if (::ftruncate(lock_fd, 0) == 0) (void)!::pwrite(lock_fd, pid.data(), pid.size(), 0);
    Clocks clocks;
    auto history = read_history(log, keep, clocks);
    if (auto compacted = compact(log, history, clocks); !compacted) {
        ::close(lock_fd);
        return std::unexpected(compacted.error());
    }
    int log_fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        ::close(lock_fd);
        return fail(ErrorKind::failed,
                    fmt::format("cannot open {}: {}", log.string(), std::strerror(errno)));
    }
    return std::unique_ptr<AccountLedger>(new AccountLedger(lock_fd, log_fd, std::move(history)));
}

AccountLedger::AccountLedger(int lock_fd, int log_fd, std::vector<LimiterEvent> history)
    : m_lock_fd(lock_fd), m_log_fd(log_fd), m_history(std::move(history)) {}

AccountLedger::~AccountLedger() {
    ::close(m_log_fd);
    ::close(m_lock_fd); // releases the lock
}

void AccountLedger::append(const LimiterEvent& event) {
    char type = event.type == LimiterEvent::Type::granted     ? 'g'
                : event.type == LimiterEvent::Type::completed ? 'd'
                                                              : 'h';
    std::string line = line_of(type, event.kind, Clocks{}.to_wall(event.at));
    // One write of a short line with O_APPEND: whole, or not at all in practice.
    (void)!::write(m_log_fd, line.data(), line.size());
}

} // namespace dropcat::ratelimit
