#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/machine_context.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/swarm.hpp"

namespace machine::cli {
namespace {

class RmCommand final : public Command {
public:
    std::string name() const override { return "rm"; }
    std::string usage() const override { return "Remove a machine"; }
    std::string description() const override { return "Argument(s) are one or more machine names."; }
    std::vector<FlagDef> flags() const override {
        return {
            bool_flag(
                {"force", "f"},
                "Remove local configuration even if machine cannot be removed, also implies an automatic yes "
                "(`-y`)"),
            bool_flag(
                {"y"},
                "Assumes automatic yes to proceed with remove, without prompting further user confirmation"),
        };
    }

    int run(Context& context, const ParseResult& parsed) override {
        if (parsed.args.empty()) {
            print_help(*this, context);
            throw Error("Error: Expected to get one or more machine names as arguments");
        }
        bool force = parsed.flags.boolean("force");
        std::string names;
        for (const auto& name : parsed.args) {
            names += (names.empty() ? "" : ", ") + name;
        }
        log::info("About to remove " + names);
        log::info("WARNING: This action will delete both local reference and remote instance.");
        if (!force && !parsed.flags.boolean("y")) {
            try {
                if (!confirm("Are you sure? (y/n): ")) {
                    return 0;
                }
            } catch (const Error&) {
                return 0;  // upstream treats any read error as "no"
            }
        }
        std::vector<std::string> errors;
        auto report = [&](const std::string& message) {
            if (force) {
                log::error(message);
            } else {
                errors.push_back(message);
            }
        };
        for (const auto& name : parsed.args) {
            bool removed_remote = remove_remote(context, name, report);
            if (!removed_remote && !force) {
                continue;
            }
            auto lock = context.store->lock_machine(name);
            if (!context.store->exists(name)) {
                report("Can't remove " + go_quote(name));
                continue;
            }
            context.store->remove(name);
            log::info("Successfully removed " + name);
            remove_machine_docker_context(context, name);  // issue 11: the context `context create` wrote
        }
        if (!errors.empty()) {
            std::string joined;
            for (const auto& error : errors) {
                joined += (joined.empty() ? "" : "\n") + error;
            }
            throw Error(joined);
        }
        return 0;
    }

private:
    template <typename Report>
    static bool remove_remote(Context& context, const std::string& name, Report& report) {
        try {
            auto lock = context.store->lock_machine(name);
            auto host = context.store->load(name);
            for (const auto& warning : swarm::leave(*host)) {
                log::error(warning);
            }
            host->driver->remove();
            return true;
        } catch (const Error& error) {
            report("Error removing host " + go_quote(name) + ": " + error.what());
            return false;
        }
    }
};

}  // namespace

std::unique_ptr<Command> make_rm_command() {
    return std::make_unique<RmCommand>();
}

}  // namespace machine::cli
