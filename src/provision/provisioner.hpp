#pragma once

// The provisioner interface and the steps its implementations share (certs-and-provisioning.md §5).

#include <memory>
#include <string>
#include <string_view>

#include "machine/host.hpp"
#include "machine/ssh.hpp"
#include "provision/engine_config.hpp"
#include "provision/os_release.hpp"
#include "provision/provision_env.hpp"

namespace machine::provision {

enum class ServiceAction { Restart, Start, Stop, Enable };
enum class PackageAction { Install, Remove, Upgrade, Purge };

// "restart", "start", "stop", "enable".
[[nodiscard]] std::string_view service_action_name(ServiceAction action);

// A rendered daemon options file and where it goes on the machine.
struct DockerOptions {
    std::string text;  // as inserted into `printf %s "<text>"`
    std::string path;
};

// Upstream's daemon port rule: the port of the driver URL's "host:port" (exactly one ':'), else 2376.
// Throws Error("strconv.Atoi: parsing \"x\": invalid syntax") for a non-numeric port.
[[nodiscard]] int docker_port_from_url(const std::string& url);

// Upstream's DockerClientVersion: "Docker version 1.9.1, build a34a1d5" -> "1.9.1". Throws
// Error("DockerClientVersion: cannot parse version string from \"<output>\"").
[[nodiscard]] std::string parse_docker_client_version(const std::string& output);

// The command that finds the daemon binary for a systemd drop-in; sbin directories are added to PATH because
// a non-root login shell on Debian does not have them and docker.io installs /usr/sbin/dockerd.
inline constexpr const char* k_dockerd_probe_command =
    "PATH=\"$PATH:/usr/local/sbin:/usr/sbin:/sbin\" command -v dockerd";

// The storage driver: the one given with --engine-storage-driver, else the provisioner's default (§5.2).
[[nodiscard]] inline std::string decide_storage_driver(const std::string& default_driver,
                                                       const std::string& supplied_driver) {
    return supplied_driver.empty() ? default_driver : supplied_driver;
}

// The absolute path printed by k_dockerd_probe_command, or "" if the output is not one usable path.
[[nodiscard]] std::string parse_dockerd_probe(const std::string& output);

class Provisioner {
public:
    Provisioner(ProvisionEnv env, OsRelease os_release);
    virtual ~Provisioner() = default;
    Provisioner(const Provisioner&) = delete;
    Provisioner& operator=(const Provisioner&) = delete;

    // The display name, e.g. "ubuntu(systemd)", printed as "Provisioning with <name>...".
    [[nodiscard]] virtual std::string name() const = 0;

    // Where the certificates go on the machine: /etc/docker (most), /var/lib/boot2docker,
    // /var/lib/rancher/conf.
    [[nodiscard]] virtual std::string docker_options_dir() const { return "/etc/docker"; }

    // Throws Error (remote command failures as ssh_command throws them).
    virtual void service(const std::string& service_name, ServiceAction action) = 0;
    virtual void package(const std::string& package_name, PackageAction action) = 0;

    // Certificate rotation (`regenerate-certs --certs-only`, issue 11): a new server certificate, the CA and
    // server files copied to the host, one daemon restart, the port wait. Nothing else of provisioning runs
    // (no packages, hostname or engine configuration), so the daemon keeps its data and its settings.
    void rotate_certificates(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine);

    // The full provisioning sequence of §5.5 with copies of the options. Throws Error with upstream's texts.
    virtual void provision(const SwarmOptions& swarm, const AuthOptions& auth,
                           const EngineOptions& engine) = 0;

    // One remote command through this provisioner's commander (a pty for the RedHat family); returns the
    // output. A non-zero exit throws ssh::CommandFailed ("ssh command error: ..."), or for the RedHat family
    // Error("something went wrong running an SSH command ..."); connection failures throw Error.
    std::string ssh_command(const std::string& command);
    // Same, but a non-zero exit status is returned rather than thrown.
    [[nodiscard]] ssh::CommandResult ssh_result(const std::string& command);

