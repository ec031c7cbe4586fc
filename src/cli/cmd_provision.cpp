// provision, regenerate-certs and upgrade: re-running parts of provisioning on existing machines.

#include <algorithm>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/machine_context.hpp"
#include "machine/cert.hpp"
#include "machine/cert_renewal.hpp"
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
            bool_flag({"certs-only"},
                      "Only replace the certificates and restart the Docker daemon (no other "
                      "provisioning step; containers and daemon settings are kept)"),
            bool_flag({"renew-ca"},
                      "Make a new CA and client certificate now, even if they have not expired "
                      "(the old ones are kept in the store's certs/previous/)"),
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
        bool certs_only = parsed.flags.boolean("certs-only");
        if (parsed.flags.boolean("renew-ca")) {
            renew_ca(context, names);
            client_certs = false;  // just made
        }
        run_action(context, names, [&](Host& host) {
            if (certs_only) {
                if (client_certs) {
                    bootstrap(context, host);
                }
                rotate_host_certificates(host, context.globals.native_ssh);
                return;
            }
            if (client_certs) {
                bootstrap(context, host);
            }
            reprovision_host(host, context.globals.native_ssh, /*with_swarm=*/false);
        });
        for (const auto& name : names) {
            refresh_machine_docker_context(context, name);
        }
        return 0;
    }

private:
    static void bootstrap(Context& context, const Host& host) {
        log::info("Regenerating local certificates");
        auto certs_lock = context.store->lock_certs();
        const AuthOptions& auth = host.options.auth;
        cert::bootstrap_certificates({auth.cert_dir, auth.ca_cert_path, auth.ca_private_key_path,
                                      auth.client_cert_path, auth.client_key_path});
    }

    // --renew-ca (issue 11): a new CA and client certificate before the machines get their server
    // certificates; machines of the store not named here keep certificates of the old CA until regenerated.
    static void renew_ca(Context& context, const std::vector<std::string>& names) {
        auto first = context.store->load(names.front());
        const AuthOptions& auth = first->options.auth;
        {
            log::info("Renewing the CA and client certificates");
            auto certs_lock = context.store->lock_certs();
            cert::renew_ca_and_client_certificate({auth.cert_dir, auth.ca_cert_path, auth.ca_private_key_path,
                                                   auth.client_cert_path, auth.client_key_path});
        }
        std::string others;
        for (const auto& name : context.store->list_names()) {
            if (std::find(names.begin(), names.end(), name) == names.end()) {
                others += " " + name;
            }
        }
        if (!others.empty()) {
            log::error(
                "Warning: the CA was renewed; these machines keep certificates of the previous CA until "
                "you run: " +
                context.argv0 + " regenerate-certs -f" + others);
        }
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
