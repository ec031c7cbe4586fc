#pragma once

// The subset of Go's text/template used by `ls --format` and `inspect --format` (reference/cli.md §3.5, §3.8).

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
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
        std::string type_name;  // e.g. "commands.HostListItem", used in "can't evaluate field" errors
        std::vector<Field> fields;
    };
    // nil, bool, int64 (Go int), float64 (JSON numbers), string, array, map, struct (printed {a b c})
    using Storage = std::variant<std::monostate, bool, long long, double, std::string, Array, Map, Struct>;

    Value() = default;
    Value(bool b) : m_storage(b) {}
    Value(long long i) : m_storage(i) {}
    Value(int i) : m_storage(static_cast<long long>(i)) {}
    Value(double d) : m_storage(d) {}
    Value(std::string s) : m_storage(std::move(s)) {}
    Value(const char* s) : m_storage(std::string(s)) {}
    Value(Array a) : m_storage(std::move(a)) {}
    Value(Map m) : m_storage(std::move(m)) {}
    Value(Struct s) : m_storage(std::move(s)) {}

    [[nodiscard]] const Storage& storage() const { return m_storage; }

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
    // Parses `text`; the built-in functions are always available, `json` and `prettyjson` only when
    // with_json_functions (inspect has them, ls has not). Throws ParseError.
    static Template parse(const std::string& text, bool with_json_functions);

    // Executes against `data`, returning the output. Throws ExecError; `partial_output` (if given) receives
    // what was produced before the error.
    [[nodiscard]] std::string execute(const Value& data, std::string* partial_output = nullptr) const;

    ~Template();
    Template(Template&&) noexcept;
    Template& operator=(Template&&) noexcept;

private:
    struct Impl;
    explicit Template(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Go's fmt %v rendering of a value (used for printing actions): floats shortest form with exponent outside
// [1e-4, 1e21) as Go's %v does for float64 ... see reference; nil prints "<nil>" inside containers.
[[nodiscard]] std::string format_value(const Value& value);

}  // namespace machine::tmpl
