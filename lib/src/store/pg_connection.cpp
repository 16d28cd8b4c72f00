#include "pg_backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include <poll.h>

namespace dropcat::store {

std::optional<std::int64_t> cell_integer(const PGresult* r, int row, int column) {
    if (r == nullptr || row >= PQntuples(r) || PQgetisnull(r, row, column)) return std::nullopt;
    std::string_view t = cell_text(r, row, column);
    std::int64_t value = 0;
    std::from_chars(t.data(), t.data() + t.size(), value);
    return value;
}

namespace {

// PostgreSQL's type ids for the two kinds of value dropcat binds (catalog/pg_type.h).
constexpr Oid k_int8 = 20;
constexpr Oid k_text = 25;

// A failed command in words an operator can act on.
Error pg_error(const std::string& name, PGconn* conn, const PGresult* result) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary =
        result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string what = primary != nullptr ? primary : first_line(PQerrorMessage(conn));
    std::string_view code = state != nullptr ? state : "";
    if (PQstatus(conn) != CONNECTION_OK || code.starts_with("08"))
        return Error{ErrorKind::unavailable,
                     fmt::format("lost the connection to the PostgreSQL store {}: {}", name, what)};
    if (code == "55P03" || code == "40001" || code == "40P01")
        return Error{ErrorKind::temporary,
                     fmt::format("store {} is busy: another dropcat run is writing to it; try "
                                 "again later",
                                 name)};
    if (code == "57014")
        return Error{ErrorKind::interrupted, "interrupted; the store was left unchanged"};
    if (code.starts_with("28") || code == "3D000")
        return Error{ErrorKind::config, fmt::format("store {}: {}", name, what)};
    return Error{ErrorKind::failed, fmt::format("store {}: {}", name, what)};
}

// The values of a statement as libpq takes them: text, with their types.
struct Values {
    std::vector<Oid> types;
    std::vector<std::string> numbers;
    std::vector<const char*> values;

    template <typename Params> explicit Values(const Params& params) {
        numbers.reserve(params.size());
        for (const auto& p : params) {
            if (p.kind == p.integer) {
                types.push_back(k_int8);
                numbers.push_back(std::to_string(p.number));
                values.push_back(numbers.back().c_str());
            } else if (p.kind == p.text) {
                types.push_back(k_text);
                values.push_back(p.string.c_str());
            } else {
                types.push_back(0); // NULL: the type comes from where it is used
                values.push_back(nullptr);
            }
        }
    }
    int count() const { return static_cast<int>(values.size()); }
};

// A statement sent with its values, its rows read one at a time (libpq's single-row mode).
// For statements whose results are small or read whole; a listing that may stop early is a
// PgCursor.
class PgQuery : public Query {
  public:
    PgQuery(PgConnection& connection, std::string_view sql)
        : m_connection(connection), m_sql(sql) {}
    ~PgQuery() override {
        PQclear(m_row);
        if (m_started && !m_done) drain();
    }
    PgQuery(const PgQuery&) = delete;
    PgQuery& operator=(const PgQuery&) = delete;

    bool next() override {
        if (!m_started) send();
        if (m_done) return false;
        PQclear(m_row);
        m_row = nullptr;
        PGresult* r = m_connection.next_result();
        ExecStatusType status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (status == PGRES_SINGLE_TUPLE) {
            m_row = r;
            return true;
        }
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
            PQclear(r);
            drain();
            return false;
        }
        drain();
        m_connection.raise_error(r);
    }
    std::string_view text(int column) const override { return cell_text(m_row, 0, column); }
    std::optional<std::int64_t> integer(int column) const override {
        return cell_integer(m_row, 0, column);
    }