    // Polls the listening sockets until `port` shows up (10 x 3 s). Throws
    // Error("Unable to verify the Docker daemon is listening: Maximum number of retries (10) exceeded").
    void wait_for_daemon_port(int port);

    [[nodiscard]] const OsRelease& os_release() const { return m_os_release; }

protected:
    [[nodiscard]] virtual bool uses_tty() const { return false; }

    // The generic hostname commands (ubuntu, debian, arch, SUSE).
    virtual void set_hostname(const std::string& hostname);

    // Renders the daemon options (may run remote probes such as `docker --version`).
    virtual DockerOptions generate_docker_options(int docker_port) = 0;

    // Keeps copies of the options for the steps below.
    void begin(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine);

    void install_docker_generic(const std::string& install_url);
    // "sudo docker version" until it succeeds (60 x 3 s).
    void wait_for_docker_responding();
    void make_docker_options_dir();
    void set_remote_auth_options();
    // §5.3: local copies, server certificate, stop, docker0, uploads, options file, start, port wait.
    void configure_auth();
    // The parts of configure_auth that rotate_certificates shares.
    void copy_certificates_to_machine_dir();
    void generate_server_certificate(const std::string& ip);
    void upload_certificates();
    // §7 when SwarmOptions.is_swarm.
    void configure_swarm_if_wanted();

    [[nodiscard]] std::string docker_client_version();
    // The daemon command of a systemd drop-in: upstream's rule, with the binary path the host really has.
    [[nodiscard]] std::string systemd_daemon_command(bool probe_client_version);
    // Appends the provider label and returns the render context.
    [[nodiscard]] EngineConfigContext engine_config_context(int docker_port);

    // apt's "Could not get lock" retry (60 x 3 s).
    void run_with_apt_lock_retry(const std::string& command);
    // "sudo systemctl daemon-reload" (start/restart) then "sudo systemctl -f <action> <name>".
    void systemd_service(const std::string& service_name, ServiceAction action);

    [[nodiscard]] std::string machine_name() const;

    ProvisionEnv m_env;
    OsRelease m_os_release;
    SwarmOptions m_swarm;
    AuthOptions m_auth;
    EngineOptions m_engine;
};

// The provisioner whose test matches `release` (table of §4), or nullptr.
[[nodiscard]] std::unique_ptr<Provisioner> make_provisioner(const ProvisionEnv& env,
                                                            const OsRelease& release);

// Provisioner factories (one file each).
[[nodiscard]] std::unique_ptr<Provisioner> make_ubuntu_systemd_provisioner(const ProvisionEnv& env,
                                                                           const OsRelease& release);
[[nodiscard]] std::unique_ptr<Provisioner> make_ubuntu_upstart_provisioner(const ProvisionEnv& env,
                                                                           const OsRelease& release);
[[nodiscard]] std::unique_ptr<Provisioner> make_debian_provisioner(const ProvisionEnv& env,
                                                                   const OsRelease& release);
// `display_name`: "redhat", "centos", "fedora" or "ol".
[[nodiscard]] std::unique_ptr<Provisioner> make_redhat_provisioner(const ProvisionEnv& env,
                                                                   const OsRelease& release,
                                                                   const std::string& display_name);
[[nodiscard]] std::unique_ptr<Provisioner> make_arch_provisioner(const ProvisionEnv& env,
                                                                 const OsRelease& release);
[[nodiscard]] std::unique_ptr<Provisioner> make_suse_provisioner(const ProvisionEnv& env,
                                                                 const OsRelease& release);
[[nodiscard]] std::unique_ptr<Provisioner> make_coreos_provisioner(const ProvisionEnv& env,
                                                                   const OsRelease& release);
[[nodiscard]] std::unique_ptr<Provisioner> make_rancheros_provisioner(const ProvisionEnv& env,
                                                                      const OsRelease& release);
[[nodiscard]] std::unique_ptr<Provisioner> make_boot2docker_provisioner(const ProvisionEnv& env,
                                                                        const OsRelease& release);

}  // namespace machine::provision
