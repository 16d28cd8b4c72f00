#include "complete_cmd.hpp"

#include "output.hpp"

#include <dropcat/backorder.hpp>
#include <dropcat/domain.hpp>
#include <dropcat/store_tables.hpp>

#include <filesystem>
#include <set>

namespace dropcat::cli {

namespace {

// The store for completing, only when it exists: completing must not create one.
std::optional<Store> existing_store(Context& ctx) {
    if (!ctx.store_exists()) return std::nullopt;
    StoreOptions options;
    options.read_only = true;
    options.create = false;
    auto store = Store::open(*ctx.store_location(), options);
    if (!store) return std::nullopt;
    return std::move(*store);
}

int run_complete(const std::string& what, Context& ctx) {
    if (what == "statuses") {
        for (auto s : status_names())
            Out::write(std::string(s) + "\n");
        return 0;
    }
    if (what == "backorder-ids" || what == "active-backorder-ids" ||
        what == "backordered-domains") {
        auto store = existing_store(ctx);
        if (!store) return 0;
        BackorderQuery query;
        if (what == "active-backorder-ids") query.status = BackorderStatus::active;
        std::set<std::string> domains;
        (void)Backorders(*store).each(query, [&](const BackorderRow& r) {
            if (what == "backordered-domains")
                domains.insert(to_unicode(r.domain));
            else
                Out::write(std::to_string(r.id) + "\n");
            return true;
        });
        for (const auto& d : domains)
            Out::write(d + "\n");
        return 0;
    }
    if (what == "sources") {
        auto store = existing_store(ctx);
        if (!store) return 0;
        auto names = store->read([](const ReadTx& tx) -> Result<std::vector<std::string>> {
            return tx.drops().sources();
        });
        if (!names) return 0;
        for (const auto& n : *names)
            Out::write(n + "\n");
        return 0;
    }
    if (what == "registrars") {
        auto config = ctx.load_configuration();
        if (!config) return 0;
        for (const auto& a : config->registrars)
            Out::write(a.name + "\n");
        return 0;
    }
    return exit_code(ErrorKind::usage);
}

} // namespace

CLI::App* add_complete_command(CLI::App& parent, Context& ctx) {
    auto what = std::make_shared<std::string>();
    auto* cmd = parent.add_subcommand("__complete");
    cmd->add_option("WHAT", *what,
                    "backorder-ids, active-backorder-ids, backordered-domains, sources, statuses "
                    "or registrars")
        ->required();
    cmd->callback([what, &ctx] { ctx.action = [what, &ctx] { return run_complete(*what, ctx); }; });
    return cmd;
}

} // namespace dropcat::cli
