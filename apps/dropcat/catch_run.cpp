// dropcat catch run: the drop itself.
#include "catch_cmd.hpp"

#include "registrar_common.hpp"
#include "signals.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace dropcat::cli {

const std::vector<std::string> k_run_columns = {"domain", "state",   "account", "creates",
                                                "checks", "dry_run", "detail"};

namespace {

// --until: HH:MM[:SS] (UTC) today, or tomorrow when today's is more than an hour past (a
// cron line at 23:59 says 00:00), or an ISO 8601 instant.
std::optional<Instant> parse_until(std::string_view text) {
    if (auto secs = parse_time_of_day(text)) {
        Instant now = wall_clock_now();
        Instant at = start_of(day_of(now)) + std::chrono::seconds(*secs);
        if (now - at > std::chrono::hours(1)) at += std::chrono::hours(24);
        return at;
    }
    auto m = parse_drop_date(text);
    if (m && m->time) return *m->time;
    return std::nullopt;
}

std::string holder_name() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return fmt::format("{} pid {}", host[0] ? host : "?", ::getpid());
}

struct Tally {
    std::string state;
    std::string account;
    std::string detail;
    int creates = 0;
    int checks = 0;
};

// The progress line on a terminal, redrawn each second: targets per state, and the next
// window's name and countdown. Event lines are printed above it.
class Progress {
  public:
    Progress(bool on, const CatchJob& job, std::map<std::string, Tally>& tally, std::mutex& mutex)
        : m_on(on) {
        if (!on) return;
        m_thread = std::jthread([&job, &tally, &mutex](std::stop_token stop) {
            std::mutex idle;
            std::condition_variable_any tick;
            while (!stop.stop_requested()) {
                {
                    std::lock_guard lock(mutex);
                    std::map<std::string, int> states;
                    std::string next;
                    Instant now = wall_clock_now();
                    Instant soonest = Instant::max();
                    for (const auto& p : job.plan.targets) {
                        auto found = tally.find(p.target.domain);
                        std::string state = found == tally.end() || found->second.state.empty()
                                                ? "armed"
                                                : found->second.state;
                        ++states[state];
                        if (state == "armed" && p.target.window.start > now &&
                            p.target.window.start < soonest) {
                            soonest = p.target.window.start;
                            next = p.target.domain;
                        }
                    }
                    std::string line;
                    for (const auto& [state, n] : states)
                        line += fmt::format("{}{} {}", line.empty() ? "" : ", ", n, state);
                    if (!next.empty())
                        line += fmt::format(
                            "; next: {} in {} s", next,
                            std::chrono::duration_cast<std::chrono::seconds>(soonest - now)
                                .count());
                    fmt::print(stderr, "\r\033[Kdropcat: catch: {}", line);
                    std::fflush(stderr);
                }
                std::unique_lock lock(idle);
                tick.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
            }
            fmt::print(stderr, "\r\033[K");
            std::fflush(stderr);
        });
    }
    void stop() {
        if (m_on) m_thread = {};
    }

  private:
    bool m_on;
    std::jthread m_thread;
};

} // namespace

