#include "builtins.hpp"

#include <map>

#include "go_fmt.hpp"
#include "go_strconv.hpp"
#include "json_encode.hpp"

namespace machine::tmpl::detail {
namespace {

const Value& content(const Ref& ref) {
    static const Value k_nil;
    return ref.valid() ? *ref.value : k_nil;
}

FmtArgs fmt_args(const std::vector<Ref>& args, std::size_t first = 0) {
    FmtArgs result;
    for (std::size_t i = first; i < args.size(); ++i) {
        result.push_back(&content(args[i]));
    }
    return result;
}

// Boolean logic. Go 1.12 evaluates every argument before calling and/or (no short circuit).

Ref and_fn(const std::vector<Ref>& args) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (!is_true(args[i])) {
            return args[i];
        }
    }
    return args.back();
}

Ref or_fn(const std::vector<Ref>& args) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (is_true(args[i])) {
            return args[i];
        }
    }
    return args.back();
}

Ref not_fn(const std::vector<Ref>& args) {
    return Ref::of(Value(!is_true(args[0])));
}

Ref len_fn(const std::vector<Ref>& args) {
    const Value& item = content(args[0]);
    return std::visit(
        [&](const auto& v) -> Ref {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                throw FuncError("len of untyped nil");
            } else if constexpr (std::is_same_v<T, Value::NilPointer>) {
                throw FuncError("len of nil pointer");
            } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Value::Array> ||
                                 std::is_same_v<T, Value::Map>) {
                return Ref::of(Value(static_cast<long long>(v.size())));
            } else {
                throw FuncError("len of type " + go_type_name(item));
            }
        },
        item.storage());
}

// index x 1 2 is x[1][2]; each indexed item must be a map, an array or a string.
Ref index_fn(const std::vector<Ref>& args) {
    Ref item = args[0];
    if (content(item).is_nil()) {
        throw FuncError("index of untyped nil");
    }
    for (std::size_t i = 1; i < args.size(); ++i) {
        const Value& index = content(args[i]);
        const Value& current = content(item);
        if (current.is_nil() || std::holds_alternative<Value::NilPointer>(current.storage())) {
            throw FuncError("index of nil pointer");
        }
        const auto* array = std::get_if<Value::Array>(&current.storage());
        const auto* text = std::get_if<std::string>(&current.storage());
        if (array != nullptr || text != nullptr) {
            const auto* position = std::get_if<long long>(&index.storage());
            if (position == nullptr) {
                if (index.is_nil()) {
                    throw FuncError("cannot index slice/array with nil");
                }
                throw FuncError("cannot index slice/array with type " + go_type_name(index));
            }
            const auto size = static_cast<long long>(array != nullptr ? array->size() : text->size());
            if (*position < 0 || *position >= size) {
                throw FuncError("index out of range: " + std::to_string(*position));
            }
            if (array != nullptr) {
                item = Ref::element(item, (*array)[static_cast<std::size_t>(*position)], true);
            } else {
                // A string indexes to a byte (uint8).
                item = Ref::of(Value(static_cast<long long>(static_cast<unsigned char>((*text)[*position]))));
            }
        } else if (const auto* map = std::get_if<Value::Map>(&current.storage())) {
            std::string key;
            if (const auto* s = std::get_if<std::string>(&index.storage())) {
                key = *s;
            } else if (!index.is_nil()) {
                throw FuncError(go_type_name(index) + " is not index type for " + go_type_name(current));
            }
            const auto it = map->find(key);
            // A missing key gives the zero value of the element type: a nil interface{}.
            item = it == map->end() ? Ref::nil_interface() : Ref::element(item, it->second, true);
        } else {
            throw FuncError("can't index item of type " + go_type_name(current));
        }
    }
    return item;
}

Ref print_fn(const std::vector<Ref>& args) {
    return Ref::of(Value(sprint(fmt_args(args))));
}
Ref println_fn(const std::vector<Ref>& args) {
    return Ref::of(Value(sprintln(fmt_args(args))));
}
Ref printf_fn(const std::vector<Ref>& args) {
    const auto& format = std::get<std::string>(content(args[0]).storage());
    return Ref::of(Value(sprintf(format, fmt_args(args, 1))));
}

// The text of the arguments for html, js and urlquery: fmt.Sprint after text/template's printableValue
// (missing values print "<no value>", pointers are dereferenced).
std::string eval_args(const std::vector<Ref>& args) {
    if (args.size() == 1) {
        if (const auto* s = std::get_if<std::string>(&content(args[0]).storage())) {
            return *s;
        }
    }
    std::vector<Value> printable;
    printable.reserve(args.size());
    for (const Ref& arg : args) {
        const Value& v = content(arg);
        if (v.is_nil()) {
            printable.emplace_back("<no value>");
        } else if (const auto* s = std::get_if<Value::Struct>(&v.storage());
                   s != nullptr && !s->type_name.empty() && s->type_name[0] == '*') {
            Value::Struct copy = *s;
            copy.type_name.erase(0, 1);
            printable.emplace_back(std::move(copy));
        } else {
            printable.push_back(v);
        }
    }
    FmtArgs pointers;
    for (const Value& v : printable) {
        pointers.push_back(&v);
    }
    return sprint(pointers);
}

