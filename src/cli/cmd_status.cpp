#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "machine/error.hpp"

namespace machine::cli {
namespace {

class StatusCommand final : public Command {
public:
    std::string name() const override { return "status"; }
    std::string usage() const override { return "Get the status of a machine"; }
    std::string description() const override { return "Argument is a machine name."; }
    int run(Context& context, const ParseResult& parsed) override {
        auto host = context.store->load(single_name_or_default(context, parsed.args));
        State state{};
        try {
            state = host->driver->state();
        } catch (const Error& error) {
            throw Error("error getting state for host " + host->name + ": " + error.what());
        }
        std::cout << state_name(state) << "\n";
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_status_command() {
    return std::make_unique<StatusCommand>();
}

}  // namespace machine::cli
