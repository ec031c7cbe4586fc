// Entry point of the CLI: global flags, debug mode, dispatch to a command, and the single catch.

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/command.hpp"
#include "cli/commands.hpp"
#include "cli/create_failure.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/log.hpp"
#include "machine/machine_ssh.hpp"
#include "machine/version.hpp"

namespace machine::cli {
namespace {

std::string env_or_empty(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

std::string default_storage_path() {
    std::string from_env = env_or_empty("MACHINE_STORAGE_PATH");
    if (!from_env.empty()) {
        return from_env;
    }
    return go_path::join({env_or_empty("HOME"), ".docker", "machine"});
}

std::vector<FlagDef> global_flag_defs() {
    std::vector<FlagDef> defs;
    defs.push_back(bool_flag({"debug", "D"}, "Enable debug mode"));
    defs.push_back(string_flag({"storage-path", "s"}, "Configures storage path", default_storage_path(),
                               "MACHINE_STORAGE_PATH"));
    defs.push_back(string_flag({"tls-ca-cert"}, "CA to verify remotes against", "", "MACHINE_TLS_CA_CERT"));
    defs.push_back(
        string_flag({"tls-ca-key"}, "Private key to generate certificates", "", "MACHINE_TLS_CA_KEY"));
    defs.push_back(
        string_flag({"tls-client-cert"}, "Client cert to use for TLS", "", "MACHINE_TLS_CLIENT_CERT"));
    defs.push_back(
        string_flag({"tls-client-key"}, "Private key used in client TLS auth", "", "MACHINE_TLS_CLIENT_KEY"));
    defs.push_back(string_flag({"github-api-token"}, "Token to use for requests to the Github API", "",
                               "MACHINE_GITHUB_API_TOKEN"));
    defs.push_back(
        bool_flag({"native-ssh"}, "Use the native (Go-based) SSH implementation.", "MACHINE_NATIVE_SSH"));
    defs.push_back(string_flag({"bugsnag-api-token"}, "BugSnag API token for crash reporting", "",
                               "MACHINE_BUGSNAG_API_TOKEN"));
    FlagDef help = bool_flag({"help", "h"}, "show help");
    FlagDef version = bool_flag({"version", "v"}, "print the version");
    defs.push_back(help);
    defs.push_back(version);
    return defs;
}

std::string app_help(const std::string& app_name, const std::vector<std::unique_ptr<Command>>& commands) {
    std::vector<AppCommand> listed;
    for (const auto& command : commands) {
        if (!command->listed_in_app_help()) {
            continue;
        }
        listed.push_back({command->name(), command->usage()});
    }
    listed.push_back({"help", "Shows a list of commands or help for one command"});
    return render_app_help(app_name, default_storage_path(), global_flag_defs(), listed);
}

// Debug mode: any argv element equal to -D/--debug/-debug, overridden by a non-empty MACHINE_DEBUG.
void configure_debug(const std::vector<std::string>& argv) {
    bool debug = false;
    for (const auto& word : argv) {
        debug = debug || word == "-D" || word == "--debug" || word == "-debug";
    }
    std::string from_env = env_or_empty("MACHINE_DEBUG");
    if (!from_env.empty()) {
        if (!parse_go_bool(from_env, debug)) {
            throw Error("Error parsing boolean value from MACHINE_DEBUG: strconv.ParseBool: parsing \"" +
                        from_env + "\": invalid syntax");
        }
    }
    log::set_debug(debug);
}

Command* find_command(const std::vector<std::unique_ptr<Command>>& commands, const std::string& name) {
    for (const auto& command : commands) {
        if (command->name() == name) {
            return command.get();
        }
    }
    return nullptr;
}

[[noreturn]] void unknown_command(const Context& context, const std::string& name) {
    throw Error(context.app_name + ": '" + name + "' is not a " + context.app_name + " command. See '" +
                context.argv0 + " --help'.");
}

int run_command(Command& command, Context& context) {
    if (!command.parses_flags()) {
        return command.run(context, ParseResult{});
    }
    ParseResult parsed;
    try {
        parsed = parse_flags(command.flags(), context.command_args, /*reorder=*/true);
    } catch (const FlagError& error) {
        std::string first_line =
            error.kind() == FlagError::Kind::TwoForms ? error.what() : "Incorrect Usage.";
        std::cout << first_line << "\n\n" << command.help_text(context) << std::flush;
        log::error(error.what());
        return command.flag_error_exit_code();
    }
    if (parsed.help_requested) {
        std::cout << command.help_text(context) << std::flush;
        return 0;
    }
    return command.run(context, parsed);
}

int dispatch(Context& context, const std::vector<std::string>& args) {
    auto commands = make_commands();
    ParseResult globals;
    try {
        globals = parse_flags(global_flag_defs(), args, /*reorder=*/false);
    } catch (const FlagError& error) {
        std::cout << "Incorrect Usage.\n\n" << app_help(context.app_name, commands) << std::flush;
        log::error(error.what());
        return 0;
    }
    if (globals.flags.boolean("version")) {
        std::cout << context.app_name << " version " << k_version << ", build " << k_git_commit << "\n";
        return 0;
    }
    if (globals.help_requested || globals.flags.boolean("help") || globals.args.empty()) {
        std::cout << app_help(context.app_name, commands) << std::flush;
        return 0;
    }
    context.globals.storage_path = globals.flags.string("storage-path");
    context.globals.tls = {globals.flags.string("tls-ca-cert"), globals.flags.string("tls-ca-key"),
                           globals.flags.string("tls-client-cert"), globals.flags.string("tls-client-key")};
    context.globals.native_ssh = globals.flags.boolean("native-ssh");
    context.globals.github_api_token = globals.flags.string("github-api-token");
    context.globals.bugsnag_api_token = globals.flags.string("bugsnag-api-token");
    context.store = std::make_unique<Store>(context.globals.storage_path);

    std::string name = globals.args.front();
    context.command_args.assign(globals.args.begin() + 1, globals.args.end());
    if (name == "help" || name == "h") {
        if (context.command_args.empty()) {
            std::cout << app_help(context.app_name, commands) << std::flush;
            return 0;
        }
        const std::string& topic = context.command_args.front();
        if (topic == "help" || topic == "h") {
            std::cout << render_command_help(
                             {"help", "Shows a list of commands or help for one command", "", {}})
                      << std::flush;
            return 0;
        }
        Command* command = find_command(commands, topic);
        if (command == nullptr) {
            unknown_command(context, topic);
        }
        std::cout << command->Command::help_text(context) << std::flush;
        return 0;
    }
    Command* command = find_command(commands, name);
    if (command == nullptr) {
        unknown_command(context, name);
    }
    return run_command(*command, context);
}

}  // namespace

std::string Command::help_text(const Context& context) const {
    return render_command_help({name(), usage(), description_text(context), flags()});
}

std::vector<std::unique_ptr<Command>> make_commands() {
    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(make_active_command());
    commands.push_back(make_config_command());
    commands.push_back(make_create_command());
    commands.push_back(make_env_command());
    commands.push_back(make_inspect_command());
    commands.push_back(make_ip_command());
    commands.push_back(make_kill_command());
    commands.push_back(make_ls_command());
    commands.push_back(make_provision_command());
    commands.push_back(make_regenerate_certs_command());
    commands.push_back(make_restart_command());
    commands.push_back(make_rm_command());
    commands.push_back(make_ssh_command());
    commands.push_back(make_scp_command());
    commands.push_back(make_mount_command());
    commands.push_back(make_start_command());
    commands.push_back(make_status_command());
    commands.push_back(make_stop_command());
    commands.push_back(make_upgrade_command());
    commands.push_back(make_url_command());
    commands.push_back(make_version_command());
    commands.push_back(make_context_command());
    commands.push_back(make_export_command());
    commands.push_back(make_import_command());
    return commands;
}

FlagDef bool_flag(std::vector<std::string> names, std::string usage, std::string env_var) {
    FlagDef def;
    def.kind = FlagDef::Kind::Bool;
    def.names = std::move(names);
    def.usage = std::move(usage);
    def.env_var = std::move(env_var);
    return def;
}

FlagDef string_flag(std::vector<std::string> names, std::string usage, std::string default_value,
                    std::string env_var) {
    FlagDef def;
    def.kind = FlagDef::Kind::String;
    def.names = std::move(names);
    def.usage = std::move(usage);
    def.default_string = std::move(default_value);
    def.env_var = std::move(env_var);
    return def;
}

FlagDef int_flag(std::vector<std::string> names, std::string usage, long long default_value,
                 std::string env_var) {
    FlagDef def;
    def.kind = FlagDef::Kind::Int;
    def.names = std::move(names);
    def.usage = std::move(usage);
    def.default_int = default_value;
    def.env_var = std::move(env_var);
    return def;
}

FlagDef slice_flag(std::vector<std::string> names, std::string usage, std::string env_var) {
    FlagDef def;
    def.kind = FlagDef::Kind::StringSlice;
    def.names = std::move(names);
    def.usage = std::move(usage);
    def.env_var = std::move(env_var);
    return def;
}

int run(int argc, char** argv) {
    Context context;
    context.argv.assign(argv, argv + argc);
    context.argv0 = argc > 0 ? argv[0] : "docker-machine";
    context.app_name = go_path::base(context.argv0);
    // What needs OpenSSL to be released goes before exit: OpenSSL frees its locks in an exit handler, and a
    // libssh goodbye or a key still being generated after that crashed the process (SIGSEGV).
    struct ReleaseBeforeExit {
        ~ReleaseBeforeExit() {
            close_ssh_clients();
            cert::discard_prefetched_key();
        }
    } release_before_exit;
    try {
        configure_debug(context.argv);
        log::debug(std::string("Docker Machine Version:  ") + k_version + ", build " + k_git_commit);
        return dispatch(
            context, std::vector<std::string>(context.argv.begin() + (argc > 0 ? 1 : 0), context.argv.end()));
    } catch (const SilentExit& exit) {
        return exit.exit_code();
    } catch (const Error& error) {
        log::error(error.what());
        std::cerr << take_exit_notes() << std::flush;
        return error.exit_code();
    } catch (const std::exception& error) {
        log::error(error.what());
        std::cerr << take_exit_notes() << std::flush;
        return 1;
    }
}

}  // namespace machine::cli
