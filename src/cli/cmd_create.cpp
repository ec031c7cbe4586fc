// `create`: two-pass flag parsing (the driver decides the flags), then the create flow of cli.md §3.3.1.

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <regex>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/create_failure.hpp"
#include "machine/cert.hpp"
#include "machine/connection.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/health.hpp"
#include "machine/log.hpp"
#include "machine/provision.hpp"
#include "machine/swarm.hpp"

namespace machine::cli {
namespace {

constexpr int k_pre_create_exit_code = 3;

std::vector<FlagDef> shared_create_flags() {
    return {
        string_flag({"driver", "d"}, "Driver to create machine with.", "virtualbox", "MACHINE_DRIVER"),
        string_flag({"engine-install-url"}, "Custom URL to use for engine installation",
                    "https://get.docker.com", "MACHINE_DOCKER_INSTALL_URL"),
        slice_flag({"engine-opt"},
                   "Specify arbitrary flags to include with the created engine in the form flag=value"),
        slice_flag({"engine-insecure-registry"},
                   "Specify insecure registries to allow with the created engine"),
        slice_flag({"engine-registry-mirror"}, "Specify registry mirrors to use", "ENGINE_REGISTRY_MIRROR"),
        slice_flag({"engine-label"}, "Specify labels for the created engine"),
        string_flag({"engine-storage-driver"}, "Specify a storage driver to use with the engine"),
        slice_flag({"engine-env"}, "Specify environment variables to set in the engine"),
        bool_flag({"swarm"}, "Configure Machine to join a Swarm cluster"),
        string_flag({"swarm-image"}, "Specify Docker image to use for Swarm", "swarm:latest",
                    "MACHINE_SWARM_IMAGE"),
        bool_flag({"swarm-master"}, "Configure Machine to be a Swarm master"),
        string_flag({"swarm-discovery"}, "Discovery service to use with Swarm"),
        string_flag({"swarm-strategy"}, "Define a default scheduling strategy for Swarm", "spread"),
        slice_flag({"swarm-opt"}, "Define arbitrary flags for Swarm master"),
        slice_flag({"swarm-join-opt"}, "Define arbitrary flags for Swarm join"),
        string_flag({"swarm-host"}, "ip/socket to listen on for Swarm master", "tcp://0.0.0.0:3376"),
        string_flag({"swarm-addr"}, "addr to advertise for Swarm (default: detect and use the machine IP)"),
        bool_flag({"swarm-experimental"}, "Enable Swarm experimental features"),
        bool_flag(
            {"swarm-standalone"},
            "Run the legacy standalone Swarm containers (swarm image, discovery service) instead of swarm "
            "mode"),
        slice_flag({"tls-san"}, "Support extra SANs for TLS certs"),
    };
}

FlagDef to_flag_def(const FlagSpec& spec) {
    FlagDef def;
    def.names = {spec.name};
    def.usage = spec.usage;
    def.env_var = spec.env_var;
    switch (spec.kind) {
        case FlagSpec::Kind::Bool:
            def.kind = FlagDef::Kind::Bool;
            break;
        case FlagSpec::Kind::String:
            def.kind = FlagDef::Kind::String;
            def.default_string = spec.default_string;
            break;
        case FlagSpec::Kind::Int:
            def.kind = FlagDef::Kind::Int;
            def.default_int = spec.default_int;
            break;
        case FlagSpec::Kind::StringSlice:
            def.kind = FlagDef::Kind::StringSlice;
            // Driver slice defaults apply only when the flag is absent; they are never shown.
            break;
    }
    return def;
}

// First pass: the driver name from the raw arguments, $MACHINE_DRIVER, or virtualbox.
std::string driver_name_from_args(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if ((word == "-d" || word == "--driver") && i + 1 < args.size()) {
            return args[i + 1];
        }
        for (const char* prefix : {"-d=", "--driver="}) {
            if (word.rfind(prefix, 0) == 0) {
                return word.substr(std::string(prefix).size());
            }
        }
    }
    const char* from_env = std::getenv("MACHINE_DRIVER");
    return from_env != nullptr && *from_env != '\0' ? from_env : "virtualbox";
}

// cli.md §3.3.2: declared defaults for every driver flag, then parsed values (slices only when given).
FlagValues driver_flag_values(const std::vector<FlagSpec>& driver_flags, const ParsedFlags& parsed) {
    FlagValues values = default_flag_values(driver_flags);
    for (const auto& entry : parsed.entries) {
        const std::string& name = entry.def.names.front();
        switch (entry.def.kind) {
            case FlagDef::Kind::Bool:
                values.set(name, entry.value_bool);
                break;
            case FlagDef::Kind::String:
                values.set(name, entry.value_string);
                break;
            case FlagDef::Kind::Int:
                values.set(name, entry.value_int);
                break;
            case FlagDef::Kind::StringSlice:
                if (entry.set) {
                    values.set(name, entry.value_slice);
                }
                break;
        }
    }
    return values;
}

std::string go_slice(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i == 0 ? "" : " ") + items[i];
    }
    return out + "]";
}

