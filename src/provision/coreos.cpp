// CoreOS (Container Linux): docker is part of the OS; only the daemon drop-in and certificates are set up.

#include "machine/log.hpp"
#include "provision/provisioner.hpp"
#include "provision/version_compare.hpp"

namespace machine::provision {
namespace {

class CoreOsProvisioner final : public Provisioner {
public:
    using Provisioner::Provisioner;

    std::string name() const override { return "coreOS"; }

    void service(const std::string& service_name, ServiceAction action) override {
        systemd_service(service_name, action);
    }

    void package(const std::string& /*package_name*/, PackageAction /*action*/) override {}

    void provision(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine) override {
        begin(swarm, auth, engine);
        set_hostname(machine_name());
        make_docker_options_dir();
        set_remote_auth_options();
        configure_auth();
        configure_swarm_if_wanted();
    }

protected:
    void set_hostname(const std::string& hostname) override {
        log::debug("SetHostname: " + hostname);
        ssh_command("sudo tee /var/tmp/hostname.yml << EOF\n#cloud-config\n\nhostname: " + hostname +
                    "\nEOF\n");
        ssh_command("sudo systemctl start system-cloudinit@var-tmp-hostname.yml.service");
    }

    DockerOptions generate_docker_options(int docker_port) override {
        EngineConfigContext context = engine_config_context(docker_port);
        std::string daemon_argument = version_less_than(docker_client_version(), "1.12.0") ? "daemon" : "";
        return {render_coreos_drop_in(context, daemon_argument),
                "/etc/systemd/system/docker.service.d/10-machine.conf"};
    }
};

}  // namespace

std::unique_ptr<Provisioner> make_coreos_provisioner(const ProvisionEnv& env, const OsRelease& release) {
    return std::make_unique<CoreOsProvisioner>(env, release);
}

}  // namespace machine::provision
