#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "machine/connection.hpp"
#include "machine/docker_api.hpp"
#include "machine/error.hpp"
#include "machine/version.hpp"

namespace machine::cli {
namespace {

constexpr auto k_docker_api_timeout = std::chrono::seconds(30);

class VersionCommand final : public Command {
public:
    std::string name() const override { return "version"; }
    std::string usage() const override {
        return "Show the Docker Machine version or a machine docker version";
    }
    int run(Context& context, const ParseResult& parsed) override {
        if (parsed.args.empty()) {
            std::cout << context.app_name << " version " << k_version << ", build " << k_git_commit << "\n";
            return 0;
        }
        if (parsed.args.size() > 1) {
            throw Error("Error: Expected one machine name as an argument");
        }
        auto host = context.store->load(parsed.args.front());
        try {
            std::string url = host->driver->url();
            std::cout << docker_api::server_version(url, tls_client_files(*host), k_docker_api_timeout)
                      << "\n";
        } catch (const Error& error) {
            throw Error(std::string("Unable to query docker version: ") + error.what());
        }
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_version_command() {
    return std::make_unique<VersionCommand>();
}

}  // namespace machine::cli
