#pragma once

// Go 1.12 text/template/parse lexer: the same items, trim-marker handling and error texts.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace machine::tmpl::detail {

enum class ItemType {
    error,          // error occurred; val is the text of the error
    boolean,        // boolean constant
    character,      // printable ASCII character; grab bag for comma etc.
    char_constant,  // character constant
    complex,        // complex constant (1+2i)
    assign,         // '='
    declare,        // ':='
    eof,
    field,        // alphanumeric identifier starting with '.'
    identifier,   // alphanumeric identifier not starting with '.'
    left_delim,   // {{
    left_paren,   // '(' inside an action
    number,       // simple number, including imaginary
    pipe,         // '|'
    raw_string,   // raw quoted string (includes quotes)
    right_delim,  // }}
    right_paren,  // ')' inside an action
    space,        // run of spaces separating arguments
    string,       // quoted string (includes quotes)
    text,         // plain text
    variable,     // variable starting with '$', such as '$' or '$1' or '$hello'
    keyword,      // used only to delimit the keywords
    block,
    dot,
    define,
    else_kw,
    end,
    if_kw,
    nil,
    range,
    template_kw,
    with,
};

struct Item {
    ItemType type = ItemType::eof;
    std::size_t pos = 0;  // byte offset of the item in the input
    std::string val;
    int line = 1;  // line of the item's start
};

// How the parser names an item in "unexpected ..." errors: EOF, <keyword>, "text" or "first ten"...
[[nodiscard]] std::string item_string(const Item& item);

class Lexer {
public:
    explicit Lexer(std::string_view input) : m_input(input) {}

    // The next item; after an error or EOF item it keeps returning EOF.
    [[nodiscard]] Item next_item();

private:
    enum class State {
        text,
        left_delim,
        comment,
        right_delim,
        inside_action,
        space,
        quote,
        raw_quote,
        variable,
        field,
        character,
        number,
        identifier,
        done,
    };

    static constexpr char32_t k_eof = static_cast<char32_t>(-1);

    std::string_view m_input;
    std::size_t m_pos = 0;    // current position
    std::size_t m_start = 0;  // start of the pending item
    std::size_t m_width = 0;  // width of the last rune read, for backup
    int m_paren_depth = 0;
    State m_state = State::text;
    std::deque<Item> m_items;
    // Line counting: newlines in m_input[0, m_counted_pos) is m_counted_lines.
    std::size_t m_counted_pos = 0;
    int m_counted_lines = 0;

    char32_t next();
    char32_t peek();
    void backup() { m_pos -= m_width; }
    void emit(ItemType type);
    void ignore() { m_start = m_pos; }
    bool accept(std::string_view valid);
    void accept_run(std::string_view valid);
    State errorf(std::string message);
    int line_at(std::size_t pos);
    [[nodiscard]] bool has_prefix_at(std::size_t pos, std::string_view prefix) const;
    [[nodiscard]] bool at_terminator();
    // (is at a right delimiter, is that delimiter preceded by a trim marker)
    [[nodiscard]] std::pair<bool, bool> at_right_delim() const;
    bool scan_number();

    State run(State state);
    State lex_text();
    State lex_left_delim();
    State lex_comment();
    State lex_right_delim();
    State lex_inside_action();
    State lex_space();
    State lex_identifier();
    State lex_field_or_variable(ItemType type);
    State lex_variable();
    State lex_char();
    State lex_number();
    State lex_quote();
    State lex_raw_quote();
};

}  // namespace machine::tmpl::detail
