// `docker-machine context create|rm MACHINE...` (issue 11): Docker CLI contexts for machines.

#include <filesystem>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/machine_context.hpp"
#include "machine/atomic_file.hpp"
#include "machine/connection.hpp"
#include "machine/docker_context.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/log.hpp"

namespace machine::cli {
namespace {

// The ownership marker written into the context: the store's absolute path.
std::string store_marker(const Context& context) {
    std::error_code error;
    auto absolute = std::filesystem::weakly_canonical(context.store->root(), error);
    return error ? context.store->root() : absolute.string();
}

void create_context(Context& context, const std::string& name) {
    auto host = context.store->load(name);
    std::string url = check_connection(*host, /*swarm=*/false);
    const std::string dir = context.store->machine_dir(name);
    docker_context::ContextSpec spec;
    spec.name = name;
    spec.docker_host = url;
    spec.description = "docker-machine " + name;
    spec.machine_store = store_marker(context);
    spec.ca_pem = read_file(go_path::join({dir, "ca.pem"}));
    spec.cert_pem = read_file(go_path::join({dir, "cert.pem"}));
    spec.key_pem = read_file(go_path::join({dir, "key.pem"}));
    docker_context::write_context(docker_context::docker_config_dir(), spec);
    log::info("Docker context " + name + " points to " + url + ": use `docker --context " + name +
              "` or `docker context use " + name + "`");
}

void remove_context(Context& context, const std::string& name) {
    switch (
        docker_context::remove_context(docker_context::docker_config_dir(), name, store_marker(context))) {
        case docker_context::RemoveOutcome::Removed:
            log::info("Removed Docker context " + name);
            return;
        case docker_context::RemoveOutcome::NotFound:
            throw Error("No Docker context " + name + " made by docker-machine");
        case docker_context::RemoveOutcome::NotOurs:
            throw Error("Docker context " + name +
                        " was not created by docker-machine for this store; left alone (docker context rm " +
                        name + " removes it)");
    }
}

class ContextCommand final : public Command {
public:
    std::string name() const override { return "context"; }
    std::string usage() const override { return "Write or remove the Docker CLI context of machines"; }
    std::string description() const override {
        return "context create MACHINE... writes (or refreshes) a Docker CLI context named after each "
               "machine, "
               "with its URL and TLS certificates, in $DOCKER_CONFIG (default ~/.docker): then `docker "
               "--context "
               "MACHINE` and `docker context use MACHINE` work. context rm MACHINE... removes it again (rm "
               "does "
               "too). Only contexts written by docker-machine are replaced or removed.";
    }
    bool listed_in_app_help() const override { return false; }

    int run(Context& context, const ParseResult& parsed) override {
        if (parsed.args.empty() || (parsed.args[0] != "create" && parsed.args[0] != "rm")) {
            print_help(*this, context);
            throw Error("Error: Expected \"create\" or \"rm\" followed by machine names");
        }
        std::vector<std::string> names(parsed.args.begin() + 1, parsed.args.end());
        names = names_or_default(context, names);
        std::string errors;
        for (const auto& name : names) {
            try {
                if (parsed.args[0] == "create") {
                    create_context(context, name);
                } else {
                    remove_context(context, name);
                }
            } catch (const Error& error) {
                errors += (errors.empty() ? "" : "\n") + std::string(error.what());
            }
        }
        if (!errors.empty()) {
            throw Error(errors);
        }
        return 0;
    }
};

}  // namespace

void remove_machine_docker_context(const Context& context, const std::string& name) {
    try {
        if (docker_context::remove_context(docker_context::docker_config_dir(), name,
                                           store_marker(context)) == docker_context::RemoveOutcome::Removed) {
            log::info("Removed Docker context " + name);
        }
    } catch (const std::exception& error) {
        log::error("Could not remove the Docker context " + name + ": " + error.what());
    }
}

void refresh_machine_docker_context(Context& context, const std::string& name) {
    try {
        if (!docker_context::is_ours(docker_context::docker_config_dir(), name, store_marker(context))) {
            return;
        }
        create_context(context, name);
    } catch (const std::exception& error) {
        log::error("Could not refresh the Docker context " + name + ": " + error.what());
    }
}

std::unique_ptr<Command> make_context_command() {
    return std::make_unique<ContextCommand>();
}

}  // namespace machine::cli
