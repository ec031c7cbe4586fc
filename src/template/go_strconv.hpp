#pragma once

// The pieces of Go's unicode/utf8 and strconv packages that the template engine needs to print like Go.

#include <cstddef>
#include <string>
#include <string_view>

namespace machine::tmpl::detail {

inline constexpr char32_t k_rune_error = 0xFFFD;
inline constexpr char32_t k_max_rune = 0x10FFFF;

struct DecodedRune {
    char32_t rune;
    std::size_t size;  // bytes consumed; 0 only at the end of the input
};

// utf8.DecodeRuneInString(s[pos:]): an invalid or truncated sequence decodes as (RuneError, 1).
[[nodiscard]] DecodedRune decode_rune(std::string_view text, std::size_t pos);
// utf8.DecodeLastRuneInString(s[:end]).
[[nodiscard]] DecodedRune decode_last_rune(std::string_view text, std::size_t end);
// utf8.EncodeRune; invalid runes (surrogates, > U+10FFFF) encode as U+FFFD.
void append_rune(std::string& out, char32_t rune);
[[nodiscard]] std::size_t rune_count(std::string_view text);
// The first `runes` runes of text (fmt's precision on strings counts runes).
[[nodiscard]] std::string_view truncate_runes(std::string_view text, std::size_t runes);

// unicode.IsLetter / IsDigit / IsPrint. Exact for ASCII and Latin-1; other scripts are approximated by block
// (letters everywhere except punctuation/symbol blocks), which is all the lexer needs to accept identifiers.
[[nodiscard]] bool is_letter(char32_t rune);
[[nodiscard]] bool is_digit(char32_t rune);
[[nodiscard]] bool is_print(char32_t rune);

// strconv.Quote (ascii_only: QuoteToASCII).
[[nodiscard]] std::string quote(std::string_view text, bool ascii_only = false);
// strconv.QuoteRune (ascii_only: QuoteRuneToASCII).
[[nodiscard]] std::string quote_rune(char32_t rune, bool ascii_only = false);
// strconv.CanBackquote.
[[nodiscard]] bool can_backquote(std::string_view text);
// fmt's %#U text of a rune: "U+0041 'A'" (or "U+0001" for unprintable runes).
[[nodiscard]] std::string unicode_notation(char32_t rune);

// strconv.FormatFloat(value, format, precision, 64) for format in e E f g G b; precision -1 is "shortest
// representation that reads back exactly".
[[nodiscard]] std::string format_float(double value, char format, int precision);

// strconv.ParseInt(text, 0, 64) / ParseUint(text, 0, 64) (Go 1.12: 0x hex, leading-0 octal, no underscores).
[[nodiscard]] bool parse_int(std::string_view text, long long& out);
[[nodiscard]] bool parse_uint(std::string_view text, unsigned long long& out);
// strconv.ParseFloat(text, 64) for decimal syntax; false on syntax errors and on overflow to infinity.
[[nodiscard]] bool parse_float(std::string_view text, double& out);

}  // namespace machine::tmpl::detail
