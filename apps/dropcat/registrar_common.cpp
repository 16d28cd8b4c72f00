#include "registrar_common.hpp"

#include "options.hpp"
#include "signals.hpp"

#include <dropcat/names.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <iostream>
#include <mutex>

namespace dropcat::cli {

std::string price_text(const std::optional<Money>& price) {
    if (!price) return {};
    return amount_text(*price);
}

void write_row(RowWriter& writer, Row values) {
    std::vector<Cell> cells;
    for (const auto& [text, bare] : values)
        cells.push_back(Cell{text, bare});
    writer.row(cells);
}

// A call's bounds: a request may take the account's own timeout, within two minutes.
Call call_now(const Registrar& r) {
    return Call{r.clock().now() + k_patience, interrupt_token()};
}

// Waits on the registrar's clock until `until`, saying so when the wait is longer than a
// second (on a terminal, and with -v). False when interrupted.
bool wait_until(const Registrar& r, Clock::time_point until, std::string_view reason,
                Context& ctx) {
    auto left = until - r.clock().now();
    if (left > std::chrono::seconds(1) && (::isatty(2) || ctx.verbosity > 0)) {
        double seconds = std::chrono::duration<double>(left).count();
        // Tenths for a short wait ("1.1 s"), whole seconds for a long one ("28 s").
        ctx.report.note(seconds < 10 ? fmt::format("waiting {:.1f} s: {}", seconds, reason)
                                     : fmt::format("waiting {:.0f} s: {}", seconds, reason));
    }
    return r.clock().sleep_until(until, interrupt_token()) && !interrupted();
}

bool wait_for_room(Registrar& r, RequestClass kind, Context& ctx) {
    auto free = r.next_free(kind);
    auto now = r.clock().now();
    if (free <= now || free - now > k_patience) return !interrupted();
    return wait_until(r, free,
                      fmt::format("{}'s {}", r.account().name,
                                  kind == RequestClass::create ? "create limit" : "limits"),
                      ctx);
}

Result<std::unique_ptr<Registrar>> open_account(const Config& config,
                                                const RegistrarAccount& account,
                                                const NetOptions& o, Context& ctx) {
    auto state = default_state_dir();
    if (!state) return std::unexpected(state.error());
    RegistrarSetup setup = setup_for(o, ctx);
    setup.state_dir = *state;
    return open_registrar(config, account, setup);
}

HttpLog http_debug_log(Context& ctx) {
    // The request log, already redacted by the library, at -vv; whole lines, also when
    // several threads make requests (dropcat status).
    return [&ctx](const HttpLogEntry& e) {
        static std::mutex lines;
        std::lock_guard lock(lines);
        if (e.status == 0 && e.total_ms == 0 && !e.error.empty()) {
            ctx.report.debug(fmt::format("{} {} -> not sent: {}", e.method, e.url, e.error));
            return;
        }
        std::string status = e.status ? std::to_string(e.status) : "no answer";
        std::string line =
            fmt::format("{} {} -> {} in {:.1f} ms (connect {:.1f}, first byte {:.1f}{})", e.method,
                        e.url, status, e.total_ms, e.connect_ms, e.first_byte_ms,
                        e.reused ? ", connection reused" : "");
        if (!e.error.empty()) line += ": " + e.error;
        ctx.report.debug(line);
    };
}

RegistrarSetup setup_for(const NetOptions& o, Context& ctx) {
    RegistrarSetup setup;
    setup.sandbox = o.sandbox;
    setup.stop = interrupt_token();
    setup.account_wait = ctx.lock_wait;
    setup.http.user_agent = "dropcat/" DROPCAT_VERSION;
    setup.log = http_debug_log(ctx);
    return setup;
}

Error no_such_account(const Config& config, std::string_view name) {
    std::string known;
    for (const auto& a : config.registrars)
        known += (known.empty() ? "" : ", ") + a.name;
    return Error{ErrorKind::usage,
                 fmt::format("no registrar account '{}' in the configuration ({})", name,
                             known.empty() ? "none configured" : "configured: " + known)};
}

Result<std::vector<std::string>> domains_from(const std::vector<std::string>& args) {
    return read_names(args, std::cin, [] { return interrupted(); });
}

std::expected<NamesJob, int> names_job(const NetOptions& o, Context& ctx) {
    auto config = ctx.load_configuration();
    if (!config) return std::unexpected(ctx.failed(config.error()));
    if (!o.registrar.empty() && find_account(*config, o.registrar) == nullptr)
        return std::unexpected(ctx.failed(no_such_account(*config, o.registrar)));
    if (config->registrars.empty())
        return std::unexpected(
            ctx.failed(Error{ErrorKind::config, "no registrar accounts are configured"}));
    auto domains = domains_from(o.names);
    if (!domains) return std::unexpected(ctx.failed(domains.error()));
    return NamesJob{std::move(*config), std::move(*domains)};
}

void add_common(CLI::App& cmd, NetOptions& o, const std::vector<std::string>& columns) {
    cmd.add_flag("--sandbox", o.sandbox,
                 "use each kind's sandbox endpoint where the account names none");
    add_listing_options(cmd, o.listing, columns);
}

int open_view(const NetOptions& o, const std::vector<std::string>& columns, Context& ctx,
              RowView& view) {
    if (auto bad = make_view(o.listing, columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    start_pager(o.listing);
    return 0;
}

} // namespace dropcat::cli
