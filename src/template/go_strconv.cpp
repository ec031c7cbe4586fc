#include "go_strconv.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <vector>

namespace machine::tmpl::detail {
namespace {

constexpr std::string_view k_lower_hex = "0123456789abcdef";

bool is_continuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

// Decimal digits of a float as strconv's decimalSlice: digits without trailing zeros, decimal point position.
struct Digits {
    std::string digits;  // empty for zero
    int point = 0;       // value = 0.digits * 10^point
};

Digits parse_scientific(std::string_view text) {
    // text is "d[.ddd]e±XX" as written by std::to_chars(..., scientific)
    Digits result;
    const auto e_pos = text.find('e');
    for (char c : text.substr(0, e_pos)) {
        if (c != '.') {
            result.digits.push_back(c);
        }
    }
    int exponent = 0;
    std::from_chars(text.data() + e_pos + (text[e_pos + 1] == '+' ? 2 : 1), text.data() + text.size(),
                    exponent);
    while (!result.digits.empty() && result.digits.back() == '0') {
        result.digits.pop_back();
    }
    if (result.digits.empty()) {
        result.point = 0;
    } else {
        result.point = exponent + 1;
    }
    return result;
}

// Shortest digits that read back as `value` (value > 0 or zero), or `significant` correctly rounded digits.
Digits float_digits(double value, int significant) {
    std::vector<char> buffer(static_cast<std::size_t>(std::max(significant, 0)) + 64);
    std::to_chars_result result{};
    if (significant < 0) {
        result =
            std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific);
    } else {
        result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                               std::chars_format::scientific, significant - 1);
    }
    return parse_scientific(
        std::string_view(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data())));
}

// strconv's fmtE.
void append_e(std::string& out, const Digits& d, int precision, char e_char) {
    const int count = static_cast<int>(d.digits.size());
    out.push_back(count != 0 ? d.digits[0] : '0');
    if (precision > 0) {
        out.push_back('.');
        int i = 1;
        const int m = std::min(count, precision + 1);
        if (i < m) {
            out.append(d.digits, 1, static_cast<std::size_t>(m - 1));
            i = m;
        }
        for (; i <= precision; ++i) {
            out.push_back('0');
        }
    }
    out.push_back(e_char);
    int exponent = count == 0 ? 0 : d.point - 1;
    out.push_back(exponent < 0 ? '-' : '+');
    exponent = std::abs(exponent);
    if (exponent < 10) {
        out.push_back('0');
    }
    out += std::to_string(exponent);
}

// strconv's fmtF.
void append_f(std::string& out, const Digits& d, int precision) {
    const int count = static_cast<int>(d.digits.size());
    if (d.point > 0) {
        const int m = std::min(count, d.point);
        out.append(d.digits, 0, static_cast<std::size_t>(m));
        out.append(static_cast<std::size_t>(d.point - m), '0');
    } else {
        out.push_back('0');
    }
    if (precision > 0) {
        out.push_back('.');
        for (int i = 0; i < precision; ++i) {
            const int j = d.point + i;
            out.push_back(j >= 0 && j < count ? d.digits[static_cast<std::size_t>(j)] : '0');
        }
    }
}

// strconv's %b: decimal mantissa "p" binary exponent.
void append_b(std::string& out, double value) {
    const auto bits = std::bit_cast<std::uint64_t>(value);
    int exponent = static_cast<int>((bits >> 52) & 0x7FF);
    std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
    if (exponent == 0) {
        exponent++;
    } else {
        mantissa |= std::uint64_t{1} << 52;
    }
    exponent += -1023 - 52;
    out += std::to_string(mantissa);
    out.push_back('p');
    if (exponent >= 0) {
        out.push_back('+');
    }
    out += std::to_string(exponent);
}

