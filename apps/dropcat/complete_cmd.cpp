#include "complete_cmd.hpp"

#include "output.hpp"

#include <dropcat/backorder.hpp>

#include <filesystem>

namespace dropcat::cli {

namespace {

int run_complete(const std::string& what, Context& ctx) {
    if (what == "statuses") {
        for (auto s : status_names())
            Out::write(std::string(s) + "\n");
        return 0;
    }
    if (what == "backorder-ids") {
        // Only an existing store: completing must not create one.
        if (!ctx.store_exists()) return 0;
        StoreOptions options;
        options.read_only = true;
        options.create = false;
        auto store = Store::open(*ctx.store_location(), options);
        if (!store) return 0;
        auto ids = Backorders(*store).ids();
        if (!ids) return 0;
        for (auto id : *ids)
            Out::write(std::to_string(id) + "\n");
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
    cmd->add_option("WHAT", *what, "backorder-ids, statuses or registrars")->required();
    cmd->callback([what, &ctx] { ctx.action = [what, &ctx] { return run_complete(*what, ctx); }; });
    return cmd;
}

} // namespace dropcat::cli
