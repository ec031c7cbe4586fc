#include "provision/provisioner.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <optional>
#include <string_view>
#include <vector>

#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/net.hpp"
#include "machine/ssh.hpp"
#include "provision/daemon_port.hpp"
#include "provision/shell_safety.hpp"
#include "provision/swarm.hpp"

namespace machine::provision {
namespace {

constexpr int k_daemon_port_attempts = 10;
constexpr int k_default_docker_port = 2376;
// What the docker client says when its daemon's socket does not answer.
constexpr std::string_view k_daemon_not_running = "Cannot connect to the Docker daemon";

std::vector<std::string> split_fields(const std::string& text) {
    std::vector<std::string> fields;
    std::string current;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            if (!current.empty()) {
                fields.push_back(std::move(current));
                current.clear();
            }
        } else {
            current.push_back(c);
        }
    }
    if (!current.empty()) {
        fields.push_back(std::move(current));
    }
    return fields;
}

// Go's strconv.Atoi, with its error text.
int go_atoi(const std::string& text) {
    std::size_t index = 0;
    bool negative = false;
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        negative = text[0] == '-';
        index = 1;
    }
    if (index == text.size()) {
        throw Error("strconv.Atoi: parsing " + go_quote(text) + ": invalid syntax");
    }
    long long value = 0;
    for (; index < text.size(); ++index) {
        if (text[index] < '0' || text[index] > '9') {
            throw Error("strconv.Atoi: parsing " + go_quote(text) + ": invalid syntax");
        }
        value = value * 10 + (text[index] - '0');
        if (value > 2147483647LL) {
            throw Error("strconv.Atoi: parsing " + go_quote(text) + ": value out of range");
        }
    }
    return static_cast<int>(negative ? -value : value);
}

// mcnutils.CopyFile: the content, then the source's permission bits.
void copy_file_keeping_mode(const std::string& source, const std::string& destination) {
    std::string content = read_file(source);
    struct stat info {};
    if (::stat(source.c_str(), &info) != 0) {
        throw Error(go_path_error("stat", source, errno));
    }
    write_file_atomic(destination, content, info.st_mode & 07777);
}

std::string go_slice(const std::vector<std::string>& items) {
    std::string text = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        text += (i == 0 ? "" : " ") + items[i];
    }
    return text + "]";
}

}  // namespace

std::string_view service_action_name(ServiceAction action) {
    switch (action) {
        case ServiceAction::Restart:
            return "restart";
        case ServiceAction::Start:
            return "start";
        case ServiceAction::Stop:
            return "stop";
        case ServiceAction::Enable:
            return "enable";
    }
    return "";
}

int docker_port_from_url(const std::string& url) {
    // Upstream splits on ':' and falls back to 2376 for an IPv6 literal; the port after the brackets counts
    // here.
    std::string host;
    std::string port;
    if (!net::split_host_port(net::url_host(url), host, port)) {
        return k_default_docker_port;
    }
    return go_atoi(port);
}

std::string parse_docker_client_version(const std::string& output) {
    std::vector<std::string> words = split_fields(output);
    if (words.size() < 3 || words[0] != "Docker" || words[1] != "version") {
        throw Error("DockerClientVersion: cannot parse version string from " + go_quote(output));
    }
    std::string version = words[2];
    while (!version.empty() && version.back() == ',') {
        version.pop_back();
    }
    return version;
}

std::string parse_dockerd_probe(const std::string& output) {
    std::string path = output.substr(0, output.find('\n'));
    while (!path.empty() && (path.back() == '\r' || path.back() == ' ' || path.back() == '\t')) {
        path.pop_back();
    }
    if (path.empty() || path.front() != '/') {
        return "";
    }
    // The path goes into ExecStart= inside a double-quoted shell word: keep it to plain path characters.
    for (char c : path) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
                     c == '.' || c == '_' || c == '-' || c == '+';
        if (!plain) {
            return "";
        }
    }
    return path;
}

Provisioner::Provisioner(ProvisionEnv env, OsRelease os_release)
    : m_env(std::move(env)), m_os_release(std::move(os_release)) {}

ssh::CommandResult Provisioner::ssh_result(const std::string& command) {
    ssh::Client& client = m_env.ssh();
    return uses_tty() ? client.run_tty(command) : client.run(command);
}

std::string Provisioner::ssh_command(const std::string& command) {
    ssh::CommandResult result = ssh_result(command);
    if (result.exit_status != 0) {
        if (uses_tty()) {
            throw Error(ssh::format_command_error(command, result.exit_status, result.output, true));
        }
        throw ssh::CommandFailed(command, result.exit_status, result.output);
    }
    return result.output;
}

void Provisioner::wait_for_daemon_port(int port) {
    bool listening = wait_for(
        m_env,
        [&] {
            std::string output;
            try {
                output = ssh_command(k_listening_sockets_command);
            } catch (const Error& error) {
                log::warn(std::string("Error running SSH command: ") + error.what());
                return false;
            }
            return shows_daemon_listening(output, port);
        },
        k_daemon_port_attempts, k_default_interval, "Waiting for the Docker daemon port");
    if (!listening) {
        throw Error("Unable to verify the Docker daemon is listening: " +
                    max_retries_message(k_daemon_port_attempts));
    }
}

