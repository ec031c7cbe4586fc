#include "parser.hpp"

#include <array>
#include <cmath>
#include <vector>

#include "go_strconv.hpp"
#include "lexer.hpp"
#include "machine/template.hpp"

namespace machine::tmpl::detail {
namespace {

// Go 1.12 recursed without limit; we stop before the C++ stack does (Go 1.19 added a similar limit).
constexpr int k_max_parse_depth = 300;

bool unhex(char c, char32_t& out) {
    if (c >= '0' && c <= '9') {
        out = static_cast<char32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
        out = static_cast<char32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
        out = static_cast<char32_t>(c - 'A' + 10);
    } else {
        return false;
    }
    return true;
}

// strconv.UnquoteChar: decodes the first character or escape of s; false on bad syntax.
bool unquote_char(std::string_view& s, char quote_char, char32_t& value, bool& multibyte) {
    multibyte = false;
    if (s.empty()) {
        return false;
    }
    const char c = s[0];
    if (c == quote_char && (quote_char == '\'' || quote_char == '"')) {
        return false;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
        const DecodedRune decoded = decode_rune(s, 0);
        value = decoded.rune;
        multibyte = true;
        s.remove_prefix(decoded.size);
        return true;
    }
    if (c != '\\') {
        value = static_cast<unsigned char>(c);
        s.remove_prefix(1);
        return true;
    }
    if (s.size() <= 1) {
        return false;
    }
    const char escape = s[1];
    s.remove_prefix(2);
    switch (escape) {
        case 'a':
            value = '\a';
            return true;
        case 'b':
            value = '\b';
            return true;
        case 'f':
            value = '\f';
            return true;
        case 'n':
            value = '\n';
            return true;
        case 'r':
            value = '\r';
            return true;
        case 't':
            value = '\t';
            return true;
        case 'v':
            value = '\v';
            return true;
        case 'x':
        case 'u':
        case 'U': {
            const std::size_t n = escape == 'x' ? 2 : escape == 'u' ? 4 : 8;
            if (s.size() < n) {
                return false;
            }
            char32_t v = 0;
            for (std::size_t j = 0; j < n; ++j) {
                char32_t x = 0;
                if (!unhex(s[j], x)) {
                    return false;
                }
                v = (v << 4) | x;
            }
            s.remove_prefix(n);
            if (escape == 'x') {
                value = v;  // a single byte, possibly not UTF-8
                return true;
            }
            if (v > k_max_rune) {
                return false;
            }
            value = v;
            multibyte = true;
            return true;
        }
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7': {
            char32_t v = static_cast<char32_t>(escape - '0');
            if (s.size() < 2) {
                return false;
            }
            for (std::size_t j = 0; j < 2; ++j) {
                if (s[j] < '0' || s[j] > '7') {
                    return false;
                }
                v = (v << 3) | static_cast<char32_t>(s[j] - '0');
            }
            s.remove_prefix(2);
            if (v > 255) {
                return false;
            }
            value = v;
            return true;
        }
        case '\\':
            value = '\\';
            return true;
        case '\'':
        case '"':
            if (escape != quote_char) {
                return false;
            }
            value = static_cast<char32_t>(escape);
            return true;
        default:
            return false;
    }
}

// Whether a tree holds nothing but white space (parse.IsEmptyTree).
bool is_empty_tree(const Node& node) {
    switch (node.type) {
        case NodeType::list:
            for (const auto& child : static_cast<const ListNode&>(node).nodes) {
                if (!is_empty_tree(*child)) {
                    return false;
                }
            }
            return true;
        case NodeType::text:
            return static_cast<const TextNode&>(node).text.find_first_not_of(" \t\n\v\f\r") ==
                   std::string::npos;
        default:
            return false;
    }
}

class Parser {
public:
    Parser(const std::string& text, const std::set<std::string>& functions)
        : m_lex(text), m_functions(functions) {}

