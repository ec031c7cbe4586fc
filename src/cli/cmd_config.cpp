#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "machine/connection.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"

namespace machine::cli {
namespace {

class ConfigCommand final : public Command {
public:
    std::string name() const override { return "config"; }
    std::string usage() const override { return "Print the connection config for machine"; }
    std::string description() const override { return "Argument is a machine name."; }
    std::vector<FlagDef> flags() const override {
        return {bool_flag({"swarm"}, "Display the Swarm config instead of the Docker daemon")};
    }
    int run(Context& context, const ParseResult& parsed) override {
        log::set_info_to_stderr(true);  // stdout is meant to be used by scripts
        // Extra arguments are ignored, as upstream does.
        std::string name = names_or_default(context, parsed.args).front();
        auto host = context.store->load(name);
        std::string url;
        try {
            url = check_connection(*host, parsed.flags.boolean("swarm"));
        } catch (const Error& error) {
            throw Error(std::string("Error running connection boilerplate: ") + error.what());
        }
        std::string machine_dir = context.store->machine_dir(host->name);
        std::cout << "--tlsverify\n"
                  << "--tlscacert=" << go_quote(go_path::join({machine_dir, "ca.pem"})) << "\n"
                  << "--tlscert=" << go_quote(go_path::join({machine_dir, "cert.pem"})) << "\n"
                  << "--tlskey=" << go_quote(go_path::join({machine_dir, "key.pem"})) << "\n"
                  << "-H=" << url << "\n";
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_config_command() {
    return std::make_unique<ConfigCommand>();
}

}  // namespace machine::cli