void Provisioner::set_hostname(const std::string& hostname) {
    ssh_command("sudo hostname " + hostname + " && echo " + go_quote(hostname) + " | sudo tee /etc/hostname");
    // ubuntu/debian use 127.0.1.1 for non "localhost" loopback hostnames.
    ssh_command("\n\t\tif ! grep -xq '.*\\s" + hostname +
                "' /etc/hosts; then\n"
                "\t\t\tif grep -xq '127.0.1.1\\s.*' /etc/hosts; then\n"
                "\t\t\t\tsudo sed -i 's/^127.0.1.1\\s.*/127.0.1.1 " +
                hostname +
                "/g' /etc/hosts;\n"
                "\t\t\telse \n"
                "\t\t\t\techo '127.0.1.1 " +
                hostname +
                "' | sudo tee -a /etc/hosts; \n"
                "\t\t\tfi\n"
                "\t\tfi");
}

void Provisioner::begin(const SwarmOptions& swarm, const AuthOptions& auth, const EngineOptions& engine) {
    m_swarm = swarm;
    m_auth = auth;
    m_engine = engine;
}

void Provisioner::install_docker_generic(const std::string& install_url) {
    const std::string command = "if ! type docker; then curl -sSL " + shell_word(install_url) + " | sh -; fi";
    try {
        ssh_command(command);
    } catch (const Error& error) {
        log::debug(std::string("Docker installation failed: ") + error.what());
        // Upstream reports the output of the failed command, which its SSH layer always returns empty.
        throw Error("error installing docker: ");
    }
}

void Provisioner::wait_for_docker_responding() {
    bool started = false;
    bool responding = wait_for(
        m_env,
        [&] {
            try {
                ssh_command("sudo docker version");
                return true;
            } catch (const Error& error) {
                log::warn(std::string("Error getting SSH command to check if the daemon is up: ") +
                          error.what());
                // Installed but stopped: what a provisioning interrupted between stopping and starting the
                // daemon (killed, or its SSH connection cut) leaves behind. Upstream waited 3 minutes and
                // failed; start it once instead.
                if (!started &&
                    std::string_view(error.what()).find(k_daemon_not_running) != std::string::npos) {
                    started = true;
                    log::info("The Docker daemon is not running; starting it...");
                    try {
                        service("docker", ServiceAction::Start);
                    } catch (const Error& start_error) {
                        log::warn(std::string("Error starting the Docker daemon: ") + start_error.what());
                    }
                }
                return false;
            }
        },
        k_default_attempts, k_default_interval, "Waiting for Docker");
    if (!responding) {
        throw Error(max_retries_message(k_default_attempts));
    }
}

void Provisioner::make_docker_options_dir() {
    ssh_command("sudo mkdir -p " + docker_options_dir());
}

void Provisioner::set_remote_auth_options() {
    const std::string dir = docker_options_dir();
    m_auth.ca_cert_remote_path = go_path::join({dir, "ca.pem"});
    m_auth.server_cert_remote_path = go_path::join({dir, "server.pem"});
    m_auth.server_key_remote_path = go_path::join({dir, "server-key.pem"});
}

void Provisioner::configure_auth() {
    const std::string ip = m_env.driver.ip();
    copy_certificates_to_machine_dir();
    generate_server_certificate(ip);

    service("docker", ServiceAction::Stop);
    ssh_command("if [ ! -z \"$(ip link show docker0)\" ]; then sudo ip link delete docker0; fi");

    upload_certificates();

    const int docker_port = docker_port_from_url(m_env.driver.url());
    DockerOptions options = generate_docker_options(docker_port);

    log::info("Setting Docker configuration on the remote daemon...");
    // Single-quoted: the remote shell must not expand anything the user put into engine options.
    ssh_command("sudo mkdir -p " + go_path::dir(options.path) + " && printf %s " +
                ssh::shell_quote(double_quoted_literal(options.text)) + " | sudo tee " + options.path);

    service("docker", ServiceAction::Start);
    wait_for_daemon_port(docker_port);
}

void Provisioner::copy_certificates_to_machine_dir() {
    log::info("Copying certs to the local machine directory...");
    const std::pair<const std::string*, const char*> local_copies[] = {
        {&m_auth.ca_cert_path, "ca.pem"},
        {&m_auth.client_cert_path, "cert.pem"},
        {&m_auth.client_key_path, "key.pem"},
    };
    for (const auto& [source, file_name] : local_copies) {
        try {
            copy_file_keeping_mode(*source, go_path::join({m_auth.store_path, file_name}));
        } catch (const Error& error) {
            throw Error(std::string("Copying ") + file_name + " to machine dir failed: " + error.what());
        }
    }
}

