// dropcat status: what the registry says of names over RDAP, kept in the store, with the
// predicted drop window; `status history` and `status changes` read what was kept.
#include "status_cmd.hpp"

#include "options.hpp"
#include "registrar_common.hpp"
#include "signals.hpp"

#include <dropcat/status.hpp>
#include <dropcat/store_tables.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <exception>
#include <stop_token>
#include <set>
#include <thread>
#include <unistd.h>

namespace dropcat::cli {

const std::vector<std::string> k_status_columns = {
    "domain",      "phase", "statuses",    "expiration",  "drop_earliest",
    "drop_latest", "basis", "observed_at", "listed_date", "problem"};

std::string statuses_text(const std::vector<std::string>& statuses) {
    std::string out;
    for (const auto& s : statuses)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::string statuses_json(const std::vector<std::string>& statuses) {
    return nlohmann::json(statuses).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

std::string time_text(const std::optional<Instant>& t) {
    return t ? format_utc(*t) : "";
}

// The progress line on a terminal: done/total, rate, time left. Nothing in a pipe, under
// cron or with -q.
class Progress {
  public:
    Progress(std::size_t total, const Context& ctx)
        : m_total(total), m_on(!ctx.report.quiet() && isatty(STDERR_FILENO) == 1 && total > 1),
          m_start(std::chrono::steady_clock::now()) {}
    ~Progress() { clear(); }

    void step() {
        ++m_done;
        if (!m_on) return;
        auto now = std::chrono::steady_clock::now();
        if (m_done < m_total && now - m_last < std::chrono::milliseconds(200)) return;
        m_last = now;
        double seconds = std::chrono::duration<double>(now - m_start).count();
        double rate = seconds > 0 ? static_cast<double>(m_done) / seconds : 0;
        std::string left = "?";
        if (rate > 0) {
            auto s = static_cast<long>(static_cast<double>(m_total - m_done) / rate);
            left = s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60) : fmt::format("{}s", s);
        }
        fmt::print(stderr, "\r\033[Kdropcat: status: {}/{} looked up, {:.1f}/s, {} left", m_done,
                   m_total, rate, left);
        std::fflush(stderr);
        m_shown = true;
    }
    void clear() {
        if (!m_shown) return;
        fmt::print(stderr, "\r\033[K");
        std::fflush(stderr);
        m_shown = false;
    }

  private:
    std::size_t m_total;
    std::size_t m_done = 0;
    bool m_on;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last{};
};

RdapOptions rdap_options(const Config& config) {
    RdapOptions options;
    options.bootstrap_url = config.rdap.bootstrap_url;
    options.requests_per_second = config.rdap.requests_per_second;
    options.timeout = std::chrono::milliseconds(config.rdap.timeout_ms);
    options.first_backoff = std::chrono::milliseconds(config.rdap.backoff_ms);
    options.ca_file = config.rdap.ca_file;
    options.user_agent = "dropcat/" DROPCAT_VERSION;
    options.profiles = config.rdap.profiles;
    return options;
}

// The names to look up: those given, then the drops due on --due, then the backordered ones,
// each once, in that order.
Result<std::vector<std::string>> names_to_ask(const StatusOptions& o, const Store& store) {
    std::vector<std::string> names;
    std::set<std::string, std::less<>> seen;
    auto add = [&](std::string_view name) {
        if (seen.insert(std::string(name)).second) names.emplace_back(name);
    };
    if (!o.names.empty()) {
        auto given = domains_from(o.names);
        if (!given) return std::unexpected(given.error());
        for (const auto& n : *given)
            add(n);
    }
    auto listed = store.read([&](const ReadTx& tx) -> Result<void> {
        if (!o.due.empty()) {
            DropQuery q;
            q.from = q.to = parse_cli_date(o.due);
            tx.drops().each(q, [&](const DropRecord& r) {
                add(r.domain);
                return true;
            });
        }
        if (o.backordered) {
            BackorderQuery q;
            q.status = BackorderStatus::active;
            tx.backorders().each(q, [&](const BackorderRow& r) {
                add(r.domain);
                return true;
            });
        }
        return {};
    });
    if (!listed) return std::unexpected(listed.error());
    return names;
}

int refresh_bootstrap(const Config& config, Context& ctx) {
    auto text = fetch_bootstrap(rdap_options(config),
                                HttpBounds{Clock::time_point::max(), interrupt_token()});
    if (!text) return ctx.failed(text.error());
    auto saved = save_bootstrap(*text);
    if (!saved) return ctx.failed(saved.error());
    auto in_use = bootstrap_in_use();
    ctx.report.note(fmt::format("RDAP bootstrap saved to {}: {} TLDs, published {}", *saved,
                                in_use.bootstrap.size(), in_use.bootstrap.publication()));
    return 0;
}

} // namespace

int run_status(const StatusOptions& o, Context& ctx) {
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    bool asked_for_names = !o.names.empty() || !o.due.empty() || o.backordered;
    if (o.refresh_bootstrap) {
        if (int code = refresh_bootstrap(*config, ctx)) return code;
        if (!asked_for_names) return 0;
    } else if (!asked_for_names) {
        return ctx.failed(Error{ErrorKind::usage,
                                "name the domains to look up (or -), or give --due DATE or "
                                "--backordered"});
    }
    RowView view;
    if (auto bad = make_view(o.listing, k_status_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});

    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    auto names = names_to_ask(o, *store);
    if (!names) return ctx.failed(names.error());
    if (names->empty()) {
        ctx.report.note(!o.due.empty() ? fmt::format("no drops are listed for {}", o.due)
                                       : "no names to look up");
        return 0;
    }

    BootstrapInUse boot = bootstrap_in_use();
    std::string age;
    if (boot.saved_at) {
        auto days =
            std::chrono::duration_cast<std::chrono::hours>(wall_clock_now() - *boot.saved_at)
                .count() /
            24;
        age = fmt::format(", saved {} day{} ago", days, days == 1 ? "" : "s");
    }
    ctx.report.verbose(fmt::format("RDAP bootstrap: {} (published {}{})", boot.source,
                                   boot.bootstrap.publication(), age));
    RdapOptions options = rdap_options(*config);
    const LifecycleProfiles profiles = options.profiles;
    RdapClient client(options, std::move(boot.bootstrap), http_debug_log(ctx));

    start_pager(o.listing);
    RowWriter writer(listing_format(o.listing.format), k_status_columns, use_color(ctx.color, 1),
                     view);
    Progress progress(names->size(), ctx);
    std::size_t unknown = 0;
    std::size_t kept = 0;
    std::optional<Error> store_error;
    // `done` runs on the client's worker threads: what it cannot do (a closed stdout, a store
    // error) stops the run, and is raised again here, on the command's own thread.
    std::exception_ptr failure;
    std::stop_source stop_all;
    std::stop_callback on_interrupt(interrupt_token(), [&] { stop_all.request_stop(); });
    auto record_one = [&](const RdapRecord& record) {
        if (store_error || !record.asked) return; // a stopped run keeps only what it asked
        auto report = store->write([&](Tx& tx) -> Result<StatusReport> {
            return record_status(tx, record, profiles.for_domain(record.domain), wall_clock_now(),
                                 "dropcat status");
        });
        if (!report) {
            store_error = report.error();
            stop_all.request_stop();
            return;
        }
        ++kept;
        progress.step();
        const StatusReport& r = *report;
        if (record.phase == Phase::unknown) ++unknown;
        std::string statuses = statuses_text(record.statuses);
        std::string json_statuses =
            record.phase == Phase::unknown ? std::string() : statuses_json(record.statuses);
        std::string expiration = time_text(record.event("expiration"));
        std::string earliest = r.window ? format_utc(r.window->earliest) : "";
        std::string latest = r.window ? format_utc(r.window->latest) : "";
        std::string basis = r.window ? r.window->basis : "";
        std::string observed = time_text(r.known_at);
        std::string listed = r.listed_day ? format_day(*r.listed_day) : "";
        std::string phase(phase_name(r.phase));
        if (record.phase == Phase::unknown) phase = "unknown";
        std::array<Cell, 10> cells{
            Cell{record.domain}, Cell{phase},    Cell{statuses, false, json_statuses},
            Cell{expiration},    Cell{earliest}, Cell{latest},
            Cell{basis},         Cell{observed}, Cell{listed},
            Cell{record.problem}};
        progress.clear();
        writer.row(cells);
        if (r.prediction_differs)
            ctx.report.note(fmt::format("{}: predicted drop {} to {} ({}); the list says {}",
                                        record.domain, format_day(day_of(r.window->earliest)),
                                        format_day(day_of(r.window->latest)), r.window->basis,
                                        listed));
        if (r.restored)
            ctx.report.note(fmt::format("{}: restored: registered again; {} active backorder{} "
                                        "told",
                                        record.domain, r.backorders_told,
                                        r.backorders_told == 1 ? "" : "s"));
    };
    auto done = [&](const RdapRecord& record) {
        if (failure) return;
        try {
            record_one(record);
        } catch (...) {
            failure = std::current_exception();
            stop_all.request_stop();
        }
    };
    client.lookup(*names, done, HttpBounds{Clock::time_point::max(), stop_all.get_token()});
    progress.clear();
    if (failure) std::rethrow_exception(failure);
    writer.finish();
    if (store_error) return ctx.failed(*store_error);
    if (interrupted()) {
        ctx.report.error(
            fmt::format("interrupted: {} of {} names looked up, and kept", kept, names->size()));
        return exit_code(ErrorKind::interrupted);
    }
    if (client.over_limit_answers() > 0)
        ctx.report.verbose(fmt::format("RDAP servers asked to slow down {} time{}",
                                       client.over_limit_answers(),
                                       client.over_limit_answers() == 1 ? "" : "s"));
    if (unknown > 0) {
        ctx.report.warning(fmt::format("{} of {} names had no answer (phase unknown, never taken "
                                       "for available)",
                                       unknown, names->size()));
        return exit_code(ErrorKind::unavailable);
    }
    return 0;
}

} // namespace dropcat::cli
