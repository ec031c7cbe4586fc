#include "lexer.hpp"

#include <algorithm>
#include <map>

#include "go_strconv.hpp"

namespace machine::tmpl::detail {
namespace {

constexpr std::string_view k_left_delim = "{{";
constexpr std::string_view k_right_delim = "}}";
constexpr std::string_view k_left_comment = "/*";
constexpr std::string_view k_right_comment = "*/";
// Trim markers: "{{- " trims the white space before the action, " -}}" the white space after it. Go 1.12
// requires exactly an ASCII space next to the '-' (so that "{{-3}}" is the number -3).
constexpr std::string_view k_left_trim_marker = "- ";
constexpr std::string_view k_right_trim_marker = " -";
constexpr std::string_view k_space_chars = " \t\r\n";

bool is_space(char32_t r) {
    return r == ' ' || r == '\t';
}
bool is_end_of_line(char32_t r) {
    return r == '\r' || r == '\n';
}
bool is_alphanumeric(char32_t r) {
    return r == '_' || is_letter(r) || is_digit(r);
}

ItemType keyword(std::string_view word) {
    static const std::map<std::string_view, ItemType> k_keywords{
        {".", ItemType::dot},        {"block", ItemType::block}, {"define", ItemType::define},
        {"else", ItemType::else_kw}, {"end", ItemType::end},     {"if", ItemType::if_kw},
        {"range", ItemType::range},  {"nil", ItemType::nil},     {"template", ItemType::template_kw},
        {"with", ItemType::with},
    };
    const auto it = k_keywords.find(word);
    return it == k_keywords.end() ? ItemType::error : it->second;
}

std::size_t right_trim_length(std::string_view s) {
    const auto last = s.find_last_not_of(k_space_chars);
    return last == std::string_view::npos ? s.size() : s.size() - last - 1;
}

std::size_t left_trim_length(std::string_view s) {
    const auto first = s.find_first_not_of(k_space_chars);
    return first == std::string_view::npos ? s.size() : first;
}

}  // namespace

std::string item_string(const Item& item) {
    if (item.type == ItemType::eof) {
        return "EOF";
    }
    if (item.type == ItemType::error) {
        return item.val;
    }
    if (item.type > ItemType::keyword) {
        return "<" + item.val + ">";
    }
    if (item.val.size() > 10) {
        return quote(truncate_runes(item.val, 10)) + "...";
    }
    return quote(item.val);
}

Item Lexer::next_item() {
    while (m_items.empty()) {
        if (m_state == State::done) {
            return Item{ItemType::eof, m_input.size(), "", line_at(m_input.size())};
        }
        m_state = run(m_state);
    }
    Item item = std::move(m_items.front());
    m_items.pop_front();
    return item;
}

char32_t Lexer::next() {
    if (m_pos >= m_input.size()) {
        m_width = 0;
        return k_eof;
    }
    const DecodedRune decoded = decode_rune(m_input, m_pos);
    m_width = decoded.size;
    m_pos += m_width;
    return decoded.rune;
}

char32_t Lexer::peek() {
    const char32_t r = next();
    backup();
    return r;
}

int Lexer::line_at(std::size_t pos) {
    // Items come in input order, so counting forward from the last position is enough.
    if (pos < m_counted_pos) {
        m_counted_pos = 0;
        m_counted_lines = 0;
    }
    m_counted_lines +=
        static_cast<int>(std::count(m_input.begin() + static_cast<std::ptrdiff_t>(m_counted_pos),
                                    m_input.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
    m_counted_pos = pos;
    return 1 + m_counted_lines;
}

void Lexer::emit(ItemType type) {
    m_items.push_back(
        Item{type, m_start, std::string(m_input.substr(m_start, m_pos - m_start)), line_at(m_start)});
    m_start = m_pos;
}

bool Lexer::accept(std::string_view valid) {
    const char32_t r = next();
    if (r != k_eof && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) {
        return true;
    }
    backup();
    return false;
}

void Lexer::accept_run(std::string_view valid) {
    while (true) {
        const char32_t r = next();
        if (r == k_eof || r >= 0x80 || valid.find(static_cast<char>(r)) == std::string_view::npos) {
            break;
        }
    }
    backup();
}

Lexer::State Lexer::errorf(std::string message) {
    m_items.push_back(Item{ItemType::error, m_start, std::move(message), line_at(m_start)});
    return State::done;
}

bool Lexer::has_prefix_at(std::size_t pos, std::string_view prefix) const {
    return pos <= m_input.size() && m_input.substr(pos).starts_with(prefix);
}

std::pair<bool, bool> Lexer::at_right_delim() const {
    if (has_prefix_at(m_pos, k_right_delim)) {
        return {true, false};
    }
    if (has_prefix_at(m_pos, k_right_trim_marker) &&
        has_prefix_at(m_pos + k_right_trim_marker.size(), k_right_delim)) {
        return {true, true};
    }
    return {false, false};
}

bool Lexer::at_terminator() {
    const char32_t r = peek();
    if (is_space(r) || is_end_of_line(r)) {
        return true;
    }
    switch (r) {
        case k_eof:
        case '.':
        case ',':
        case '|':
        case ':':
        case ')':
        case '(':
            return true;
        default:
            break;
    }
    // Does r start the right delimiter?
    return r == static_cast<char32_t>(k_right_delim[0]);
}

Lexer::State Lexer::run(State state) {
    switch (state) {
        case State::text:
            return lex_text();
        case State::left_delim:
            return lex_left_delim();
        case State::comment:
            return lex_comment();
        case State::right_delim:
            return lex_right_delim();
        case State::inside_action:
            return lex_inside_action();
        case State::space:
            return lex_space();
        case State::quote:
            return lex_quote();
        case State::raw_quote:
            return lex_raw_quote();
        case State::variable:
            return lex_variable();
        case State::field:
            return lex_field_or_variable(ItemType::field);
        case State::character:
            return lex_char();
        case State::number:
            return lex_number();
        case State::identifier:
            return lex_identifier();
        case State::done:
            break;
    }
    return State::done;
}

// Scans until an opening action delimiter.
Lexer::State Lexer::lex_text() {
    const auto x = m_input.substr(m_pos).find(k_left_delim);
    if (x != std::string_view::npos) {
        m_pos += x;
        std::size_t trim_length = 0;
        if (has_prefix_at(m_pos + k_left_delim.size(), k_left_trim_marker)) {
            trim_length = right_trim_length(m_input.substr(m_start, m_pos - m_start));
        }
        m_pos -= trim_length;
        if (m_pos > m_start) {
            emit(ItemType::text);
        }
        m_pos += trim_length;
        ignore();
        return State::left_delim;
    }
    m_pos = m_input.size();
    if (m_pos > m_start) {
        emit(ItemType::text);
    }
    emit(ItemType::eof);
    return State::done;
}

// The left delimiter is known to be present.
Lexer::State Lexer::lex_left_delim() {
    m_pos += k_left_delim.size();
    const bool trim_space = has_prefix_at(m_pos, k_left_trim_marker);
    const std::size_t after_marker = trim_space ? k_left_trim_marker.size() : 0;
    if (has_prefix_at(m_pos + after_marker, k_left_comment)) {
        m_pos += after_marker;
        ignore();
        return State::comment;
    }
    emit(ItemType::left_delim);
    m_pos += after_marker;
    ignore();
    m_paren_depth = 0;
    return State::inside_action;
}

// The left comment marker is known to be present.
Lexer::State Lexer::lex_comment() {
    m_pos += k_left_comment.size();
    const auto i = m_input.substr(m_pos).find(k_right_comment);
    if (i == std::string_view::npos) {
        return errorf("unclosed comment");
    }
    m_pos += i + k_right_comment.size();
    const auto [delim, trim_space] = at_right_delim();
    if (!delim) {
        return errorf("comment ends before closing delimiter");
    }
    if (trim_space) {
        m_pos += k_right_trim_marker.size();
    }
    m_pos += k_right_delim.size();
    if (trim_space) {
        m_pos += left_trim_length(m_input.substr(m_pos));
    }
    ignore();
    return State::text;
}

// The right delimiter is known to be present, possibly after a trim marker.
Lexer::State Lexer::lex_right_delim() {
    const bool trim_space = has_prefix_at(m_pos, k_right_trim_marker);
    if (trim_space) {
        m_pos += k_right_trim_marker.size();
        ignore();
    }
    m_pos += k_right_delim.size();
    emit(ItemType::right_delim);
    if (trim_space) {
        m_pos += left_trim_length(m_input.substr(m_pos));
        ignore();
    }
    return State::text;
}

// Scans the elements inside action delimiters.
Lexer::State Lexer::lex_inside_action() {
    if (at_right_delim().first) {
        if (m_paren_depth == 0) {
            return State::right_delim;
        }
        return errorf("unclosed left paren");
    }
    const char32_t r = next();
    if (r == k_eof || is_end_of_line(r)) {
        return errorf("unclosed action");
    }
    if (is_space(r)) {
        return State::space;
    }
    switch (r) {
        case '=':
            emit(ItemType::assign);
            return State::inside_action;
        case ':':
            if (next() != '=') {
                return errorf("expected :=");
            }
            emit(ItemType::declare);
            return State::inside_action;
        case '|':
            emit(ItemType::pipe);
            return State::inside_action;
        case '"':
            return State::quote;
        case '`':
            return State::raw_quote;
        case '$':
            return State::variable;
        case '\'':
            return State::character;
        case '.':
            // Special look-ahead for ".field" so we don't break backup().
            if (m_pos < m_input.size()) {
                const char c = m_input[m_pos];
                if (c < '0' || c > '9') {
                    return State::field;
                }
            }
            backup();  // '.' can start a number
            return State::number;
        case '(':
            emit(ItemType::left_paren);
            m_paren_depth++;
            return State::inside_action;
        case ')':
            emit(ItemType::right_paren);
            m_paren_depth--;
            if (m_paren_depth < 0) {
                return errorf("unexpected right paren " + unicode_notation(r));
            }
            return State::inside_action;
        default:
            break;
    }
    if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
        backup();
        return State::number;
    }
    if (is_alphanumeric(r)) {
        backup();
        return State::identifier;
    }
    if (r < 0x80 && is_print(r)) {
        emit(ItemType::character);
        return State::inside_action;
    }
    return errorf("unrecognized character in action: " + unicode_notation(r));
}

// A run of space characters; one has been seen.
Lexer::State Lexer::lex_space() {
    while (is_space(peek())) {
        next();
    }
    emit(ItemType::space);
    return State::inside_action;
}

Lexer::State Lexer::lex_identifier() {
    while (true) {
        const char32_t r = next();
        if (is_alphanumeric(r)) {
            continue;
        }
        backup();
        const std::string_view word = m_input.substr(m_start, m_pos - m_start);
        if (!at_terminator()) {
            return errorf("bad character " + unicode_notation(r));
        }
        const ItemType key = keyword(word);
        if (key > ItemType::keyword) {
            emit(key);
        } else if (word[0] == '.') {
            emit(ItemType::field);
        } else if (word == "true" || word == "false") {
            emit(ItemType::boolean);
        } else {
            emit(ItemType::identifier);
        }
        return State::inside_action;
    }
}

// '$' has been scanned.
Lexer::State Lexer::lex_variable() {
    if (at_terminator()) {  // nothing interesting follows -> "$"
        emit(ItemType::variable);
        return State::inside_action;
    }
    return lex_field_or_variable(ItemType::variable);
}

// '.' or '$' has been scanned.
Lexer::State Lexer::lex_field_or_variable(ItemType type) {
    if (at_terminator()) {  // nothing interesting follows -> "." or "$"
        emit(type == ItemType::variable ? ItemType::variable : ItemType::dot);
        return State::inside_action;
    }
    char32_t r = 0;
    while (true) {
        r = next();
        if (!is_alphanumeric(r)) {
            backup();
            break;
        }
    }
    if (!at_terminator()) {
        return errorf("bad character " + unicode_notation(r));
    }
    emit(type);
    return State::inside_action;
}

// The opening quote has been scanned; syntax is checked by the parser.
Lexer::State Lexer::lex_char() {
    while (true) {
        char32_t r = next();
        if (r == '\\') {
            r = next();
            if (r != k_eof && r != '\n') {
                continue;
            }
        }
        if (r == k_eof || r == '\n') {
            return errorf("unterminated character constant");
        }
        if (r == '\'') {
            break;
        }
    }
    emit(ItemType::char_constant);
    return State::inside_action;
}

// A number: decimal, octal, hex, float or imaginary. Accepts some invalid forms that the parser rejects.
Lexer::State Lexer::lex_number() {
    if (!scan_number()) {
        return errorf("bad number syntax: " + quote(m_input.substr(m_start, m_pos - m_start)));
    }
    const char32_t sign = peek();
    if (sign == '+' || sign == '-') {
        // Complex: 1+2i. No spaces, must end in 'i'.
        if (!scan_number() || m_input[m_pos - 1] != 'i') {
            return errorf("bad number syntax: " + quote(m_input.substr(m_start, m_pos - m_start)));
        }
        emit(ItemType::complex);
    } else {
        emit(ItemType::number);
    }
    return State::inside_action;
}

bool Lexer::scan_number() {
    accept("+-");
    std::string_view digits = "0123456789";
    if (accept("0") && accept("xX")) {
        digits = "0123456789abcdefABCDEF";
    }
    accept_run(digits);
    if (accept(".")) {
        accept_run(digits);
    }
    if (accept("eE")) {
        accept("+-");
        accept_run("0123456789");
    }
    accept("i");  // imaginary?
    // The next thing mustn't be alphanumeric.
    if (is_alphanumeric(peek())) {
        next();
        return false;
    }
    return true;
}

Lexer::State Lexer::lex_quote() {
    while (true) {
        char32_t r = next();
        if (r == '\\') {
            r = next();
            if (r != k_eof && r != '\n') {
                continue;
            }
        }
        if (r == k_eof || r == '\n') {
            return errorf("unterminated quoted string");
        }
        if (r == '"') {
            break;
        }
    }
    emit(ItemType::string);
    return State::inside_action;
}

Lexer::State Lexer::lex_raw_quote() {
    while (true) {
        const char32_t r = next();
        if (r == k_eof) {
            return errorf("unterminated raw quoted string");
        }
        if (r == '`') {
            break;
        }
    }
    emit(ItemType::raw_string);
    return State::inside_action;
}

}  // namespace machine::tmpl::detail
