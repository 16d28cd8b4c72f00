// dropcat registrar owns: whether names are in an account now, and the settling of creates
// whose outcome was not known.
#include "registrar_common.hpp"

#include "signals.hpp"

#include <dropcat/create_journal.hpp>

#include <fmt/format.h>

namespace dropcat::cli {

int run_owns(const NetOptions& o, Context& ctx) {
    auto job = names_job(o, ctx);
    if (!job) return job.error();
    const Config* config = &job->config;
    const std::vector<std::string>* domains = &job->names;
    int store_code = 0;
    auto store = ctx.open_store(store_code);
    if (!store) return store_code;

    // Each name is asked of the named account, else of every account that serves its TLD.
    std::vector<const RegistrarAccount*> accounts;
    for (const auto& a : config->registrars)
        if (o.registrar.empty() || a.name == o.registrar) accounts.push_back(&a);
    RowWriter writer(listing_format(o.format),
                     {"domain", "registrar", "owned", "settled", "unresolved", "detail"},
                     use_color(ctx.color, 1));
    int code = 0;
    bool unknown = false;
    if (o.registrar.empty())
        for (const auto& d : *domains)
            if (account_for(*config, d) == nullptr) {
                write_row(writer, {{d, false},
                                   {"", false},
                                   {"unknown", false},
                                   {"0", true},
                                   {"", true},
                                   {fmt::format("no configured account serves .{}",
                                                d.substr(d.rfind('.') + 1)),
                                    false}});
                unknown = true;
            }
    for (const RegistrarAccount* a : accounts) {
        if (interrupted()) break;
        std::vector<std::string> mine;
        for (const auto& d : *domains)
            if (!o.registrar.empty() || account_serves(*a, d)) mine.push_back(d);
        if (mine.empty()) continue;
        auto registrar = open_registrar(*config, *a, setup_for(o, ctx));
        if (!registrar) {
            ctx.report.error(registrar.error().message);
            if (code == 0) code = exit_code(registrar.error().kind);
            continue;
        }
        Registrar& r = **registrar;
        for (const auto& domain : mine) {
            if (interrupted()) break;
            // One request per name at most, after the account's limits allow it.
            auto free = r.next_free(RequestClass::other);
            if (free > r.clock().now() && free - r.clock().now() <= k_patience &&
                !wait_until(r, free, fmt::format("{}'s limits", a->name), ctx))
                break;
            auto settled = settle_creates(*store, r, domain, call_now(r));
            if (!settled) {
                ctx.report.error(settled.error().message);
                if (code == 0) code = exit_code(settled.error().kind);
                write_row(writer, {{domain, false},
                                   {a->name, false},
                                   {"unknown", false},
                                   {"0", true},
                                   {"", true},
                                   {settled.error().message, false}});
                unknown = true;
                continue;
            }
            const OwnsResult& answer = settled->owns;
            unknown = unknown || answer.owned == Owned::unknown;
            std::string detail = answer.detail;
            if (!settled->still_unresolved.empty() && answer.owned == Owned::no)
                detail = fmt::format("not listed yet; {} may take up to {} minutes to list a new "
                                     "name: ask again later",
                                     a->kind, listing_lag(a->kind).count());
            write_row(writer, {{domain, false},
                               {a->name, false},
                               {std::string(owned_name(answer.owned)), false},
                               {std::to_string(settled->settled.size()), true},
                               {std::to_string(settled->still_unresolved.size()), true},
                               {detail, false}});
        }
    }
    writer.finish();
    if (interrupted()) {
        ctx.report.error("interrupted; the names answered so far are printed");
        return exit_code(ErrorKind::interrupted);
    }
    if (unknown && code == 0) {
        ctx.report.warning("some accounts could not say whether they hold a name");
        code = exit_code(ErrorKind::unavailable);
    }
    return code;
}

} // namespace dropcat::cli
