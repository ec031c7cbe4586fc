// redhat, centos, fedora and ol: every remote command runs on a pseudo-terminal (sudo's requiretty).

#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "provision/provisioner.hpp"

namespace machine::provision {
namespace {

class RedHatProvisioner final : public Provisioner {
public:
    RedHatProvisioner(const ProvisionEnv& env, const OsRelease& release, std::string display_name)
        : Provisioner(env, release), m_display_name(std::move(display_name)) {}

    std::string name() const override { return m_display_name; }

    void service(const std::string& service_name, ServiceAction action) override {
        systemd_service(service_name, action);
    }

    void package(const std::string& package_name, PackageAction action) override {
        std::string yum_action = "install";
        if (action == PackageAction::Remove || action == PackageAction::Purge) {
            yum_action = "remove";
        } else if (action == PackageAction::Upgrade) {
            yum_action = "upgrade";
        }
        ssh_command("sudo -E yum " + yum_action + " -y " + package_name);
    }

    void provision(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine) override {
        begin(swarm, auth, engine);
        m_engine.storage_driver = decide_storage_driver("overlay2", engine.storage_driver);
        set_hostname(machine_name());
        package("curl", PackageAction::Install);
        // Update the OS for the packages docker needs and the right kernel.
        ssh_command("sudo -E yum -y update -x docker-*");
        install_docker_generic(m_engine.install_url);
        service("docker", ServiceAction::Restart);
        service("docker", ServiceAction::Enable);
        wait_for_docker_responding();
        make_docker_options_dir();
        set_remote_auth_options();
        configure_auth();
        configure_swarm_if_wanted();
    }

protected:
    bool uses_tty() const override { return true; }

    void set_hostname(const std::string& hostname) override {
        ssh_command("sudo hostname " + hostname + " && echo " + go_quote(hostname) +
                    " | sudo tee /etc/hostname");
        ssh_command("if grep -xq 127.0.1.1.* /etc/hosts; then sudo sed -i 's/^127.0.1.1.*/127.0.1.1 " +
                    hostname + "/g' /etc/hosts; else echo '127.0.1.1 " + hostname +
                    "' | sudo tee -a /etc/hosts; fi");
    }

    DockerOptions generate_docker_options(int docker_port) override {
        EngineConfigContext context = engine_config_context(docker_port);
        std::string daemon_command = systemd_daemon_command(/*probe_client_version=*/false);
        return {render_systemd_drop_in(context, daemon_command),
                "/etc/systemd/system/docker.service.d/10-machine.conf"};
    }

private:
    std::string m_display_name;
};

}  // namespace

std::unique_ptr<Provisioner> make_redhat_provisioner(const ProvisionEnv& env, const OsRelease& release,
                                                     const std::string& display_name) {
    return std::make_unique<RedHatProvisioner>(env, release, display_name);
}

}  // namespace machine::provision
