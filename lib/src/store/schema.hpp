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

} // namespace dropcat::store
