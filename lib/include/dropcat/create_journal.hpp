#pragma once

#include "dropcat/export.hpp"
#include "dropcat/registrar.hpp"
#include "dropcat/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// Never buy twice: every create is written to the store before it is sent (account, name,
// time, idempotency key) and completed after. A create whose outcome is not known (the run was
// killed mid-create, or no whole answer came) stands in the way of every later create of that
// name by that account until the account has been asked (settle_creates).

// How long after a create a registrar may take to list the name in the account: the kind's
// figure (Dynadot's advice: up to 30 minutes; Namecheap's non-real-time registries a day),
// this for a kind that names none. Before that, "not in the account" does not settle a create.
constexpr std::chrono::minutes k_listing_lag{30};
std::chrono::minutes listing_lag(std::string_view kind);

// What a journaled create did: the outcome, and the earlier creates that stopped it (for
// Outcome::unresolved) or that show the name already bought (Outcome::registered, nothing
// sent).
struct JournaledCreate {
    CreateResult result;
    std::vector<CreateRow> earlier;
};

// Sends `request` through `registrar`, journaled: refused unsent (Outcome::unresolved) while
// an earlier create of the name by the account has no known outcome; answered registered,
// unsent, when an earlier create of it by the account was registered; otherwise written,
// sent, and completed. A dry run is checked the same way but not written. A create that came
// back ambiguous stays unresolved until settle_creates hears from the account (the caller asks
// once the account's limits allow it).
// Store failures before the send mean nothing was sent (transient).
JournaledCreate journaled_create(Store& store, Registrar& registrar, const CreateRequest& request,
                                 const Call& call);

// The account's creates of `domain` with no known outcome, oldest first.
Result<std::vector<CreateRow>> unresolved_creates(Store& store, std::string_view account,
                                                  std::string_view domain);

// Asks the account whether `domain` is in it and settles its unresolved creates of the name:
// listed, they are registered; not listed, those started at least listing_lag ago are
// not-registered (younger ones stay unresolved). Returns what the account said and the creates
// it settled.
struct Settlement {
    OwnsResult owns;
    std::vector<CreateRow> settled;
    std::vector<CreateRow> still_unresolved;
};
Result<Settlement> settle_creates(Store& store, Registrar& registrar, const std::string& domain,
                                  const Call& call);

} // namespace dropcat

DROPCAT_PUBLIC_END
