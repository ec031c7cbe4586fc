#include "machine/go_quote.hpp"

#include <cstdio>

namespace machine {
namespace {

// Decodes one UTF-8 sequence; returns its length, or 0 when invalid.
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& rune) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) {
        return 0;
    }
    rune = length == 1 ? lead : lead & (0xFF >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            return 0;
        }
        rune = (rune << 6) | (byte(i + k) & 0x3F);
    }
    static constexpr char32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (rune < k_min[length] || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) {
        return 0;
    }
    return length;
}

// Go's unicode.IsPrint for non-ASCII runes, without the tables of unassigned code points: the space
// separators, format characters, private use areas and non-characters are not printable.
bool is_printable(char32_t r) {
    if (r < 0x80) {
        return r >= 0x20 && r < 0x7F;
    }
    if (r <= 0xA0 || r == 0xAD || r == 0x061C || r == 0x06DD || r == 0x070F || r == 0x180E || r == 0x1680 ||
        r == 0x3000 || r == 0xFEFF || r == 0x110BD || r == 0xE0001) {
        return false;
    }
    if ((r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F) ||
        (r >= 0xD800 && r <= 0xF8FF) || (r >= 0xFFF0 && r <= 0xFFFB) || (r >= 0x1BCA0 && r <= 0x1BCA3) ||
        (r >= 0x1D173 && r <= 0x1D17A) || (r >= 0xE0020 && r <= 0xE007F) || r >= 0xF0000) {
        return false;
    }
    return (r & 0xFFFE) != 0xFFFE;  // U+xFFFE and U+xFFFF are non-characters in every plane
}

}  // namespace

std::string go_quote(std::string_view text) {
    std::string out = "\"";
    char buffer[16];
    for (std::size_t i = 0; i < text.size();) {
        char32_t rune = 0;
        std::size_t length = decode_utf8(text, i, rune);
        if (length == 0) {
            std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(text[i]));
            out += buffer;
            ++i;
            continue;
        }
        switch (rune) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\a':
                out += "\\a";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
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
            case '\v':
                out += "\\v";
                break;
            default:
                if (is_printable(rune)) {
                    out.append(text.substr(i, length));
                } else if (rune < 0x20) {
                    std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(rune));
                    out += buffer;
                } else if (rune < 0x10000) {
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(rune));
                    out += buffer;
                } else {
                    std::snprintf(buffer, sizeof buffer, "\\U%08x", static_cast<unsigned>(rune));
                    out += buffer;
                }
        }
        i += length;
    }
    out += "\"";
    return out;
}

}  // namespace machine
