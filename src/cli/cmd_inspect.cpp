#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/host_list.hpp"
#include "cli/machine_json.hpp"
#include "machine/config_codec.hpp"
#include "machine/error.hpp"
#include "machine/template.hpp"
#include "machine/template_json.hpp"

namespace machine::cli {
namespace {

class InspectCommand final : public Command {
public:
    std::string name() const override { return "inspect"; }
    std::string usage() const override { return "Inspect information about a machine"; }
    std::string description() const override { return "Argument is a machine name."; }
    std::vector<FlagDef> flags() const override {
        return {
            string_flag({"format", "f"}, "Format the output using the given go template."),
            bool_flag({"state"},
                      "Add the machine's live state (State, URL, IP, DockerVersion, Error, certificate "
                      "expiry) as the \"Live\" object"),
        };
    }
    int run(Context& context, const ParseResult& parsed) override {
        if (parsed.args.size() > 1) {
            print_help(*this, context);
            throw Error("Error: Expected one machine name as an argument");
        }
        std::shared_ptr<Host> host = context.store->load(single_name_or_default(context, parsed.args));
        std::string json = encode_host(*host);
        if (parsed.flags.boolean("state")) {
            // Issue 11: the live state as `ls` queries it (10 s timeout), added under "Live".
            auto items = query_hosts({host}, std::chrono::seconds(10));
            json = inspect_with_live_state(*host, json, items.front());
        }
        std::string format = parsed.flags.string("format");
        if (format.empty()) {
            std::cout << json << "\n";
            return 0;
        }
        tmpl::Template compiled = [&] {
            try {
                return tmpl::Template::parse(format, /*with_json_functions=*/true);
            } catch (const tmpl::ParseError& error) {
                throw Error(std::string("template parsing error: ") + error.what());
            }
        }();
        std::string partial;
        try {
            std::cout << compiled.execute(tmpl::from_json_text(json), &partial) << "\n";
        } catch (const tmpl::ExecError& error) {
            std::cout << partial << std::flush;
            throw Error(error.what());
        }
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_inspect_command() {
    return std::make_unique<InspectCommand>();
}

}  // namespace machine::cli
