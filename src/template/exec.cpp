#include "exec.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "builtins.hpp"
#include "go_fmt.hpp"
#include "go_strconv.hpp"

namespace machine::tmpl::detail {
namespace {

// Go allows 100000 nested {{template}} calls; a C++ stack (1-3 KB a level) holds fewer.
constexpr int k_max_exec_depth = 300;

// The parameter types a builtin can have; `none` is the untyped context of a chain's receiver.
enum class ParamType { none, any, string };

const char* type_string(ParamType type) {
    return type == ParamType::string ? "string" : "interface {}";
}

// The value's Go type as the executor sees it: interface{} when it came out of a map or array.
std::string static_type_name(const Ref& ref) {
    return ref.iface ? std::string("interface {}") : go_type_name(*ref.value);
}

bool is_hex_constant(const std::string& text) {
    return text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

class State {
public:
    State(const ParsedTemplates& templates, bool with_json_functions, std::string& out)
        : m_templates(templates), m_with_json_functions(with_json_functions), m_out(out) {}

    void run(const Value& data) {
        // reflect.ValueOf(nil) is the invalid value.
        const Ref root =
            data.is_nil() ? Ref::invalid()
                          : Ref{std::shared_ptr<const Value>(std::shared_ptr<const Value>(), &data), false};
        m_vars.emplace_back("$", root);
        const auto it = m_templates.trees.find("");
        walk(root, *it->second);
    }

private:
    const ParsedTemplates& m_templates;
    bool m_with_json_functions;
    std::string& m_out;
    std::string m_name;                               // the executing template's name
    const Node* m_node = nullptr;                     // current node, for errors
    std::vector<std::pair<std::string, Ref>> m_vars;  // push-down stack of variable values
    int m_depth = 0;

    void at(const Node& node) { m_node = &node; }

    [[noreturn]] void errorf(const std::string& message) const {
        if (m_node == nullptr) {
            throw ExecError("template: " + m_name + ": " + message);
        }
        // ErrorContext: line and byte column of the node, and its text cut to 20 bytes.
        const std::string_view text = std::string_view(m_templates.text).substr(0, m_node->pos);
        const auto newline = text.rfind('\n');
        const std::size_t column =
            newline == std::string_view::npos ? m_node->pos : m_node->pos - newline - 1;
        const auto line = 1 + std::count(text.begin(), text.end(), '\n');
        std::string context = node_string(*m_node);
        if (context.size() > 20) {
            context = std::string(truncate_runes(context, 20)) + "...";
        }
        throw ExecError("template: :" + std::to_string(line) + ":" + std::to_string(column) + ": executing " +
                        quote(m_name) + " at <" + context + ">: " + message);
    }

    std::size_t mark() const { return m_vars.size(); }
    void pop(std::size_t mark) { m_vars.resize(mark); }

    void set_var(const std::string& name, const Ref& value) {
        for (auto it = m_vars.rbegin(); it != m_vars.rend(); ++it) {
            if (it->first == name) {
                it->second = value;
                return;
            }
        }
        errorf("undefined variable: " + name);
    }

    Ref var_value(const std::string& name) const {
        for (auto it = m_vars.rbegin(); it != m_vars.rend(); ++it) {
            if (it->first == name) {
                return it->second;
            }
        }
        errorf("undefined variable: " + name);
    }

    void walk(const Ref& dot, const Node& node) {
        at(node);
        switch (node.type) {
            case NodeType::action: {
                const auto& action = static_cast<const ActionNode&>(node);
                // Variables declared by an action persist until the enclosing end, and are not printed.
                const Ref value = eval_pipeline(dot, action.pipe.get());
                if (action.pipe->decl.empty()) {
                    print_value(node, value);
                }
                return;
            }
            case NodeType::if_node:
            case NodeType::with: {
                const auto& branch = static_cast<const BranchNode&>(node);
                walk_if_or_with(node.type, dot, *branch.pipe, *branch.list, branch.else_list.get());
                return;
            }
            case NodeType::list:
                for (const auto& child : static_cast<const ListNode&>(node).nodes) {
                    walk(dot, *child);
                }
                return;
            case NodeType::range:
                walk_range(dot, static_cast<const BranchNode&>(node));
                return;
            case NodeType::template_node:
                walk_template(dot, static_cast<const TemplateNode&>(node));
                return;
            case NodeType::text:
                m_out += static_cast<const TextNode&>(node).text;
                return;
            default:
                errorf("unknown node: " + node_string(node));
        }
    }

    void walk_if_or_with(NodeType type, const Ref& dot, const PipeNode& pipe, const ListNode& list,
                         const ListNode* else_list) {
        const std::size_t saved = mark();
        const Ref value = eval_pipeline(dot, &pipe);
        if (is_true(value)) {
            walk(type == NodeType::with ? value : dot, list);
        } else if (else_list != nullptr) {
            walk(dot, *else_list);
        }
        pop(saved);
    }

    void walk_range(const Ref& dot, const BranchNode& range) {
        at(range);
        const std::size_t saved = mark();
        const Ref value = eval_pipeline(dot, range.pipe.get());
        // Mark the top of the stack before any variables in the body are pushed.
        const std::size_t body_mark = mark();
        const std::size_t decl_count = range.pipe->decl.size();
        const auto one_iteration = [&](const Ref& index, const Ref& element) {
            // The last declared variable gets the element, the one before it the index or key.
            if (decl_count > 0) {
                m_vars[m_vars.size() - 1].second = element;
            }
            if (decl_count > 1) {
                m_vars[m_vars.size() - 2].second = index;
            }
            walk(element, *range.list);
            pop(body_mark);
        };
        bool iterated = false;
        if (value.valid()) {
            if (const auto* array = std::get_if<Value::Array>(&value.value->storage())) {
                for (std::size_t i = 0; i < array->size(); ++i) {
                    one_iteration(Ref::of(Value(static_cast<long long>(i))),
                                  Ref::element(value, (*array)[i], true));
                }
                iterated = !array->empty();
            } else if (const auto* map = std::get_if<Value::Map>(&value.value->storage())) {
                // Maps are visited in sorted key order.
                for (const auto& [key, element] : *map) {
                    one_iteration(Ref::of(Value(key)), Ref::element(value, element, true));
                }
                iterated = !map->empty();
            } else if (!value.is_nil_interface()) {
                std::string text;
                append_value(text, *value.value);
                errorf("range can't iterate over " + text);
            }
        }
        if (!iterated && range.else_list) {
            walk(dot, *range.else_list);
        }
        pop(saved);
    }

    void walk_template(const Ref& dot, const TemplateNode& call) {
        at(call);
        const auto it = m_templates.trees.find(call.name);
        if (it == m_templates.trees.end()) {
            errorf("template " + quote(call.name) + " not defined");
        }
        if (m_depth == k_max_exec_depth) {
            errorf("exceeded maximum template depth (" + std::to_string(k_max_exec_depth) + ")");
        }
        // Variables declared by the pipeline persist; the called template sees none of them.
        const Ref new_dot = eval_pipeline(dot, call.pipe.get());
        std::vector<std::pair<std::string, Ref>> saved_vars = std::move(m_vars);
        std::string saved_name = std::move(m_name);
        m_vars.clear();
        m_vars.emplace_back("$", new_dot);
        m_name = call.name;
        ++m_depth;
        walk(new_dot, *it->second);
        --m_depth;
        m_name = std::move(saved_name);
        m_vars = std::move(saved_vars);
    }

    // The value of a pipeline; declared variables are pushed (callers pop them).
    Ref eval_pipeline(const Ref& dot, const PipeNode* pipe) {
        if (pipe == nullptr) {
            return Ref::invalid();
        }
        at(*pipe);
        std::optional<Ref> value;  // nullopt: no previous command ("missingVal")
        for (const auto& cmd : pipe->cmds) {
            Ref result = eval_command(dot, *cmd, value);
            // An interface{} value is replaced by the value inside it (nil becomes invalid).
            if (result.iface) {
                result = result.value->is_nil() ? Ref::invalid() : Ref{std::move(result.value), false};
            }
            value = std::move(result);
        }
        for (const auto& variable : pipe->decl) {
            if (pipe->is_assign) {
                set_var(variable->ident[0], *value);
            } else {
                m_vars.emplace_back(variable->ident[0], *value);
            }
        }
        return *value;
    }

    void not_a_function(const std::vector<NodePtr>& args, const std::optional<Ref>& final) {
        if (args.size() > 1 || final) {
            errorf("can't give argument to non-function " + node_string(*args[0]));
        }
    }

    Ref eval_command(const Ref& dot, const CommandNode& cmd, const std::optional<Ref>& final) {
        const Node& first = *cmd.args[0];
        switch (first.type) {
            case NodeType::field:
                return eval_field_node(dot, static_cast<const FieldNode&>(first), &cmd.args, final);
            case NodeType::chain:
                return eval_chain_node(dot, static_cast<const ChainNode&>(first), &cmd.args, final);
            case NodeType::identifier:
                // Must be a function.
                return eval_function(dot, static_cast<const IdentifierNode&>(first), cmd, &cmd.args, final);
            case NodeType::pipe:
                // Parenthesized pipeline: the arguments are all inside it.
                not_a_function(cmd.args, final);
                return eval_pipeline(dot, static_cast<const PipeNode*>(&first));
            case NodeType::variable:
                return eval_variable_node(dot, static_cast<const VariableNode&>(first), &cmd.args, final);
            default:
                break;
        }
        at(first);
        not_a_function(cmd.args, final);
        switch (first.type) {
            case NodeType::boolean:
                return Ref::of(Value(static_cast<const BoolNode&>(first).value));
            case NodeType::dot:
                return dot;
            case NodeType::nil:
                errorf("nil is not a command");
            case NodeType::number:
                return ideal_constant(static_cast<const NumberNode&>(first));
            case NodeType::string:
                return Ref::of(Value(static_cast<const StringNode&>(first).text));
            default:
                errorf("can't evaluate command " + quote(node_string(first)));
        }
    }

    // A number whose type the syntax decides: float if it has '.', 'e' or 'E' (and is not hex), else int.
    Ref ideal_constant(const NumberNode& constant) {
        at(constant);
        if (constant.is_complex) {
            errorf("complex constants are not supported");
        }
        if (constant.is_float && !is_hex_constant(constant.text) &&
            constant.text.find_first_of(".eE") != std::string::npos) {
            return Ref::of(Value(constant.float64));
        }
        if (constant.is_int) {
            return Ref::of(Value(constant.int64));
        }
        if (constant.is_uint) {
            errorf(constant.text + " overflows int");
        }
        return Ref::invalid();
    }

    Ref eval_field_node(const Ref& dot, const FieldNode& field, const std::vector<NodePtr>* args,
                        const std::optional<Ref>& final) {
        at(field);
        return eval_field_chain(dot, dot, field, field.ident, 0, args, final);
    }

    Ref eval_chain_node(const Ref& dot, const ChainNode& chain, const std::vector<NodePtr>* args,
                        const std::optional<Ref>& final) {
        at(chain);
        if (chain.fields.empty()) {
            errorf("internal error: no fields in evalChainNode");
        }
        if (chain.node->type == NodeType::nil) {
            errorf("indirection through explicit nil in " + node_string(chain));
        }
        // (pipe).Field1.Field2: evaluate the pipeline, then the fields.
        const Ref receiver = eval_arg(dot, ParamType::none, *chain.node);
        return eval_field_chain(dot, receiver, chain, chain.fields, 0, args, final);
    }

    Ref eval_variable_node(const Ref& dot, const VariableNode& variable, const std::vector<NodePtr>* args,
                           const std::optional<Ref>& final) {
        // $x.Field has $x as the first ident, Field as the second.
        at(variable);
        const Ref value = var_value(variable.ident[0]);
        if (variable.ident.size() == 1) {
            if (args != nullptr) {
                not_a_function(*args, final);
            } else if (final) {
                errorf("can't give argument to non-function " + node_string(variable));
            }
            return value;
        }
        return eval_field_chain(dot, value, variable, variable.ident, 1, args, final);
    }

    // .X.Y.Z: idents[first..] walked from receiver; only the last one gets the arguments.
    Ref eval_field_chain(const Ref& dot, Ref receiver, const Node& node,
                         const std::vector<std::string>& idents, std::size_t first,
                         const std::vector<NodePtr>* args, const std::optional<Ref>& final) {
        const std::size_t n = idents.size();
        for (std::size_t i = first; i + 1 < n; ++i) {
            receiver = eval_field(dot, idents[i], node, nullptr, std::nullopt, receiver);
        }
        return eval_field(dot, idents[n - 1], node, args, final, receiver);
    }

    Ref eval_field(const Ref& /*dot*/, const std::string& name, const Node& /*node*/,
                   const std::vector<NodePtr>* args, const std::optional<Ref>& final, const Ref& receiver) {
        if (!receiver.valid()) {
            return Ref::invalid();  // a missing value has no fields: <no value>
        }
        const std::string type = static_type_name(receiver);
        const Value& value = *receiver.value;
        if (receiver.iface && value.is_nil()) {
            errorf("nil pointer evaluating " + type + "." + name);
        }
        const bool has_args = (args != nullptr && args->size() > 1) || final.has_value();
        if (const auto* s = std::get_if<Value::Struct>(&value.storage())) {
            for (const auto& field : s->fields) {
                if (field.name == name) {
                    if (has_args) {
                        errorf(name + " has arguments but cannot be invoked as function");
                    }
                    if (!field.value || field.value->is_nil()) {
                        return Ref::nil_interface();
                    }
                    return Ref{field.value, false};
                }
            }
        } else if (const auto* map = std::get_if<Value::Map>(&value.storage())) {
            if (has_args) {
                errorf(name + " is not a method but has arguments");
            }
            const auto it = map->find(name);
            if (it == map->end()) {
                return Ref::invalid();
            }
            return Ref::element(receiver, it->second, true);
        } else if (const auto* pointer = std::get_if<Value::NilPointer>(&value.storage())) {
            errorf("nil pointer evaluating " + pointer->type_name + "." + name);
        }
        errorf("can't evaluate field " + name + " in type " + type);
    }

    Ref eval_function(const Ref& dot, const IdentifierNode& ident, const Node& cmd,
                      const std::vector<NodePtr>* args, const std::optional<Ref>& final) {
        at(ident);
        const Builtin* function = find_builtin(ident.ident, m_with_json_functions);
        if (function == nullptr) {
            errorf(quote(ident.ident) + " is not a defined function");
        }
        return eval_call(dot, *function, cmd, ident.ident, args, final);
    }

    static ParamType param_type(const Builtin& function, std::size_t index) {
        return index == 0 && function.first_is_string ? ParamType::string : ParamType::any;
    }

    // args (if any) start with the function's own node.
    Ref eval_call(const Ref& dot, const Builtin& function, const Node& node, const std::string& name,
                  const std::vector<NodePtr>* args, const std::optional<Ref>& final) {
        const std::size_t arg_count = args != nullptr && !args->empty() ? args->size() - 1 : 0;
        const auto arg_node = [&](std::size_t i) -> const Node& { return *(*args)[i + 1]; };
        const std::size_t num_in = arg_count + (final ? 1 : 0);
        std::size_t num_fixed = arg_count;
        const auto num_params = static_cast<std::size_t>(function.num_in);
        if (function.variadic) {
            num_fixed = num_params - 1;
            if (num_in < num_fixed) {
                errorf("wrong number of args for " + name + ": want at least " +
                       std::to_string(num_params - 1) + " got " + std::to_string(arg_count));
            }
        } else if (num_in != num_params) {
            errorf("wrong number of args for " + name + ": want " + std::to_string(num_params) + " got " +
                   std::to_string(num_in));
        }
        std::vector<Ref> argv;
        argv.reserve(num_in);
        std::size_t i = 0;
        for (; i < num_fixed && i < arg_count; ++i) {
            argv.push_back(eval_arg(dot, param_type(function, i), arg_node(i)));
        }
        if (function.variadic) {
            for (; i < arg_count; ++i) {
                argv.push_back(eval_arg(dot, ParamType::any, arg_node(i)));
            }
        }
        if (final) {
            ParamType type = param_type(function, num_params - 1);
            if (function.variadic) {
                type = num_in - 1 < num_fixed ? param_type(function, num_in - 1) : ParamType::any;
            }
            argv.push_back(validate_type(*final, type));
        }
        try {
            return function.call(argv);
        } catch (const FuncError& error) {
            at(node);
            errorf("error calling " + name + ": " + error.what());
        }
    }

    // Checks that the value can be passed as a parameter of the type.
    Ref validate_type(const Ref& value, ParamType type) {
        if (type == ParamType::none) {
            return value;
        }
        if (!value.valid()) {
            if (type == ParamType::any) {
                return Ref::nil_interface();  // an untyped nil
            }
            errorf(std::string("invalid value; expected ") + type_string(type));
        }
        if (type == ParamType::any) {
            return value;
        }
        if (std::holds_alternative<std::string>(value.value->storage()) && !value.value->is_nil()) {
            return Ref{value.value, false};  // a string, or an interface{} holding one
        }
        const std::string got = value.is_nil_interface() ? "interface {}" : go_type_name(*value.value);
        errorf(std::string("wrong type for value; expected ") + type_string(type) + "; got " + got);
    }

    Ref eval_arg(const Ref& dot, ParamType type, const Node& n) {
        at(n);
        switch (n.type) {
            case NodeType::dot:
                return validate_type(dot, type);
            case NodeType::nil:
                if (type == ParamType::string) {
                    errorf("cannot assign nil to string");
                }
                return Ref::nil_interface();
            case NodeType::field:
                return validate_type(
                    eval_field_node(dot, static_cast<const FieldNode&>(n), nullptr, std::nullopt), type);
            case NodeType::variable:
                return validate_type(
                    eval_variable_node(dot, static_cast<const VariableNode&>(n), nullptr, std::nullopt),
                    type);
            case NodeType::pipe:
                return validate_type(eval_pipeline(dot, static_cast<const PipeNode*>(&n)), type);
            case NodeType::identifier: {
                const auto& ident = static_cast<const IdentifierNode&>(n);
                return validate_type(eval_function(dot, ident, ident, nullptr, std::nullopt), type);
            }
            case NodeType::chain:
                return validate_type(
                    eval_chain_node(dot, static_cast<const ChainNode&>(n), nullptr, std::nullopt), type);
            default:
                break;
        }
        switch (type) {
            case ParamType::string:
                if (n.type == NodeType::string) {
                    return Ref::of(Value(static_cast<const StringNode&>(n).text));
                }
                errorf("expected string; found " + node_string(n));
            case ParamType::any:
                switch (n.type) {
                    case NodeType::boolean:
                        return Ref::of(Value(static_cast<const BoolNode&>(n).value));
                    case NodeType::number:
                        return ideal_constant(static_cast<const NumberNode&>(n));
                    case NodeType::string:
                        return Ref::of(Value(static_cast<const StringNode&>(n).text));
                    default:
                        break;
                }
                errorf("can't handle assignment of " + node_string(n) + " to empty interface argument");
            case ParamType::none:
                break;
        }
        errorf("can't handle " + node_string(n) + " for arg of type <nil>");
    }

    void print_value(const Node& node, const Ref& value) {
        at(node);
        if (!value.valid() || value.is_nil_interface()) {
            m_out += "<no value>";
            return;
        }
        append_value(m_out, *value.value);
    }
};

}  // namespace

void execute_templates(const ParsedTemplates& templates, bool with_json_functions, const Value& data,
                       std::string& out) {
    State state(templates, with_json_functions, out);
    state.run(data);
}

}  // namespace machine::tmpl::detail
