#pragma once

// Internal to the store module: the schema, one migration per user_version step.

#include <array>
#include <string_view>

namespace dropcat::store {

// Times are Unix milliseconds (UTC) in INTEGER columns throughout; calendar days are
// YYYY-MM-DD text.
// Migration i takes a store from user_version i to i + 1. Never edit a released migration; add
// the next one.
inline constexpr std::array<std::string_view, 1> k_migrations{
    R"sql(
CREATE TABLE drops (
    domain     TEXT PRIMARY KEY NOT NULL,  -- A-label, lowercase
    drop_date  TEXT NOT NULL,              -- YYYY-MM-DD, UTC
    drop_time  INTEGER,                    -- Unix ms, UTC; NULL when the list gave none
    source     TEXT NOT NULL,              -- the list the row came from last
    first_seen INTEGER NOT NULL,           -- Unix ms, UTC
    last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX drops_by_date ON drops (drop_date, domain);
)sql"};

// The drops table as the latest migration leaves it, for an import that rebuilds it (see
// import.cpp); a unit test checks the two agree.
inline constexpr std::string_view k_drops_next_table = R"sql(
CREATE TABLE drops_next (
    domain     TEXT PRIMARY KEY NOT NULL,
    drop_date  TEXT NOT NULL,
    drop_time  INTEGER,
    source     TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
)sql";
inline constexpr std::string_view k_drops_next_index =
    "CREATE INDEX drops_by_date ON drops_next (drop_date, domain)";

} // namespace dropcat::store
