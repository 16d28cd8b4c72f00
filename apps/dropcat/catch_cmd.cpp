// dropcat catch: the command's definition and `catch plan`.
#include "catch_cmd.hpp"

#include "options.hpp"
#include "registrar_common.hpp"
#include "signals.hpp"

#include <dropcat/domain.hpp>
#include <dropcat/names.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace dropcat::cli {

const std::vector<std::string> k_plan_columns = {
    "domain",   "window_start", "window_end",       "basis",      "registrar",
    "accounts", "cadence_ms",   "planned_requests", "release_at", "quote",
    "price",    "ceiling",      "backorders",       "warnings"};

namespace {

std::string json_list(const std::vector<std::string>& items) {
    return nlohmann::json(items).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string joined(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "" : std::string(sep)) + i;
    return out;
}

Result<std::vector<std::string>> wished_names(const std::string& target) {
    if (target.empty()) return std::vector<std::string>{};
    std::vector<std::string> args{"-"};
    std::vector<std::string> raw;
    if (target == "-") {
        auto names = read_names(args, std::cin, [] { return interrupted(); });
        if (!names) return std::unexpected(names.error());
        raw = std::move(*names);
    } else {
        std::ifstream in(target);
        if (!in)
            return fail(ErrorKind::no_input, fmt::format("--target {}: cannot be read", target));
        auto names = read_names(args, in, [] { return interrupted(); });
        if (!names)
            return fail(names.error().kind, fmt::format("{}: {}", target, names.error().message));
        raw = std::move(*names);
    }
    std::vector<std::string> out;
    for (const auto& n : raw) {
        auto d = parse_domain(n);
        if (!d) return fail(ErrorKind::data, fmt::format("--target: {}", d.error().message));
        out.push_back(d->ascii);
    }
    return out;
}

} // namespace

std::optional<Day> catch_day(const CatchOptions& o) {
    return o.date.empty() ? std::optional(day_of(wall_clock_now())) : parse_cli_date(o.date);
}

std::expected<CatchJob, int> catch_job(const CatchOptions& o, const Store& store, Context& ctx) {
    CatchJob job;
    auto config = ctx.load_configuration();
    if (!config) return std::unexpected(ctx.failed(config.error()));
    job.config = std::move(*config);
    auto day = catch_day(o);
    if (!day) return std::unexpected(ctx.failed(Error{ErrorKind::usage, "--date: not a date"}));
    job.date = *day;
    auto wished = wished_names(o.target);
    if (!wished) return std::unexpected(ctx.failed(wished.error()));
    auto targets = catch_targets(store, job.config, job.date, *wished);
    if (!targets) return std::unexpected(ctx.failed(targets.error()));
    job.targets = std::move(*targets);
    PlanOptions po;
    po.registrars = o.registrars;
    po.accounts_per_name = o.accounts_per_name;
    auto plan = plan_catch(job.targets, job.config, po);
    if (!plan) return std::unexpected(ctx.failed(plan.error()));
    job.plan = std::move(*plan);
    return job;
}

std::map<std::string, std::unique_ptr<Registrar>> open_accounts(const Config& config,
                                                                const std::set<std::string>& names,
                                                                bool sandbox, Context& ctx) {
    std::map<std::string, std::unique_ptr<Registrar>> out;
    NetOptions net;
    net.sandbox = sandbox;
    for (const auto& name : names) {
        const RegistrarAccount* a = find_account(config, name);
        if (a == nullptr) continue; // an account no longer configured: recovery says so
        auto r = open_account(config, *a, net, ctx);
        if (!r) {
            ctx.report.warning(fmt::format("{} left out: {}", name, r.error().message));
            continue;
        }
        out.emplace(name, std::move(*r));
    }
    return out;
}

std::map<std::string, std::unique_ptr<Registrar>> open_plan_accounts(const CatchJob& job,
                                                                     bool sandbox, Context& ctx) {
    std::set<std::string> names;
    for (const auto& p : job.plan.targets)
        names.insert(p.accounts.begin(), p.accounts.end());
    return open_accounts(job.config, names, sandbox, ctx);
}