    // The top-level parser: text, actions and {{define}} up to EOF.
    void parse(ParsedTemplates& result) {
        m_result = &result;
        m_vars = {"$"};
        auto root = std::make_unique<ListNode>(peek().pos);
        while (peek().type != ItemType::eof) {
            if (peek().type == ItemType::left_delim) {
                Item delim = next();
                if (next_non_space().type == ItemType::define) {
                    parse_definition();
                    continue;
                }
                backup2(std::move(delim));
            }
            NodePtr node = text_or_action();
            if (node->type == NodeType::end_node || node->type == NodeType::else_node) {
                errorf("unexpected " + node_string(*node));
            }
            root->nodes.push_back(std::move(node));
        }
        add("", std::move(root));
    }

private:
    Lexer m_lex;
    const std::set<std::string>& m_functions;
    ParsedTemplates* m_result = nullptr;
    std::array<Item, 3> m_token;  // three-token lookahead
    int m_peek_count = 0;
    std::vector<std::string> m_vars;  // variables defined at the moment
    int m_depth = 0;

    // Counts nesting so that absurdly deep templates fail instead of overflowing the stack.
    class DepthGuard {
    public:
        explicit DepthGuard(Parser& parser) : m_parser(parser) {
            if (++m_parser.m_depth > k_max_parse_depth) {
                m_parser.errorf("max expression depth exceeded");
            }
        }
        ~DepthGuard() { --m_parser.m_depth; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;

    private:
        Parser& m_parser;
    };

    Item next() {
        if (m_peek_count > 0) {
            --m_peek_count;
        } else {
            m_token[0] = m_lex.next_item();
        }
        return m_token[static_cast<std::size_t>(m_peek_count)];
    }
    void backup() { ++m_peek_count; }
    void backup2(Item t1) {
        m_token[1] = std::move(t1);
        m_peek_count = 2;
    }
    void backup3(Item t2, Item t1) {  // reverse order: we're pushing back
        m_token[1] = std::move(t1);
        m_token[2] = std::move(t2);
        m_peek_count = 3;
    }
    const Item& peek() {
        if (m_peek_count > 0) {
            return m_token[static_cast<std::size_t>(m_peek_count - 1)];
        }
        m_peek_count = 1;
        m_token[0] = m_lex.next_item();
        return m_token[0];
    }
    Item next_non_space() {
        Item token;
        do {
            token = next();
        } while (token.type == ItemType::space);
        return token;
    }
    Item peek_non_space() {
        Item token = next_non_space();
        backup();
        return token;
    }

    [[noreturn]] void errorf(const std::string& message) {
        throw ParseError("template: :" + std::to_string(m_token[0].line) + ": " + message);
    }
    [[noreturn]] void unexpected(const Item& token, const std::string& context) {
        errorf("unexpected " + item_string(token) + " in " + context);
    }
    Item expect(ItemType expected, const std::string& context) {
        Item token = next_non_space();
        if (token.type != expected) {
            unexpected(token, context);
        }
        return token;
    }
    Item expect_one_of(ItemType expected1, ItemType expected2, const std::string& context) {
        Item token = next_non_space();
        if (token.type != expected1 && token.type != expected2) {
            unexpected(token, context);
        }
        return token;
    }

    void add(const std::string& name, std::unique_ptr<ListNode> root) {
        auto& slot = m_result->trees[name];
        if (!slot || is_empty_tree(*slot)) {
            slot = std::move(root);
            return;
        }
        if (!is_empty_tree(*root)) {
            errorf("template: multiple definition of template " + quote(name));
        }
    }

    // {{define "name"}} ... {{end}}; "define" has been scanned. The definition has its own variables.
    void parse_definition() {
        const std::string context = "define clause";
        std::vector<std::string> saved_vars = std::move(m_vars);
        m_vars = {"$"};
        const Item name_token = expect_one_of(ItemType::string, ItemType::raw_string, context);
        std::string name;
        if (!go_unquote(name_token.val, name)) {
            errorf("invalid syntax");
        }
        expect(ItemType::right_delim, context);
        auto [root, end] = item_list();
        if (end->type != NodeType::end_node) {
            errorf("unexpected " + node_string(*end) + " in " + context);
        }
        add(name, std::move(root));
        m_vars = std::move(saved_vars);
    }

    // textOrAction* up to {{end}} or {{else}}, which is returned separately.
    std::pair<std::unique_ptr<ListNode>, NodePtr> item_list() {
        const DepthGuard guard(*this);
        auto list = std::make_unique<ListNode>(peek_non_space().pos);
        while (peek_non_space().type != ItemType::eof) {
            NodePtr node = text_or_action();
            if (node->type == NodeType::end_node || node->type == NodeType::else_node) {
                return {std::move(list), std::move(node)};
            }
            list->nodes.push_back(std::move(node));
        }
        errorf("unexpected EOF");
    }

