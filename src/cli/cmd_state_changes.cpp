// start, stop, kill and restart: state transitions through runAction (cli.md §1.10).

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/provision.hpp"

namespace machine::cli {
namespace {

constexpr const char* k_multi_description = "Argument(s) are one or more machine names.";

class StartCommand final : public Command {
public:
    std::string name() const override { return "start"; }
    std::string usage() const override { return "Start a machine"; }
    std::string description() const override { return k_multi_description; }
    int run(Context& context, const ParseResult& parsed) override {
        run_action(context, names_or_default(context, parsed.args), [&](Host& host) {
            transition_start(host);
            wait_for_docker(host, context.globals.native_ssh);
        });
        log::info(
            "Started machines may have new IP addresses. You may need to re-run the `docker-machine env` "
            "command.");
        return 0;
    }
};

class StopCommand final : public Command {
public:
    std::string name() const override { return "stop"; }
    std::string usage() const override { return "Stop a machine"; }
    std::string description() const override { return k_multi_description; }
    int run(Context& context, const ParseResult& parsed) override {
        run_action(context, names_or_default(context, parsed.args),
                   [](Host& host) { transition_stop(host); });
        return 0;
    }
};

class KillCommand final : public Command {
public:
    std::string name() const override { return "kill"; }
    std::string usage() const override { return "Kill a machine"; }
    std::string description() const override { return k_multi_description; }
    int run(Context& context, const ParseResult& parsed) override {
        run_action(context, names_or_default(context, parsed.args),
                   [](Host& host) { transition_kill(host); });
        return 0;
    }
};

class RestartCommand final : public Command {
public:
    std::string name() const override { return "restart"; }
    std::string usage() const override { return "Restart a machine"; }
    std::string description() const override { return k_multi_description; }
    int run(Context& context, const ParseResult& parsed) override {
        run_action(context, names_or_default(context, parsed.args), [&](Host& host) {
            log::info("Restarting " + go_quote(host.name) + "...");
            State state = host.driver->state();
            if (state == State::Stopped) {
                transition_start(host);
            } else if (state == State::Running) {
                host.driver->restart();
                wait_for_machine_state(host, State::Running);
            } else {
                return;
            }
            wait_for_docker(host, context.globals.native_ssh);
        });
        log::info(
            "Restarted machines may have new IP addresses. You may need to re-run the `docker-machine env` "
            "command.");
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_start_command() {
    return std::make_unique<StartCommand>();
}
std::unique_ptr<Command> make_stop_command() {
    return std::make_unique<StopCommand>();
}
std::unique_ptr<Command> make_kill_command() {
    return std::make_unique<KillCommand>();
}
std::unique_ptr<Command> make_restart_command() {
    return std::make_unique<RestartCommand>();
}

}  // namespace machine::cli
