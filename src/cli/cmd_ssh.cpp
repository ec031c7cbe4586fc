#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/machine_ssh.hpp"

namespace machine::cli {
namespace {

class SshCommand final : public Command {
public:
    std::string name() const override { return "ssh"; }
    std::string usage() const override { return "Log into or run a command on a machine with SSH."; }
    std::string description() const override { return "Arguments are [machine-name] [command]"; }
    bool parses_flags() const override { return false; }

    int run(Context& context, const ParseResult&) override {
        const auto& args = context.command_args;
        if (!args.empty() && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help")) {
            print_help(*this, context);
            return 0;
        }
        std::string name = args.empty() ? names_or_default(context, {}).front() : args.front();
        auto host = context.store->load(name);
        State state = host->driver->state();
        if (state != State::Running) {
            throw Error("Error: Cannot run SSH command: Host " + go_quote(host->name) + " is not running");
        }
        std::vector<std::string> remote_args;
        if (args.size() > 1) {
            remote_args.assign(args.begin() + 1, args.end());
        }
        int status = ssh_client(*host->driver).run_interactive(remote_args);
        if (status != 0) {
            // Upstream reports the remote status as an error and exits 1.
            throw Error(ssh_client_kind() == ssh::ClientKind::Native
                            ? "Process exited with status " + std::to_string(status)
                            : "exit status " + std::to_string(status));
        }
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_ssh_command() {
    return std::make_unique<SshCommand>();
}

}  // namespace machine::cli