void Provisioner::generate_server_certificate(const std::string& ip) {
    const std::string organization = cert::default_organization() + "." + machine_name();
    std::vector<std::string> hosts = m_auth.server_cert_sans;
    hosts.push_back(ip);
    hosts.push_back("localhost");
    log::debug("generating server cert: " + m_auth.server_cert_path + " ca-key=" + m_auth.ca_cert_path +
               " private-key=" + m_auth.ca_private_key_path + " org=" + organization +
               " san=" + go_slice(hosts));
    try {
        cert::generate_signed_cert(m_auth.server_cert_path, m_auth.server_key_path, m_auth.ca_cert_path,
                                   m_auth.ca_private_key_path, organization, hosts, m_swarm.master);
    } catch (const Error& error) {
        throw Error(std::string("error generating server cert: ") + error.what());
    }
}

void Provisioner::upload_certificates() {
    const std::string ca_cert = read_file(m_auth.ca_cert_path);
    const std::string server_cert = read_file(m_auth.server_cert_path);
    const std::string server_key = read_file(m_auth.server_key_path);

    log::info("Copying certs to the remote machine...");
    // printf needs the '%s' format because the PEM text starts with dashes.
    ssh_command("printf '%s' '" + ca_cert + "' | sudo tee " + m_auth.ca_cert_remote_path);
    ssh_command("printf '%s' '" + server_cert + "' | sudo tee " + m_auth.server_cert_remote_path);
    ssh_command("printf '%s' '" + server_key + "' | sudo tee " + m_auth.server_key_remote_path);
}

void Provisioner::rotate_certificates(const SwarmOptions& swarm, const AuthOptions& auth,
                                      const EngineOptions& engine) {
    begin(swarm, auth, engine);
    set_remote_auth_options();
    const std::string ip = m_env.driver.ip();
    copy_certificates_to_machine_dir();
    generate_server_certificate(ip);
    upload_certificates();
    log::info("Restarting the Docker daemon...");
    service("docker", ServiceAction::Restart);
    wait_for_daemon_port(docker_port_from_url(m_env.driver.url()));
}

void Provisioner::configure_swarm_if_wanted() {
    if (!m_swarm.is_swarm) {
        return;
    }
    if (m_swarm.swarm_mode) {
        log::info("Configuring swarm...");
        if (!m_env.configure_swarm_mode) {
            throw Error("swarm mode needs the machine's store");
        }
        m_env.configure_swarm_mode();
        return;
    }
    configure_swarm(m_env.driver, m_swarm, m_engine.env, m_auth, docker_options_dir());
}

std::string Provisioner::docker_client_version() {
    return parse_docker_client_version(ssh_command("docker --version"));
}

std::string Provisioner::systemd_daemon_command(bool probe_client_version) {
    if (probe_client_version) {
        std::string command = default_daemon_command(docker_client_version());
        if (command != "/usr/bin/dockerd") {
            return command;  // clients before 1.12 have no dockerd
        }
    }
    // Upstream hard-codes /usr/bin/dockerd; Debian's docker.io has /usr/sbin/dockerd.
    ssh::CommandResult probe = ssh_result(k_dockerd_probe_command);
    std::string path = probe.exit_status == 0 ? parse_dockerd_probe(probe.output) : std::string();
    if (path.empty()) {
        log::debug("dockerd not found on PATH, using /usr/bin/dockerd");
        return "/usr/bin/dockerd";
    }
    return path;
}

EngineConfigContext Provisioner::engine_config_context(int docker_port) {
    m_engine.labels.push_back("provider=" + m_env.driver.driver_name());
    EngineConfigContext context;
    context.docker_port = docker_port;
    context.ca_cert_remote_path = m_auth.ca_cert_remote_path;
    context.server_cert_remote_path = m_auth.server_cert_remote_path;
    context.server_key_remote_path = m_auth.server_key_remote_path;
    context.engine = m_engine;
    return context;
}

void Provisioner::run_with_apt_lock_retry(const std::string& command) {
    std::optional<std::string> command_error;
    bool finished = wait_for(
        m_env,
        [&] {
            try {
                ssh_command(command);
                command_error.reset();
                return true;
            } catch (const Error& error) {
                std::string text = error.what();
                if (text.find("Could not get lock") != std::string::npos) {
                    command_error.reset();
                    return false;
                }
                command_error = std::move(text);
                return true;
            }
        },
        k_default_attempts, k_default_interval);
    if (command_error) {
        throw Error("Error running " + go_quote(command) + ": " + *command_error);
    }
    if (!finished) {
        throw Error("Failed to obtain lock: " + max_retries_message(k_default_attempts));
    }
}

void Provisioner::systemd_service(const std::string& service_name, ServiceAction action) {
    // systemd must reload when unit files changed; upstream reloads before every start and restart.
    if (action == ServiceAction::Start || action == ServiceAction::Restart) {
        ssh_command("sudo systemctl daemon-reload");
    }
    ssh_command("sudo systemctl -f " + std::string(service_action_name(action)) + " " + service_name);
}

std::string Provisioner::machine_name() const {
    return m_env.driver.base().machine_name;
}

}  // namespace machine::provision
