#include "backorder_cmd.hpp"
#include "output.hpp"

#include <fmt/format.h>

namespace dropcat::cli {

namespace {

int run_merge(bool dry_run, const BackorderGroup& group, Context& ctx) {
    int code = 0;
    auto store = ctx.open_store(code, false, false);
    if (!store) return code;
    Backorders book(*store);
    auto out = book.merge_customers(dry_run, group.actor(), wall_clock_now());
    if (!out) return ctx.failed(out.error());
    std::size_t merged = 0;
    for (const auto& m : out->customers) {
        merged += m.merged_emails.size();
        std::string others;
        for (const auto& e : m.merged_emails)
            others += (others.empty() ? "" : ", ") + e;
        Out::write(fmt::format("customer {} {}: {} {}; {} moved, {} cancelled\n", m.kept_id,
                               m.kept_email, dry_run ? "would take" : "took", others,
                               counted(m.moved, "backorder", "backorders"),
                               counted(m.cancelled, "duplicate", "duplicates")));
    }
    if (out->customers.empty())
        ctx.report.note("no two customers' addresses differ only in case; nothing to merge");
    else
        ctx.report.note(fmt::format("{} {} into {}{}", dry_run ? "would merge" : "merged",
                                    counted(merged, "customer", "customers"), out->customers.size(),
                                    dry_run ? "; nothing was changed" : ""));
    if (out->leftover) return ctx.failed(*out->leftover);
    return 0;
}

} // namespace

void add_backorder_merge(CLI::App& group, Context& ctx, std::shared_ptr<BackorderGroup> shared) {
    auto dry_run = std::make_shared<bool>(false);
    auto* m = group.add_subcommand(
        "merge-customers", "join customers whose addresses differ only in case (older stores)");
    m->fallthrough();
    m->add_flag("-n,--dry-run", *dry_run, "say what would be merged, change nothing");
    m->footer("Addresses are matched case-insensitively; stores from before that may hold one\n"
              "person twice. The oldest keeps its address and takes the others' backorders.\n"
              "Examples:\n  dropcat backorder merge-customers --dry-run\n"
              "  dropcat backorder merge-customers");
    m->callback([dry_run, shared, &ctx] {
        ctx.action = [dry_run, shared, &ctx] { return run_merge(*dry_run, *shared, ctx); };
    });
}

} // namespace dropcat::cli
