// ubuntu(systemd), debian and ubuntu(upstart): the apt-based provisioners.

#include "machine/log.hpp"
#include "provision/provisioner.hpp"

namespace machine::provision {
namespace {

constexpr const char* k_systemd_drop_in_path = "/etc/systemd/system/docker.service.d/10-machine.conf";

// ubuntu(systemd) and debian differ only in the docker package name, debian's sudo bootstrap and the
// "Installing Docker..." line.
class SystemdAptProvisioner final : public Provisioner {
public:
    SystemdAptProvisioner(const ProvisionEnv& env, const OsRelease& release, bool is_debian)
        : Provisioner(env, release), m_is_debian(is_debian) {}

    std::string name() const override { return m_is_debian ? "debian" : "ubuntu(systemd)"; }

    void service(const std::string& service_name, ServiceAction action) override {
        systemd_service(service_name, action);
    }

    void package(const std::string& package_name, PackageAction action) override {
        std::string apt_action = "install";
        bool update_metadata = true;
        if (action == PackageAction::Remove) {
            apt_action = "remove";
            update_metadata = false;
        } else if (action == PackageAction::Purge) {
            apt_action = "purge";
            update_metadata = false;
        }
        std::string name = package_name;
        if (name == "docker") {
            name = m_is_debian ? "docker-engine" : "docker-ce";
        }
        if (update_metadata) {
            run_with_apt_lock_retry("sudo apt-get update");
        }
        log::debug("package: action=" + apt_action + " name=" + name);
        run_with_apt_lock_retry("DEBIAN_FRONTEND=noninteractive sudo -E apt-get " + apt_action + " -y  " +
                                name);
    }

    void provision(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine) override {
        begin(swarm, auth, engine);
        m_engine.storage_driver = decide_storage_driver("overlay2", engine.storage_driver);
        if (m_is_debian) {
            // Debian does not come with sudo by default.
            ssh_command(
                "if ! type sudo; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
                "sudo; fi");
        }
        set_hostname(machine_name());
        // Upstream refreshed the package lists and installed curl on every provisioning; when curl is there
        // that is a no-op that costs an `apt-get update` (seconds against real mirrors).
        if (ssh_result("command -v curl").exit_status != 0) {
            package("curl", PackageAction::Install);
        }
        if (!m_is_debian) {
            log::info("Installing Docker...");
        }
        install_docker_generic(m_engine.install_url);
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
        return {render_systemd_drop_in(context, daemon_command), k_systemd_drop_in_path};
    }

private:
    bool m_is_debian;
};

class UbuntuUpstartProvisioner final : public Provisioner {
public:
    using Provisioner::Provisioner;

    std::string name() const override { return "ubuntu(upstart)"; }

    void service(const std::string& service_name, ServiceAction action) override {
        ssh_command("sudo service " + service_name + " " + std::string(service_action_name(action)));
    }

    void package(const std::string& package_name, PackageAction action) override {
        bool install = action == PackageAction::Install || action == PackageAction::Upgrade;
        std::string apt_action = install ? "install" : "remove";  // purge behaves as remove
        std::string name = package_name == "docker" ? "docker-engine" : package_name;
        if (install) {
            run_with_apt_lock_retry("sudo apt-get update");
        }
        log::debug("package: action=" + apt_action + " name=" + name);
        run_with_apt_lock_retry("DEBIAN_FRONTEND=noninteractive sudo -E apt-get " + apt_action +
                                " -y -o Dpkg::Options::=\"--force-confnew\" " + name);
    }

    void provision(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine) override {
        begin(swarm, auth, engine);
        m_engine.storage_driver = decide_storage_driver("overlay2", engine.storage_driver);
        set_hostname(machine_name());
        package("curl", PackageAction::Install);
        log::info("Installing Docker...");
        install_docker_generic(m_engine.install_url);
        wait_for_docker_responding();
        make_docker_options_dir();
        set_remote_auth_options();
        configure_auth();
        configure_swarm_if_wanted();
    }

protected:
    DockerOptions generate_docker_options(int docker_port) override {
        return {render_docker_opts_file(engine_config_context(docker_port)), "/etc/default/docker"};
    }
};

}  // namespace

std::unique_ptr<Provisioner> make_ubuntu_systemd_provisioner(const ProvisionEnv& env,
                                                             const OsRelease& release) {
    return std::make_unique<SystemdAptProvisioner>(env, release, /*is_debian=*/false);
}

std::unique_ptr<Provisioner> make_debian_provisioner(const ProvisionEnv& env, const OsRelease& release) {
    return std::make_unique<SystemdAptProvisioner>(env, release, /*is_debian=*/true);
}

std::unique_ptr<Provisioner> make_ubuntu_upstart_provisioner(const ProvisionEnv& env,
                                                             const OsRelease& release) {
    return std::make_unique<UbuntuUpstartProvisioner>(env, release);
}

}  // namespace machine::provision
