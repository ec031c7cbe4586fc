// libFuzzer target for the Go-compatible flag parser and the tab-writer: the input is split on NUL bytes into
// arguments, parsed against a fixed flag table with and without reordering; FlagError is an expected outcome.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/flags.hpp"
#include "machine/go_quote.hpp"
#include "machine/natural_sort.hpp"

namespace {

using machine::cli::FlagDef;

std::vector<FlagDef> fuzz_defs() {
    std::vector<FlagDef> defs(5);
    defs[0].kind = FlagDef::Kind::Bool;
    defs[0].names = {"quiet", "q"};
    defs[1].kind = FlagDef::Kind::StringSlice;
    defs[1].names = {"filter"};
    defs[2].kind = FlagDef::Kind::Int;
    defs[2].names = {"timeout", "t"};
    defs[2].default_int = 10;
    defs[3].kind = FlagDef::Kind::String;
    defs[3].names = {"format", "f"};
    defs[4].kind = FlagDef::Kind::String;
    defs[4].names = {"driver", "d"};
    defs[4].default_string = "virtualbox";
    return defs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::vector<FlagDef> defs = fuzz_defs();
    const std::string input(reinterpret_cast<const char*>(data), size);

    std::vector<std::string> args;
    std::size_t start = 0;
    while (start <= input.size()) {
        const auto end = input.find('\0', start);
        if (end == std::string::npos) {
            args.push_back(input.substr(start));
            break;
        }
        args.push_back(input.substr(start, end - start));
        start = end + 1;
    }

    for (const bool reorder : {false, true}) {
        try {
            const auto result = machine::cli::parse_flags(defs, args, reorder);
            (void)result.flags.integer("t");
            (void)result.flags.strings("filter");
            (void)result.flags.string("format");
        } catch (const machine::cli::FlagError& error) {
            if (error.what()[0] == '\0') {
                __builtin_trap();  // every parse error has Go's text
            }
        }
    }

    // The same bytes as tab-writer input and as names to sort.
    (void)machine::cli::tabwrite_help(input);
    (void)machine::cli::tabwrite_table(input);
    (void)machine::go_quote(input);
    machine::natural_sort(args);
    return 0;
}