void append_escaped_rune(std::string& out, char32_t rune, char quote_char, bool ascii_only) {
    if (rune == static_cast<char32_t>(quote_char) || rune == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(rune));
        return;
    }
    if (ascii_only) {
        if (rune < 0x80 && is_print(rune)) {
            out.push_back(static_cast<char>(rune));
            return;
        }
    } else if (is_print(rune)) {
        append_rune(out, rune);
        return;
    }
    switch (rune) {
        case '\a':
            out += "\\a";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        case '\v':
            out += "\\v";
            return;
        default:
            break;
    }
    if (rune < ' ') {
        out += "\\x";
        out.push_back(k_lower_hex[(rune >> 4) & 0xF]);
        out.push_back(k_lower_hex[rune & 0xF]);
        return;
    }
    if (rune > k_max_rune) {
        rune = k_rune_error;
    }
    if (rune < 0x10000) {
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) {
            out.push_back(k_lower_hex[(rune >> shift) & 0xF]);
        }
    } else {
        out += "\\U";
        for (int shift = 28; shift >= 0; shift -= 4) {
            out.push_back(k_lower_hex[(rune >> shift) & 0xF]);
        }
    }
}

// Digits of `text` in `base` (no sign, no prefix) into out; false on empty input, bad digit or overflow.
bool parse_digits(std::string_view text, int base, unsigned long long& out) {
    if (text.empty()) {
        return false;
    }
    unsigned long long value = 0;
    for (char c : text) {
        int digit = 0;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c >= 'a' && c <= 'z') {
            digit = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'Z') {
            digit = c - 'A' + 10;
        } else {
            return false;
        }
        if (digit >= base) {
            return false;
        }
        const auto b = static_cast<unsigned long long>(base);
        if (value > (~0ULL - static_cast<unsigned long long>(digit)) / b) {
            return false;
        }
        value = value * b + static_cast<unsigned long long>(digit);
    }
    out = value;
    return true;
}

}  // namespace

DecodedRune decode_rune(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) {
        return {k_rune_error, 0};
    }
    const auto b0 = static_cast<unsigned char>(text[pos]);
    if (b0 < 0x80) {
        return {b0, 1};
    }
    std::size_t need = 0;
    char32_t rune = 0;
    char32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        rune = b0 & 0x1F;
        min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        rune = b0 & 0x0F;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        rune = b0 & 0x07;
        min = 0x10000;
    } else {
        return {k_rune_error, 1};
    }
    if (pos + need >= text.size()) {
        return {k_rune_error, 1};
    }
    for (std::size_t i = 1; i <= need; ++i) {
        const auto b = static_cast<unsigned char>(text[pos + i]);
        if (!is_continuation(b)) {
            return {k_rune_error, 1};
        }
        rune = (rune << 6) | (b & 0x3F);
    }
    if (rune < min || rune > k_max_rune || (rune >= 0xD800 && rune <= 0xDFFF)) {
        return {k_rune_error, 1};
    }
    return {rune, need + 1};
}

DecodedRune decode_last_rune(std::string_view text, std::size_t end) {
    if (end == 0) {
        return {k_rune_error, 0};
    }
    // Walk back over at most 3 continuation bytes to a start byte and check that it decodes to exactly here.
    std::size_t start = end - 1;
    const std::size_t limit = end >= 4 ? end - 4 : 0;
    while (start > limit && is_continuation(static_cast<unsigned char>(text[start]))) {
        --start;
    }
    const DecodedRune decoded = decode_rune(text.substr(0, end), start);
    if (start + decoded.size != end) {
        return {k_rune_error, 1};
    }
    return decoded;
}

