#include "go_fmt.hpp"

#include <cstdint>
#include <type_traits>

#include "go_strconv.hpp"

namespace machine::tmpl::detail {
namespace {

constexpr std::string_view k_lower_digits = "0123456789abcdefx";
constexpr std::string_view k_upper_digits = "0123456789ABCDEFX";
constexpr std::string_view k_nil_angle = "<nil>";

bool is_nil_arg(const Value* arg) {
    return arg == nullptr || arg->is_nil();
}

bool is_pointer_type(const std::string& type_name) {
    return !type_name.empty() && type_name[0] == '*';
}

// fmt's limit on widths and precisions.
bool too_large(long long x) {
    return x > 1000000 || x < -1000000;
}

struct Flags {
    bool wid_present = false;
    bool prec_present = false;
    bool minus = false;
    bool plus = false;
    bool sharp = false;
    bool space = false;
    bool zero = false;
    bool plus_v = false;
    bool sharp_v = false;
    int wid = 0;
    int prec = 0;
};

// Port of fmt's pp/fmt pair for the value kinds a template can hold.
class Printer {
public:
    std::string m_buf;

    void print_arg(const Value* arg, char32_t verb) {
        if (is_nil_arg(arg)) {
            if (verb == 'T' || verb == 'v') {
                pad_string(k_nil_angle);
            } else {
                bad_verb(verb, nullptr);
            }
            return;
        }
        if (verb == 'T') {
            fmt_s(go_type_name(*arg));
            return;
        }
        if (verb == 'p') {
            if (std::holds_alternative<Value::NilPointer>(arg->storage())) {
                pad_string("0x0");
            } else {
                bad_verb(verb, arg);
            }
            return;
        }
        print_value(*arg, verb, 0);
    }

    void print_value(const Value& value, char32_t verb, int depth) {
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::monostate>) {
                    pad_string(k_nil_angle);  // a nil interface inside a container
                } else if constexpr (std::is_same_v<T, Value::NilPointer>) {
                    fmt_nil_pointer(value, verb);
                } else if constexpr (std::is_same_v<T, bool>) {
                    if (verb == 't' || verb == 'v') {
                        pad_string(v ? "true" : "false");
                    } else {
                        bad_verb(verb, &value);
                    }
                } else if constexpr (std::is_same_v<T, long long>) {
                    fmt_integer(static_cast<std::uint64_t>(v), true, verb, value);
                } else if constexpr (std::is_same_v<T, double>) {
                    fmt_float(v, verb, value);
                } else if constexpr (std::is_same_v<T, std::string>) {
                    fmt_string(v, verb, value);
                } else if constexpr (std::is_same_v<T, Value::Array>) {
                    m_buf.push_back('[');
                    for (std::size_t i = 0; i < v.size(); ++i) {
                        if (i > 0) {
                            m_buf.push_back(' ');
                        }
                        print_value(v[i], verb, depth + 1);
                    }
                    m_buf.push_back(']');
                } else if constexpr (std::is_same_v<T, Value::Map>) {
                    m_buf += "map[";
                    bool first = true;
                    for (const auto& [key, element] : v) {
                        if (!first) {
                            m_buf.push_back(' ');
                        }
                        first = false;
                        fmt_string(key, verb, Value(key));
                        m_buf.push_back(':');
                        print_value(element, verb, depth + 1);
                    }
                    m_buf.push_back(']');
                } else if constexpr (std::is_same_v<T, Value::Struct>) {
                    // fmt prints a pointer to a struct as &{...} at top level only.
                    if (depth == 0 && is_pointer_type(v.type_name)) {
                        m_buf.push_back('&');
                    }
                    print_struct(v, verb, depth + 1);
                }
            },
            value.storage());
    }

    void print_struct(const Value::Struct& s, char32_t verb, int depth) {
        m_buf.push_back('{');
        for (std::size_t i = 0; i < s.fields.size(); ++i) {
            if (i > 0) {
                m_buf.push_back(' ');
            }
            if (m_flags.plus_v || m_flags.sharp_v) {
                m_buf += s.fields[i].name;
                m_buf.push_back(':');
            }
            if (s.fields[i].value) {
                print_value(*s.fields[i].value, verb, depth + 1);
            } else {
                pad_string(k_nil_angle);
            }
        }
        m_buf.push_back('}');
    }

    void do_print(const FmtArgs& args) {
        bool previous_string = false;
        for (std::size_t i = 0; i < args.size(); ++i) {
            const bool is_string =
                !is_nil_arg(args[i]) && std::holds_alternative<std::string>(args[i]->storage());
            // Sprint adds a space between operands when neither is a string.
            if (i > 0 && !is_string && !previous_string) {
                m_buf.push_back(' ');
            }
            print_arg(args[i], 'v');
            previous_string = is_string;
        }
    }

    void do_println(const FmtArgs& args) {
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (i > 0) {
                m_buf.push_back(' ');
            }
            print_arg(args[i], 'v');
        }
        m_buf.push_back('\n');
    }

    void do_printf(std::string_view format, const FmtArgs& args);

