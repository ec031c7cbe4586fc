#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "machine/error.hpp"
#include "machine/log.hpp"

namespace machine::cli {
namespace {

class IpCommand final : public Command {
public:
    std::string name() const override { return "ip"; }
    std::string usage() const override { return "Get the IP address of a machine"; }
    std::string description() const override { return "Argument(s) are one or more machine names."; }
    int run(Context& context, const ParseResult& parsed) override {
        run_action(context, names_or_default(context, parsed.args), [](Host& host) {
            try {
                log::info(host.driver->ip());
            } catch (const Error& error) {
                throw Error(std::string("Error getting IP address: ") + error.what());
            }
        });
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_ip_command() {
    return std::make_unique<IpCommand>();
}

}  // namespace machine::cli