void append_rune(std::string& out, char32_t rune) {
    if (rune > k_max_rune || (rune >= 0xD800 && rune <= 0xDFFF)) {
        rune = k_rune_error;
    }
    if (rune < 0x80) {
        out.push_back(static_cast<char>(rune));
    } else if (rune < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (rune >> 6)));
        out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
    } else if (rune < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (rune >> 12)));
        out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (rune >> 18)));
        out.push_back(static_cast<char>(0x80 | ((rune >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
    }
}

std::size_t rune_count(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t pos = 0; pos < text.size(); pos += decode_rune(text, pos).size) {
        ++count;
    }
    return count;
}

std::string_view truncate_runes(std::string_view text, std::size_t runes) {
    std::size_t pos = 0;
    for (std::size_t n = 0; n < runes && pos < text.size(); ++n) {
        pos += decode_rune(text, pos).size;
    }
    return text.substr(0, pos);
}

bool is_letter(char32_t rune) {
    if (rune < 0x80) {
        return (rune >= 'a' && rune <= 'z') || (rune >= 'A' && rune <= 'Z');
    }
    if (rune < 0x100) {
        return rune == 0xAA || rune == 0xB5 || rune == 0xBA || (rune >= 0xC0 && rune != 0xD7 && rune != 0xF7);
    }
    if (rune > k_max_rune || (rune >= 0xD800 && rune <= 0xDFFF)) {
        return false;
    }
    // Combining marks, punctuation, symbols, CJK punctuation, full-width punctuation, specials, private use.
    static constexpr std::array<std::pair<char32_t, char32_t>, 12> k_non_letters{{
        {0x0300, 0x036F},
        {0x2000, 0x2BFF},
        {0x2E00, 0x2E7F},
        {0x3000, 0x3004},
        {0x3008, 0x3020},
        {0xE000, 0xF8FF},
        {0xFE00, 0xFE6F},
        {0xFF00, 0xFF20},
        {0xFF3B, 0xFF40},
        {0xFF5B, 0xFF65},
        {0xFFF0, 0xFFFF},
        {0xF0000, 0x10FFFF},
    }};
    for (const auto& [low, high] : k_non_letters) {
        if (rune >= low && rune <= high) {
            return false;
        }
    }
    return true;
}

bool is_digit(char32_t rune) {
    if (rune < 0x80) {
        return rune >= '0' && rune <= '9';
    }
    return (rune >= 0x660 && rune <= 0x669) || (rune >= 0x6F0 && rune <= 0x6F9) ||
           (rune >= 0x966 && rune <= 0x96F) || (rune >= 0xFF10 && rune <= 0xFF19);
}

bool is_print(char32_t rune) {
    if (rune < 0x80) {
        return rune >= 0x20 && rune < 0x7F;
    }
    if (rune < 0xA0 || rune == 0xAD) {
        return false;
    }
    if (rune > k_max_rune || (rune >= 0xD800 && rune <= 0xDFFF)) {
        return false;
    }
    // Unicode spaces other than U+0020, format characters and line/paragraph separators are not "print".
    if ((rune >= 0x2000 && rune <= 0x200F) || (rune >= 0x2028 && rune <= 0x202F) ||
        (rune >= 0x205F && rune <= 0x206F) || rune == 0x3000 || rune == 0xFEFF ||
        (rune >= 0xFFF9 && rune <= 0xFFFB) || (rune >= 0xE000 && rune <= 0xF8FF) || rune == 0xFFFE ||
        rune == 0xFFFF) {
        return false;
    }
    return true;
}

std::string quote(std::string_view text, bool ascii_only) {
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('"');
    for (std::size_t pos = 0; pos < text.size();) {
        const DecodedRune decoded = decode_rune(text, pos);
        if (decoded.size == 1 && decoded.rune == k_rune_error) {
            const auto byte = static_cast<unsigned char>(text[pos]);
            out += "\\x";
            out.push_back(k_lower_hex[byte >> 4]);
            out.push_back(k_lower_hex[byte & 0xF]);
        } else {
            append_escaped_rune(out, decoded.rune, '"', ascii_only);
        }
        pos += decoded.size;
    }
    out.push_back('"');
    return out;
}

std::string quote_rune(char32_t rune, bool ascii_only) {
    if (rune > k_max_rune || (rune >= 0xD800 && rune <= 0xDFFF)) {
        rune = k_rune_error;
    }
    std::string out = "'";
    append_escaped_rune(out, rune, '\'', ascii_only);
    out.push_back('\'');
    return out;
}

bool can_backquote(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
        const DecodedRune decoded = decode_rune(text, pos);
        if (decoded.size == 1 && decoded.rune == k_rune_error) {
            return false;
        }
        const char32_t r = decoded.rune;
        if (r == 0xFEFF || r == '`' || (r < ' ' && r != '\t') || r == 0x7F) {
            return false;
        }
        pos += decoded.size;
    }
    return true;
}

std::string unicode_notation(char32_t rune) {
    static constexpr std::string_view k_upper_hex = "0123456789ABCDEF";
    std::string hex;
    for (char32_t r = rune; r != 0; r >>= 4) {
        hex.insert(hex.begin(), k_upper_hex[r & 0xF]);
    }
    while (hex.size() < 4) {
        hex.insert(hex.begin(), '0');
    }
    std::string out = "U+" + hex;
    if (is_print(rune) && rune <= k_max_rune) {
        out += " '";
        append_rune(out, rune);
        out.push_back('\'');
    }
    return out;
}