class CreateCommand final : public Command {
public:
    std::string name() const override { return "create"; }
    std::string usage() const override { return "Create a machine"; }
    std::string description_text(const Context& context) const override { return description_for(context); }
    std::vector<FlagDef> flags() const override { return shared_create_flags(); }
    bool parses_flags() const override { return false; }
    int flag_error_exit_code() const override { return 1; }

    std::string help_text(const Context& context) const override {
        CommandHelp help{name(), usage(), description_text(context), m_all_flags};
        return render_command_help(help);
    }

    int run(Context& context, const ParseResult&) override {
        std::string driver_name = driver_name_from_args(context.command_args);
        // The flag-lookup driver: its only job is to list its flags (an unknown driver fails here).
        // A plugin started here is stopped again before the machine's own one starts.
        std::vector<FlagSpec> driver_flags = make_driver(driver_name, "flag-lookup", "")->create_flags();
        m_all_flags = shared_create_flags();
        for (const auto& spec : driver_flags) {
            m_all_flags.push_back(to_flag_def(spec));
        }
        std::stable_sort(m_all_flags.begin(), m_all_flags.end(), [](const FlagDef& a, const FlagDef& b) {
            return render_flag_line(a) < render_flag_line(b);
        });

        ParseResult parsed;
        try {
            parsed = parse_flags(m_all_flags, context.command_args, /*reorder=*/true);
        } catch (const FlagError& error) {
            std::string first_line =
                error.kind() == FlagError::Kind::TwoForms ? error.what() : "Incorrect Usage.";
            std::cout << first_line << "\n\n" << help_text(context) << std::flush;
            throw Error(error.what());
        }
        if (parsed.help_requested) {
            std::cout << help_text(context) << std::flush;
            return 0;
        }
        return create(context, parsed, driver_name, driver_flags);
    }

private:
    static std::string description_for(const Context& context) {
        return "Run '" + context.argv0 +
               " create --driver name --help' to include the create flags for that driver in the help text.";
    }

    int create(Context& context, const ParseResult& parsed, const std::string& driver_name,
               const std::vector<FlagSpec>& driver_flags) {
        const ParsedFlags& flags = parsed.flags;
        if (parsed.args.size() > 1) {
            throw Error("Invalid command line. Found extra arguments " +
                        go_slice({parsed.args.begin() + 1, parsed.args.end()}));
        }
        if (parsed.args.empty()) {
            std::cout << help_text(context) << std::flush;
            throw Error("Error: No machine name specified");
        }
        const std::string& name = parsed.args.front();
        if (!is_valid_machine_name(name)) {
            throw Error(
                "Error creating machine: Invalid hostname specified. Allowed hostname chars are: 0-9a-zA-Z . "
                "-");
        }
        std::string discovery = flags.string("swarm-discovery");
        static const std::regex k_discovery_pattern("[^:]*://.*");
        if (!discovery.empty() && !std::regex_search(discovery, k_discovery_pattern)) {
            throw Error("Error parsing swarm discovery: Swarm Discovery URL was in the wrong format: " +
                        discovery);
        }

        Store& store = *context.store;
        std::unique_ptr<Driver> driver;
        try {
            driver = make_driver(driver_name, name, store.root());
        } catch (const Error& error) {
            throw Error(std::string("Error getting new host: ") + error.what());
        }
        // Held until the end: a concurrent create of the same name waits here, then finds it exists.
        auto lock = store.lock_machine(name);
        if (store.exists(name)) {
            throw Error("Docker machine " + go_quote(name) + " already exists");
        }
        auto host = store.new_host(name, std::move(driver), context.globals.tls);
        apply_host_options(*host, flags);
        if (swarm::uses_swarm_mode(host->options.swarm)) {
            warn_about_standalone_flags(flags);
        }
        try {
            host->driver->set_config_from_flags(driver_flag_values(driver_flags, flags));
        } catch (const Error& error) {
            throw Error(std::string("Error setting machine configuration from flags provided: ") +
                        error.what());
        }

        try {
            auto certs_lock = store.lock_certs();
            const AuthOptions& auth = host->options.auth;
            cert::bootstrap_certificates({auth.cert_dir, auth.ca_cert_path, auth.ca_private_key_path,
                                          auth.client_cert_path, auth.client_key_path});
        } catch (const Error& error) {
            throw Error(std::string("Error generating certificates: ") + error.what());
        }

        check_swarm_mode_target(store, *host);

        for (const auto& warning : health::store_permission_warnings(store)) {
            log::error(warning);
        }
        log::info("Running pre-create checks...");
        try {
            host->driver->pre_create_check();
        } catch (const Error& error) {
            throw Error("Error with pre-create check: " + go_quote(error.what()), k_pre_create_exit_code);
        }
        try {
            store.save(*host);
        } catch (const Error& error) {
            throw Error(std::string("Error saving host to store before attempting creation: ") +
                        error.what());
        }

        CreateFailureNotice failure_notice(context.argv0, name);  // issue 11: the clean-up hint on failure
        log::info("Creating machine...");
        try {
            host->driver->create();
        } catch (const Error& error) {
            throw Error(std::string("Error creating machine: Error in driver during machine creation: ") +
                        error.what());
        }
        try {
            store.save(*host);
        } catch (const Error& error) {
            throw Error(
                std::string(
                    "Error creating machine: Error saving host to store after attempting creation: ") +
                error.what());
        }

        if (needs_provisioning(host->driver_name)) {
            provision_new_host(*host, context.globals.native_ssh);
            try {
                store.save(*host);
            } catch (const Error& error) {
                throw Error(std::string("Error attempting to save store: ") + error.what());
            }
        }
        failure_notice.dismiss();
        log::info(
            "To see how to connect your Docker Client to the Docker Engine running on this virtual machine, "
            "run: " +
            context.argv0 + " env " + name);
        return 0;
    }

