#include <chrono>
#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "machine/connection.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/health.hpp"
#include "machine/log.hpp"
#include "machine/shell_env.hpp"

namespace machine::cli {
namespace {

std::string env_value(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? "" : value;
}

// Which NO_PROXY variable to set and its current value (lower-case wins when set).
std::pair<std::string, std::string> no_proxy_variable() {
    std::string lower = env_value("no_proxy");
    if (!lower.empty()) {
        return {"no_proxy", lower};
    }
    return {"NO_PROXY", env_value("NO_PROXY")};
}

class EnvCommand final : public Command {
public:
    std::string name() const override { return "env"; }
    std::string usage() const override {
        return "Display the commands to set up the environment for the Docker client";
    }
    std::string description() const override { return "Argument is a machine name."; }
    std::vector<FlagDef> flags() const override {
        return {
            bool_flag({"swarm"}, "Display the Swarm config instead of the Docker daemon"),
            string_flag(
                {"shell"},
                "Force environment to be configured for a specified shell: [fish, cmd, powershell, tcsh, "
                "emacs], default is auto-detect"),
            bool_flag({"unset", "u"}, "Unset variables instead of setting them"),
            bool_flag({"no-proxy"}, "Add machine IP to NO_PROXY environment variable"),
        };
    }

    int run(Context& context, const ParseResult& parsed) override {
        log::set_info_to_stderr(true);  // stdout is eval-ed
        bool unset = parsed.flags.boolean("unset");
        bool no_proxy = parsed.flags.boolean("no-proxy");
        std::string output;
        std::string shell;
        if (unset) {
            if (!parsed.args.empty()) {
                throw Error("Error: Expected no machine name when the -u flag is present");
            }
            shell = resolve_shell(parsed.flags.string("shell"));
            shell::LineFormat format = shell::unset_format(shell);
            for (const char* variable :
                 {"DOCKER_TLS_VERIFY", "DOCKER_HOST", "DOCKER_CERT_PATH", "DOCKER_MACHINE_NAME"}) {
                output += format.prefix + variable + format.delimiter + format.suffix;
            }
            if (no_proxy) {
                // Upstream prints the current value after the name here (e.g. "unset NO_PROXYlocalhost").
                auto [variable, value] = no_proxy_variable();
                output += format.prefix + variable + format.delimiter + value + format.suffix;
            }
        } else {
            std::string name = single_name_or_default(context, parsed.args);
            auto host = context.store->load(name);
            std::string url;
            try {
                url = check_connection(*host, parsed.flags.boolean("swarm"));
            } catch (const Error& error) {
                throw Error(std::string("Error checking TLS connection: ") + error.what());
            }
            for (const auto& warning :
                 health::certificate_expiry_warnings({host.get()}, std::chrono::system_clock::now())) {
                log::error(warning);  // stdout is eval-ed
            }
            shell = resolve_shell(parsed.flags.string("shell"));
            auto line = [&](const std::string& variable, const std::string& value) {
                output += shell::set_line(shell, variable, value);  // escaped: the store path may hold "$`
            };
            line("DOCKER_TLS_VERIFY", "1");
            line("DOCKER_HOST", url);
            line("DOCKER_CERT_PATH", go_path::join({context.store->machines_dir(), host->name}));
            line("DOCKER_MACHINE_NAME", host->name);
            if (no_proxy) {
                std::string ip;
                try {
                    ip = host->driver->ip();
                } catch (const Error& error) {
                    throw Error(std::string("Error getting host IP: ") + error.what());
                }
                auto [variable, value] = no_proxy_variable();
                if (value.empty()) {
                    value = ip;
                } else if (value.find(ip) == std::string::npos) {
                    value += "," + ip;
                }
                line(variable, value);
            }
        }
        std::cout << output << shell::usage_hint(shell, context.argv) << std::flush;
        return 0;
    }

private:
    static std::string resolve_shell(const std::string& forced) {
        if (!forced.empty()) {
            return forced;
        }
        std::string detected = shell::detect_from_environment();
        if (detected.empty()) {
            std::cout
                << "The default lines below are for a sh/bash shell, you can specify the shell you're using, "
                   "with the --shell flag.\n\n"
                << std::flush;
            throw Error("Error: Unknown shell");
        }
        return detected;
    }
};

}  // namespace

std::unique_ptr<Command> make_env_command() {
    return std::make_unique<EnvCommand>();
}

}  // namespace machine::cli
