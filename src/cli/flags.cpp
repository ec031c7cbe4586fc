// Go `flag` package + codegangsta/cli 0302d39 semantics (reference/cli.md §1.5, §1.6).

#include "cli/flags.hpp"

#include "machine/go_quote.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace machine::cli {

namespace {

// Go 1.13 added the 0b / 0o prefixes and `_` digit separators to ParseInt(s, 0, ...). docker-machine 0.16.2
// was built with Go 1.12, which rejects both as invalid syntax, so they are off.
constexpr bool k_go113_number_syntax = false;

// ---- Go strconv helpers ----

char ascii_lower(char c) {
    return static_cast<char>(c | 0x20);
}

// Go's strconv underscoreOK: `_` only between digits or between a base prefix and a digit.
bool underscores_ok(std::string_view s) {
    char saw = '^';  // ^ start, 0 digit or prefix, _ underscore, ! anything else
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        s.remove_prefix(1);
    }
    std::size_t i = 0;
    bool hex = false;
    if (s.size() >= 2 && s[0] == '0' &&
        (ascii_lower(s[1]) == 'b' || ascii_lower(s[1]) == 'o' || ascii_lower(s[1]) == 'x')) {
        i = 2;
        saw = '0';
        hex = ascii_lower(s[1]) == 'x';
    }
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if ((c >= '0' && c <= '9') || (hex && ascii_lower(c) >= 'a' && ascii_lower(c) <= 'f')) {
            saw = '0';
            continue;
        }
        if (c == '_') {
            if (saw != '0') {
                return false;
            }
            saw = '_';
            continue;
        }
        if (saw == '_') {
            return false;
        }
        saw = '!';
    }
    return saw != '_';
}

enum class NumResult { Ok, Syntax, Range };

// Go's strconv.ParseUint(s, 0, 64).
NumResult parse_go_uint(std::string_view s, std::uint64_t& value) {
    if (s.empty()) {
        return NumResult::Syntax;
    }
    const std::string_view original = s;
    unsigned base = 10;
    if (s[0] == '0') {
        char prefix = s.size() >= 3 ? ascii_lower(s[1]) : '\0';
        if (!k_go113_number_syntax && prefix != 'x') {
            prefix = '\0';
        }
        if (prefix == 'b') {
            base = 2;
            s.remove_prefix(2);
        } else if (prefix == 'o') {
            base = 8;
            s.remove_prefix(2);
        } else if (prefix == 'x') {
            base = 16;
            s.remove_prefix(2);
        } else {
            base = 8;
            s.remove_prefix(1);
        }
    }
    constexpr std::uint64_t k_max = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t cutoff = k_max / base + 1;
    std::uint64_t n = 0;
    bool underscores = false;
    for (const char c : s) {
        unsigned digit = 0;
        if (c == '_' && k_go113_number_syntax) {
            underscores = true;
            continue;
        }
        if (c >= '0' && c <= '9') {
            digit = static_cast<unsigned>(c - '0');
        } else if (ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z') {
            digit = static_cast<unsigned>(ascii_lower(c) - 'a') + 10;
        } else {
            return NumResult::Syntax;
        }
        if (digit >= base) {
            return NumResult::Syntax;
        }
        // Go reports overflow as soon as it happens, before looking at the rest.
        if (n >= cutoff) {
            return NumResult::Range;
        }
        n *= base;
        const std::uint64_t next = n + digit;
        if (next < n) {
            return NumResult::Range;
        }
        n = next;
    }
    if (underscores && !underscores_ok(original)) {
        return NumResult::Syntax;
    }
    value = n;
    return NumResult::Ok;
}

// Go's strconv.Atoi (what codegangsta's lookupInt uses on a flag's text).
long long go_atoi_or_zero(const std::string& text) {
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) {
        return 0;
    }
    std::uint64_t n = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return 0;
        }
        const auto digit = static_cast<unsigned>(c - '0');
        if (n > ((std::uint64_t{1} << 63) - digit) / 10) {
            return 0;  // beyond 2^63: out of range either way
        }
        n = n * 10 + digit;
    }
    if (negative) {
        if (n > (std::uint64_t{1} << 63)) {
            return 0;
        }
        return static_cast<long long>(0 - n);
    }
    if (n >= (std::uint64_t{1} << 63)) {
        return 0;
    }
    return static_cast<long long>(n);
}