  private:
    void send() {
        m_started = true;
        if (m_connection.streaming != nullptr) {
            m_done = true;
            raise(ErrorKind::failed, "internal error: a store query started while another was "
                                     "still being read");
        }
        Values v(m_params);
        PGconn* conn = m_connection.handle();
        if (PQsendQueryParams(conn, m_sql.c_str(), v.count(), v.types.data(), v.values.data(),
                              nullptr, nullptr, 0) == 0) {
            m_done = true;
            m_connection.raise_error(nullptr);
        }
        PQsetSingleRowMode(conn);
        m_connection.streaming = this;
    }
    // Reads what is left of the command's results, so the connection is free again.
    void drain() {
        while (PGresult* r = PQgetResult(m_connection.handle()))
            PQclear(r);
        m_done = true;
        if (m_connection.streaming == this) m_connection.streaming = nullptr;
    }

    PgConnection& m_connection;
    std::string m_sql;
    PGresult* m_row = nullptr;
    bool m_started = false;
    bool m_done = false;
};

// A listing read through a server-side cursor, a batch of rows at a time: stopping early (a
// --limit, a closed pipe, Ctrl-C) closes the cursor instead of reading the rest of the rows.
class PgCursor : public Query {
  public:
    PgCursor(PgConnection& connection, std::string_view sql)
        : m_connection(connection), m_sql(sql),
          m_name("dropcat_cursor_" + std::to_string(++connection.cursors)) {}
    ~PgCursor() override {
        PQclear(m_batch);
        // A cursor left open is closed; in a transaction that has failed, it is gone already.
        if (m_open && PQtransactionStatus(m_connection.handle()) == PQTRANS_INTRANS)
            PQclear(PQexec(m_connection.handle(), ("CLOSE " + m_name).c_str()));
    }
    PgCursor(const PgCursor&) = delete;
    PgCursor& operator=(const PgCursor&) = delete;

    bool next() override {
        if (!m_open && !m_done) declare();
        if (m_batch != nullptr && ++m_row < PQntuples(m_batch)) return true;
        if (m_done) return false;
        PQclear(m_batch);
        m_batch = nullptr;
        m_connection.exec_result(fmt::format("FETCH {} FROM {}", k_batch, m_name), m_batch);
        m_row = 0;
        if (PQntuples(m_batch) > 0) return true;
        m_done = true;
        m_open = false;
        m_connection.exec("CLOSE " + m_name);
        return false;
    }
    std::string_view text(int column) const override { return cell_text(m_batch, m_row, column); }
    std::optional<std::int64_t> integer(int column) const override {
        return cell_integer(m_batch, m_row, column);
    }

  private:
    static constexpr int k_batch = 2000;
    void declare() {
        Values v(m_params);
        std::string sql = "DECLARE " + m_name + " NO SCROLL CURSOR FOR " + m_sql;
        PGresult* r = PQexecParams(m_connection.handle(), sql.c_str(), v.count(), v.types.data(),
                                   v.values.data(), nullptr, nullptr, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            m_done = true;
            m_connection.raise_error(r);
        }
        PQclear(r);
        m_open = true;
    }

    PgConnection& m_connection;
    std::string m_sql;
    std::string m_name;
    PGresult* m_batch = nullptr;
    int m_row = 0;
    bool m_open = false;
    bool m_done = false;
};

} // namespace

namespace {
void receive_notice(void* self, const PGresult* notice) {
    auto* c = static_cast<PgConnection*>(self);
    if (!c->collecting) return;
    const char* primary = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
    const char* detail = PQresultErrorField(notice, PG_DIAG_MESSAGE_DETAIL);
    c->notices.push_back(std::string(primary != nullptr ? primary : "") + "\n" +
                         (detail != nullptr ? detail : ""));
}

// From VACUUM VERBOSE's report, "N dead row versions cannot be removed yet": the old row
// versions it had to keep for a snapshot that may still read them. -1 when the report is
// not there or not in English (the server's lc_messages), and so cannot be read.
long kept_dead_rows(const std::vector<std::string>& notices) {
    long kept = -1;
    constexpr std::string_view k_marker = " dead row versions cannot be removed yet";
    for (const std::string& n : notices) {
        std::size_t at = n.find(k_marker);
        if (at == std::string::npos) continue;
        std::size_t start = n.rfind('\n', at);
        start = start == std::string::npos ? 0 : start + 1;
        long value = 0;
        auto [p, ec] = std::from_chars(n.data() + start, n.data() + at, value);
        if (ec == std::errc() && p == n.data() + at) kept = std::max(kept, 0L) + value;
    }
    return kept;
}
} // namespace

