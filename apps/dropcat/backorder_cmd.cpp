#include "backorder_cmd.hpp"

#include "actor.hpp"

namespace dropcat::cli {

std::string BackorderGroup::actor() const {
    return actor_name(by);
}

CLI::App* add_backorder_command(CLI::App& parent, Context& ctx) {
    auto shared = std::make_shared<BackorderGroup>();
    auto* group = parent.add_subcommand("backorder");
    group->require_subcommand(1);
    group->fallthrough();
    group->add_option("--by", shared->by, "who makes the change, for the events (default: login)")
        ->type_name("NAME");
    group->footer("Backorders are informational: no pre-payment, no card data.\n"
                  "Commands: add, import, list, show, set, cancel, forget, expire,\n"
                  "merge-customers.\n"
                  "See dropcat-backorder(1).");
    add_backorder_add(*group, ctx, shared);
    add_backorder_import(*group, ctx, shared);
    add_backorder_list(*group, ctx);
    add_backorder_show(*group, ctx);
    add_backorder_change(*group, ctx, shared);
    add_backorder_merge(*group, ctx, shared);
    return group;
}

} // namespace dropcat::cli
