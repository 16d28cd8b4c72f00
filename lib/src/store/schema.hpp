#pragma once

// Internal to the store module: the schema, one migration per user_version step.

#include <array>
#include <string_view>

namespace dropcat::store {

// Times are Unix milliseconds (UTC) in INTEGER columns throughout; a calendar day is the Unix
// ms of its 00:00 UTC.
// Migration i takes a store from user_version i to i + 1. Never edit a released migration; add
// the next one.
inline constexpr std::array<std::string_view, 2> k_migrations{
    R"sql(
CREATE TABLE sources (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE              -- a list's label (dropcat import --source)
);
-- Rows are kept small (integers, a source id): an import writes a million of them at once.
-- source_id is not declared a foreign key, which would cost a lookup per row; the import
-- writes only ids it has just read or created.
CREATE TABLE drops (
    domain     TEXT PRIMARY KEY NOT NULL,  -- A-label, lowercase
    drop_date  INTEGER NOT NULL,           -- Unix ms of 00:00 UTC on the drop day
    drop_time  INTEGER,                    -- Unix ms, UTC; NULL when the list gave none
    source_id  INTEGER NOT NULL,           -- sources.id of the list the row came from last
    first_seen INTEGER NOT NULL,           -- Unix ms, UTC
    last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX drops_by_date ON drops (drop_date, domain);
)sql",
    // 2: customers and their backorders (informational: no money, no card data), and the
    // events table every state change appends to. Personal data lives in customers only, so
    // that forgetting a customer is one row's worth of erasing.
    R"sql(
CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    email        TEXT UNIQUE,                -- normalised; NULL once forgotten
    name         TEXT,
    company      TEXT,
    phone        TEXT,
    created_at   INTEGER NOT NULL,           -- Unix ms
    forgotten_at INTEGER                     -- Unix ms, set by 'backorder forget'
);
CREATE TABLE backorders (
    id          INTEGER PRIMARY KEY,
    domain      TEXT NOT NULL,               -- A-label; need not be in drops
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    priority    INTEGER NOT NULL DEFAULT 0,
    note        TEXT,
    status      TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'cancelled', 'caught', 'lost', 'expired')),
    created_at  INTEGER NOT NULL,            -- Unix ms
    updated_at  INTEGER NOT NULL,
    UNIQUE (domain, customer_id)
);
CREATE INDEX backorders_by_domain ON backorders (domain, status);
CREATE INDEX backorders_by_customer ON backorders (customer_id);
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,             -- Unix ms
    actor      TEXT NOT NULL,
    subject    TEXT NOT NULL,                -- 'backorder' or 'customer'
    subject_id INTEGER NOT NULL,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''      -- never personal data
);
CREATE INDEX events_by_subject ON events (subject, subject_id);
)sql"};

} // namespace dropcat::store
