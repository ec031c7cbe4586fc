// Arch Linux: docker from pacman (the install URL is ignored).

#include "machine/log.hpp"
#include "provision/provisioner.hpp"

namespace machine::provision {
namespace {

class ArchProvisioner final : public Provisioner {
public:
    using Provisioner::Provisioner;

    std::string name() const override { return "arch"; }

    void service(const std::string& service_name, ServiceAction action) override {
        systemd_service(service_name, action);
    }

    void package(const std::string& package_name, PackageAction action) override {
        bool install = action == PackageAction::Install || action == PackageAction::Upgrade;
        std::string name = package_name == "docker-engine" ? "docker" : package_name;
        log::debug("package: name=" + name);
        ssh_command(std::string("sudo -E pacman ") + (install ? "-Sy" : "-R") +
                    " --noconfirm --noprogressbar " + name);
    }

    void provision(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine) override {
        begin(swarm, auth, engine);
        m_engine.storage_driver = decide_storage_driver("overlay2", engine.storage_driver);
        // Arch does not come with sudo by default.
        ssh_command("if ! type sudo; then pacman -Sy --noconfirm --noprogressbar sudo; fi");
        set_hostname(machine_name());
        package("curl", PackageAction::Install);
        package("docker", PackageAction::Install);
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

std::unique_ptr<Provisioner> make_arch_provisioner(const ProvisionEnv& env, const OsRelease& release) {
    return std::make_unique<ArchProvisioner>(env, release);
}

}  // namespace machine::provision