// Decodes one UTF-8 rune at text[i] with Go's rules; returns its length (0 when invalid).
std::size_t decode_rune(std::string_view text, std::size_t i, char32_t& rune) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        rune = b0;
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        rune = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        rune = b0 & 0x0F;
        low = b0 == 0xE0 ? 0xA0 : 0x80;
        high = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        rune = b0 & 0x07;
        low = b0 == 0xF0 ? 0x90 : 0x80;
        high = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
            return 0;
        }
        rune = (rune << 6) | (byte(i + k) & 0x3F);
    }
    return length;
}

// ---- flag definitions ----

std::string prefixed_name(const std::string& name) {
    return (name.size() == 1 ? "-" : "--") + name;
}

std::string prefixed_names(const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            text += ", ";
        }
        text += prefixed_name(names[i]);
    }
    return text;
}

// Go's unicode.IsSpace.
bool is_go_space(char32_t r) {
    switch (r) {
        case '\t':
        case '\n':
        case '\v':
        case '\f':
        case '\r':
        case ' ':
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
            return true;
        default:
            return r >= 0x2000 && r <= 0x200A;
    }
}

// Go's strings.TrimSpace (Unicode white space; invalid UTF-8 is not space).
std::string trim_space(std::string_view text) {
    std::size_t begin = text.size();
    std::size_t end = 0;
    for (std::size_t i = 0; i < text.size();) {
        char32_t rune = 0;
        const std::size_t length = decode_rune(text, i, rune);
        const std::size_t step = length == 0 ? 1 : length;
        if (length == 0 || !is_go_space(rune)) {
            begin = std::min(begin, i);
            end = i + step;
        }
        i += step;
    }
    return begin < end ? std::string(text.substr(begin, end - begin)) : std::string();
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(separator, start);
        if (end == std::string_view::npos) {
            parts.emplace_back(text.substr(start));
            return parts;
        }
        parts.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
}

// codegangsta: EnvVar may list several variables; each non-empty one is offered to `accept` in turn until it
// returns true.
template <typename Accept>
void for_each_env_value(const std::string& env_var, Accept accept) {
    if (env_var.empty()) {
        return;
    }
    for (const auto& part : split(env_var, ',')) {
        const std::string name = trim_space(part);
        const char* value = std::getenv(name.c_str());
        if (value != nullptr && *value != '\0' && accept(std::string(value))) {
            return;
        }
    }
}

void apply_env(ParsedFlags::Entry& entry) {
    const FlagDef& def = entry.def;
    switch (def.kind) {
        case FlagDef::Kind::Bool:
            // An unparseable value is ignored, but still ends the search (codegangsta breaks either way).
            for_each_env_value(def.env_var, [&](const std::string& value) {
                bool parsed = false;
                if (parse_go_bool(value, parsed)) {
                    entry.value_bool = parsed;
                }
                return true;
            });
            break;
        case FlagDef::Kind::String:
            for_each_env_value(def.env_var, [&](const std::string& value) {
                entry.value_string = value;
                return true;
            });
            break;
        case FlagDef::Kind::Int:
            // Unlike bools, an unparseable int value moves on to the next variable.
            for_each_env_value(def.env_var, [&](const std::string& value) {
                long long parsed = 0;
                if (!parse_go_int(value, parsed)) {
                    return false;
                }
                entry.value_int = parsed;
                return true;
            });
            break;
        case FlagDef::Kind::StringSlice:
            for_each_env_value(def.env_var, [&](const std::string& value) {
                entry.value_slice.clear();
                for (const auto& part : split(value, ',')) {
                    entry.value_slice.push_back(trim_space(part));
                }
                return true;
            });
            break;
    }
}

FlagDef builtin_bool(std::vector<std::string> names, std::string usage) {
    FlagDef def;
    def.kind = FlagDef::Kind::Bool;
    def.names = std::move(names);
    def.usage = std::move(usage);
    return def;
}

ParsedFlags::Entry make_entry(const FlagDef& def) {
    ParsedFlags::Entry entry;
    entry.def = def;
    entry.value_string = def.default_string;
    entry.value_int = def.default_int;
    entry.value_slice = def.default_slice;
    apply_env(entry);
    return entry;
}

std::string entry_text(const ParsedFlags::Entry& entry) {
    switch (entry.def.kind) {
        case FlagDef::Kind::Bool:
            return entry.value_bool ? "true" : "false";
        case FlagDef::Kind::String:
            return entry.value_string;
        case FlagDef::Kind::Int:
            return std::to_string(entry.value_int);
        case FlagDef::Kind::StringSlice: {
            // fmt's %s of a []string
            std::string text = "[";
            for (std::size_t i = 0; i < entry.value_slice.size(); ++i) {
                text += (i > 0 ? " " : "") + entry.value_slice[i];
            }
            return text + "]";
        }
    }
    return {};
}

