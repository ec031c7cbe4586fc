#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace machine::cli {
namespace {

class UrlCommand final : public Command {
public:
    std::string name() const override { return "url"; }
    std::string usage() const override { return "Get the URL of a machine"; }
    std::string description() const override { return "Argument is a machine name."; }
    int run(Context& context, const ParseResult& parsed) override {
        auto host = context.store->load(single_name_or_default(context, parsed.args));
        std::string url = host->driver->url();
        std::cout << url << "\n";
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_url_command() {
    return std::make_unique<UrlCommand>();
}

}  // namespace machine::cli
