#include "readers.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iterator>

namespace dropcat::droplist {

namespace {

// A character iterator that counts the newlines it passes, so the SAX callbacks know the line
// the parser is on.
class LineCountingIterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    LineCountingIterator(const char* p, std::size_t* line) : m_p(p), m_line(line) {}
    reference operator*() const { return *m_p; }
    LineCountingIterator& operator++() {
        if (*m_p == '\n') ++*m_line;
        ++m_p;
        return *this;
    }
    LineCountingIterator operator++(int) {
        auto copy = *this;
        ++*this;
        return copy;
    }
    bool operator==(const LineCountingIterator& other) const { return m_p == other.m_p; }
    bool operator!=(const LineCountingIterator& other) const { return m_p != other.m_p; }

  private:
    const char* m_p;
    std::size_t* m_line;
};

// Finds arrays of objects that carry a domain name and a date: {"data":[{"name":…,
// "release_at":…}]} (.se/.nu) and shapes like it ({"domains":[{"name":…,"date_available":…}]}).
class DropListSax : public nlohmann::json_sax<nlohmann::json> {
  public:
    DropListSax(RowContext& ctx, const std::size_t& line) : m_ctx(ctx), m_line(line) {}

    bool null() override { return value(""); }
    bool boolean(bool) override { return value(""); }
    bool number_integer(number_integer_t v) override { return value(std::to_string(v)); }
    bool number_unsigned(number_unsigned_t v) override { return value(std::to_string(v)); }
    bool number_float(number_float_t, const string_t& s) override { return value(s); }
    bool string(string_t& s) override { return value(s); }
    bool binary(binary_t&) override { return value(""); }
    bool start_object(std::size_t) override {
        bool item = !m_stack.empty() && m_stack.back() == '[';
        m_stack.push_back('{');
        if (item && m_item_depth == 0) {
            m_item_depth = m_stack.size();
            m_item_line = m_line;
            m_domain.reset();
            m_domain_rank = -1;
            m_date.clear();
            m_date_rank = -1;
        }
        return true;
    }
    bool key(string_t& k) override {
        m_key = normalise_header(k);
        return true;
    }
    bool end_object() override {
        if (m_item_depth == m_stack.size()) {
            m_item_depth = 0;
            if (m_domain) {
                std::string raw = *m_domain + " " + m_date;
                emit_text(m_ctx, m_item_line, *m_domain, m_date, raw);
            } else if (m_date_rank >= 0) {
                reject(m_ctx, m_item_line, "no \"name\" in this entry", m_date);
            }
        }
        m_stack.pop_back();
        return true;
    }
    bool start_array(std::size_t) override {
        m_stack.push_back('[');
        return true;
    }
    bool end_array() override {
        m_stack.pop_back();
        return true;
    }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& ex) override {
        m_error = ex.what();
        return false;
    }
    const std::string& error() const { return m_error; }

  private:
    bool value(const std::string& v) {
        if (m_item_depth != 0 && m_item_depth == m_stack.size()) {
            if (int rank = domain_header_rank(m_key);
                rank >= 0 && (m_domain_rank < 0 || rank < m_domain_rank)) {
                m_domain = v;
                m_domain_rank = rank;
            } else if (int date_rank = date_header_rank(m_key);
                       date_rank >= 0 && (m_date_rank < 0 || date_rank < m_date_rank)) {
                m_date = v;
                m_date_rank = date_rank;
            }
        }
        return true;
    }

    RowContext& m_ctx;
    const std::size_t& m_line;
    std::vector<char> m_stack;
    std::size_t m_item_depth = 0;
    std::size_t m_item_line = 0;
    std::string m_key;
    std::optional<std::string> m_domain;
    int m_domain_rank = -1;
    std::string m_date;
    int m_date_rank = -1;
    std::string m_error;
};

} // namespace

Result<void> read_se_json(RowContext& ctx) {
    std::string text;
    std::string_view line;
    while (true) {
        auto more = ctx.input.next_line(line);
        if (!more) return std::unexpected(more.error());
        if (!*more) break;
        // Lines joined without a line end after the last: a list cut short on its only line
        // is malformed at line 1, not at a line 2 the file does not have.
        if (ctx.input.line_number() > 1) text += '\n';
        text.append(line);
    }
    std::size_t line_no = 1;
    DropListSax sax(ctx, line_no);
    LineCountingIterator first(text.data(), &line_no);
    LineCountingIterator last(text.data() + text.size(), &line_no);
    bool ok = nlohmann::json::sax_parse(first, last, &sax);
    if (!ok) {
        std::string what = sax.error();
        // nlohmann's messages start with "[json.exception.parse_error.101] parse error at …"
        if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
        return fail(ErrorKind::data, fmt::format("{}:{}: malformed JSON: {}",
                                                 ctx.input.display_name(), line_no, what));
    }
    return {};
}

} // namespace dropcat::droplist