std::string format_float(double value, char format, int precision) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    std::string out;
    if (std::signbit(value)) {
        out.push_back('-');
    }
    const double magnitude = std::fabs(value);
    if (format == 'b') {
        append_b(out, magnitude);
        return out;
    }
    const bool shortest = precision < 0;
    Digits d;
    switch (format) {
        case 'e':
        case 'E':
            d = float_digits(magnitude, shortest ? -1 : precision + 1);
            if (shortest) {
                precision = std::max(static_cast<int>(d.digits.size()) - 1, 0);
            }
            append_e(out, d, precision, format);
            return out;
        case 'f': {
            if (shortest) {
                d = float_digits(magnitude, -1);
                precision = std::max(static_cast<int>(d.digits.size()) - d.point, 0);
                append_f(out, d, precision);
                return out;
            }
            // Rounding to a number of decimals, not of significant digits: let to_chars do it.
            std::vector<char> buffer(static_cast<std::size_t>(precision) + 400);
            const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), magnitude,
                                              std::chars_format::fixed, precision);
            out.append(buffer.data(), result.ptr);
            return out;
        }
        case 'g':
        case 'G': {
            if (shortest) {
                d = float_digits(magnitude, -1);
                precision = static_cast<int>(d.digits.size());
            } else {
                if (precision == 0) {
                    precision = 1;
                }
                d = float_digits(magnitude, precision);
            }
            const int count = static_cast<int>(d.digits.size());
            int eprec = precision;
            if (eprec > count && count >= d.point) {
                eprec = count;
            }
            // %e is used if the exponent from the conversion is less than -4 or greater than or equal to the
            // precision; for the shortest form Go uses precision 6 for this decision.
            if (shortest) {
                eprec = 6;
            }
            const int exponent = d.point - 1;
            if (exponent < -4 || exponent >= eprec) {
                if (precision > count) {
                    precision = count;
                }
                append_e(out, d, precision - 1, format == 'g' ? 'e' : 'E');
                return out;
            }
            if (precision > d.point) {
                precision = count;
            }
            append_f(out, d, std::max(precision - d.point, 0));
            return out;
        }
        default:
            return "%" + std::string(1, format);
    }
}

bool parse_uint(std::string_view text, unsigned long long& out) {
    int base = 10;
    if (text.size() > 1 && text[0] == '0') {
        if (text[1] == 'x' || text[1] == 'X') {
            base = 16;
            text.remove_prefix(2);
        } else {
            base = 8;
            text.remove_prefix(1);
        }
    }
    return parse_digits(text, base, out);
}

bool parse_int(std::string_view text, long long& out) {
    bool negative = false;
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    unsigned long long magnitude = 0;
    if (!parse_uint(text, magnitude)) {
        return false;
    }
    constexpr unsigned long long k_limit = 1ULL << 63;
    if (negative) {
        if (magnitude > k_limit) {
            return false;
        }
        out = magnitude == k_limit ? static_cast<long long>(-9223372036854775807LL - 1)
                                   : -static_cast<long long>(magnitude);
    } else {
        if (magnitude >= k_limit) {
            return false;
        }
        out = static_cast<long long>(magnitude);
    }
    return true;
}

bool parse_float(std::string_view text, double& out) {
    // Go 1.12 decimal syntax: [+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits]
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
        ++i;
    }
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        ++i;
        ++digits;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            ++i;
            ++digits;
        }
    }
    if (digits == 0) {
        return false;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
            ++i;
        }
        std::size_t exponent_digits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            ++i;
            ++exponent_digits;
        }
        if (exponent_digits == 0) {
            return false;
        }
    }
    if (i != text.size()) {
        return false;
    }
    std::string copy(text);
    if (copy[0] == '+') {
        copy.erase(0, 1);
    }
    double value = 0;
    const auto result = std::from_chars(copy.data(), copy.data() + copy.size(), value);
    if (result.ec == std::errc::result_out_of_range) {
        // from_chars reports underflow too; Go only fails on overflow to infinity.
        const double probe = std::strtod(copy.c_str(), nullptr);
        if (std::isinf(probe)) {
            return false;
        }
        value = probe;
    } else if (result.ec != std::errc{} || result.ptr != copy.data() + copy.size()) {
        return false;
    }
    out = value;
    return true;
}

}  // namespace machine::tmpl::detail
