// SUSE (SLES, SLED, openSUSE): docker from zypper (the install URL is ignored).

#include <algorithm>
#include <cctype>

#include "machine/error.hpp"
#include "machine/log.hpp"
#include "provision/provisioner.hpp"

namespace machine::provision {
namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

class SuseProvisioner final : public Provisioner {
public:
    using Provisioner::Provisioner;

    std::string name() const override { return "SUSE"; }

    void service(const std::string& service_name, ServiceAction action) override {
        systemd_service(service_name, action);
    }

    void package(const std::string& package_name, PackageAction action) override {
        std::string zypper_action;
        switch (action) {
            case PackageAction::Install:
                // Skipping installed packages avoids a slow refresh of every repository's metadata.
                if (ssh_result("rpm -q " + package_name).exit_status == 0) {
                    log::debug(package_name + " is already installed, skipping operation");
                    return;
                }
                zypper_action = "in";
                break;
            case PackageAction::Upgrade:
                zypper_action = "up";
                break;
            case PackageAction::Remove:
            case PackageAction::Purge:
                zypper_action = "rm";
                break;
        }
        ssh_command("sudo -E zypper -n " + zypper_action + " " + package_name);
    }

    void provision(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine) override {
        begin(swarm, auth, engine);
        // The filesystem of /var/lib/docker (or /var/lib) decides the default storage driver.
        std::string filesystem;
        ssh::CommandResult probe = ssh_result("stat -f -c %T /var/lib/docker");
        if (probe.exit_status == 0) {
            filesystem = probe.output;
        } else {
            filesystem = ssh_command("stat -f -c %T /var/lib/");
        }
        std::string default_driver = filesystem.find("btrfs") != std::string::npos ? "btrfs" : "overlay";
        m_engine.storage_driver = decide_storage_driver(default_driver, engine.storage_driver);

        set_hostname(machine_name());
        if (lower(m_os_release.id).rfind("opensuse", 0) != 0) {
            // SLE: the containers module has the docker packages.
            try {
                ssh_command("sudo -E SUSEConnect -p sle-module-containers/12/$(uname -m) -r ''");
            } catch (const Error& error) {
                throw Error(
                    std::string(
                        "Error while adding the 'containers' module, make sure this machine is registered "
                        "either against SUSE Customer Center (SCC) or to a local Subscription Management "
                        "Tool (SMT): ") +
                    error.what());
            }
        }
        package("curl", PackageAction::Install);
        package("docker", PackageAction::Install);
        // Machine replaces the distribution's docker unit, whose binaries have other names.
        ssh_command("yes no | sudo -E ln -si /usr/sbin/runc /usr/sbin/docker-runc");
        ssh_command("sudo -E ln -sf /usr/sbin/containerd /usr/sbin/docker-containerd");
        ssh_command("sudo -E ln -sf /usr/sbin/containerd-shim /usr/sbin/docker-containerd-shim");
        if (ssh_result("rpm -q yast2-firewall").exit_status == 0) {
            ssh_command("sudo -E /sbin/yast2 firewall services add ipprotocol=tcp tcpport=2376 zone=EXT");
        }
        service("docker", ServiceAction::Start);
        wait_for_docker_responding();
        set_remote_auth_options();
        configure_auth();
        configure_swarm_if_wanted();
        service("docker", ServiceAction::Enable);
    }

protected:
    DockerOptions generate_docker_options(int docker_port) override {
        EngineConfigContext context = engine_config_context(docker_port);
        std::string daemon_command = systemd_daemon_command(/*probe_client_version=*/true);
        return {render_systemd_drop_in(context, daemon_command),
                "/etc/systemd/system/docker.service.d/10-machine.conf"};
    }
};

}  // namespace

std::unique_ptr<Provisioner> make_suse_provisioner(const ProvisionEnv& env, const OsRelease& release) {
    return std::make_unique<SuseProvisioner>(env, release);
}

}  // namespace machine::provision