// ---- Go's FlagSet.Parse ----

class FlagSetParser {
public:
    FlagSetParser(ParsedFlags& flags, std::vector<std::string> args)
        : m_flags(flags), m_args(std::move(args)) {}

    // Parses until the first non-flag word; throws FlagError with Go's text.
    void parse() {
        while (parse_one()) {
        }
    }

    [[nodiscard]] std::vector<std::string> remaining() const {
        return {m_args.begin() + static_cast<std::ptrdiff_t>(m_position), m_args.end()};
    }
    [[nodiscard]] const std::set<std::string>& seen_names() const { return m_seen_names; }

private:
    bool parse_one() {
        if (m_position >= m_args.size()) {
            return false;
        }
        const std::string& word = m_args[m_position];
        if (word.size() < 2 || word[0] != '-') {
            return false;
        }
        std::size_t dashes = 1;
        if (word[1] == '-') {
            dashes = 2;
            if (word.size() == 2) {  // "--" ends the flags and is consumed
                ++m_position;
                return false;
            }
        }
        std::string name = word.substr(dashes);
        if (name.empty() || name[0] == '-' || name[0] == '=') {
            throw FlagError("bad flag syntax: " + word);
        }
        ++m_position;

        bool has_value = false;
        std::string value;
        if (const auto equals = name.find('=', 1); equals != std::string::npos) {
            value = name.substr(equals + 1);
            has_value = true;
            name.resize(equals);
        }

        const auto found = m_flags.index_by_name.find(name);
        if (found == m_flags.index_by_name.end()) {
            throw FlagError("flag provided but not defined: -" + name);
        }
        ParsedFlags::Entry& entry = m_flags.entries[found->second];

        if (entry.def.kind == FlagDef::Kind::Bool) {
            if (has_value) {
                bool parsed = false;
                if (!parse_go_bool(value, parsed)) {
                    throw FlagError("invalid boolean value " + go_quote(value) + " for -" + name +
                                    ": strconv.ParseBool: parsing " + go_quote(value) + ": invalid syntax");
                }
                entry.value_bool = parsed;
            } else {
                entry.value_bool = true;
            }
        } else {
            // Any next word is the value, even one that starts with a dash.
            if (!has_value && m_position < m_args.size()) {
                value = m_args[m_position++];
                has_value = true;
            }
            if (!has_value) {
                throw FlagError("flag needs an argument: -" + name);
            }
            set_value(entry, name, value);
        }
        entry.set = true;
        m_seen_names.insert(name);
        return true;
    }

    static void set_value(ParsedFlags::Entry& entry, const std::string& name, const std::string& value) {
        switch (entry.def.kind) {
            case FlagDef::Kind::String:
                entry.value_string = value;
                break;
            case FlagDef::Kind::Int: {
                long long parsed = 0;
                std::string error;
                if (!parse_go_int(value, parsed, &error)) {
                    throw FlagError("invalid value " + go_quote(value) + " for flag -" + name + ": " + error);
                }
                entry.value_int = parsed;
                break;
            }
            case FlagDef::Kind::StringSlice:
                entry.value_slice.push_back(value);
                break;
            case FlagDef::Kind::Bool:
                break;
        }
    }

    ParsedFlags& m_flags;
    std::vector<std::string> m_args;
    std::size_t m_position = 0;
    std::set<std::string> m_seen_names;  // names as typed, like Go's FlagSet.actual
};

// codegangsta's normalizeFlags: per flag in declaration order, the second of its names that was used
// (in declaration order) is reported together with the first one.
std::optional<std::string> two_forms_error(const std::vector<ParsedFlags::Entry>& entries,
                                           const std::set<std::string>& seen) {
    for (const auto& entry : entries) {
        const std::string* first = nullptr;
        for (const auto& name : entry.def.names) {
            if (seen.count(name) == 0) {
                continue;
            }
            if (first != nullptr) {
                return "Cannot use two forms of the same flag: " + name + " " + *first;
            }
            first = &name;
        }
    }
    return std::nullopt;
}

const ParsedFlags::Entry& lookup(const ParsedFlags& flags, const std::string& name) {
    const auto found = flags.index_by_name.find(name);
    if (found == flags.index_by_name.end()) {
        throw std::logic_error("flag not declared: " + name);
    }
    return flags.entries[found->second];
}

}  // namespace