Ref html_fn(const std::vector<Ref>& args) {
    const std::string text = eval_args(args);
    std::string out;
    for (char c : text) {
        switch (c) {
            case '"':
                out += "&#34;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out.push_back(c);
        }
    }
    return Ref::of(Value(std::move(out)));
}

Ref js_fn(const std::vector<Ref>& args) {
    static constexpr std::string_view k_upper_hex = "0123456789ABCDEF";
    const std::string text = eval_args(args);
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            switch (c) {
                case '\\':
                    out += "\\\\";
                    break;
                case '\'':
                    out += "\\'";
                    break;
                case '"':
                    out += "\\\"";
                    break;
                case '<':
                    out += "\\x3C";
                    break;
                case '>':
                    out += "\\x3E";
                    break;
                default:
                    if (c < ' ') {
                        out += "\\u00";
                        out.push_back(k_upper_hex[c >> 4]);
                        out.push_back(k_upper_hex[c & 0xF]);
                    } else {
                        out.push_back(static_cast<char>(c));
                    }
            }
            ++i;
            continue;
        }
        const DecodedRune decoded = decode_rune(text, i);
        if (is_print(decoded.rune)) {
            out.append(text, i, decoded.size);
        } else {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) {
                out.push_back(k_upper_hex[(decoded.rune >> shift) & 0xF]);
            }
        }
        i += decoded.size;
    }
    return Ref::of(Value(std::move(out)));
}

// url.QueryEscape.
Ref urlquery_fn(const std::vector<Ref>& args) {
    static constexpr std::string_view k_upper_hex = "0123456789ABCDEF";
    const std::string text = eval_args(args);
    std::string out;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~') {
            out.push_back(ch);
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(k_upper_hex[c >> 4]);
            out.push_back(k_upper_hex[c & 0xF]);
        }
    }
    return Ref::of(Value(std::move(out)));
}

Ref call_fn(const std::vector<Ref>& args) {
    const Value& fn = content(args[0]);
    if (fn.is_nil()) {
        throw FuncError("call of nil");
    }
    throw FuncError("non-function of type " + go_type_name(fn));
}

// Comparisons, on the basic kinds only (Go 1.12: no nil, no mixing of int and float).

enum class Kind { invalid, boolean, integer, floating, string };

Kind basic_kind(const Value& v) {
    if (std::holds_alternative<bool>(v.storage())) {
        return Kind::boolean;
    }
    if (std::holds_alternative<long long>(v.storage())) {
        return Kind::integer;
    }
    if (std::holds_alternative<double>(v.storage())) {
        return Kind::floating;
    }
    if (std::holds_alternative<std::string>(v.storage())) {
        return Kind::string;
    }
    return Kind::invalid;
}

const char* const k_bad_comparison_type = "invalid type for comparison";
const char* const k_bad_comparison = "incompatible types for comparison";

bool equal(const Value& a, const Value& b) {
    const Kind k1 = basic_kind(a);
    if (k1 == Kind::invalid) {
        throw FuncError(k_bad_comparison_type);
    }
    const Kind k2 = basic_kind(b);
    if (k2 == Kind::invalid) {
        throw FuncError(k_bad_comparison_type);
    }
    if (k1 != k2) {
        throw FuncError(k_bad_comparison);
    }
    switch (k1) {
        case Kind::boolean:
            return std::get<bool>(a.storage()) == std::get<bool>(b.storage());
        case Kind::integer:
            return std::get<long long>(a.storage()) == std::get<long long>(b.storage());
        case Kind::floating:
            return std::get<double>(a.storage()) == std::get<double>(b.storage());
        case Kind::string:
            return std::get<std::string>(a.storage()) == std::get<std::string>(b.storage());
        case Kind::invalid:
            break;
    }
    return false;
}

bool less(const Value& a, const Value& b) {
    const Kind k1 = basic_kind(a);
    if (k1 == Kind::invalid) {
        throw FuncError(k_bad_comparison_type);
    }
    const Kind k2 = basic_kind(b);
    if (k2 == Kind::invalid) {
        throw FuncError(k_bad_comparison_type);
    }
    if (k1 != k2) {
        throw FuncError(k_bad_comparison);
    }
    switch (k1) {
        case Kind::boolean:
        case Kind::invalid:
            throw FuncError(k_bad_comparison_type);
        case Kind::integer:
            return std::get<long long>(a.storage()) < std::get<long long>(b.storage());
        case Kind::floating:
            return std::get<double>(a.storage()) < std::get<double>(b.storage());
        case Kind::string:
            return std::get<std::string>(a.storage()) < std::get<std::string>(b.storage());
    }
    return false;
}

