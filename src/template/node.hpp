#pragma once

// Parse tree of text/template/parse: the node kinds, their byte positions (for error locations) and their
// String() forms (for the "<...>" context of execution errors).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace machine::tmpl::detail {

enum class NodeType {
    text,
    action,
    boolean,
    chain,
    command,
    dot,
    else_node,  // not added to the tree
    end_node,   // not added to the tree
    field,
    identifier,
    if_node,
    list,
    nil,
    number,
    pipe,
    range,
    string,
    template_node,
    variable,
    with,
};

struct Node {
    NodeType type;
    std::size_t pos;  // byte position of the start of the node in the template text

    Node(NodeType node_type, std::size_t position) : type(node_type), pos(position) {}
    virtual ~Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
};

using NodePtr = std::unique_ptr<Node>;

struct ListNode : Node {
    std::vector<NodePtr> nodes;
    explicit ListNode(std::size_t position) : Node(NodeType::list, position) {}
};

struct TextNode : Node {
    std::string text;
    TextNode(std::size_t position, std::string t) : Node(NodeType::text, position), text(std::move(t)) {}
};

struct VariableNode : Node {
    std::vector<std::string> ident;  // variable name (with '$') and fields
    VariableNode(std::size_t position, const std::string& text);
};

struct CommandNode : Node {
    std::vector<NodePtr> args;  // identifier, field, constant, pipe ... in lexical order
    explicit CommandNode(std::size_t position) : Node(NodeType::command, position) {}
};

struct PipeNode : Node {
    int line;
    bool is_assign = false;  // `$x = ...` rather than `$x := ...`
    std::vector<std::unique_ptr<VariableNode>> decl;
    std::vector<std::unique_ptr<CommandNode>> cmds;
    PipeNode(std::size_t position, int line_number) : Node(NodeType::pipe, position), line(line_number) {}
};

struct ActionNode : Node {
    int line;
    std::unique_ptr<PipeNode> pipe;
    ActionNode(std::size_t position, int line_number, std::unique_ptr<PipeNode> p)
        : Node(NodeType::action, position), line(line_number), pipe(std::move(p)) {}
};

struct IdentifierNode : Node {
    std::string ident;  // always a function name
    IdentifierNode(std::size_t position, std::string name)
        : Node(NodeType::identifier, position), ident(std::move(name)) {}
};

struct DotNode : Node {
    explicit DotNode(std::size_t position) : Node(NodeType::dot, position) {}
};

struct NilNode : Node {
    explicit NilNode(std::size_t position) : Node(NodeType::nil, position) {}
};

struct FieldNode : Node {
    std::vector<std::string> ident;  // without the periods
    FieldNode(std::size_t position, const std::string& text);
};

struct ChainNode : Node {
    NodePtr node;
    std::vector<std::string> fields;  // without the periods
    ChainNode(std::size_t position, NodePtr n) : Node(NodeType::chain, position), node(std::move(n)) {}
};

struct BoolNode : Node {
    bool value;
    BoolNode(std::size_t position, bool v) : Node(NodeType::boolean, position), value(v) {}
};

// A number constant, stored under every type that can represent it (Go's ideal constants).
struct NumberNode : Node {
    bool is_int = false;
    bool is_uint = false;
    bool is_float = false;
    bool is_complex = false;
    long long int64 = 0;
    unsigned long long uint64 = 0;
    double float64 = 0;
    std::string text;
    NumberNode(std::size_t position, std::string t) : Node(NodeType::number, position), text(std::move(t)) {}
};

struct StringNode : Node {
    std::string quoted;  // original text, with quotes
    std::string text;    // after unquoting
    StringNode(std::size_t position, std::string q, std::string t)
        : Node(NodeType::string, position), quoted(std::move(q)), text(std::move(t)) {}
};

struct EndNode : Node {
    explicit EndNode(std::size_t position) : Node(NodeType::end_node, position) {}
};

struct ElseNode : Node {
    int line;
    ElseNode(std::size_t position, int line_number)
        : Node(NodeType::else_node, position), line(line_number) {}
};

// if, range and with.
struct BranchNode : Node {
    int line;
    std::unique_ptr<PipeNode> pipe;
    std::unique_ptr<ListNode> list;
    std::unique_ptr<ListNode> else_list;  // null if absent
    BranchNode(NodeType node_type, std::size_t position, int line_number, std::unique_ptr<PipeNode> p,
               std::unique_ptr<ListNode> l, std::unique_ptr<ListNode> e)
        : Node(node_type, position),
          line(line_number),
          pipe(std::move(p)),
          list(std::move(l)),
          else_list(std::move(e)) {}
};

struct TemplateNode : Node {
    int line;
    std::string name;
    std::unique_ptr<PipeNode> pipe;  // may be null
    TemplateNode(std::size_t position, int line_number, std::string n, std::unique_ptr<PipeNode> p)
        : Node(NodeType::template_node, position),
          line(line_number),
          name(std::move(n)),
          pipe(std::move(p)) {}
};

// Node.String() as Go writes it.
[[nodiscard]] std::string node_string(const Node& node);

}  // namespace machine::tmpl::detail
