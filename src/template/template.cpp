#include "machine/template.hpp"

#include "builtins.hpp"
#include "exec.hpp"
#include "go_fmt.hpp"
#include "parser.hpp"

namespace machine::tmpl {

struct Template::Impl {
    detail::ParsedTemplates templates;
    bool with_json_functions = false;
};

Value Value::make_struct(std::string type_name, std::vector<std::pair<std::string, Value>> fields) {
    Struct s{std::move(type_name), {}};
    s.fields.reserve(fields.size());
    for (auto& [name, value] : fields) {
        s.fields.push_back(Field{std::move(name), std::make_shared<const Value>(std::move(value))});
    }
    return Value(std::move(s));
}

Template::Template(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;

Template Template::parse(const std::string& text, bool with_json_functions) {
    auto impl = std::make_unique<Impl>();
    impl->with_json_functions = with_json_functions;
    impl->templates = detail::parse_templates(text, detail::builtin_names(with_json_functions));
    return Template(std::move(impl));
}

std::string Template::execute(const Value& data, std::string* partial_output) const {
    std::string out;
    try {
        detail::execute_templates(m_impl->templates, m_impl->with_json_functions, data, out);
    } catch (const ExecError&) {
        if (partial_output != nullptr) {
            *partial_output = std::move(out);
        }
        throw;
    }
    return out;
}

std::string format_value(const Value& value) {
    std::string out;
    detail::append_value(out, value);
    return out;
}

}  // namespace machine::tmpl