// ---- public helpers ----

bool parse_go_bool(const std::string& text, bool& value) {
    static const char* const k_true[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char* const k_false[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (const char* word : k_true) {
        if (text == word) {
            value = true;
            return true;
        }
    }
    for (const char* word : k_false) {
        if (text == word) {
            value = false;
            return true;
        }
    }
    return false;
}

bool parse_go_int(const std::string& text, long long& value, std::string* error) {
    const auto fail = [&](const char* reason) {
        if (error != nullptr) {
            *error = "strconv.ParseInt: parsing " + go_quote(text) + ": " + reason;
        }
        return false;
    };
    std::string_view digits = text;
    bool negative = false;
    if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
        negative = digits[0] == '-';
        digits.remove_prefix(1);
    }
    std::uint64_t magnitude = 0;
    switch (parse_go_uint(digits, magnitude)) {
        case NumResult::Syntax:
            return fail("invalid syntax");
        case NumResult::Range:
            return fail("value out of range");
        case NumResult::Ok:
            break;
    }
    constexpr std::uint64_t k_cutoff = std::uint64_t{1} << 63;
    if ((!negative && magnitude >= k_cutoff) || (negative && magnitude > k_cutoff)) {
        return fail("value out of range");
    }
    value = negative ? static_cast<long long>(0 - magnitude) : static_cast<long long>(magnitude);
    return true;
}

std::size_t rune_count(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++count) {
        char32_t rune = 0;
        const std::size_t length = decode_rune(text, i, rune);
        i += length == 0 ? 1 : length;
    }
    return count;
}

// ---- ParsedFlags ----

bool ParsedFlags::boolean(const std::string& name) const {
    const Entry& entry = lookup(*this, name);
    if (entry.def.kind == FlagDef::Kind::Bool) {
        return entry.value_bool;
    }
    bool value = false;
    return parse_go_bool(entry_text(entry), value) && value;
}

std::string ParsedFlags::string(const std::string& name) const {
    return entry_text(lookup(*this, name));
}

long long ParsedFlags::integer(const std::string& name) const {
    const Entry& entry = lookup(*this, name);
    if (entry.def.kind == FlagDef::Kind::Int) {
        return entry.value_int;
    }
    return go_atoi_or_zero(entry_text(entry));
}

std::vector<std::string> ParsedFlags::strings(const std::string& name) const {
    const Entry& entry = lookup(*this, name);
    if (entry.def.kind != FlagDef::Kind::StringSlice) {
        throw std::logic_error("flag is not a string slice: " + name);
    }
    return entry.value_slice;
}

bool ParsedFlags::is_set(const std::string& name) const {
    return lookup(*this, name).set;
}

// ---- parsing ----

std::vector<std::string> reorder_args(const std::vector<std::string>& args) {
    std::optional<std::size_t> first_flag;
    std::optional<std::size_t> terminator;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--") {
            terminator = i;
            break;
        }
        if (!first_flag && !args[i].empty() && args[i][0] == '-') {
            first_flag = i;
        }
    }
    if (!first_flag) {
        return args;
    }
    const std::size_t flags_end = terminator.value_or(args.size());
    std::vector<std::string> reordered(args.begin() + static_cast<std::ptrdiff_t>(*first_flag),
                                       args.begin() + static_cast<std::ptrdiff_t>(flags_end));
    reordered.insert(reordered.end(), args.begin(), args.begin() + static_cast<std::ptrdiff_t>(*first_flag));
    reordered.insert(reordered.end(), args.begin() + static_cast<std::ptrdiff_t>(flags_end), args.end());
    return reordered;
}