int run_catch_plan(const CatchOptions& o, Context& ctx) {
    RowView view;
    if (auto bad = make_view(o.listing, k_plan_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;
    auto job = catch_job(o, *store, ctx);
    if (!job) return job.error();
    auto opened = open_plan_accounts(*job, o.sandbox, ctx);
    std::map<std::string, Registrar*> accounts;
    for (auto& [name, r] : opened)
        accounts.emplace(name, r.get());
    std::map<std::string, AccountFacts> facts;
    Call call;
    call.deadline = real_clock().now() + std::chrono::seconds(60);
    call.stop = interrupt_token();
    for (auto& [name, r] : accounts)
        (void)wait_for_room(*r, RequestClass::other, ctx);
    add_quotes(job->plan, accounts, facts, call, job->config.catching.clock_offset_limit);
    for (const auto& w : job->plan.warnings)
        ctx.report.warning(w);
    for (const auto& [name, f] : facts)
        if (!f.problem.empty()) ctx.report.warning(fmt::format("{}: {}", name, f.problem));
    start_pager(o.listing);
    RowWriter writer(listing_format(o.listing.format), k_plan_columns, use_color(ctx.color, 1),
                     view);
    for (const auto& p : job->plan.targets) {
        const CatchWindow& w = p.target.window;
        std::string start = format_utc(w.start);
        std::string end = format_utc(w.end);
        std::string first = p.accounts.empty() ? "" : p.accounts.front();
        std::string accounts_text = joined(p.accounts, ",");
        std::string accounts_json = json_list(p.accounts);
        std::string cadence_text;
        nlohmann::json cadence_json = nlohmann::json::object();
        for (const auto& c : p.cadence) {
            cadence_text += fmt::format("{}{} {}", cadence_text.empty() ? "" : ", ",
                                        p.known_instant() ? "create" : catch_phase_name(c.phase),
                                        c.every.count());
            cadence_json[p.known_instant() ? "create" : std::string(catch_phase_name(c.phase))] =
                c.every.count();
        }
        std::string cadence_j = cadence_json.dump();
        std::string planned = std::to_string(p.planned_requests());
        std::string release = w.release_at ? format_utc(*w.release_at) : "";
        std::string quote =
            p.quote ? std::string(availability_name(p.quote->availability)) : std::string();
        std::string price = p.quote && p.quote->price ? format_money(*p.quote->price) : "";
        std::string ceiling = first.empty() ? "" : format_money(p.ceilings.at(first));
        std::string backorders = std::to_string(p.target.backorders);
        std::string warnings_text = joined(p.warnings, "; ");
        std::string warnings_json = json_list(p.warnings);
        std::string per_text;
        nlohmann::json per_json = nlohmann::json::object();
        for (const auto& r : p.requests) {
            per_text += fmt::format("{}{} {}", per_text.empty() ? "" : ", ", r.account,
                                    r.checks + r.creates);
            per_json[r.account] = r.checks + r.creates;
        }
        std::string per_j = per_json.dump();
        std::array<Cell, 15> cells{Cell{p.target.domain},
                                   Cell{start},
                                   Cell{end},
                                   Cell{w.basis},
                                   Cell{first},
                                   Cell{accounts_text, false, accounts_json},
                                   Cell{cadence_text, false, cadence_j},
                                   Cell{planned, true},
                                   Cell{release},
                                   Cell{quote},
                                   Cell{price},
                                   Cell{ceiling},
                                   Cell{backorders, true},
                                   Cell{warnings_text, false, warnings_json},
                                   Cell{per_text, false, per_j}};
        writer.row(cells);
    }
    writer.finish();
    if (job->plan.targets.empty())
        ctx.report.note(fmt::format("nothing to catch on {}", format_day(job->date)));
    return 0;
}

CLI::App* add_catch_command(CLI::App& parent, Context& ctx) {
    auto* cmd = parent.add_subcommand("catch");
    cmd->require_subcommand(1);
    cmd->footer("At drop time, register the names customers backordered, timed to each name's "
                "release\nand never faster than each account's limits.\n"
                "Examples:\n"
                "  dropcat catch plan --date tomorrow\n"
                "  dropcat catch run --live\n"
                "  dropcat catch results --format json");
    auto add_common = [](CLI::App& c, CatchOptions& o) {
        c.add_option("--date", o.date, "the drop day (default: today, UTC)")
            ->type_name("DATE")
            ->check(date_validator());
        set_live_values(c.add_option("--registrar", o.registrars,
                                     "only these accounts fire (repeat the option for several)")
                            ->type_name("NAME"),
                        "registrars");
        set_value_kind(c.add_option("--target", o.target,
                                    "also catch the names in FILE (- for stdin), one a line")
                           ->type_name("FILE"),
                       ValueKind::file);
        c.add_option("--accounts-per-name", o.accounts_per_name,
                     "at most N accounts fire at one name (default: every account that may)")
            ->type_name("N")
            ->check(range_validator(1, 100));
        c.add_flag("--sandbox", o.sandbox,
                   "use each kind's sandbox endpoint where the account names none");
    };

    auto plan_o = std::make_shared<CatchOptions>();
    auto* plan = cmd->add_subcommand("plan", "what a run would do: windows, accounts, cadence");
    add_common(*plan, *plan_o);
    add_listing_options(*plan, plan_o->listing, k_plan_columns);
    plan->footer("Examples:\n  dropcat catch plan\n  dropcat catch plan --date 2026-12-04 "
                 "--format json");
    plan->callback(
        [plan_o, &ctx] { ctx.action = [plan_o, &ctx] { return run_catch_plan(*plan_o, ctx); }; });

    auto run_o = std::make_shared<CatchOptions>();
    auto* run = cmd->add_subcommand("run", "check and register at drop time (a dry run "
                                           "unless --live)");
    add_common(*run, *run_o);
    run->add_option("--until", run_o->until,
                    "stop at this time (UTC, HH:MM or an ISO 8601 instant), whatever is left")
        ->type_name("TIME");
    run->add_flag("--live", run_o->live, "send real creates (without it, creates are dry runs)");
    add_listing_options(*run, run_o->listing, k_run_columns);
    run->footer("Examples:\n  dropcat catch run\n  dropcat catch run --live --until 20:00\n"
                "  crontab: * * * * * dropcat catch run --live --until \"$(date -u -d '+1 "
                "min' +\\%H:\\%M)\"");
    run->callback(
        [run_o, &ctx] { ctx.action = [run_o, &ctx] { return run_catch_run(*run_o, ctx); }; });

    auto results_o = std::make_shared<CatchOptions>();
    auto* results = cmd->add_subcommand("results", "per target: outcome, account, attempts");
    results->add_option("--date", results_o->date, "the drop day (default: today, UTC)")
        ->type_name("DATE")
        ->check(date_validator());
    add_listing_options(*results, results_o->listing, k_results_columns);
    results->footer("Example:\n  dropcat catch results --date yesterday");
    results->callback([results_o, &ctx] {
        ctx.action = [results_o, &ctx] { return run_catch_results(*results_o, ctx); };
    });

    auto resolve_o = std::make_shared<CatchOptions>();
    auto* resolve = cmd->add_subcommand(
        "resolve", "record a person's finding for a target whose outcome is unknown");
    set_live_values(resolve->add_option("DOMAIN", resolve_o->domain, "the name")->required(),
                    "backordered-domains");
    auto* caught = resolve->add_flag("--caught", resolve_o->caught, "an account of ours has it");
    auto* lost = resolve->add_flag("--lost", resolve_o->lost, "another party has it");
    caught->excludes(lost);
    resolve->footer("Example:\n  dropcat catch resolve example.com --caught");
    resolve->callback([resolve_o, &ctx] {
        ctx.action = [resolve_o, &ctx] { return run_catch_resolve(*resolve_o, ctx); };
    });
    return cmd;
}

} // namespace dropcat::cli