PgConnection::PgConnection(PGconn* conn, std::string name, std::string uri,
                           const StoreOptions& options)
    : m_conn(conn), m_name(std::move(name)), m_uri(std::move(uri)), m_options(options) {
    PQsetNoticeReceiver(m_conn, receive_notice, this);
}

PgConnection::~PgConnection() {
    PQfinish(m_conn);
}

std::unique_ptr<Query> PgConnection::query(std::string_view sql) {
    return std::make_unique<PgQuery>(*this, sql);
}

std::unique_ptr<Query> PgConnection::stream(std::string_view sql) {
    return std::make_unique<PgCursor>(*this, sql);
}

PGresult* PgConnection::next_result() {
    // Waits for the server in short steps, so that an import can be interrupted while a long
    // statement runs: the statement is cancelled, and fails as `interrupted`.
    bool cancelled = false;
    while (true) {
        // What has arrived first (over TLS it may wait decrypted inside the library), then wait.
        if (PQconsumeInput(m_conn) == 0 || !PQisBusy(m_conn)) break;
        pollfd p{PQsocket(m_conn), POLLIN, 0};
        if (p.fd < 0) break;
        ::poll(&p, 1, 100);
        if (!cancelled && cancel_when && cancel_when()) {
            cancelled = true;
            if (PGcancel* c = PQgetCancel(m_conn)) {
                char why[256];
                PQcancel(c, why, sizeof why);
                PQfreeCancel(c);
            }
        }
    }
    return PQgetResult(m_conn);
}

void PgConnection::exec_result(const std::string& sql, PGresult*& out) {
    if (PQsendQuery(m_conn, sql.c_str()) == 0) raise_error(nullptr);
    // SQL of several statements (a migration's DDL) gives a result for each: the first that
    // failed is the answer, else the last.
    PGresult* kept = nullptr;
    bool failed = false;
    while (PGresult* r = next_result()) {
        ExecStatusType status = PQresultStatus(r);
        bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
        if (failed) {
            PQclear(r);
            continue;
        }
        PQclear(kept);
        kept = r;
        failed = !ok;
    }
    if (kept == nullptr || failed) raise_error(kept);
    out = kept;
}

void PgConnection::exec(const std::string& sql) {
    PGresult* r = nullptr;
    exec_result(sql, r);
    PQclear(r);
}

void PgConnection::commit() {
    PGresult* r = nullptr;
    exec_result("COMMIT", r);
    // COMMIT of a transaction the server had already failed answers ROLLBACK.
    bool rolled_back = std::string_view(PQcmdStatus(r)) == "ROLLBACK";
    PQclear(r);
    if (rolled_back)
        raise(ErrorKind::failed, fmt::format("store {}: the server rolled the transaction back; "
                                             "nothing was changed",
                                             m_name));
}

void PgConnection::raise_error(PGresult* result) {
    Error e = pg_error(m_name, m_conn, result);
    PQclear(result);
    e.message = without_password(std::move(e.message), m_uri);
    throw Failure{e};
}

void PgConnection::begin_write() {
    exec("BEGIN");
    exec(fmt::format("SET LOCAL lock_timeout = {}", m_options.busy_wait.count()));
    exec(k_take_write_lock);
}