ParseResult parse_flags(const std::vector<FlagDef>& defs, const std::vector<std::string>& args,
                        bool reorder) {
    ParseResult result;
    ParsedFlags& flags = result.flags;
    const auto declare = [&](const FlagDef& def) {
        for (const auto& name : def.names) {
            if (!flags.index_by_name.emplace(name, flags.entries.size()).second) {
                throw std::logic_error("flag redefined: " + name);
            }
        }
        flags.entries.push_back(make_entry(def));
    };
    for (const auto& def : defs) {
        if (def.names.empty()) {
            throw std::logic_error("flag without a name");
        }
        declare(def);
    }

    // codegangsta appends its `help, h` flag to every flag set; it is removed from the entries afterwards.
    FlagDef help = builtin_bool({}, "show help");
    for (const char* name : {"help", "h"}) {
        if (flags.index_by_name.count(name) == 0) {
            help.names.emplace_back(name);
        }
    }
    const bool implicit_help = !help.names.empty();
    if (implicit_help) {
        declare(help);
    }

    FlagSetParser parser(flags, reorder ? reorder_args(args) : args);
    std::optional<FlagError> parse_error;
    try {
        parser.parse();
    } catch (const FlagError& error) {
        parse_error = error;
    }
    // Upstream checks the names seen so far for two forms before looking at the parse error.
    if (auto conflict = two_forms_error(flags.entries, parser.seen_names())) {
        throw FlagError(*conflict, FlagError::Kind::TwoForms);
    }
    if (parse_error) {
        throw *parse_error;
    }

    result.args = parser.remaining();
    // codegangsta's checkCommandHelp: c.Bool("h") || c.Bool("help").
    for (const char* name : {"help", "h"}) {
        const auto& entry = lookup(flags, name);
        result.help_requested =
            result.help_requested || (entry.def.kind == FlagDef::Kind::Bool && entry.value_bool);
    }
    if (implicit_help) {
        for (const auto& name : flags.entries.back().def.names) {
            flags.index_by_name.erase(name);
        }
        flags.entries.pop_back();
    }
    return result;
}

// ---- help ----

std::string render_flag_line(const FlagDef& def) {
    const std::string names = prefixed_names(def.names);
    std::string line;
    switch (def.kind) {
        case FlagDef::Kind::Bool:
            line = names + "\t" + def.usage;
            break;
        case FlagDef::Kind::String:
            line = def.default_string.empty() ? names + " \t" + def.usage
                                              : names + " \"" + def.default_string + "\"\t" + def.usage;
            break;
        case FlagDef::Kind::Int:
            line = names + " \"" + std::to_string(def.default_int) + "\"\t" + def.usage;
            break;
        case FlagDef::Kind::StringSlice: {
            const std::string first = prefixed_name(def.names.empty() ? std::string() : def.names.front());
            line = names + " [" + first + " option " + first + " option]\t" + def.usage;
            break;
        }
    }
    if (!def.env_var.empty()) {
        // withEnvHint: "A,B" renders as " [$A, $B]"
        line += " [$";
        const auto parts = split(def.env_var, ',');
        for (std::size_t i = 0; i < parts.size(); ++i) {
            line += (i > 0 ? ", $" : "") + parts[i];
        }
        line += "]";
    }
    return line;
}

std::string render_command_help(const CommandHelp& help) {
    std::string text = "Usage: docker-machine " + help.name + (help.flags.empty() ? "" : " [OPTIONS]") +
                       " [arg...]\n\n" + help.usage;
    if (!help.description.empty()) {
        text += "\n\nDescription:\n   " + help.description;
    }
    if (!help.flags.empty()) {
        text += "\n\nOptions:\n   ";
        for (const auto& flag : help.flags) {
            text += "\n   " + render_flag_line(flag);
        }
    }
    text += "\n";
    return tabwrite_help(text);
}

std::string render_app_help(const std::string& app_name, const std::string& storage_default,
                            const std::vector<FlagDef>& global_flags, const std::vector<AppCommand>& commands,
                            const std::string& version) {
    const auto has_name = [](const FlagDef& def, const std::string& wanted) {
        for (const auto& name : def.names) {
            if (name == wanted) {
                return true;
            }
        }
        return false;
    };

    std::vector<FlagDef> flags;
    for (const auto& def : global_flags) {
        if (has_name(def, "help") || has_name(def, "version")) {
            continue;
        }
        flags.push_back(def);
        if (!storage_default.empty() && has_name(def, "storage-path")) {
            flags.back().default_string = storage_default;
        }
    }
    flags.push_back(builtin_bool({"help", "h"}, "show help"));
    flags.push_back(builtin_bool({"version", "v"}, "print the version"));

    std::string text = "Usage: " + app_name + " [OPTIONS] COMMAND [arg...]\n\n" +
                       "Create and manage machines running Docker.\n\n" + "Version: " + version + "\n\n" +
                       "Author:\n  Docker Machine Contributors - <https://github.com/docker/machine>\n" +
                       "\nOptions:\n  ";
    for (const auto& flag : flags) {
        text += render_flag_line(flag) + "\n  ";
    }
    text += "\nCommands:\n  ";
    for (const auto& command : commands) {
        text += command.name + "\t" + command.usage + "\n  ";
    }
    text += "\nRun '" + app_name + " COMMAND --help' for more information on a command.\n";
    return tabwrite_help(text);
}

}  // namespace machine::cli
