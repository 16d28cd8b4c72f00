// dropcat registrar owns: whether names are in an account now, and the settling of creates
// whose outcome was not known.
#include "registrar_common.hpp"

#include "signals.hpp"

#include <dropcat/create_journal.hpp>

#include <fmt/format.h>

#include <map>

namespace dropcat::cli {

int run_owns(const NetOptions& o, Context& ctx) {
    auto job = names_job(o, ctx);
    if (!job) return job.error();
    const Config* config = &job->config;
    const std::vector<std::string>* domains = &job->names;
    int store_code = 0;
    auto store = ctx.open_store(store_code);
    if (!store) return store_code;

    // Each name, in the order given, is asked of the named account, else of every account that
    // serves its TLD. Each account is opened once, when first needed.
    RowView view;
    if (int bad = open_view(o, k_owns_columns, ctx, view)) return bad;
    RowWriter writer(listing_format(o.listing.format), k_owns_columns, use_color(ctx.color, 1),
                     view);
    int code = 0;
    bool unknown = false;
    auto unanswered = [&](const std::string& domain, std::string_view account, std::string why) {
        write_row(writer, {{domain, false},
                           {std::string(account), false},
                           {"unknown", false},
                           {"0", true},
                           {"", true},
                           {std::move(why), false}});
        unknown = true;
    };
    std::map<const RegistrarAccount*, Result<std::unique_ptr<Registrar>>> opened;
    for (const auto& domain : *domains) {
        if (interrupted()) break;
        std::vector<const RegistrarAccount*> asked;
        for (const auto& a : config->registrars)
            if (o.registrar.empty() ? account_serves(a, domain) : a.name == o.registrar)
                asked.push_back(&a);
        if (asked.empty())
            unanswered(domain, "",
                       fmt::format("no configured account serves .{}",
                                   domain.substr(domain.rfind('.') + 1)));
        for (const RegistrarAccount* a : asked) {
            if (interrupted()) break;
            auto it = opened.find(a);
            if (it == opened.end()) {
                it = opened.emplace(a, open_account(*config, *a, o, ctx)).first;
                if (!it->second) {
                    ctx.report.error(it->second.error().message);
                    if (code == 0) code = exit_code(it->second.error().kind);
                }
            }
            if (!it->second) {
                unanswered(domain, a->name, "not asked: " + it->second.error().message);
                continue;
            }
            Registrar& r = **it->second;
            // One request per name at most, after the account's limits allow it.
            if (!wait_for_room(r, RequestClass::other, ctx)) break;
            auto settled = settle_creates(*store, r, domain, call_now(r));
            if (!settled) {
                ctx.report.error(settled.error().message);
                if (code == 0) code = exit_code(settled.error().kind);
                unanswered(domain, a->name, settled.error().message);
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
