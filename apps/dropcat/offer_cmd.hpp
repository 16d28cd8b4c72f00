#pragma once

#include "context.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace dropcat::cli {

struct OfferOptions {
    std::string email;  // offer optout EMAIL
    std::string reason; // --reason
    std::string file;   // offer import-optouts FILE|-
    std::string domain; // offer hold DOMAIN
    std::string note;   // --note
    ListingOptions listing;
};

// The columns of `offer optouts` (an interface: new ones go at the end).
extern const std::vector<std::string> k_optout_columns;

// `dropcat offer`: offers to interested parties; so far the opt-outs and the names held.
CLI::App* add_offer_command(CLI::App& parent, Context& ctx);

int run_offer_optout(const OfferOptions& o, Context& ctx);
int run_offer_optouts(const OfferOptions& o, Context& ctx);
int run_offer_import_optouts(const OfferOptions& o, Context& ctx);
int run_offer_hold(const OfferOptions& o, Context& ctx);

} // namespace dropcat::cli
