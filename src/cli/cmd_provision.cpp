// provision, regenerate-certs and upgrade: re-running parts of provisioning on existing machines.

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/log.hpp"
#include "machine/provision.hpp"

namespace machine::cli {
namespace {

constexpr const char* k_multi_description = "Argument(s) are one or more machine names.";

class ProvisionCommand final : public Command {
public:
    std::string name() const override { return "provision"; }
    std::string usage() const override { return "Re-provision existing machines"; }
    int run(Context& context, const ParseResult& parsed) override {
        run_action(context, names_or_default(context, parsed.args), [&](Host& host) {
            reprovision_host(host, context.globals.native_ssh, /*with_swarm=*/true);
        });
        return 0;
    }
};

class RegenerateCertsCommand final : public Command {
public:
    std::string name() const override { return "regenerate-certs"; }
    std::string usage() const override { return "Regenerate TLS Certificates for a machine"; }
    std::string description() const override { return k_multi_description; }
    std::vector<FlagDef> flags() const override {
        return {
            bool_flag({"force", "f"}, "Force rebuild and do not prompt"),
            bool_flag({"client-certs"}, "Also regenerate client certificates and CA."),
        };
    }
    int run(Context& context, const ParseResult& parsed) override {
        // Upstream asks before it looks at the arguments.
        if (!parsed.flags.boolean("force") &&
            !confirm("Regenerate TLS machine certs?  Warning: this is irreversible. (y/n): ")) {
            return 0;
        }
        auto names = names_or_default(context, parsed.args);
        log::info("Regenerating TLS certificates");
        bool client_certs = parsed.flags.boolean("client-certs");
        run_action(context, names, [&](Host& host) {
            if (client_certs) {
                log::info("Regenerating local certificates");
                auto certs_lock = context.store->lock_certs();
                const AuthOptions& auth = host.options.auth;
                cert::bootstrap_certificates({auth.cert_dir, auth.ca_cert_path, auth.ca_private_key_path,
                                              auth.client_cert_path, auth.client_key_path});
            }
            reprovision_host(host, context.globals.native_ssh, /*with_swarm=*/false);
        });
        return 0;
    }
};

class UpgradeCommand final : public Command {
public:
    std::string name() const override { return "upgrade"; }
    std::string usage() const override { return "Upgrade a machine to the latest version of Docker"; }
    std::string description() const override { return k_multi_description; }
    int run(Context& context, const ParseResult& parsed) override {
        run_action(context, names_or_default(context, parsed.args),
                   [&](Host& host) { upgrade_host(host, context.globals.native_ssh); });
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_provision_command() {
    return std::make_unique<ProvisionCommand>();
}
std::unique_ptr<Command> make_regenerate_certs_command() {
    return std::make_unique<RegenerateCertsCommand>();
}
std::unique_ptr<Command> make_upgrade_command() {
    return std::make_unique<UpgradeCommand>();
}

}  // namespace machine::cli