private:
    Flags m_flags;
    bool m_reordered = false;
    bool m_good_arg_num = true;

    void write_padding(int n) {
        if (n <= 0) {
            return;
        }
        m_buf.append(static_cast<std::size_t>(n), m_flags.zero ? '0' : ' ');
    }

    // fmt.pad: width counts runes.
    void pad(std::string_view text) {
        if (!m_flags.wid_present || m_flags.wid == 0) {
            m_buf += text;
            return;
        }
        const int width = m_flags.wid - static_cast<int>(rune_count(text));
        if (!m_flags.minus) {
            write_padding(width);
            m_buf += text;
        } else {
            m_buf += text;
            write_padding(width);
        }
    }
    void pad_string(std::string_view text) { pad(text); }

    std::string_view truncate(std::string_view text) const {
        if (m_flags.prec_present) {
            return truncate_runes(text, static_cast<std::size_t>(m_flags.prec));
        }
        return text;
    }

    void fmt_s(std::string_view text) { pad_string(truncate(text)); }

    void fmt_sx(std::string_view text, std::string_view digits) {
        std::size_t length = text.size();
        if (m_flags.prec_present && static_cast<std::size_t>(m_flags.prec) < length) {
            length = static_cast<std::size_t>(m_flags.prec);
        }
        int width = 2 * static_cast<int>(length);
        if (width > 0) {
            if (m_flags.space) {
                if (m_flags.sharp) {
                    width *= 2;
                }
                width += static_cast<int>(length) - 1;
            } else if (m_flags.sharp) {
                width += 2;
            }
        } else {
            if (m_flags.wid_present) {
                write_padding(m_flags.wid);
            }
            return;
        }
        if (m_flags.wid_present && m_flags.wid > width && !m_flags.minus) {
            write_padding(m_flags.wid - width);
        }
        if (m_flags.sharp) {
            m_buf.push_back('0');
            m_buf.push_back(digits[16]);
        }
        for (std::size_t i = 0; i < length; ++i) {
            if (m_flags.space && i > 0) {
                m_buf.push_back(' ');
                if (m_flags.sharp) {
                    m_buf.push_back('0');
                    m_buf.push_back(digits[16]);
                }
            }
            const auto c = static_cast<unsigned char>(text[i]);
            m_buf.push_back(digits[c >> 4]);
            m_buf.push_back(digits[c & 0xF]);
        }
        if (m_flags.wid_present && m_flags.wid > width && m_flags.minus) {
            write_padding(m_flags.wid - width);
        }
    }

    void fmt_q(std::string_view text) {
        text = truncate(text);
        if (m_flags.sharp && can_backquote(text)) {
            pad_string("`" + std::string(text) + "`");
            return;
        }
        pad(quote(text, m_flags.plus));
    }

    void fmt_string(const std::string& text, char32_t verb, const Value& value) {
        switch (verb) {
            case 'v':
                if (m_flags.sharp_v) {
                    fmt_q(text);
                } else {
                    fmt_s(text);
                }
                return;
            case 's':
                fmt_s(text);
                return;
            case 'x':
                fmt_sx(text, k_lower_digits);
                return;
            case 'X':
                fmt_sx(text, k_upper_digits);
                return;
            case 'q':
                fmt_q(text);
                return;
            default:
                bad_verb(verb, &value);
        }
    }

    // fmt.fmtInteger.
    void fmt_int(std::uint64_t u, int base, bool is_signed, std::string_view digits) {
        const bool negative = is_signed && static_cast<std::int64_t>(u) < 0;
        if (negative) {
            u = ~u + 1;
        }
        int prec = 0;
        if (m_flags.prec_present) {
            prec = m_flags.prec;
            // Precision of 0 and value of 0 means "print nothing" but padding.
            if (prec == 0 && u == 0) {
                const bool old_zero = m_flags.zero;
                m_flags.zero = false;
                write_padding(m_flags.wid);
                m_flags.zero = old_zero;
                return;
            }
        } else if (m_flags.zero && m_flags.wid_present) {
            prec = m_flags.wid;
            if (negative || m_flags.plus || m_flags.space) {
                prec--;  // leave room for the sign
            }
        }
        std::string reversed;
        const auto b = static_cast<std::uint64_t>(base);
        do {
            reversed.push_back(digits[u % b]);
            u /= b;
        } while (u != 0);
        while (static_cast<int>(reversed.size()) < prec) {
            reversed.push_back('0');
        }
        if (m_flags.sharp) {
            if (base == 8 && reversed.back() != '0') {
                reversed.push_back('0');
            } else if (base == 16) {
                reversed.push_back(digits[16]);
                reversed.push_back('0');
            }
        }
        if (negative) {
            reversed.push_back('-');
        } else if (m_flags.plus) {
            reversed.push_back('+');
        } else if (m_flags.space) {
            reversed.push_back(' ');
        }
        const std::string text(reversed.rbegin(), reversed.rend());
        // Zero padding was handled like a precision above.
        const bool old_zero = m_flags.zero;
        m_flags.zero = false;
        pad(text);
        m_flags.zero = old_zero;
    }

    void fmt_unicode(std::uint64_t u) {
        int prec = 4;
        if (m_flags.prec_present && m_flags.prec > 4) {
            prec = m_flags.prec;
        }
        std::string suffix;
        if (m_flags.sharp && u <= k_max_rune && is_print(static_cast<char32_t>(u))) {
            suffix = " '";
            append_rune(suffix, static_cast<char32_t>(u));
            suffix.push_back('\'');
        }
        std::string hex;
        do {
            hex.insert(hex.begin(), k_upper_digits[u & 0xF]);
            u >>= 4;
            prec--;
        } while (u != 0);
        if (prec > 0) {
            hex.insert(0, static_cast<std::size_t>(prec), '0');
        }
        const bool old_zero = m_flags.zero;
        m_flags.zero = false;
        pad("U+" + hex + suffix);
        m_flags.zero = old_zero;
    }

    void fmt_integer(std::uint64_t u, bool is_signed, char32_t verb, const Value& value) {
        switch (verb) {
            case 'v':
            case 'd':
                fmt_int(u, 10, is_signed, k_lower_digits);
                return;
            case 'b':
                fmt_int(u, 2, is_signed, k_lower_digits);
                return;
            case 'o':
                fmt_int(u, 8, is_signed, k_lower_digits);
                return;
            case 'x':
                fmt_int(u, 16, is_signed, k_lower_digits);
                return;
            case 'X':
                fmt_int(u, 16, is_signed, k_upper_digits);
                return;
            case 'c': {
                std::string text;
                append_rune(text, u > k_max_rune ? k_rune_error : static_cast<char32_t>(u));
                pad(text);
                return;
            }
            case 'q': {
                if (u > k_max_rune) {
                    bad_verb(verb, &value);
                    return;
                }
                const auto rune = static_cast<char32_t>(u);
                std::string single;
                append_rune(single, rune);
                if (m_flags.sharp && can_backquote(single)) {
                    pad("`" + single + "`");
                } else {
                    pad(quote_rune(rune, m_flags.plus));
                }
                return;
            }
            case 'U':
                fmt_unicode(u);
                return;
            default:
                bad_verb(verb, &value);
        }
    }

    void fmt_float(double v, char32_t verb, const Value& value) {
        char format = 'g';
        int prec = -1;
        switch (verb) {
            case 'v':
                break;
            case 'b':
            case 'g':
            case 'G':
                format = static_cast<char>(verb);
                break;
            case 'f':
            case 'e':
            case 'E':
                format = static_cast<char>(verb);
                prec = 6;
                break;
            case 'F':
                format = 'f';
                prec = 6;
                break;
            default:
                bad_verb(verb, &value);
                return;
        }
        if (m_flags.prec_present) {
            prec = m_flags.prec;
        }
        std::string num = format_float(v, format, prec);
        if (num[0] != '-' && num[0] != '+') {
            num.insert(num.begin(), '+');
        }
        // The space flag means a leading space instead of a "+" sign unless plus is used.
        if (m_flags.space && num[0] == '+' && !m_flags.plus) {
            num[0] = ' ';
        }
        // Infinities and NaN don't look like numbers, so they are not padded with zeros.
        if (num[1] == 'I' || num[1] == 'N') {
            const bool old_zero = m_flags.zero;
            m_flags.zero = false;
            if (num[1] == 'N' && !m_flags.space && !m_flags.plus) {
                num.erase(0, 1);
            }
            pad(num);
            m_flags.zero = old_zero;
            return;
        }
        if (m_flags.plus || num[0] != '+') {
            // Zero padding goes between the sign and the digits.
            if (m_flags.zero && m_flags.wid_present && m_flags.wid > static_cast<int>(num.size())) {
                m_buf.push_back(num[0]);
                write_padding(m_flags.wid - static_cast<int>(num.size()));
                m_buf.append(num, 1);
                return;
            }
            pad(num);
            return;
        }
        pad(std::string_view(num).substr(1));
    }

    void fmt_nil_pointer(const Value& value, char32_t verb) {
        switch (verb) {
            case 'v':
                pad_string(k_nil_angle);
                return;
            case 'p':
                pad_string("0x0");
                return;
            case 'b':
            case 'o':
            case 'd':
            case 'x':
            case 'X':
                fmt_integer(0, false, verb, value);
                return;
            default:
                bad_verb(verb, &value);
        }
    }

    // %!verb(type=value), or %!verb(<nil>).
    void bad_verb(char32_t verb, const Value* value) {
        m_buf += "%!";
        append_rune(m_buf, verb);
        m_buf.push_back('(');
        if (!is_nil_arg(value)) {
            m_buf += go_type_name(*value);
            m_buf.push_back('=');
            print_value(*value, 'v', 0);
        } else {
            m_buf += k_nil_angle;
        }
        m_buf.push_back(')');
    }

    // fmt.intFromArg: a '*' width or precision.
    bool int_from_arg(const FmtArgs& args, std::size_t& arg_num, int& out) {
        bool is_int = false;
        long long num = 0;
        if (arg_num < args.size()) {
            if (!is_nil_arg(args[arg_num])) {
                if (const auto* i = std::get_if<long long>(&args[arg_num]->storage())) {
                    num = *i;
                    is_int = true;
                }
            }
            arg_num++;
            if (too_large(num)) {
                num = 0;
                is_int = false;
            }
        }
        out = static_cast<int>(num);
        return is_int;
    }

    // fmt.parsenum.
    static bool parse_num(std::string_view s, std::size_t start, std::size_t end, int& num,
                          std::size_t& next) {
        num = 0;
        next = start;
        bool is_num = false;
        if (start >= end) {
            next = end;
            return false;
        }
        for (; next < end && s[next] >= '0' && s[next] <= '9'; ++next) {
            if (too_large(num)) {
                num = 0;
                next = end;
                return false;
            }
            num = num * 10 + (s[next] - '0');
            is_num = true;
        }
        return is_num;
    }

    // fmt.argNumber: an explicit [n] argument index.
    bool arg_number(std::size_t& arg_num, std::string_view format, std::size_t& i, std::size_t num_args) {
        if (format.size() <= i || format[i] != '[') {
            return false;
        }
        m_reordered = true;
        // parseArgNumber
        const std::string_view rest = format.substr(i);
        int index = 0;
        std::size_t width = 1;
        bool ok = false;
        if (rest.size() >= 3) {
            for (std::size_t j = 1; j < rest.size(); ++j) {
                if (rest[j] == ']') {
                    int n = 0;
                    std::size_t next = 0;
                    const bool is_num = parse_num(rest, 1, j, n, next);
                    width = j + 1;
                    if (is_num && next == j) {
                        index = n - 1;
                        ok = true;
                    }
                    break;
                }
            }
        }
        if (ok && index >= 0 && static_cast<std::size_t>(index) < num_args) {
            arg_num = static_cast<std::size_t>(index);
            i += width;
            return true;
        }
        m_good_arg_num = false;
        i += width;
        return ok;
    }
};

