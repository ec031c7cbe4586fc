#include "machine/template_json.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace machine::tmpl {
namespace {

Value to_value(const nlohmann::ordered_json& json) {
    switch (json.type()) {
        case nlohmann::ordered_json::value_t::object: {
            Value::Map map;
            for (const auto& [key, element] : json.items()) {
                map.insert_or_assign(key,
                                     to_value(element));  // a repeated key keeps the last value, as in Go
            }
            return Value(std::move(map));
        }
        case nlohmann::ordered_json::value_t::array: {
            Value::Array array;
            array.reserve(json.size());
            for (const auto& element : json) {
                array.push_back(to_value(element));
            }
            return Value(std::move(array));
        }
        case nlohmann::ordered_json::value_t::string:
            return Value(json.get<std::string>());
        case nlohmann::ordered_json::value_t::boolean:
            return Value(json.get<bool>());
        // Go decodes every JSON number into interface{} as float64.
        case nlohmann::ordered_json::value_t::number_integer:
            return Value(static_cast<double>(json.get<std::int64_t>()));
        case nlohmann::ordered_json::value_t::number_unsigned:
            return Value(static_cast<double>(json.get<std::uint64_t>()));
        case nlohmann::ordered_json::value_t::number_float:
            return Value(json.get<double>());
        default:
            return Value();
    }
}

}  // namespace

Value from_json_text(const std::string& json) {
    nlohmann::ordered_json parsed;
    try {
        parsed = nlohmann::ordered_json::parse(json);
    } catch (const nlohmann::ordered_json::exception& error) {
        throw std::invalid_argument(error.what());
    }
    return to_value(parsed);
}

}  // namespace machine::tmpl