    NodePtr text_or_action() {
        Item token = next_non_space();
        switch (token.type) {
            case ItemType::text:
                return std::make_unique<TextNode>(token.pos, std::move(token.val));
            case ItemType::left_delim:
                return action();
            default:
                unexpected(token, "input");
        }
    }

    // A control structure or a pipeline; the left delimiter is past.
    NodePtr action() {
        const Item token = next_non_space();
        switch (token.type) {
            case ItemType::block:
                return block_control();
            case ItemType::else_kw:
                return else_control();
            case ItemType::end:
                return std::make_unique<EndNode>(expect(ItemType::right_delim, "end").pos);
            case ItemType::if_kw:
                return if_control();
            case ItemType::range:
                return branch_control(NodeType::range, false, "range");
            case ItemType::template_kw:
                return template_control();
            case ItemType::with:
                return branch_control(NodeType::with, false, "with");
            default:
                break;
        }
        backup();
        const Item& first = peek();
        const std::size_t pos = first.pos;
        const int line = first.line;
        // Variables declared here persist until "end".
        return std::make_unique<ActionNode>(pos, line, pipeline("command"));
    }

    // declarations? command ('|' command)*
    std::unique_ptr<PipeNode> pipeline(const std::string& context) {
        const DepthGuard guard(*this);
        const Item start = peek_non_space();
        auto pipe = std::make_unique<PipeNode>(start.pos, start.line);
        // Are there declarations or assignments?
        bool again = true;
        while (again) {
            again = false;
            Item v = peek_non_space();
            if (v.type != ItemType::variable) {
                break;
            }
            next();
            // Space is a token, so "$x foo" needs three tokens of look-ahead to tell an argument from a
            // declaration: remember the token adjacent to the variable to push it back.
            Item token_after_variable = peek();
            const Item next_token = peek_non_space();
            if (next_token.type == ItemType::assign || next_token.type == ItemType::declare) {
                pipe->is_assign = next_token.type == ItemType::assign;
                next_non_space();
                pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, v.val));
                m_vars.push_back(v.val);
            } else if (next_token.type == ItemType::character && next_token.val == ",") {
                next_non_space();
                pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, v.val));
                m_vars.push_back(v.val);
                if (context == "range" && pipe->decl.size() < 2) {
                    again = true;
                    continue;
                }
                errorf("too many declarations in " + context);
            } else if (token_after_variable.type == ItemType::space) {
                backup3(std::move(v), std::move(token_after_variable));
            } else {
                backup2(std::move(v));
            }
        }
        while (true) {
            const Item token = next_non_space();
            switch (token.type) {
                case ItemType::right_delim:
                case ItemType::right_paren:
                    check_pipeline(*pipe, context);
                    if (token.type == ItemType::right_paren) {
                        backup();
                    }
                    return pipe;
                case ItemType::boolean:
                case ItemType::char_constant:
                case ItemType::complex:
                case ItemType::dot:
                case ItemType::field:
                case ItemType::identifier:
                case ItemType::number:
                case ItemType::nil:
                case ItemType::raw_string:
                case ItemType::string:
                case ItemType::variable:
                case ItemType::left_paren:
                    backup();
                    pipe->cmds.push_back(command());
                    break;
                default:
                    unexpected(token, context);
            }
        }
    }

    void check_pipeline(const PipeNode& pipe, const std::string& context) {
        if (pipe.cmds.empty()) {
            errorf("missing value for " + context);
        }
        // Only the first command of a pipeline can start with a non-executable operand.
        for (std::size_t i = 1; i < pipe.cmds.size(); ++i) {
            switch (pipe.cmds[i]->args[0]->type) {
                case NodeType::boolean:
                case NodeType::dot:
                case NodeType::nil:
                case NodeType::number:
                case NodeType::string:
                    errorf("non executable command in pipeline stage " + std::to_string(i + 1));
                default:
                    break;
            }
        }
    }

    struct Control {
        std::size_t pos;
        int line;
        std::unique_ptr<PipeNode> pipe;
        std::unique_ptr<ListNode> list;
        std::unique_ptr<ListNode> else_list;
    };

    Control parse_control(bool allow_else_if, const std::string& context) {
        const std::size_t var_count = m_vars.size();
        Control control;
        control.pipe = pipeline(context);
        auto [list, next_node] = item_list();
        control.list = std::move(list);
        if (next_node->type == NodeType::else_node) {
            // "{{if a}}_{{else if b}}_{{end}}" is "{{if a}}_{{else}}{{if b}}_{{end}}{{end}}" with only one
            // {{end}}: elseControl left the "if" pending.
            if (allow_else_if && peek().type == ItemType::if_kw) {
                next();  // consume the "if"
                control.else_list = std::make_unique<ListNode>(next_node->pos);
                control.else_list->nodes.push_back(if_control());
            } else {
                auto [else_list, end] = item_list();
                if (end->type != NodeType::end_node) {
                    errorf("expected end; found " + node_string(*end));
                }
                control.else_list = std::move(else_list);
            }
        }
        control.pos = control.pipe->pos;
        control.line = control.pipe->line;
        m_vars.resize(var_count);
        return control;
    }

    NodePtr if_control() { return branch_control(NodeType::if_node, true, "if"); }

    NodePtr branch_control(NodeType type, bool allow_else_if, const std::string& context) {
        Control c = parse_control(allow_else_if, context);
        return std::make_unique<BranchNode>(type, c.pos, c.line, std::move(c.pipe), std::move(c.list),
                                            std::move(c.else_list));
    }

    NodePtr else_control() {
        // "{{else if ..." is rewritten to "{{else}}{{if ...".
        const Item peeked = peek_non_space();
        if (peeked.type == ItemType::if_kw) {
            return std::make_unique<ElseNode>(peeked.pos, peeked.line);
        }
        const Item token = expect(ItemType::right_delim, "else");
        return std::make_unique<ElseNode>(token.pos, token.line);
    }

    std::string parse_template_name(const Item& token, const std::string& context) {
        if (token.type != ItemType::string && token.type != ItemType::raw_string) {
            unexpected(token, context);
        }
        std::string name;
        if (!go_unquote(token.val, name)) {
            errorf("invalid syntax");
        }
        return name;
    }

    // {{template "name" pipeline?}}
    NodePtr template_control() {
        const std::string context = "template clause";
        const Item token = next_non_space();
        std::string name = parse_template_name(token, context);
        std::unique_ptr<PipeNode> pipe;
        if (next_non_space().type != ItemType::right_delim) {
            backup();
            pipe = pipeline(context);  // variables persist until "end"
        }
        return std::make_unique<TemplateNode>(token.pos, token.line, std::move(name), std::move(pipe));
    }

    // {{block "name" pipeline}} ... {{end}}: defines the template and executes it in place.
    NodePtr block_control() {
        const std::string context = "block clause";
        const Item token = next_non_space();
        std::string name = parse_template_name(token, context);
        std::unique_ptr<PipeNode> pipe = pipeline(context);
        std::vector<std::string> saved_vars = std::move(m_vars);
        m_vars = {"$"};
        auto [root, end] = item_list();
        if (end->type != NodeType::end_node) {
            errorf("unexpected " + node_string(*end) + " in " + context);
        }
        add(name, std::move(root));
        m_vars = std::move(saved_vars);
        return std::make_unique<TemplateNode>(token.pos, token.line, std::move(name), std::move(pipe));
    }

    // operand (space operand)*, up to a pipe character or the end of the action.
    std::unique_ptr<CommandNode> command() {
        auto cmd = std::make_unique<CommandNode>(peek_non_space().pos);
        while (true) {
            (void)peek_non_space();  // skip leading spaces
            if (NodePtr operand_node = operand()) {
                cmd->args.push_back(std::move(operand_node));
            }
            const Item token = next();
            if (token.type == ItemType::space) {
                continue;
            }
            if (token.type == ItemType::error) {
                errorf(token.val);
            }
            if (token.type == ItemType::right_delim || token.type == ItemType::right_paren) {
                backup();
            } else if (token.type != ItemType::pipe) {
                errorf("unexpected " + item_string(token) + " in operand");
            }
            break;
        }
        if (cmd->args.empty()) {
            errorf("empty command");
        }
        return cmd;
    }

    // term .Field*
    NodePtr operand() {
        NodePtr node = term();
        if (!node) {
            return nullptr;
        }
        if (peek().type == ItemType::field) {
            auto chain = std::make_unique<ChainNode>(peek().pos, nullptr);
            while (peek().type == ItemType::field) {
                chain->fields.push_back(next().val.substr(1));
            }
            // Fields after a field or a variable extend it; literals can't have fields.
            switch (node->type) {
                case NodeType::field:
                case NodeType::variable: {
                    std::string text = node_string(*node);
                    for (const auto& field : chain->fields) {
                        text += "." + field;
                    }
                    if (node->type == NodeType::field) {
                        return std::make_unique<FieldNode>(chain->pos, text);
                    }
                    return std::make_unique<VariableNode>(chain->pos, text);
                }
                case NodeType::boolean:
                case NodeType::string:
                case NodeType::number:
                case NodeType::nil:
                case NodeType::dot:
                    errorf("unexpected . after term " + quote(node_string(*node)));
                default:
                    chain->node = std::move(node);
                    return chain;
            }
        }
        return node;
    }

    // A literal, a function, ., .Field, $x or a parenthesized pipeline; null if the next item is none.
    NodePtr term() {
        Item token = next_non_space();
        switch (token.type) {
            case ItemType::error:
                errorf(token.val);
            case ItemType::identifier:
                if (m_functions.count(token.val) == 0) {
                    errorf("function " + quote(token.val) + " not defined");
                }
                return std::make_unique<IdentifierNode>(token.pos, token.val);
            case ItemType::dot:
                return std::make_unique<DotNode>(token.pos);
            case ItemType::nil:
                return std::make_unique<NilNode>(token.pos);
            case ItemType::variable:
                return use_var(token.pos, token.val);
            case ItemType::field:
                return std::make_unique<FieldNode>(token.pos, token.val);
            case ItemType::boolean:
                return std::make_unique<BoolNode>(token.pos, token.val == "true");
            case ItemType::char_constant:
            case ItemType::complex:
            case ItemType::number:
                return new_number(token);
            case ItemType::left_paren: {
                std::unique_ptr<PipeNode> pipe = pipeline("parenthesized pipeline");
                const Item close = next();
                if (close.type != ItemType::right_paren) {
                    errorf("unclosed right paren: unexpected " + item_string(close));
                }
                return pipe;
            }
            case ItemType::string:
            case ItemType::raw_string: {
                std::string text;
                if (!go_unquote(token.val, text)) {
                    errorf("invalid syntax");
                }
                return std::make_unique<StringNode>(token.pos, token.val, std::move(text));
            }
            default:
                backup();
                return nullptr;
        }
    }

    NodePtr use_var(std::size_t pos, const std::string& name) {
        auto variable = std::make_unique<VariableNode>(pos, name);
        for (const auto& defined : m_vars) {
            if (defined == variable->ident[0]) {
                return variable;
            }
        }
        errorf("undefined variable " + quote(variable->ident[0]));
    }

    static void simplify_complex(NumberNode& n, double real, double imag) {
        n.is_complex = true;
        n.is_float = imag == 0;
        if (n.is_float) {
            n.float64 = real;
            n.is_int =
                real >= -9223372036854775808.0 && real < 9223372036854775808.0 && std::trunc(real) == real;
            if (n.is_int) {
                n.int64 = static_cast<long long>(real);
            }
            n.is_uint = real >= 0 && real < 18446744073709551616.0 && std::trunc(real) == real;
            if (n.is_uint) {
                n.uint64 = static_cast<unsigned long long>(real);
            }
        }
    }

    std::unique_ptr<NumberNode> new_number(const Item& token) {
        const std::string& text = token.val;
        auto n = std::make_unique<NumberNode>(token.pos, text);
        if (token.type == ItemType::char_constant) {
            std::string_view rest = std::string_view(text).substr(1);
            char32_t rune = 0;
            bool multibyte = false;
            if (!unquote_char(rest, text[0], rune, multibyte)) {
                errorf("invalid syntax");
            }
            if (rest != "'") {
                errorf("malformed character constant: " + text);
            }
            n->int64 = rune;
            n->is_int = true;
            n->uint64 = rune;
            n->is_uint = true;
            n->float64 = rune;  // odd but those are the rules
            n->is_float = true;
            return n;
        }
        if (token.type == ItemType::complex) {
            // real part, then a signed imaginary part ending in 'i'
            std::size_t split = text.size() - 1;
            while (split > 0 && !((text[split] == '+' || text[split] == '-') && text[split - 1] != 'e' &&
                                  text[split - 1] != 'E')) {
                --split;
            }
            double real = 0;
            double imag = 0;
            if (split == 0 || !parse_float(std::string_view(text).substr(0, split), real) ||
                !parse_float(std::string_view(text).substr(split, text.size() - split - 1), imag)) {
                errorf("expected integer");
            }
            simplify_complex(*n, real, imag);
            return n;
        }
        // Imaginary constants can only be complex unless they are zero.
        if (!text.empty() && text.back() == 'i') {
            double imag = 0;
            if (parse_float(std::string_view(text).substr(0, text.size() - 1), imag)) {
                simplify_complex(*n, 0, imag);
                return n;
            }
        }
        // Integers first so that we get 0x123 etc.
        unsigned long long u = 0;
        if (parse_uint(text, u)) {
            n->is_uint = true;
            n->uint64 = u;
        }
        long long i = 0;
        if (parse_int(text, i)) {
            n->is_int = true;
            n->int64 = i;
            if (i == 0) {
                n->is_uint = true;  // in case of -0
                n->uint64 = u;
            }
        }
        if (n->is_int) {
            n->is_float = true;
            n->float64 = static_cast<double>(n->int64);
        } else if (n->is_uint) {
            n->is_float = true;
            n->float64 = static_cast<double>(n->uint64);
        } else {
            double f = 0;
            if (parse_float(text, f)) {
                // Parsed as a float but looks like an integer: too large for an int.
                if (text.find_first_of(".eE") == std::string::npos) {
                    errorf("integer overflow: " + quote(text));
                }
                n->is_float = true;
                n->float64 = f;
                if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 && std::trunc(f) == f) {
                    n->is_int = true;
                    n->int64 = static_cast<long long>(f);
                }
                if (f >= 0 && f < 18446744073709551616.0 && std::trunc(f) == f) {
                    n->is_uint = true;
                    n->uint64 = static_cast<unsigned long long>(f);
                }
            }
        }
        if (!n->is_int && !n->is_uint && !n->is_float) {
            errorf("illegal number syntax: " + quote(text));
        }
        return n;
    }
};

}  // namespace

