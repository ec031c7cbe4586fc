#pragma once

// The CLI layer: one Command subclass per docker-machine command, each in its own file.

#include <memory>
#include <string>
#include <vector>

#include "cli/flags.hpp"
#include "machine/config_codec.hpp"
#include "machine/store.hpp"

namespace machine::cli {

struct GlobalOptions {
    std::string storage_path;
    TlsPathOverrides tls;
    bool native_ssh = false;
    std::string github_api_token;
    std::string bugsnag_api_token;
};

// What every command gets: the store, the global options and the raw command line.
struct Context {
    std::string app_name;                   // basename(argv[0])
    std::string argv0;                      // argv[0] as typed
    std::vector<std::string> argv;          // the whole command line, argv[0] included
    std::vector<std::string> command_args;  // what followed the command name
    GlobalOptions globals;
    std::unique_ptr<Store> store;
};

class Command {
public:
    virtual ~Command() = default;
    [[nodiscard]] virtual std::string name() const = 0;
    [[nodiscard]] virtual std::string usage() const = 0;
    [[nodiscard]] virtual std::string description() const { return ""; }
    // The description as help shows it; create's mentions argv[0].
    [[nodiscard]] virtual std::string description_text(const Context& /*context*/) const {
        return description();
    }
    [[nodiscard]] virtual std::vector<FlagDef> flags() const { return {}; }
    // Commands that take their arguments raw (ssh; create parses in two passes) override this to false.
    [[nodiscard]] virtual bool parses_flags() const { return true; }
    // Exit code of a flag-parse error: 0 for every command but create (cli.md §1.3).
    [[nodiscard]] virtual int flag_error_exit_code() const { return 0; }
    // Commands added beyond upstream (issue 11) are left out of `docker-machine --help`, which stays
    // byte-identical to upstream's; `docker-machine help NAME` and NAME --help still show them.
    [[nodiscard]] virtual bool listed_in_app_help() const { return true; }
    // Runs the command; throws machine::Error to fail. Returns the exit code.
    virtual int run(Context& context, const ParseResult& parsed) = 0;
    // The help text; create overrides it to list the driver's flags.
    [[nodiscard]] virtual std::string help_text(const Context& context) const;
};

// All commands, in the order `docker-machine --help` lists them.
[[nodiscard]] std::vector<std::unique_ptr<Command>> make_commands();

// Runs the CLI on argv; returns the exit code. The one place that catches machine::Error.
int run(int argc, char** argv);

// Flag definition helpers for command files.
FlagDef bool_flag(std::vector<std::string> names, std::string usage, std::string env_var = "");
FlagDef string_flag(std::vector<std::string> names, std::string usage, std::string default_value = "",
                    std::string env_var = "");
FlagDef int_flag(std::vector<std::string> names, std::string usage, long long default_value,
                 std::string env_var = "");
FlagDef slice_flag(std::vector<std::string> names, std::string usage, std::string env_var = "");

}  // namespace machine::cli
