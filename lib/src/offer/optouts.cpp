// Opt-outs and holdings: what `offer optout`, `offer import-optouts`, `offer hold` and the
// one-click endpoint write.
#include "dropcat/mail.hpp"
#include "dropcat/offer.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

namespace dropcat {

namespace {

Result<std::string> checked(std::string_view address) {
    std::string canonical = canonical_address(address);
    if (!plain_address(canonical))
        return fail(ErrorKind::data, fmt::format("'{}' is not an email address (local@domain)",
                                                 text::for_message(address)));
    return canonical;
}

} // namespace

Result<bool> suppress_address(Store& store, std::string_view address, std::string_view source,
                              std::string_view reason, Instant now) {
    auto canonical = checked(address);
    if (!canonical) return std::unexpected(canonical.error());
    return store.write([&](Tx& tx) -> Result<bool> {
        return tx.optouts().suppress(Suppression{address_hash(*canonical), *canonical,
                                                 std::string(source), std::string(reason), now});
    });
}

Result<OptOutImport> import_optouts(Store& store, std::istream& in, std::string_view name,
                                    Instant now) {
    std::vector<std::string> addresses;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::string_view text = text::trim(line);
        if (text.empty() || text.front() == '#') continue;
        auto canonical = checked(text);
        if (!canonical)
            return fail(ErrorKind::data,
                        fmt::format("{}:{}: {}", name, number, canonical.error().message));
        addresses.push_back(std::move(*canonical));
    }
    if (in.bad()) return fail(ErrorKind::data, fmt::format("{}: cannot be read", name));
    return store.write([&](Tx& tx) -> Result<OptOutImport> {
        OptOutImport out;
        for (const auto& a : addresses) {
            if (tx.optouts().suppress(Suppression{address_hash(a), a, "import", "", now}))
                ++out.added;
            else
                ++out.already;
        }
        return out;
    });
}

Result<bool> hold_name(Store& store, std::string_view domain, std::string_view note, Instant now) {
    return store.write([&](Tx& tx) -> Result<bool> {
        return tx.optouts().hold(Holding{std::string(domain), now, std::string(note)});
    });
}

} // namespace dropcat