void Printer::do_printf(std::string_view format, const FmtArgs& args) {
    const std::size_t end = format.size();
    std::size_t arg_num = 0;
    bool after_index = false;
    m_reordered = false;
    for (std::size_t i = 0; i < end;) {
        m_good_arg_num = true;
        const std::size_t last = i;
        while (i < end && format[i] != '%') {
            ++i;
        }
        if (i > last) {
            m_buf += format.substr(last, i - last);
        }
        if (i >= end) {
            break;
        }
        ++i;  // skip %
        m_flags = Flags{};
        bool done = false;
        for (; i < end; ++i) {
            const char c = format[i];
            bool is_flag = true;
            switch (c) {
                case '#':
                    m_flags.sharp = true;
                    break;
                case '0':
                    m_flags.zero = !m_flags.minus;  // only allow zero padding to the left
                    break;
                case '+':
                    m_flags.plus = true;
                    break;
                case '-':
                    m_flags.minus = true;
                    m_flags.zero = false;  // do not pad with zeros to the right
                    break;
                case ' ':
                    m_flags.space = true;
                    break;
                default:
                    is_flag = false;
            }
            if (is_flag) {
                continue;
            }
            // Fast path for a lower case verb without width, precision or argument index.
            if (c >= 'a' && c <= 'z' && arg_num < args.size()) {
                if (c == 'v') {
                    m_flags.sharp_v = m_flags.sharp;
                    m_flags.sharp = false;
                    m_flags.plus_v = m_flags.plus;
                    m_flags.plus = false;
                }
                print_arg(args[arg_num], static_cast<char32_t>(c));
                arg_num++;
                ++i;
                done = true;
            }
            break;
        }
        if (done) {
            continue;
        }

        after_index = arg_number(arg_num, format, i, args.size());

        if (i < end && format[i] == '*') {
            ++i;
            m_flags.wid_present = int_from_arg(args, arg_num, m_flags.wid);
            if (!m_flags.wid_present) {
                m_buf += "%!(BADWIDTH)";
            }
            if (m_flags.wid < 0) {
                m_flags.wid = -m_flags.wid;
                m_flags.minus = true;
                m_flags.zero = false;
            }
            after_index = false;
        } else {
            m_flags.wid_present = parse_num(format, i, end, m_flags.wid, i);
            if (after_index && m_flags.wid_present) {  // "%[3]2d"
                m_good_arg_num = false;
            }
        }

        if (i + 1 < end && format[i] == '.') {
            ++i;
            if (after_index) {  // "%[3].2d"
                m_good_arg_num = false;
            }
            after_index = arg_number(arg_num, format, i, args.size());
            if (i < end && format[i] == '*') {
                ++i;
                m_flags.prec_present = int_from_arg(args, arg_num, m_flags.prec);
                if (m_flags.prec < 0) {
                    m_flags.prec = 0;
                    m_flags.prec_present = false;
                }
                if (!m_flags.prec_present) {
                    m_buf += "%!(BADPREC)";
                }
                after_index = false;
            } else {
                m_flags.prec_present = parse_num(format, i, end, m_flags.prec, i);
                if (!m_flags.prec_present) {
                    m_flags.prec = 0;
                    m_flags.prec_present = true;
                }
            }
        }

        if (!after_index) {
            after_index = arg_number(arg_num, format, i, args.size());
        }

        if (i >= end) {
            m_buf += "%!(NOVERB)";
            break;
        }

        const DecodedRune decoded = decode_rune(format, i);
        const char32_t verb = decoded.rune;
        i += decoded.size;

        if (verb == '%') {
            m_buf.push_back('%');  // does not absorb an operand, ignores width and precision
        } else if (!m_good_arg_num) {
            m_buf += "%!";
            append_rune(m_buf, verb);
            m_buf += "(BADINDEX)";
        } else if (arg_num >= args.size()) {
            m_buf += "%!";
            append_rune(m_buf, verb);
            m_buf += "(MISSING)";
        } else {
            if (verb == 'v') {
                m_flags.sharp_v = m_flags.sharp;
                m_flags.sharp = false;
                m_flags.plus_v = m_flags.plus;
                m_flags.plus = false;
            }
            print_arg(args[arg_num], verb);
            arg_num++;
        }
    }

    // Complain about arguments that no verb used.
    if (!m_reordered && arg_num < args.size()) {
        m_flags = Flags{};
        m_buf += "%!(EXTRA ";
        for (std::size_t i = arg_num; i < args.size(); ++i) {
            if (i > arg_num) {
                m_buf += ", ";
            }
            if (is_nil_arg(args[i])) {
                m_buf += k_nil_angle;
            } else {
                m_buf += go_type_name(*args[i]);
                m_buf.push_back('=');
                print_arg(args[i], 'v');
            }
        }
        m_buf.push_back(')');
    }
}

}  // namespace

