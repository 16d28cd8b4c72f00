#pragma once

// Internal to the store module: the schema, one migration per user_version step.

#include <array>
#include <string_view>

namespace dropcat::store {

// Migration i takes a store from user_version i to i + 1. Never edit a released migration; add
// the next one.
inline constexpr std::array<std::string_view, 1> k_migrations{
    R"sql(
CREATE TABLE drops (
    domain     TEXT PRIMARY KEY NOT NULL,  -- A-label, lowercase
    tld        TEXT NOT NULL,              -- the last label
    drop_date  TEXT NOT NULL,              -- YYYY-MM-DD, UTC
    drop_time  TEXT,                       -- YYYY-MM-DDTHH:MM:SSZ, NULL when the list gave none
    source     TEXT NOT NULL,              -- the list the row came from last
    first_seen TEXT NOT NULL,              -- YYYY-MM-DDTHH:MM:SSZ
    last_seen  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX drops_by_date ON drops (drop_date, domain);
)sql"};

} // namespace dropcat::store
