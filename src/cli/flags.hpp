#pragma once

// Go `flag` + codegangsta/cli compatible flag parsing and help rendering (reference/cli.md §1.5, §1.6).
// CLI11 cannot express Go's rules (single-dash long names, `Cannot use two forms of the same flag`, argument
// reordering, help layout through text/tabwriter), so the CLI layer parses with this small module instead.

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace machine::cli {

struct FlagDef {
    enum class Kind { Bool, String, Int, StringSlice };
    Kind kind = Kind::Bool;
    std::vector<std::string> names;  // declaration order, e.g. {"timeout", "t"}; names[0] is the key
    std::string usage;
    std::string env_var;  // "" when none
    std::string default_string;
    long long default_int = 0;
    std::vector<std::string> default_slice;  // slices: never shown in help
    // env_var may list several variables separated by `,` (codegangsta: the first non-empty one is used).
};

class ParsedFlags {
public:
    // Lookups by any of the flag's names; a name that was never declared throws std::logic_error.
    // Scalars convert the way codegangsta's lookups do (string() of an int flag is its decimal text,
    // integer() of a string flag is its Atoi value or 0, boolean() of a string flag is its ParseBool value or
    // false); strings() of a non-slice flag throws std::logic_error. A slice starts as the env list (when its
    // env var is non-empty) or default_slice, and command-line values are appended to it.
    [[nodiscard]] bool boolean(const std::string& name) const;
    [[nodiscard]] std::string string(const std::string& name) const;
    [[nodiscard]] long long integer(const std::string& name) const;
    [[nodiscard]] std::vector<std::string> strings(const std::string& name) const;
    // True when given on the command line (env defaults do not count).
    [[nodiscard]] bool is_set(const std::string& name) const;

    struct Entry {
        FlagDef def;
        bool set = false;
        bool value_bool = false;
        std::string value_string;
        long long value_int = 0;
        std::vector<std::string> value_slice;
    };
    std::vector<Entry> entries;
    std::map<std::string, std::size_t> index_by_name;
};

// A Go-style parse error; what() is the text Go prints (e.g. "flag provided but not defined: -bogus").
class FlagError : public std::runtime_error {
public:
    enum class Kind { Generic, TwoForms };
    FlagError(const std::string& message, Kind kind = Kind::Generic)
        : std::runtime_error(message), m_kind(kind) {}
    [[nodiscard]] Kind kind() const noexcept { return m_kind; }

private:
    Kind m_kind;
};

struct ParseResult {
    ParsedFlags flags;
    std::vector<std::string> args;  // positional arguments left after parsing
    bool help_requested = false;    // -h / --help / -help given (implicit flag, never listed in help)
};

// codegangsta's argument reordering (cli.md §1.5 steps 1-3): args[firstFlag:terminator] + the words before
// firstFlag + args[terminator:]. args does not include the command name.
[[nodiscard]] std::vector<std::string> reorder_args(const std::vector<std::string>& args);

// Parses args (not including the command name) against defs. Env-var defaults are applied first
// (cli.md §1.5). With `reorder`, codegangsta's argument reordering is done first (all commands but create's
// first pass and ssh). Go stops at the first non-flag word or after `--`. Throws FlagError.
// An implicit bool flag `help, h` is declared after defs (unless defs declare those names); it takes part in
// the "two forms" check (`-h --help` is that error) and `-h=false` leaves help_requested false. Like
// codegangsta, a "two forms" conflict among the flags seen before a parse error is reported instead of that
// error. A name declared twice throws std::logic_error (Go panics).
[[nodiscard]] ParseResult parse_flags(const std::vector<FlagDef>& defs, const std::vector<std::string>& args,
                                      bool reorder);

// One help line for a flag, before tab-alignment, e.g. `--timeout, -t "10"\tTimeout in seconds ...`.
[[nodiscard]] std::string render_flag_line(const FlagDef& def);

struct CommandHelp {
    std::string name;         // "ls"
    std::string usage;        // "List machines"
    std::string description;  // "" when none
    std::vector<FlagDef> flags;
};
// `docker-machine <cmd> --help` text, tab-aligned (cli.md §1.6), ends with "\n".
[[nodiscard]] std::string render_command_help(const CommandHelp& help);

struct AppCommand {
    std::string name;
    std::string usage;
};
// `docker-machine --help` text (cli.md §1.6). app_name is basename(argv[0]). storage_default (when non-empty)
// replaces the default shown for the `storage-path` flag. Flags named `help` or `version` in global_flags are
// skipped: codegangsta always lists its own `--help, -h` then `--version, -v` last.
[[nodiscard]] std::string render_app_help(const std::string& app_name, const std::string& storage_default,
                                          const std::vector<FlagDef>& global_flags,
                                          const std::vector<AppCommand>& commands,
                                          const std::string& version = "0.16.2, build bd45ab13");

// Go text/tabwriter with flags 0 (no AlignRight, DiscardEmptyColumns, ...): cells end at '\t' or '\v', lines
// at '\n' or '\f'; text after the last tab of a line is not part of a column; widths count runes; text
// between two '\xff' (tabwriter.Escape) is one unsplittable run whose escapes are kept but not counted.
struct TabwriterOptions {
    int minwidth = 0;
    int tabwidth = 8;
    int padding = 1;
    char padchar = '\t';
};
[[nodiscard]] std::string tabwrite(std::string_view text, const TabwriterOptions& options);

// Go text/tabwriter, help flavour (minwidth 0, tabwidth 8, padding 1, pad TAB).
[[nodiscard]] std::string tabwrite_help(const std::string& text);
// Go text/tabwriter, `ls` flavour (minwidth 5, tabwidth 1, padding 3, pad SPACE).
[[nodiscard]] std::string tabwrite_table(const std::string& text);

// Go's strconv.ParseBool.
[[nodiscard]] bool parse_go_bool(const std::string& text, bool& value);

// Go's strconv.ParseInt(text, 0, 64): base from the prefix (0x/0X hex, 0b/0B binary, 0o/0O or a bare leading
// 0 octal) and `_` digit separators, as Go >= 1.13. On failure returns false and, when `error` is not null,
// stores Go's text, e.g. `strconv.ParseInt: parsing "abc": invalid syntax` or `...: value out of range`.
[[nodiscard]] bool parse_go_int(const std::string& text, long long& value, std::string* error = nullptr);

// Go's utf8.RuneCountInString: each byte of an invalid sequence counts as one rune.
[[nodiscard]] std::size_t rune_count(std::string_view text);

}  // namespace machine::cli
