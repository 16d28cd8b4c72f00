#pragma once

#include "context.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dropcat::cli {

struct OfferOptions {
    std::string email;             // offer optout EMAIL
    std::string reason;            // --reason
    std::string file;              // offer import-optouts FILE|-
    std::string domain;            // offer hold DOMAIN, offer draft DOMAIN, list --domain
    std::string note;              // --note
    std::vector<std::string> to;   // draft --to backorderers|next|EMAIL...
    std::string price;             // draft --price
    std::string currency;          // draft --currency
    std::string template_file;     // draft --template
    int valid_days = 14;           // draft --valid-days
    std::vector<std::int64_t> ids; // approve ID...
    std::int64_t id = 0;           // show ID, mark ID
    std::string by;                // approve --by, draft/mark --by
    std::string status;            // list --status; mark OUTCOME
    std::string kind;              // list --kind
    int limit = 0;                 // send --limit (0: none)
    bool send = false;             // send/notify --send
    std::string date;              // notify --date
    std::string listen;            // serve --listen
    ListingOptions listing;
};

// The columns of `offer optouts` and `offer list` (interfaces: new ones go at the end).
extern const std::vector<std::string> k_optout_columns;
extern const std::vector<std::string> k_offer_columns;

// `dropcat offer`: offers to interested parties, notices after a catch, opt-outs.
CLI::App* add_offer_command(CLI::App& parent, Context& ctx);

int run_offer_optout(const OfferOptions& o, Context& ctx);
int run_offer_optouts(const OfferOptions& o, Context& ctx);
int run_offer_import_optouts(const OfferOptions& o, Context& ctx);
int run_offer_hold(const OfferOptions& o, Context& ctx);
int run_offer_draft(const OfferOptions& o, Context& ctx);
int run_offer_list(const OfferOptions& o, Context& ctx);
int run_offer_show(const OfferOptions& o, Context& ctx);
int run_offer_approve(const OfferOptions& o, Context& ctx);
int run_offer_mark(const OfferOptions& o, Context& ctx);
int run_offer_send(const OfferOptions& o, Context& ctx);
int run_offer_notify(const OfferOptions& o, Context& ctx);
int run_offer_serve(const OfferOptions& o, Context& ctx);

// The opt-out tokens' secret ([operator] token_secret_env); empty when unset (the library
// refuses to draft without it, naming the variable).
std::string optout_secret(const Config& config);
// Writes offers as a listing (k_offer_columns).
void write_offers(const std::vector<OfferRow>& rows, const OfferOptions& o, Context& ctx,
                  const RowView& view);

} // namespace dropcat::cli