void PgConnection::begin_read() {
    exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

void PgConnection::rollback() noexcept {
    if (PQstatus(m_conn) != CONNECTION_OK) return;
    if (PQtransactionStatus(m_conn) == PQTRANS_IDLE) return;
    while (PGresult* r = PQgetResult(m_conn)) {
        // A COPY left open (an exception while sending rows) is ended first, or it would
        // answer COPY_IN for ever.
        if (PQresultStatus(r) == PGRES_COPY_IN) PQputCopyEnd(m_conn, "abandoned");
        PQclear(r);
    }
    streaming = nullptr;
    PQclear(PQexec(m_conn, "ROLLBACK"));
}

int PgConnection::schema_version() {
    auto exists = query("SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = "
                        "'dropcat_schema' AND schemaname = current_schema()");
    if (exists->single_integer() == 0) return 0;
    return static_cast<int>(
        query("SELECT coalesce(max(version), 0) FROM dropcat_schema")->single_integer());
}

namespace {

// The tables whose rows hold personal data that erasure overwrites.
constexpr std::string_view k_personal_tables =
    "customers, backorders, suppressions, optout_tokens, offers, offer_sends";

} // namespace

Result<void> PgConnection::purge_erased() {
    // An UPDATE leaves the old row version in the table's and its indexes' pages until they
    // are vacuumed, and even a plain VACUUM only marks the space free. VACUUM FULL writes the
    // tables and their indexes anew, with the live rows only, and drops the old files.
    try {
        // VACUUM skips, with only a warning, a table the role does not own.
        // (The database's owner may vacuum every table in it too.)
        auto owned = query("SELECT count(*) FROM pg_catalog.pg_class WHERE oid IN (SELECT "
                           "to_regclass(btrim(t)) FROM unnest(string_to_array($1, ',')) AS t) AND "
                           "(pg_has_role(relowner, 'USAGE') OR pg_has_role((SELECT datdba FROM "
                           "pg_catalog.pg_database WHERE datname = current_database()), 'USAGE'))");
        owned->bind(1, k_personal_tables);
        std::int64_t tables =
            std::count(k_personal_tables.begin(), k_personal_tables.end(), ',') + 1;
        if (owned->single_integer() != tables) {
            auto who = query("SELECT current_user");
            who->next();
            return fail(
                ErrorKind::failed,
                fmt::format("the personal data is erased from the store's tables, but "
                            "the PostgreSQL role {} does not own them, so it cannot "
                            "rewrite them and old copies of the rows remain in the "
                            "database's files; have their owner run 'VACUUM FULL {}' in the "
                            "store {}",
                            who->text(0), k_personal_tables, m_name));
        }
        exec(fmt::format("SET lock_timeout = {}", m_options.busy_wait.count()));
        notices.clear();
        collecting = true;
        try {
            exec(fmt::format("VACUUM (FULL, VERBOSE) {}", k_personal_tables));
        } catch (...) {
            collecting = false;
            PQclear(PQexec(m_conn, "RESET lock_timeout"));
            throw;
        }
        collecting = false;
        exec("RESET lock_timeout");
        // VACUUM FULL keeps the old versions that a snapshot still open elsewhere may read.
        long kept = kept_dead_rows(notices);
        if (kept < 0)
            return fail(ErrorKind::failed,
                        fmt::format("the personal data is erased from the store's tables and "
                                    "they were rewritten, but the server's VACUUM report is not "
                                    "in English, so dropcat cannot tell whether another session "
                                    "made it keep old copies of the rows; check with 'VACUUM "
                                    "(FULL, VERBOSE) {}' (no dead row versions kept) or set "
                                    "lc_messages to English for this role",
                                    k_personal_tables));
        if (kept > 0)
            return fail(ErrorKind::temporary,
                        "the personal data is erased from the store's tables, but another "
                        "session still has a snapshot that may read the old rows, so their old "
                        "copies were kept in the database's files; run 'dropcat backorder "
                        "forget' again once it has finished");
    } catch (const Failure& f) {
        if (f.error.kind == ErrorKind::temporary)
            return fail(ErrorKind::temporary,
                        "the personal data is erased from the store's tables, but another "
                        "session is using them, so old copies of the rows remain in the "
                        "database's files; run 'dropcat backorder forget' again once it has "
                        "finished");
        return std::unexpected(f.error);
    }
    return {};
}

} // namespace dropcat::store