// eq a b c is a == b || a == c.
Ref eq_fn(const std::vector<Ref>& args) {
    if (basic_kind(content(args[0])) == Kind::invalid) {
        throw FuncError(k_bad_comparison_type);
    }
    if (args.size() == 1) {
        throw FuncError("missing argument for comparison");
    }
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (equal(content(args[0]), content(args[i]))) {
            return Ref::of(Value(true));
        }
    }
    return Ref::of(Value(false));
}

Ref ne_fn(const std::vector<Ref>& args) {
    return Ref::of(Value(!equal(content(args[0]), content(args[1]))));
}
Ref lt_fn(const std::vector<Ref>& args) {
    return Ref::of(Value(less(content(args[0]), content(args[1]))));
}
Ref le_fn(const std::vector<Ref>& args) {
    const Value& a = content(args[0]);
    const Value& b = content(args[1]);
    return Ref::of(Value(less(a, b) || equal(a, b)));
}
Ref gt_fn(const std::vector<Ref>& args) {
    const Value& a = content(args[0]);
    const Value& b = content(args[1]);
    return Ref::of(Value(!(less(a, b) || equal(a, b))));
}
Ref ge_fn(const std::vector<Ref>& args) {
    return Ref::of(Value(!less(content(args[0]), content(args[1]))));
}

// docker-machine's inspect functions ignore json.Marshal's error (and so print nothing for NaN).
Ref json_fn(const std::vector<Ref>& args) {
    try {
        return Ref::of(Value(json_marshal(content(args[0]), false)));
    } catch (const std::domain_error&) {
        return Ref::of(Value(""));
    }
}

Ref prettyjson_fn(const std::vector<Ref>& args) {
    try {
        return Ref::of(Value(json_marshal(content(args[0]), true)));
    } catch (const std::domain_error&) {
        return Ref::of(Value(""));
    }
}

const std::map<std::string, Builtin, std::less<>>& builtins() {
    static const std::map<std::string, Builtin, std::less<>> k_builtins{
        {"and", {2, true, false, and_fn}},         {"call", {2, true, false, call_fn}},
        {"html", {1, true, false, html_fn}},       {"index", {2, true, false, index_fn}},
        {"js", {1, true, false, js_fn}},           {"len", {1, false, false, len_fn}},
        {"not", {1, false, false, not_fn}},        {"or", {2, true, false, or_fn}},
        {"print", {1, true, false, print_fn}},     {"printf", {2, true, true, printf_fn}},
        {"println", {1, true, false, println_fn}}, {"urlquery", {1, true, false, urlquery_fn}},
        {"eq", {2, true, false, eq_fn}},           {"ge", {2, false, false, ge_fn}},
        {"gt", {2, false, false, gt_fn}},          {"le", {2, false, false, le_fn}},
        {"lt", {2, false, false, lt_fn}},          {"ne", {2, false, false, ne_fn}},
    };
    return k_builtins;
}

const std::map<std::string, Builtin, std::less<>>& json_functions() {
    static const std::map<std::string, Builtin, std::less<>> k_functions{
        {"json", {1, false, false, json_fn}},
        {"prettyjson", {1, false, false, prettyjson_fn}},
    };
    return k_functions;
}

}  // namespace

const Builtin* find_builtin(std::string_view name, bool with_json_functions) {
    if (with_json_functions) {
        // Template functions shadow the builtins in Go, but the names don't overlap here.
        if (const auto it = json_functions().find(name); it != json_functions().end()) {
            return &it->second;
        }
    }
    const auto it = builtins().find(name);
    return it == builtins().end() ? nullptr : &it->second;
}

std::set<std::string> builtin_names(bool with_json_functions) {
    std::set<std::string> names;
    for (const auto& [name, builtin] : builtins()) {
        names.insert(name);
    }
    if (with_json_functions) {
        for (const auto& [name, builtin] : json_functions()) {
            names.insert(name);
        }
    }
    return names;
}

bool is_true(const Ref& ref) {
    if (!ref.valid()) {
        return false;
    }
    return std::visit(
        [](const auto& v) -> bool {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate> || std::is_same_v<T, Value::NilPointer>) {
                return false;
            } else if constexpr (std::is_same_v<T, bool>) {
                return v;
            } else if constexpr (std::is_same_v<T, long long> || std::is_same_v<T, double>) {
                return v != 0;
            } else if constexpr (std::is_same_v<T, Value::Struct>) {
                return true;
            } else {
                return !v.empty();
            }
        },
        ref.value->storage());
}

}  // namespace machine::tmpl::detail
