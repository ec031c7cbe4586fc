#include <nlohmann/json.hpp>

#include <optional>

#include "machine/go_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace machine::go_json {
namespace {

void append_quoted(std::string& out, const std::string& text) {
    static const char* const k_hex = "0123456789abcdef";
    out.push_back('"');
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"':
                out += "\\\"";
                continue;
            case '\\':
                out += "\\\\";
                continue;
            case '\n':
                out += "\\n";
                continue;
            case '\r':
                out += "\\r";
                continue;
            case '\t':
                out += "\\t";
                continue;
            default:
                break;
        }
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out.push_back(k_hex[c >> 4]);
            out.push_back(k_hex[c & 0xf]);
            continue;
        }
        // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) break JavaScript, so Go escapes them.
        if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
             static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
            out += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
            i += 2;
            continue;
        }
        out.push_back(static_cast<char>(c));
    }
    out.push_back('"');
}

// Go's float64 encoding: shortest representation, 'f' format unless the exponent is < -6 or >= 21, and
// exponents written as e-07 -> e-7.
void append_float(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    double magnitude = std::fabs(value);
    char buffer[64];
    std::to_chars_result result{};
    if (magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)) {
        result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
        std::string text(buffer, result.ptr);
        // to_chars writes e-07 / e+21; Go writes e-07 -> e-7 (cleans a leading zero of 2-digit exponents).
        auto e = text.find('e');
        if (e != std::string::npos && e + 3 < text.size() && text[e + 2] == '0') {
            text.erase(e + 2, 1);
        }
        out += text;
        return;
    }
    result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    out.append(buffer, result.ptr);
}

void append_value(std::string& out, const nlohmann::ordered_json& value, int depth, bool indent) {
    auto newline = [&](int level) {
        if (indent) {
            out.push_back('\n');
            out.append(static_cast<std::size_t>(level) * 4, ' ');
        }
    };
    switch (value.type()) {
        case nlohmann::ordered_json::value_t::null:
            out += "null";
            break;
        case nlohmann::ordered_json::value_t::boolean:
            out += value.get<bool>() ? "true" : "false";
            break;
        case nlohmann::ordered_json::value_t::number_integer:
            out += std::to_string(value.get<long long>());
            break;
        case nlohmann::ordered_json::value_t::number_unsigned:
            out += std::to_string(value.get<unsigned long long>());
            break;
        case nlohmann::ordered_json::value_t::number_float:
            append_float(out, value.get<double>());
            break;
        case nlohmann::ordered_json::value_t::string:
            append_quoted(out, value.get_ref<const std::string&>());
            break;
        case nlohmann::ordered_json::value_t::array: {
            if (value.empty()) {
                out += "[]";
                break;
            }
            out.push_back('[');
            bool first = true;
            for (const auto& element : value) {
                if (!first) {
                    out.push_back(',');
                }
                first = false;
                newline(depth + 1);
                append_value(out, element, depth + 1, indent);
            }
            newline(depth);
            out.push_back(']');
            break;
        }
        case nlohmann::ordered_json::value_t::object: {
            if (value.empty()) {
                out += "{}";
                break;
            }
            out.push_back('{');
            bool first = true;
            for (const auto& [key, element] : value.items()) {
                if (!first) {
                    out.push_back(',');
                }
                first = false;
                newline(depth + 1);
                append_quoted(out, key);
                out += indent ? ": " : ":";
                append_value(out, element, depth + 1, indent);
            }
            newline(depth);
            out.push_back('}');
            break;
        }
        default:
            out += "null";
            break;
    }
}

}  // namespace

std::string marshal_indent(const nlohmann::ordered_json& value) {
    std::string out;
    append_value(out, value, 0, true);
    return out;
}

std::string marshal(const nlohmann::ordered_json& value) {
    std::string out;
    append_value(out, value, 0, false);
    return out;
}

std::string quote(const std::string& text) {
    std::string out;
    append_quoted(out, text);
    return out;
}

namespace {

// Records where parsing stopped and why: a syntax error, or a number beyond the range of a double (which Go's
// scanner accepts and nlohmann rejects).
class ErrorFinder final : public nlohmann::json_sax<nlohmann::ordered_json> {
public:
    bool null() override { return true; }
    bool boolean(bool /*value*/) override { return true; }
    bool number_integer(number_integer_t /*value*/) override { return true; }
    bool number_unsigned(number_unsigned_t /*value*/) override { return true; }
    bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return true; }
    bool string(string_t& /*value*/) override { return true; }
    bool binary(binary_t& /*value*/) override { return true; }
    bool start_object(std::size_t /*elements*/) override { return true; }
    bool key(string_t& /*value*/) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t /*elements*/) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string& /*token*/,
                     const nlohmann::detail::exception& error) override {
        number_out_of_range = dynamic_cast<const nlohmann::detail::out_of_range*>(&error) != nullptr;
        error_position = position;
        return false;
    }

    std::optional<std::size_t> error_position;
    bool number_out_of_range = false;
};

}  // namespace

std::string parse_error_text(const std::string& text) {
    // The first offending byte, the way Go's scanner reports it (approximately).
    ErrorFinder finder;
    (void)nlohmann::ordered_json::sax_parse(text, &finder);
    if (!finder.error_position || finder.number_out_of_range) {
        return "json: a number is out of range";
    }
    std::size_t position = *finder.error_position == 0 ? 0 : *finder.error_position - 1;
    if (position >= text.size()) {
        return "unexpected end of JSON input";
    }
    char c = text[position];
    std::string shown = c == '\'' ? "'\\''" : std::string("'") + c + "'";
    if (position == 0 || text.find_first_not_of(" \t\r\n") == position) {
        return "invalid character " + shown + " looking for beginning of value";
    }
    return "invalid character " + shown + " after top-level value";
}

}  // namespace machine::go_json