std::string go_type_name(const Value& value) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return std::string(k_nil_angle);
            } else if constexpr (std::is_same_v<T, bool>) {
                return "bool";
            } else if constexpr (std::is_same_v<T, long long>) {
                return "int";
            } else if constexpr (std::is_same_v<T, double>) {
                return "float64";
            } else if constexpr (std::is_same_v<T, std::string>) {
                return "string";
            } else if constexpr (std::is_same_v<T, Value::Array>) {
                return "[]interface {}";
            } else if constexpr (std::is_same_v<T, Value::Map>) {
                return "map[string]interface {}";
            } else {
                return v.type_name;
            }
        },
        value.storage());
}

std::string sprint(const FmtArgs& args) {
    Printer printer;
    printer.do_print(args);
    return std::move(printer.m_buf);
}

std::string sprintln(const FmtArgs& args) {
    Printer printer;
    printer.do_println(args);
    return std::move(printer.m_buf);
}

std::string sprintf(std::string_view format, const FmtArgs& args) {
    Printer printer;
    printer.do_printf(format, args);
    return std::move(printer.m_buf);
}

void append_value(std::string& out, const Value& value) {
    Printer printer;
    if (const auto* s = std::get_if<Value::Struct>(&value.storage())) {
        printer.print_struct(*s, 'v', 1);
    } else {
        printer.print_arg(&value, 'v');
    }
    out += printer.m_buf;
}

}  // namespace machine::tmpl::detail
