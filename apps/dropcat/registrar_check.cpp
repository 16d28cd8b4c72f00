// dropcat registrar check: a row per name, in the order given, each as soon as it is known.
#include "registrar_common.hpp"

#include "signals.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace dropcat::cli {

namespace {

Row check_row(const Quote& q, std::string_view account) {
    return {{q.domain, false},
            {std::string(account), false},
            {std::string(availability_name(q.availability)), false},
            {price_text(q.price), false}, // JSON: a string, beside its currency
            {q.price ? q.price->currency : "", false},
            {q.definitive ? "true" : "false", true},
            {q.detail, false}};
}

Row unanswered_row(const std::string& domain, std::string_view account,
                   std::string_view availability, std::string why) {
    return {{domain, false},
            {std::string(account), false},
            {std::string(availability), false},
            {"", true},
            {"", false},
            {"false", true},
            {std::move(why), false}};
}

// One account's share of a check: the positions of its names in the output, what is still to
// ask, and when its limits allow the next request.
struct CheckWork {
    const RegistrarAccount* account = nullptr;
    std::unique_ptr<Registrar> registrar;
    std::vector<std::size_t> items; // positions still without an answer
    Clock::time_point retry_at{};
    std::string reason;
    int stalled = 0; // rounds in a row that answered nothing
};

} // namespace

int run_check(const NetOptions& o, Context& ctx) {
    auto job = names_job(o, ctx);
    if (!job) return job.error();
    const Config* config = &job->config;
    const std::vector<std::string>* domains = &job->names;
    const std::vector<std::string>& names = *domains;

    // Rows go out in the order the names were given, each as soon as it and every row before
    // it is known.
    RowView view;
    if (int bad = open_view(o, k_check_columns, ctx, view)) return bad;
    RowWriter writer(listing_format(o.listing.format), k_check_columns, use_color(ctx.color, 1),
                     view);
    std::vector<std::optional<Row>> rows(names.size());
    std::size_t printed = 0;
    bool unanswered = false;
    auto flush = [&] {
        while (printed < rows.size() && rows[printed])
            write_row(writer, *rows[printed++]);
    };
    auto settle = [&](std::size_t i, Row row, bool answered) {
        rows[i] = std::move(row);
        unanswered = unanswered || !answered;
    };

    // Each name goes to the named account, else to the first account that serves its TLD.
    std::vector<CheckWork> work;
    int code = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const RegistrarAccount* chosen = o.registrar.empty() ? account_for(*config, names[i])
                                                             : find_account(*config, o.registrar);
        if (chosen == nullptr) {
            settle(i,
                   unanswered_row(names[i], "", "unsupported",
                                  fmt::format("no configured account serves .{}",
                                              names[i].substr(names[i].rfind('.') + 1))),
                   false);
            continue;
        }
        auto it = std::find_if(work.begin(), work.end(),
                               [&](const CheckWork& w) { return w.account == chosen; });
        if (it == work.end())
            it = work.insert(work.end(), CheckWork{chosen, nullptr, {}, {}, {}, 0});
        it->items.push_back(i);
    }
    auto give_up = [&](CheckWork& w, const std::string& why) {
        for (std::size_t i : w.items)
            settle(i, unanswered_row(names[i], w.account->name, "unknown", why), false);
        w.items.clear();
    };
    for (auto& w : work) {
        auto opened = open_account(*config, *w.account, o, ctx);
        if (!opened) {
            ctx.report.error(opened.error().message);
            if (code == 0) code = exit_code(opened.error().kind);
            give_up(w, "not asked: " + opened.error().message);
            continue;
        }
        w.registrar = std::move(*opened);
    }
    flush();

    for (;;) {
        if (interrupted()) break;
        // The account that may ask soonest.
        CheckWork* next = nullptr;
        for (auto& w : work)
            if (!w.items.empty() && (next == nullptr || w.retry_at < next->retry_at)) next = &w;
        if (next == nullptr) break;
        CheckWork& w = *next;
        const Clock& clock = w.registrar->clock();
        if (w.retry_at > clock.now()) {
            if (w.retry_at - clock.now() > k_patience) {
                if (code == 0) code = exit_code(ErrorKind::temporary);
                give_up(w, fmt::format("not asked: {} allows no request within {} s", w.reason,
                                       k_patience.count()));
                flush();
                continue;
            }
            if (!wait_until(*w.registrar, w.retry_at, w.reason, ctx)) break;
        }
        std::vector<std::string> asked;
        for (std::size_t i : w.items)
            asked.push_back(names[i]);
        // Rows are settled as answers come, so that each is printed as soon as it can be.
        std::vector<bool> done(w.items.size(), false);
        auto sink = [&](const Quote& q) {
            for (std::size_t k = 0; k < w.items.size(); ++k)
                if (!done[k] && asked[k] == q.domain) {
                    done[k] = true;
                    settle(w.items[k], check_row(q, w.account->name),
                           q.availability != Availability::unknown);
                    break;
                }
            flush();
        };
        auto quotes = w.registrar->quote(asked, 1, call_now(*w.registrar), sink);
        if (!quotes) {
            ctx.report.error(quotes.error().message);
            if (code == 0) code = exit_code(quotes.error().kind);
            std::vector<std::size_t> left;
            for (std::size_t k = 0; k < w.items.size(); ++k)
                if (!done[k]) left.push_back(w.items[k]);
            w.items = left;
            give_up(w, "not asked: " + quotes.error().message);
            flush();
            continue;
        }
        std::vector<std::size_t> left;
        std::optional<Clock::time_point> retry;
        for (std::size_t k = 0; k < quotes->size() && k < w.items.size(); ++k) {
            const Quote& q = (*quotes)[k];
            if (done[k]) continue;
            if (q.retry_at) {
                left.push_back(w.items[k]);
                if (!retry || *q.retry_at < *retry) {
                    retry = q.retry_at;
                    w.reason = q.wait_reason;
                }
                continue;
            }
            settle(w.items[k], check_row(q, w.account->name),
                   q.availability != Availability::unknown);
        }
        w.stalled = left.size() == w.items.size() ? w.stalled + 1 : 0;
        w.items = std::move(left);
        w.retry_at = retry.value_or(Clock::time_point{});
        if (w.stalled >= k_max_limit_rounds) {
            if (code == 0) code = exit_code(ErrorKind::temporary);
            give_up(w, fmt::format("not asked: still held by {} after {} tries", w.reason,
                                   k_max_limit_rounds));
        }
        flush();
    }
    bool stopped = interrupted();
    for (auto& w : work)
        give_up(w, stopped ? "not asked: interrupted" : "not asked");
    flush();
    writer.finish();
    if (stopped) {
        ctx.report.error("interrupted; the names answered so far are printed");
        return exit_code(ErrorKind::interrupted);
    }
    if (unanswered) {
        ctx.report.warning("some names could not be checked (availability unknown)");
        if (code == 0) code = exit_code(ErrorKind::unavailable);
    }
    return code;
}

} // namespace dropcat::cli
