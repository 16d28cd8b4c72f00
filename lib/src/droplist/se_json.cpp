#include "readers.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iterator>

namespace dropcat::droplist {

namespace {

// The input as characters, pulled chunk by chunk as the parser asks (the whole text is never
// held), counting lines for messages and bounding every stretch between JSON's structural
// characters (a string, a number, a run of spaces) to Input::k_max_line bytes, so that one
// endless value cannot fill the memory: past that the input ends early and `error` says why.
class ChunkSource {
  public:
    explicit ChunkSource(Input& input) : m_input(input) {}

    bool at_end() {
        while (m_pos == m_chunk.size() && !m_end) {
            auto more = m_input.next_chunk(m_chunk);
            m_pos = 0;
            if (!more) {
                error = more.error();
                m_end = true;
            } else if (!*more) {
                m_end = true;
            }
        }
        return m_end;
    }
    char current() { return at_end() ? '\0' : m_chunk[m_pos]; }
    void advance() {
        if (at_end()) return;
        char c = m_chunk[m_pos++];
        m_last_newline = c == '\n';
        if (c == '\n') ++line;
        // Inside a string only its closing quote ends the stretch (",,," is one long value).
        bool ends = false;
        if (m_in_string) {
            if (m_escaped) {
                m_escaped = false;
            } else if (c == '\\') {
                m_escaped = true;
            } else if (c == '"') {
                m_in_string = false;
                ends = true;
            }
        } else if (c == '"') {
            m_in_string = true;
            ends = true;
        } else {
            ends = std::string_view("{}[],:").find(c) != std::string_view::npos;
        }
        if (ends) {
            m_stretch = 0;
        } else if (++m_stretch > Input::k_max_line) {
            error = Error{ErrorKind::data,
                          fmt::format("{}:{}: value too long (over {} bytes)",
                                      m_input.display_name(), line, Input::k_max_line)};
            m_end = true;
            m_chunk = {};
            m_pos = 0;
        }
    }

    // Where an error is: past a final line end, the error is on the line it ends.
    std::size_t error_line() { return at_end() && m_last_newline && line > 1 ? line - 1 : line; }

    std::size_t line = 1;
    std::optional<Error> error;

  private:
    Input& m_input;
    std::string_view m_chunk;
    std::size_t m_pos = 0;
    std::size_t m_stretch = 0;
    bool m_end = false;
    bool m_last_newline = false;
    bool m_in_string = false;
    bool m_escaped = false;
};

class ChunkIterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = char;

    explicit ChunkIterator(ChunkSource* source = nullptr) : m_source(source) {}
    char operator*() const { return m_source->current(); }
    ChunkIterator& operator++() {
        m_source->advance();
        return *this;
    }
    ChunkIterator operator++(int) {
        auto copy = *this;
        ++*this;
        return copy;
    }
    // Every iterator at the end of the input equals the end iterator (a null source).
    bool operator==(const ChunkIterator& other) const { return ended() == other.ended(); }
    bool operator!=(const ChunkIterator& other) const { return !(*this == other); }

  private:
    bool ended() const { return m_source == nullptr || m_source->at_end(); }
    ChunkSource* m_source;
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
        if (too_deep()) return false;
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
        if (too_deep()) return false;
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
    // A drop list is a few levels deep; a file of endless '[' is not one, and must not grow
    // the stack without bound.
    static constexpr std::size_t k_max_depth = 512;
    bool too_deep() {
        if (m_stack.size() < k_max_depth) return false;
        m_error = "nested too deep (over 512 levels)";
        return true;
    }

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
    ChunkSource source(ctx.input);
    DropListSax sax(ctx, source.line);
    bool ok = nlohmann::json::sax_parse(ChunkIterator(&source), ChunkIterator(), &sax);
    if (source.error) return std::unexpected(*source.error);
    if (!ok) {
        std::string what = sax.error();
        // nlohmann's messages start with "[json.exception.parse_error.101] parse error at …"
        if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
        return fail(ErrorKind::data,
                    fmt::format("{}:{}: malformed JSON: {}", ctx.input.display_name(),
                                source.error_line(), what));
    }
    return {};
}

} // namespace dropcat::droplist
