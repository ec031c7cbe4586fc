// boot2docker: docker comes with the ISO; options in /var/lib/boot2docker/profile.

#include <chrono>

#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/net.hpp"
#include "provision/provisioner.hpp"

namespace machine::provision {
namespace {

constexpr int k_engine_default_port = 2376;

constexpr const char* k_unreachable_warning = R"(
This machine has been allocated an IP address, but Docker Machine could not
reach it successfully.

SSH for the machine should still work, but connecting to exposed ports, such as
the Docker daemon port (usually <ip>:2376), may not work properly.

You may need to add the route manually, or use another related workaround.

This could be due to a VPN, proxy, or host file configuration issue.

You also might want to clear any VirtualBox host only interfaces you are not using.)";

class Boot2DockerProvisioner final : public Provisioner {
public:
    using Provisioner::Provisioner;

    std::string name() const override { return "boot2docker"; }
    std::string docker_options_dir() const override { return "/var/lib/boot2docker"; }

    void service(const std::string& service_name, ServiceAction action) override {
        ssh_command("sudo /etc/init.d/" + service_name + " " + std::string(service_action_name(action)));
    }

    void package(const std::string& package_name, PackageAction action) override {
        if (package_name == "docker" && action == PackageAction::Upgrade) {
            // Upstream stops the machine, refreshes the boot2docker ISO and starts it again (§6, §8).
            throw Error("upgrading the boot2docker ISO is not supported yet");
        }
    }

    void provision(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine) override {
        begin(swarm, auth, engine);
        m_engine.storage_driver = decide_storage_driver("overlay2", engine.storage_driver);
        set_hostname(machine_name());
        // The ISO starts docker itself: wait for it before reconfiguring.
        wait_for_daemon_port(k_engine_default_port);
        make_docker_options_dir();
        set_remote_auth_options();
        configure_auth();
        configure_swarm_if_wanted();
        warn_if_daemon_unreachable();
    }

protected:
    void set_hostname(const std::string& hostname) override {
        ssh_command("sudo /usr/bin/sethostname " + hostname + " && echo " + go_quote(hostname) +
                    " | sudo tee /var/lib/boot2docker/etc/hostname");
    }

    DockerOptions generate_docker_options(int docker_port) override {
        return {render_boot2docker_profile(engine_config_context(docker_port)),
                "/var/lib/boot2docker/profile"};
    }

private:
    void warn_if_daemon_unreachable() {
        std::string ip;
        try {
            ip = m_env.driver.ip();
        } catch (const Error& error) {
            log::warn(std::string("Could not get IP address for created machine: ") + error.what());
            return;
        }
        if (!net::tcp_reachable(ip, k_engine_default_port, std::chrono::seconds(5))) {
            log::warn(k_unreachable_warning);
        }
    }
};

}  // namespace

std::unique_ptr<Provisioner> make_boot2docker_provisioner(const ProvisionEnv& env, const OsRelease& release) {
    return std::make_unique<Boot2DockerProvisioner>(env, release);
}

}  // namespace machine::provision