bool go_unquote(std::string_view quoted, std::string& out) {
    const std::size_t n = quoted.size();
    if (n < 2) {
        return false;
    }
    const char quote_char = quoted[0];
    if (quote_char != quoted[n - 1]) {
        return false;
    }
    std::string_view s = quoted.substr(1, n - 2);
    if (quote_char == '`') {
        if (s.find('`') != std::string_view::npos) {
            return false;
        }
        out.clear();
        for (char c : s) {
            if (c != '\r') {  // raw strings drop carriage returns
                out.push_back(c);
            }
        }
        return true;
    }
    if (quote_char != '"' && quote_char != '\'') {
        return false;
    }
    if (s.find('\n') != std::string_view::npos) {
        return false;
    }
    // Trivial case, as Go 1.12 has it: no escapes and no quotes, returned as is.
    if (s.find('\\') == std::string_view::npos && s.find(quote_char) == std::string_view::npos) {
        if (quote_char == '"') {
            out = std::string(s);
            return true;
        }
        const DecodedRune decoded = decode_rune(s, 0);
        if (decoded.size == s.size() && (decoded.rune != k_rune_error || decoded.size != 1)) {
            out = std::string(s);
            return true;
        }
    }
    out.clear();
    while (!s.empty()) {
        char32_t value = 0;
        bool multibyte = false;
        if (!unquote_char(s, quote_char, value, multibyte)) {
            return false;
        }
        if (value < 0x80 || !multibyte) {
            out.push_back(static_cast<char>(value));
        } else {
            append_rune(out, value);
        }
        if (quote_char == '\'' && !s.empty()) {
            return false;  // a single-quoted literal is a single character
        }
    }
    return true;
}

ParsedTemplates parse_templates(const std::string& text, const std::set<std::string>& functions) {
    ParsedTemplates result;
    result.text = text;
    Parser parser(text, functions);
    parser.parse(result);
    return result;
}

}  // namespace machine::tmpl::detail
