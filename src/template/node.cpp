#include "node.hpp"

#include "go_strconv.hpp"

namespace machine::tmpl::detail {
namespace {

std::vector<std::string> split_dots(const std::string& text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = text.find('.', start);
        parts.push_back(text.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) {
            return parts;
        }
        start = dot + 1;
    }
}

void append_node(std::string& out, const Node& node);

void append_pipe(std::string& out, const PipeNode& pipe) {
    if (!pipe.decl.empty()) {
        for (std::size_t i = 0; i < pipe.decl.size(); ++i) {
            if (i > 0) {
                out += ", ";
            }
            append_node(out, *pipe.decl[i]);
        }
        out += " := ";  // Go 1.12 writes := for assignments too
    }
    for (std::size_t i = 0; i < pipe.cmds.size(); ++i) {
        if (i > 0) {
            out += " | ";
        }
        append_node(out, *pipe.cmds[i]);
    }
}

void append_node(std::string& out, const Node& node) {
    switch (node.type) {
        case NodeType::text:
            out += static_cast<const TextNode&>(node).text;
            return;
        case NodeType::action:
            out += "{{";
            append_pipe(out, *static_cast<const ActionNode&>(node).pipe);
            out += "}}";
            return;
        case NodeType::boolean:
            out += static_cast<const BoolNode&>(node).value ? "true" : "false";
            return;
        case NodeType::chain: {
            const auto& chain = static_cast<const ChainNode&>(node);
            if (chain.node->type == NodeType::pipe) {
                out.push_back('(');
                append_node(out, *chain.node);
                out.push_back(')');
            } else {
                append_node(out, *chain.node);
            }
            for (const auto& field : chain.fields) {
                out.push_back('.');
                out += field;
            }
            return;
        }
        case NodeType::command: {
            const auto& command = static_cast<const CommandNode&>(node);
            for (std::size_t i = 0; i < command.args.size(); ++i) {
                if (i > 0) {
                    out.push_back(' ');
                }
                if (command.args[i]->type == NodeType::pipe) {
                    out.push_back('(');
                    append_node(out, *command.args[i]);
                    out.push_back(')');
                } else {
                    append_node(out, *command.args[i]);
                }
            }
            return;
        }
        case NodeType::dot:
            out.push_back('.');
            return;
        case NodeType::else_node:
            out += "{{else}}";
            return;
        case NodeType::end_node:
            out += "{{end}}";
            return;
        case NodeType::field:
            for (const auto& ident : static_cast<const FieldNode&>(node).ident) {
                out.push_back('.');
                out += ident;
            }
            return;
        case NodeType::identifier:
            out += static_cast<const IdentifierNode&>(node).ident;
            return;
        case NodeType::if_node:
        case NodeType::range:
        case NodeType::with: {
            const auto& branch = static_cast<const BranchNode&>(node);
            out += node.type == NodeType::if_node ? "{{if "
                   : node.type == NodeType::range ? "{{range "
                                                  : "{{with ";
            append_pipe(out, *branch.pipe);
            out += "}}";
            append_node(out, *branch.list);
            if (branch.else_list) {
                out += "{{else}}";
                append_node(out, *branch.else_list);
            }
            out += "{{end}}";
            return;
        }
        case NodeType::list:
            for (const auto& child : static_cast<const ListNode&>(node).nodes) {
                append_node(out, *child);
            }
            return;
        case NodeType::nil:
            out += "nil";
            return;
        case NodeType::number:
            out += static_cast<const NumberNode&>(node).text;
            return;
        case NodeType::pipe:
            append_pipe(out, static_cast<const PipeNode&>(node));
            return;
        case NodeType::string:
            out += static_cast<const StringNode&>(node).quoted;
            return;
        case NodeType::template_node: {
            const auto& call = static_cast<const TemplateNode&>(node);
            out += "{{template " + quote(call.name);
            if (call.pipe) {
                out.push_back(' ');
                append_pipe(out, *call.pipe);
            }
            out += "}}";
            return;
        }
        case NodeType::variable: {
            const auto& ident = static_cast<const VariableNode&>(node).ident;
            for (std::size_t i = 0; i < ident.size(); ++i) {
                if (i > 0) {
                    out.push_back('.');
                }
                out += ident[i];
            }
            return;
        }
    }
}

}  // namespace

VariableNode::VariableNode(std::size_t position, const std::string& text)
    : Node(NodeType::variable, position), ident(split_dots(text)) {}

FieldNode::FieldNode(std::size_t position, const std::string& text)
    : Node(NodeType::field, position), ident(split_dots(text.substr(1))) {}  // drop the leading period

std::string node_string(const Node& node) {
    std::string out;
    append_node(out, node);
    return out;
}

}  // namespace machine::tmpl::detail
