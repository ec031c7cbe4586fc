// RancherOS: docker runs as a system service; options in /var/lib/rancher/conf/docker.

#include "machine/error.hpp"
#include "machine/log.hpp"
#include "provision/provisioner.hpp"
#include "provision/shell_safety.hpp"

namespace machine::provision {
namespace {

constexpr const char* k_default_install_url = "https://get.docker.com";

class RancherOsProvisioner final : public Provisioner {
public:
    using Provisioner::Provisioner;

    std::string name() const override { return "rancheros"; }
    std::string docker_options_dir() const override { return "/var/lib/rancher/conf"; }

    void service(const std::string& service_name, ServiceAction action) override {
        ssh_command("sudo system-docker " + std::string(service_action_name(action)) + " " + service_name);
    }

    void package(const std::string& package_name, PackageAction action) override {
        if (package_name == "docker" && action == PackageAction::Upgrade) {
            upgrade_os();
            return;
        }
        std::string rancher_action = "enabled";
        if (action == PackageAction::Remove || action == PackageAction::Purge) {
            rancher_action = "disable";
        } else if (action == PackageAction::Upgrade) {
            rancher_action = "upgrade";
        }
        ssh_command("sudo rancherctl service " + rancher_action + " " + package_name);
    }

    void provision(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine) override {
        begin(swarm, auth, engine);
        if (m_engine.storage_driver.empty()) {
            m_engine.storage_driver = "overlay";
        } else if (m_engine.storage_driver != "overlay") {
            throw Error("Unsupported storage driver: " + m_engine.storage_driver);
        }
        set_hostname(machine_name());
        if (m_engine.install_url != k_default_install_url) {
            log::debug("Selecting docker engine: " + m_engine.install_url);
            try {
                ssh_command("wget -O- " + shell_word(m_engine.install_url) + " | sh -");
            } catch (const Error& error) {
                // Upstream's SSH layer returns an empty output with the error.
                throw Error(std::string("error selecting docker: (") + error.what() + ") ");
            }
        }
        set_remote_auth_options();
        configure_auth();
        configure_swarm_if_wanted();
    }

protected:
    void set_hostname(const std::string& hostname) override {
        // /etc/hosts is bind-mounted from Docker: rewrite it in place rather than letting sed -i replace it.
        ssh_command("sed /127.0.1.1/d /etc/hosts > /tmp/hosts && cat /tmp/hosts | sudo tee /etc/hosts");
        Provisioner::set_hostname(hostname);
        ssh_command(
            "sudo mkdir -p /var/lib/rancher/conf/cloud-config.d/  \n"
            "sudo tee /var/lib/rancher/conf/cloud-config.d/machine-hostname.yml << EOF\n"
            "#cloud-config\n\nhostname: " +
            hostname + "\nEOF\n");
    }

    DockerOptions generate_docker_options(int docker_port) override {
        return {render_docker_opts_file(engine_config_context(docker_port)), "/var/lib/rancher/conf/docker"};
    }

private:
    void upgrade_os() {
        if (m_env.driver.driver_name() == "virtualbox") {
            throw Error("upgrading the RancherOS ISO of a VirtualBox machine is not supported yet");
        }
        log::info("Running upgrade");
        ssh_command("sudo rancherctl os upgrade -f --no-reboot");
        log::info("Upgrade succeeded, rebooting");
        // The connection closes under the command: its outcome does not matter.
        try {
            (void)ssh_result("sudo reboot");
        } catch (const Error& error) {
            log::debug(std::string("reboot: ") + error.what());
        }
        if (m_env.reset_ssh) {
            m_env.reset_ssh();
        }
    }
};

}  // namespace

std::unique_ptr<Provisioner> make_rancheros_provisioner(const ProvisionEnv& env, const OsRelease& release) {
    return std::make_unique<RancherOsProvisioner>(env, release);
}

}  // namespace machine::provision