int run_catch_run(const CatchOptions& o, Context& ctx) {
    RowView view;
    if (auto bad = make_view(o.listing, k_run_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    std::optional<Instant> until;
    if (!o.until.empty()) {
        until = parse_until(o.until);
        if (!until)
            return ctx.failed(
                Error{ErrorKind::usage, fmt::format("--until {}: give HH:MM (UTC) or an ISO 8601 "
                                                    "instant",
                                                    o.until)});
        if (*until <= wall_clock_now()) return 0; // cron: nothing left of this slot
    }
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    // A live run holds the store's one catch lock; a dry run writes nothing and takes none,
    // so that a rehearsal never keeps cron's live run out.
    std::optional<Store::RunLock> lock;
    if (o.live) {
        auto held = store->lock_run(holder_name());
        if (!held) return ctx.failed(held.error());
        lock.emplace(std::move(*held));
        ctx.report.verbose("holding the store's catch lock");
    }
    auto job = catch_job(o, *store, ctx);
    if (!job) return job.error();
    std::set<std::string> to_ask;
    bool still_ambiguous = false;
    if (o.live) {
        auto names = accounts_to_ask(*store);
        if (!names) return ctx.failed(names.error());
        to_ask = std::move(*names);
    }
    if (job->plan.targets.empty() && to_ask.empty()) {
        ctx.report.verbose(fmt::format("nothing to catch on {}", format_day(job->date)));
        return 0;
    }
    Call call;
    call.stop = interrupt_token();
    call.deadline = real_clock().now() + std::chrono::seconds(60);
    // What a killed run left is settled first, by asking, whatever the day. The accounts asked
    // are closed again: none is held (its lock keeping other commands out) while asleep.
    if (!to_ask.empty()) {
        std::vector<Recovered> recovered;
        {
            auto asked = open_accounts(job->config, to_ask, o.sandbox, ctx);
            std::map<std::string, Registrar*> accounts;
            for (auto& [name, r] : asked)
                accounts.emplace(name, r.get());
            auto settled = recover_targets(*store, accounts, call, "dropcat catch");
            if (!settled) return ctx.failed(settled.error());
            recovered = std::move(*settled);
        }
        for (const auto& r : recovered) {
            ctx.report.note(fmt::format("{}: {}", r.domain, r.detail));
            if (r.state == TargetState::ambiguous) still_ambiguous = true;
        }
        // Targets settled back to armed are this run's again.
        job = catch_job(o, *store, ctx);
        if (!job) return job.error();
    }
    if (job->plan.targets.empty()) return still_ambiguous ? exit_code(ErrorKind::unresolved) : 0;
    for (const auto& w : job->plan.warnings)
        ctx.report.warning(w);
    // Asleep until shortly before the first window.
    Instant first = job->plan.targets.front().target.window.start;
    for (const auto& p : job->plan.targets)
        first = std::min(first, p.target.window.start - job->config.catching.warm_lead);
    Instant wake = first - job->config.catching.lead;
    if (until && *until <= wake) return 0; // nothing of the window falls before --until
    if (wake > wall_clock_now()) {
        ctx.report.verbose(fmt::format("asleep until {} ({} before the first window)",
                                       format_utc(wake), job->config.catching.lead.count()));
        auto steady = real_clock().now() + (wake - wall_clock_now());
        if (!real_clock().sleep_until(steady, interrupt_token()))
            return exit_code(ErrorKind::interrupted);
    }
    // The accounts are opened (their locks taken) only now, awake.
    auto opened = open_plan_accounts(*job, o.sandbox, ctx);
    std::map<std::string, Registrar*> accounts;
    for (auto& [name, r] : opened)
        accounts.emplace(name, r.get());
    std::map<std::string, AccountFacts> facts;
    call.deadline = real_clock().now() + std::chrono::seconds(60);
    for (auto& [name, r] : accounts)
        (void)wait_for_room(*r, RequestClass::other, ctx);
    std::size_t said = job->plan.warnings.size();
    add_quotes(job->plan, accounts, facts, call, job->config.catching.clock_offset_limit);
    for (std::size_t i = said; i < job->plan.warnings.size(); ++i)
        ctx.report.warning(job->plan.warnings[i]);
    for (const auto& p : job->plan.targets)
        for (const auto& w : p.warnings)
            ctx.report.warning(fmt::format("{}: {}", p.target.domain, w));

    OutputFormat format = listing_format(o.listing.format);
    bool json = format == OutputFormat::json;
    bool terminal = isatty(STDERR_FILENO) == 1 && !ctx.report.quiet();
    // Under cron (stdout not a terminal, no --format): nothing but the summary line.
    bool rows = !json && (isatty(STDOUT_FILENO) == 1 || !o.listing.format.empty());
    std::map<std::string, Tally> tally;
    std::mutex out_mutex;
    RunOptions ro;
    ro.live = o.live;
    ro.until = until;
    ro.stop = interrupt_token();
    ro.on_event = [&](const CatchEvent& e) {
        std::lock_guard guard(out_mutex);
        if (!e.domain.empty()) {
            Tally& t = tally[e.domain];
            if (e.kind == "create") ++t.creates;
            if (e.kind == "check") ++t.checks;
            if (!e.state.empty()) t.state = e.state;
            if (!e.account.empty() && e.kind == "state") t.account = e.account;
            if (e.kind == "state" || e.kind == "warning") t.detail = e.detail;
        }
        if (json) {
            nlohmann::json j{{"time", format_utc(e.at)}, {"event", e.kind},
                             {"domain", e.domain},       {"account", e.account},
                             {"state", e.state},         {"outcome", e.outcome},
                             {"detail", e.detail},       {"dry_run", e.dry_run}};
            if (e.latency_us) j["latency_us"] = *e.latency_us;
            std::string line =
                j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
            std::fwrite(line.data(), 1, line.size(), stdout);
            std::fflush(stdout);
        } else if (terminal && e.kind != "check") {
            fmt::print(stderr, "\r\033[K");
            ctx.report.note(fmt::format("{} {}{}{}{}{}", e.domain.empty() ? e.kind : e.domain,
                                        e.kind == "create" ? "create " + e.outcome : e.state,
                                        e.account.empty() ? "" : " (" + e.account + ")",
                                        e.latency_us ? fmt::format(" {} us", *e.latency_us) : "",
                                        e.dry_run && e.kind == "create" ? " [dry run]" : "",
                                        e.detail.empty() ? "" : ": " + e.detail));
        } else if (e.kind == "warning") {
            ctx.report.warning(
                fmt::format("{}{}", e.domain.empty() ? "" : e.domain + ": ", e.detail));
        }
    };
    // On a terminal: a line with each state's count and the countdown to the next window.
    Progress progress(terminal && !json, *job, tally, out_mutex);
    auto summary = run_catch(*store, job->config, job->plan, accounts, facts, ro);
    if (!summary) return ctx.failed(summary.error());
    progress.stop();
    if (rows) {
        start_pager(o.listing);
        RowWriter writer(format, k_run_columns, use_color(ctx.color, 1), view);
        for (const auto& p : job->plan.targets) {
            Tally& t = tally[p.target.domain];
            std::string creates = std::to_string(t.creates);
            std::string checks = std::to_string(t.checks);
            std::string dry = o.live ? "false" : "true";
            std::array<Cell, 7> cells{Cell{p.target.domain}, Cell{t.state},      Cell{t.account},
                                      Cell{creates, true},   Cell{checks, true}, Cell{dry, true},
                                      Cell{t.detail}};
            writer.row(cells);
        }
        writer.finish();
    }
    std::string states;
    for (const auto& [state, n] : summary->states)
        states += fmt::format("{}{} {}", states.empty() ? "" : ", ", n, state);
    std::string line = fmt::format(
        "catch {}: {}; {} create{} sent{}", format_day(job->date), states, summary->creates_sent,
        summary->creates_sent == 1 ? "" : "s", o.live ? "" : " (dry run: no create was live)");
    if (json) {
        nlohmann::json j{{"event", "summary"},
                         {"states", summary->states},
                         {"creates_sent", summary->creates_sent},
                         {"dry_run", !o.live}};
        std::string s = j.dump() + "\n";
        std::fwrite(s.data(), 1, s.size(), stdout);
    } else if (!rows) {
        std::string text = line + "\n";
        std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
        ctx.report.note(line);
    }
    if (interrupted()) return exit_code(ErrorKind::interrupted);
    if (summary->failed > 0) return exit_code(ErrorKind::failed);
    if (summary->ambiguous > 0) return exit_code(ErrorKind::unresolved);
    return 0;
}

} // namespace dropcat::cli