    static void apply_host_options(Host& host, const ParsedFlags& flags) {
        EngineOptions& engine = host.options.engine;
        engine.arbitrary_flags = flags.strings("engine-opt");
        engine.env = flags.strings("engine-env");
        engine.insecure_registry = flags.strings("engine-insecure-registry");
        engine.labels = flags.strings("engine-label");
        engine.registry_mirror = flags.strings("engine-registry-mirror");
        engine.storage_driver = flags.string("engine-storage-driver");
        engine.tls_verify = true;
        engine.install_url = flags.string("engine-install-url");

        SwarmOptions& swarm = host.options.swarm;
        swarm.is_swarm = flags.boolean("swarm") || flags.boolean("swarm-master");
        swarm.image = flags.string("swarm-image");
        swarm.agent = flags.boolean("swarm");
        swarm.master = flags.boolean("swarm-master");
        swarm.discovery = flags.string("swarm-discovery");
        swarm.address = flags.string("swarm-addr");
        swarm.host = flags.string("swarm-host");
        swarm.strategy = flags.string("swarm-strategy");
        swarm.arbitrary_flags = flags.strings("swarm-opt");
        swarm.arbitrary_join_flags = flags.strings("swarm-join-opt");
        swarm.is_experimental = flags.boolean("swarm-experimental");
        // A host that is not provisioned (driver none) has no swarm step: its options are only recorded, as
        // upstream did.
        swarm.swarm_mode =
            swarm.is_swarm && !flags.boolean("swarm-standalone") && needs_provisioning(host.driver_name);
        if (swarm.swarm_mode && swarm.master && swarm.discovery.empty()) {
            // Recorded so that workers naming machine://<master> share its discovery: ls's SWARM column
            // and `--filter swarm=` group machines by discovery.
            swarm.discovery = "machine://" + host.name;
        }

        host.options.auth.server_cert_sans = flags.strings("tls-san");
    }

    // Swarm mode: flags only the standalone containers use are named, and the manager to join must exist
    // and be a manager before anything is created.
    static void warn_about_standalone_flags(const ParsedFlags& flags) {
        for (const char* flag : {"swarm-image", "swarm-strategy", "swarm-opt", "swarm-join-opt", "swarm-host",
                                 "swarm-experimental"}) {
            if (flags.is_set(flag)) {
                log::error(
                    std::string("Warning: --") + flag +
                    " is only used by the standalone Swarm containers (--swarm-standalone); swarm mode "
                    "ignores it");
            }
        }
    }

    static void check_swarm_mode_target(const Store& store, const Host& host) {
        const SwarmOptions& options = host.options.swarm;
        if (!swarm::uses_swarm_mode(options) || swarm::initialises_swarm(options, host.name)) {
            return;
        }
        if (options.discovery.empty()) {
            throw Error(
                "Error with swarm discovery: --swarm needs --swarm-discovery machine://NAME (or "
                "tcp://HOST:PORT) naming a manager of the swarm to join");
        }
        try {
            (void)swarm::find_manager(store, options.discovery, tls_client_files(host));
        } catch (const Error& error) {
            throw Error(std::string("Error with swarm discovery: ") + error.what());
        }
    }

    std::vector<FlagDef> m_all_flags = shared_create_flags();
};

}  // namespace

std::unique_ptr<Command> make_create_command() {
    return std::make_unique<CreateCommand>();
}

}  // namespace machine::cli
