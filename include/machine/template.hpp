#pragma once

// The subset of Go's text/template used by `ls --format` and `inspect --format` (reference/cli.md §3.5,
// §3.8), reproducing Go 1.12's parser, evaluation rules, fmt printing and error texts.
//
// Supported: text and {{ }} actions with trim markers ({{- and -}}), comments, fields (.A.B), chains
// ((pipe).A), variables ($, $x := ..., $x = ...), string/raw string/char/number/bool/nil literals, pipelines,
// parenthesized pipelines, if/else/else if, range (arrays, maps in sorted key order, with $i, $e :=), with,
// define/template/block, and the builtins and, or, not, len, index, print, printf, println, eq, ne, lt, le,
// gt, ge, html, js, urlquery, call; `json` and `prettyjson` on request.
// Not supported: complex number constants (parse but fail to execute), printf's %#v Go-syntax and %x on
// floats (Go 1.12 had no %x on floats either).

#include <concepts>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace machine::tmpl {

// A Go value as a template sees it.
class Value {
public:
    struct Field {
        std::string name;
        std::shared_ptr<const Value> value;
    };
    using Array = std::vector<Value>;
    using Map = std::map<std::string, Value>;  // Go map[string]interface{}: prints with sorted keys
    struct Struct {
        // e.g. "commands.HostListItem", used in "can't evaluate field" errors. A name starting with '*' marks
        // a pointer to a struct, which fmt prints as &{...} in print/printf (a plain {{.X}} prints {...}).
        std::string type_name;
        std::vector<Field> fields;
    };
    // A typed nil pointer (e.g. a nil *swarm.Options): an action prints "<nil>" for it where it prints
    // "<no value>" for a nil interface (monostate); field access on it fails with
    // "nil pointer evaluating <type_name>.<field>".
    struct NilPointer {
        std::string type_name;
    };
    // nil, bool, int64 (Go int), float64 (JSON numbers), string, array, map, struct (printed {a b c}),
    // typed nil pointer
    using Storage =
        std::variant<std::monostate, bool, long long, double, std::string, Array, Map, Struct, NilPointer>;

    Value() = default;
    Value(bool b) : m_storage(b) {}
    Value(long long i) : m_storage(i) {}
    Value(int i) : m_storage(static_cast<long long>(i)) {}
    // Other integer types (size_t, unsigned, long ...) are Go ints too; bool and char keep their own meaning.
    template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, int> &&
             !std::same_as<T, long long>) Value(T i)
        : m_storage(static_cast<long long>(i)) {}
    Value(double d) : m_storage(d) {}
    Value(std::string s) : m_storage(std::move(s)) {}
    Value(const char* s) : m_storage(std::string(s)) {}
    Value(Array a) : m_storage(std::move(a)) {}
    Value(Map m) : m_storage(std::move(m)) {}
    Value(Struct s) : m_storage(std::move(s)) {}
    Value(NilPointer p) : m_storage(std::move(p)) {}

    // Builds a Struct from (field name, value) pairs, in declaration order.
    [[nodiscard]] static Value make_struct(std::string type_name,
                                           std::vector<std::pair<std::string, Value>> fields);

    [[nodiscard]] const Storage& storage() const { return m_storage; }
    // True for the nil interface (monostate); a NilPointer is not "nil" in this sense.
    [[nodiscard]] bool is_nil() const { return std::holds_alternative<std::monostate>(m_storage); }

private:
    Storage m_storage;
};

// Parse errors: what() is Go's text, e.g. "template: :1: unclosed action".
class ParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
// Execution errors: what() is Go's text, e.g.
// `template: :1:21: executing "" at <.Bogus>: can't evaluate field Bogus in type commands.HostListItem`.
class ExecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Template {
public:
    // Parses `text` as template "" (hence "template: :LINE: ..." in errors); the built-in functions are
    // always available, `json` and `prettyjson` only when with_json_functions (inspect has them, ls has not).
    // Throws ParseError.
    static Template parse(const std::string& text, bool with_json_functions);

    // Executes against `data`, returning the output. Throws ExecError; `partial_output` (if given) receives
    // what was produced before the error. A parsed Template may be executed many times, also concurrently.
    [[nodiscard]] std::string execute(const Value& data, std::string* partial_output = nullptr) const;

    ~Template();
    Template(Template&&) noexcept;
    Template& operator=(Template&&) noexcept;

private:
    struct Impl;
    explicit Template(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Go's fmt %v rendering of a value, as an action prints it: strings raw, floats in shortest form with an
// exponent below 1e-4 and from 1e6 on (2376, 999999, 1e+06, 1.2345678e+07, 1e-05), arrays [a b], maps
// map[k:v] with sorted keys, structs {a b}, nil (also inside containers) "<nil>". (An action whose value is
// missing or nil prints "<no value>" instead; that is the template's doing, not fmt's.)
[[nodiscard]] std::string format_value(const Value& value);

}  // namespace machine::tmpl
