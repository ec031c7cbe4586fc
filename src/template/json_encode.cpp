#include "json_encode.hpp"

#include <cmath>
#include <stdexcept>
#include <type_traits>

#include "go_strconv.hpp"

namespace machine::tmpl::detail {
namespace {

constexpr std::string_view k_hex = "0123456789abcdef";

// encodeState.string with escapeHTML.
void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (std::size_t pos = 0; pos < text.size();) {
        const auto byte = static_cast<unsigned char>(text[pos]);
        if (byte < 0x80) {
            if (byte >= 0x20 && byte != '"' && byte != '\\' && byte != '<' && byte != '>' && byte != '&') {
                out.push_back(static_cast<char>(byte));
            } else {
                switch (byte) {
                    case '\\':
                    case '"':
                        out.push_back('\\');
                        out.push_back(static_cast<char>(byte));
                        break;
                    case '\n':
                        out += "\\n";
                        break;
                    case '\r':
                        out += "\\r";
                        break;
                    case '\t':
                        out += "\\t";
                        break;
                    default:
                        // Control characters and the HTML-sensitive <, >, &.
                        out += "\\u00";
                        out.push_back(k_hex[byte >> 4]);
                        out.push_back(k_hex[byte & 0xF]);
                }
            }
            ++pos;
            continue;
        }
        const DecodedRune decoded = decode_rune(text, pos);
        if (decoded.rune == k_rune_error && decoded.size == 1) {
            out += "\\ufffd";
        } else if (decoded.rune == 0x2028 || decoded.rune == 0x2029) {
            // Valid JSON but not valid JavaScript; Go escapes them.
            out += decoded.rune == 0x2028 ? "\\u2028" : "\\u2029";
        } else {
            out.append(text.substr(pos, decoded.size));
        }
        pos += decoded.size;
    }
    out.push_back('"');
}

// floatEncoder for float64.
void append_json_float(std::string& out, double value) {
    if (std::isnan(value) || std::isinf(value)) {
        throw std::domain_error("json: unsupported value: " + format_float(value, 'g', -1));
    }
    const double magnitude = std::fabs(value);
    char format = 'f';
    if (magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)) {
        format = 'e';
    }
    std::string text = format_float(value, format, -1);
    if (format == 'e') {
        // clean up e-09 to e-9
        const std::size_t n = text.size();
        if (n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
            text[n - 2] = text[n - 1];
            text.pop_back();
        }
    }
    out += text;
}

class Encoder {
public:
    explicit Encoder(bool indent) : m_indent(indent) {}

    void encode(const Value& value) {
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::monostate> || std::is_same_v<T, Value::NilPointer>) {
                    m_out += "null";
                } else if constexpr (std::is_same_v<T, bool>) {
                    m_out += v ? "true" : "false";
                } else if constexpr (std::is_same_v<T, long long>) {
                    m_out += std::to_string(v);
                } else if constexpr (std::is_same_v<T, double>) {
                    append_json_float(m_out, v);
                } else if constexpr (std::is_same_v<T, std::string>) {
                    append_json_string(m_out, v);
                } else if constexpr (std::is_same_v<T, Value::Array>) {
                    open('[');
                    for (std::size_t i = 0; i < v.size(); ++i) {
                        separator(i);
                        encode(v[i]);
                    }
                    close(']', v.empty());
                } else if constexpr (std::is_same_v<T, Value::Map>) {
                    open('{');
                    std::size_t i = 0;
                    for (const auto& [key, element] : v) {
                        separator(i++);
                        member(key, element);
                    }
                    close('}', v.empty());
                } else if constexpr (std::is_same_v<T, Value::Struct>) {
                    open('{');
                    for (std::size_t i = 0; i < v.fields.size(); ++i) {
                        separator(i);
                        member(v.fields[i].name, v.fields[i].value ? *v.fields[i].value : Value());
                    }
                    close('}', v.fields.empty());
                }
            },
            value.storage());
    }

    std::string take() { return std::move(m_out); }

private:
    bool m_indent;
    int m_depth = 0;
    std::string m_out;

    void newline() {
        m_out.push_back('\n');
        m_out.append(static_cast<std::size_t>(m_depth) * 4, ' ');
    }
    void open(char bracket) {
        m_out.push_back(bracket);
        ++m_depth;
    }
    void close(char bracket, bool empty) {
        --m_depth;
        // json.Indent keeps empty containers as [] and {}.
        if (m_indent && !empty) {
            newline();
        }
        m_out.push_back(bracket);
    }
    void separator(std::size_t index) {
        if (index > 0) {
            m_out.push_back(',');
        }
        if (m_indent) {
            newline();
        }
    }
    void member(const std::string& key, const Value& element) {
        append_json_string(m_out, key);
        m_out += m_indent ? ": " : ":";
        encode(element);
    }
};

}  // namespace

std::string json_marshal(const Value& value, bool indent) {
    Encoder encoder(indent);
    encoder.encode(value);
    return encoder.take();
}

}  // namespace machine::tmpl::detail
