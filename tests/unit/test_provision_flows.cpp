// Provisioning flows against a fake SSH client that records every remote command and answers from a script
// (reference/certs-and-provisioning.md §4-§6, cli.md §1.10 and §3.3.1 steps 13-17). Certificates are real
// (a throw-away CA in a temporary directory); nothing touches the network.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/ssh.hpp"
#include "provision/daemon_port.hpp"
#include "provision/detection.hpp"
#include "provision/flows.hpp"
#include "provision/provisioner.hpp"
#include "provision/shell_safety.hpp"

namespace {

namespace fs = std::filesystem;
using machine::Error;
using machine::HostOptions;
using machine::State;
using namespace machine::provision;

// How an options file travels: the text upstream put in `printf %s "<text>"`, as the literal the remote shell
// made of it, single-quoted so that nothing in it is expanded remotely.
std::string options_command(const std::string& directory, const std::string& double_quoted_text,
                            const std::string& file) {
    return "sudo mkdir -p " + directory + " && printf %s " +
           machine::ssh::shell_quote(double_quoted_literal(double_quoted_text)) + " | sudo tee " + file;
}

// The file content of an options command ("" when `command` is not one), undoing the single quotes.
std::string written_options(const std::string& command, const std::string& file) {
    auto start = command.find(" && printf %s '");
    std::string suffix = "' | sudo tee " + file;
    if (command.rfind("sudo mkdir -p ", 0) != 0 || start == std::string::npos || !command.ends_with(suffix)) {
        return "";
    }
    std::string quoted = command.substr(start + 15, command.size() - suffix.size() - start - 15);
    std::string content;
    for (std::size_t i = 0; i < quoted.size(); ++i) {
        if (quoted.compare(i, 4, "'\\''") == 0) {
            content.push_back('\'');
            i += 3;
        } else {
            content.push_back(quoted[i]);
        }
    }
    return content;
}
using namespace std::chrono_literals;

constexpr const char* k_ubuntu_xenial =
    "NAME=\"Ubuntu\"\nVERSION=\"16.04.6 LTS (Xenial Xerus)\"\nID=ubuntu\nID_LIKE=debian\n"
    "PRETTY_NAME=\"Ubuntu 16.04.6 LTS\"\nVERSION_ID=\"16.04\"\n";
constexpr const char* k_ubuntu_trusty = "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"14.04\"\n";
constexpr const char* k_debian_buster =
    "PRETTY_NAME=\"Debian GNU/Linux 10 (buster)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"10\"\nID=debian\n";
constexpr const char* k_centos =
    "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n";
constexpr const char* k_ss_listening =
    "State      Recv-Q Send-Q Local Address:Port               Peer Address:Port\n"
    "LISTEN     0      128         :::22                      :::*\n"
    "LISTEN     0      128         :::2376                    :::*\n";

constexpr const char* k_hosts_script =
    "\n\t\tif ! grep -xq '.*\\sgen6' /etc/hosts; then\n"
    "\t\t\tif grep -xq '127.0.1.1\\s.*' /etc/hosts; then\n"
    "\t\t\t\tsudo sed -i 's/^127.0.1.1\\s.*/127.0.1.1 gen6/g' /etc/hosts;\n"
    "\t\t\telse \n"
    "\t\t\t\techo '127.0.1.1 gen6' | sudo tee -a /etc/hosts; \n"
    "\t\t\tfi\n"
    "\t\tfi";

// Records commands; answers from per-command scripts (consumed in order), then from defaults.
class FakeSshClient final : public machine::ssh::Client {
public:
    struct Call {
        std::string command;
        bool tty;
    };

    std::vector<Call> calls;
    std::map<std::string, std::deque<machine::ssh::CommandResult>> scripted;
    std::map<std::string, machine::ssh::CommandResult> defaults;

    void script(const std::string& command, std::vector<machine::ssh::CommandResult> results) {
        for (auto& result : results) {
            scripted[command].push_back(std::move(result));
        }
    }

    void connect() override {}

    machine::ssh::CommandResult run_with_input(const std::string& command,
                                               std::string_view /*input*/) override {
        return answer(command, false);
    }
    machine::ssh::CommandResult run_tty(const std::string& command) override { return answer(command, true); }
    int run_interactive(const std::vector<std::string>& /*remote_args*/) override { return 0; }

    std::vector<std::string> commands() const {
        std::vector<std::string> list;
        for (const Call& call : calls) {
            list.push_back(call.command);
        }
        return list;
    }

private:
    machine::ssh::CommandResult answer(const std::string& command, bool tty) {
        calls.push_back({command, tty});
        if (auto found = scripted.find(command); found != scripted.end() && !found->second.empty()) {
            machine::ssh::CommandResult result = found->second.front();
            found->second.pop_front();
            return result;
        }
        if (auto found = defaults.find(command); found != defaults.end()) {
            return found->second;
        }
        return {0, ""};
    }
};

class FakeDriver final : public machine::Driver {
public:
    FakeDriver(const std::string& name, const std::string& store) : Driver(name, store) {
        m_base.ip_address = "127.0.0.1";
    }
    State current_state = State::Running;
    int starts = 0;
    std::string url_value = "tcp://127.0.0.1:2376";

    std::string driver_name() const override { return "generic"; }
    std::vector<machine::FlagSpec> create_flags() const override { return {}; }
    void set_config_from_flags(const machine::FlagValues& /*flags*/) override {}
    void create() override {}
    void remove() override {}
    State state() override { return current_state; }
    std::string url() override { return url_value; }
    void start() override {
        ++starts;
        current_state = State::Running;
    }
    void stop() override {}
    void restart() override {}
    void kill() override {}
    std::vector<machine::StateField> state_fields() override { return {}; }
};

class ProvisionFlows : public testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "machine-provision-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        m_root = pattern;
        fs::create_directories(m_root / "certs");
        fs::create_directories(m_root / "machines" / "gen6");

        machine::AuthOptions& auth = m_options.auth;
        auth.cert_dir = (m_root / "certs").string();
        auth.ca_cert_path = (m_root / "certs" / "ca.pem").string();
        auth.ca_private_key_path = (m_root / "certs" / "ca-key.pem").string();
        auth.client_cert_path = (m_root / "certs" / "cert.pem").string();
        auth.client_key_path = (m_root / "certs" / "key.pem").string();
        auth.server_cert_path = (m_root / "machines" / "gen6" / "server.pem").string();
        auth.server_key_path = (m_root / "machines" / "gen6" / "server-key.pem").string();
        auth.store_path = (m_root / "machines" / "gen6").string();
        shared_certificates();
        fs::copy_file(m_certs / "ca.pem", auth.ca_cert_path);
        fs::copy_file(m_certs / "ca-key.pem", auth.ca_private_key_path);
        fs::copy_file(m_certs / "cert.pem", auth.client_cert_path);
        fs::copy_file(m_certs / "key.pem", auth.client_key_path);
        fs::permissions(auth.client_key_path, fs::perms::owner_read | fs::perms::owner_write);
        fs::permissions(auth.ca_cert_path, fs::perms(0644));

        m_driver = std::make_unique<FakeDriver>("gen6", m_root.string());
        m_ssh.defaults["docker --version"] = {0, "Docker version 19.03.5, build 633a0ea838\n"};
        m_ssh.defaults[k_dockerd_probe_command] = {0, "/usr/bin/dockerd\n"};
        m_ssh.defaults[k_listening_sockets_command] = {0, k_ss_listening};
        m_ssh.defaults["command -v curl"] = {1, ""};  // a host without curl, as upstream's captures had
    }

    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(m_root, ignored);
    }

    // One CA and client certificate for the whole test program (RSA key generation is slow).
    void shared_certificates() {
        struct SharedCa {
            fs::path dir;
            SharedCa() {
                std::string pattern = (fs::temp_directory_path() / "machine-provision-ca-XXXXXX").string();
                if (::mkdtemp(pattern.data()) == nullptr) {
                    throw std::runtime_error("mkdtemp failed");
                }
                dir = pattern;
                machine::cert::generate_ca((dir / "ca.pem").string(), (dir / "ca-key.pem").string(),
                                           "tester");
                machine::cert::generate_signed_cert((dir / "cert.pem").string(), (dir / "key.pem").string(),
                                                    (dir / "ca.pem").string(), (dir / "ca-key.pem").string(),
                                                    "tester.<bootstrap>", {}, false);
            }
            ~SharedCa() {
                std::error_code ignored;
                fs::remove_all(dir, ignored);
            }
        };
        static const SharedCa shared;
        m_certs = shared.dir;
    }

    ProvisionEnv env() {
        return ProvisionEnv{[this]() -> machine::ssh::Client& { return m_ssh; }, *m_driver,
                            [this](std::chrono::milliseconds duration) { m_sleeps.push_back(duration); },
                            [this] { ++m_resets; }};
    }

    void use_os(const char* os_release) { m_ssh.defaults["cat /etc/os-release"] = {0, os_release}; }

    std::string printf_tee(const std::string& local, const std::string& remote) {
        return "printf '%s' '" + machine::read_file(local) + "' | sudo tee " + remote;
    }

    // The three certificate uploads of ConfigureAuth into /etc/docker.
    std::vector<std::string> cert_uploads() {
        const machine::AuthOptions& auth = m_options.auth;
        return {printf_tee(auth.ca_cert_path, "/etc/docker/ca.pem"),
                printf_tee(auth.server_cert_path, "/etc/docker/server.pem"),
                printf_tee(auth.server_key_path, "/etc/docker/server-key.pem")};
    }

    std::string systemd_options_command(const std::string& daemon) {
        return options_command(
            "/etc/systemd/system/docker.service.d",
            "[Service]\nExecStart=\nExecStart=" + daemon +
                " -H tcp://0.0.0.0:2376 -H unix:///var/run/docker.sock --storage-driver overlay2 "
                "--tlsverify --tlscacert /etc/docker/ca.pem --tlscert /etc/docker/server.pem "
                "--tlskey /etc/docker/server-key.pem --label provider=generic \nEnvironment=\n",
            "/etc/systemd/system/docker.service.d/10-machine.conf");
    }

    // The captured ubuntu(systemd) command list of §5.5 (plus the dockerd probe), after `cat
    // /etc/os-release`.
    std::vector<std::string> ubuntu_systemd_commands(bool with_sudo_bootstrap) {
        std::vector<std::string> list = {"exit 0", "cat /etc/os-release"};
        if (with_sudo_bootstrap) {
            list.push_back(
                "if ! type sudo; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
                "sudo; fi");
        }
        std::vector<std::string> rest = {
            "sudo hostname gen6 && echo \"gen6\" | sudo tee /etc/hostname",
            k_hosts_script,
            "command -v curl",
            "sudo apt-get update",
            "DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y  curl",
            "if ! type docker; then curl -sSL https://get.docker.com | sh -; fi",
            "sudo docker version",
            "sudo systemctl -f stop docker",
            "if [ ! -z \"$(ip link show docker0)\" ]; then sudo ip link delete docker0; fi",
        };
        list.insert(list.end(), rest.begin(), rest.end());
        for (const std::string& upload : cert_uploads()) {
            list.push_back(upload);
        }
        std::vector<std::string> tail = {
            "docker --version",
            k_dockerd_probe_command,
            systemd_options_command("/usr/bin/dockerd"),
            "sudo systemctl daemon-reload",
            "sudo systemctl -f start docker",
            "if ! type netstat 1>/dev/null; then ss -tln; else netstat -tln; fi",
            "sudo systemctl -f enable docker",
        };
        list.insert(list.end(), tail.begin(), tail.end());
        return list;
    }

    fs::path m_root;
    fs::path m_certs;
    HostOptions m_options;
    FakeSshClient m_ssh;
    std::unique_ptr<FakeDriver> m_driver;
    std::vector<std::chrono::milliseconds> m_sleeps;
    int m_resets = 0;
};

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return "<no error>";
}

TEST_F(ProvisionFlows, UbuntuSystemdCreateRunsTheCapturedCommandsOnOneConnection) {
    use_os(k_ubuntu_xenial);
    bool checked = false;
    testing::internal::CaptureStdout();
    run_create_provisioning(env(), m_options, [&] { checked = true; });
    std::string out = testing::internal::GetCapturedStdout();

    EXPECT_TRUE(checked);
    EXPECT_EQ(m_ssh.commands(), ubuntu_systemd_commands(false));
    for (const auto& call : m_ssh.calls) {
        EXPECT_FALSE(call.tty) << call.command;
    }
    EXPECT_TRUE(m_sleeps.empty());
    EXPECT_EQ(out,
              "Waiting for machine to be running, this may take a few minutes...\n"
              "Detecting operating system of created instance...\n"
              "Waiting for SSH to be available...\n"
              "Detecting the provisioner...\n"
              "Provisioning with ubuntu(systemd)...\n"
              "Installing Docker...\n"
              "Copying certs to the local machine directory...\n"
              "Copying certs to the remote machine...\n"
              "Setting Docker configuration on the remote daemon...\n"
              "Checking connection to Docker...\n"
              "Docker is up and running!\n");
}

TEST_F(ProvisionFlows, LocalCopiesKeepModesAndServerCertificateIsWritten) {
    use_os(k_ubuntu_xenial);
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    const fs::path machine_dir = m_root / "machines" / "gen6";
    EXPECT_EQ(machine::read_file((machine_dir / "ca.pem").string()),
              machine::read_file(m_options.auth.ca_cert_path));
    EXPECT_EQ(machine::read_file((machine_dir / "key.pem").string()),
              machine::read_file(m_options.auth.client_key_path));
    struct stat info {};
    ASSERT_EQ(::stat((machine_dir / "key.pem").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((machine_dir / "ca.pem").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0644u);
    EXPECT_TRUE(fs::exists(machine_dir / "server.pem"));
    EXPECT_TRUE(fs::exists(machine_dir / "server-key.pem"));
    // The remote paths are not written back to the host's options.
    EXPECT_EQ(m_options.auth.ca_cert_remote_path, "");
    EXPECT_TRUE(m_options.engine.labels.empty());
}

TEST_F(ProvisionFlows, DebianBootstrapsSudoAndPrintsNoInstallingLine) {
    use_os(k_debian_buster);
    m_ssh.defaults[k_dockerd_probe_command] = {0, "/usr/sbin/dockerd\n"};
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    std::string out = testing::internal::GetCapturedStdout();

    std::vector<std::string> expected = ubuntu_systemd_commands(true);
    // Debian's docker.io has its daemon in /usr/sbin: the drop-in starts what `command -v` found.
    for (std::string& command : expected) {
        if (command == systemd_options_command("/usr/bin/dockerd")) {
            command = systemd_options_command("/usr/sbin/dockerd");
        }
    }
    EXPECT_EQ(m_ssh.commands(), expected);
    EXPECT_EQ(out.find("Installing Docker..."), std::string::npos);
    EXPECT_NE(out.find("Detecting the provisioner...\nCopying certs to the local machine directory...\n"),
              std::string::npos)
        << out;
}

TEST_F(ProvisionFlows, DockerdFallbacks) {
    use_os(k_ubuntu_xenial);
    m_ssh.defaults[k_dockerd_probe_command] = {1, ""};
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(m_ssh.commands(), ubuntu_systemd_commands(false));

    // Clients before 1.12 have no dockerd: upstream's `docker daemon`, and no probe.
    m_ssh.calls.clear();
    m_ssh.defaults["docker --version"] = {0, "Docker version 1.11.2, build b9f10c9\n"};
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    std::vector<std::string> commands = m_ssh.commands();
    EXPECT_EQ(std::count(commands.begin(), commands.end(), k_dockerd_probe_command), 0);
    EXPECT_EQ(std::count(commands.begin(), commands.end(), systemd_options_command("/usr/bin/docker daemon")),
              1);
}

TEST_F(ProvisionFlows, UnparseableDockerVersionFailsProvisioning) {
    use_os(k_ubuntu_xenial);
    m_ssh.defaults["docker --version"] = {0, "something else\n"};
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_create_provisioning(env(), m_options, [] {}); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error,
              "Error creating machine: Error running provisioning: DockerClientVersion: cannot parse version "
              "string "
              "from \"something else\\n\"");
}

TEST_F(ProvisionFlows, RedHatFamilyRunsEveryCommandOnATerminal) {
    use_os(k_centos);
    m_ssh.defaults[k_listening_sockets_command] = {0, "tcp6 0 0 :::2376 :::* LISTEN\r\n"};
    testing::internal::CaptureStdout();
    run_create_provisioning(env(), m_options, [] {});
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("Provisioning with centos...\n"), std::string::npos);
    EXPECT_EQ(out.find("Installing Docker..."), std::string::npos);

    ASSERT_GT(m_ssh.calls.size(), 3u);
    EXPECT_EQ(m_ssh.calls[0].command, "exit 0");
    EXPECT_FALSE(m_ssh.calls[0].tty);
    EXPECT_EQ(m_ssh.calls[1].command, "cat /etc/os-release");
    EXPECT_FALSE(m_ssh.calls[1].tty);
    for (std::size_t i = 2; i < m_ssh.calls.size(); ++i) {
        EXPECT_TRUE(m_ssh.calls[i].tty) << m_ssh.calls[i].command;
    }
    std::vector<std::string> expected = {
        "exit 0",
        "cat /etc/os-release",
        "sudo hostname gen6 && echo \"gen6\" | sudo tee /etc/hostname",
        "if grep -xq 127.0.1.1.* /etc/hosts; then sudo sed -i 's/^127.0.1.1.*/127.0.1.1 gen6/g' /etc/hosts; "
        "else "
        "echo '127.0.1.1 gen6' | sudo tee -a /etc/hosts; fi",
        "sudo -E yum install -y curl",
        "sudo -E yum -y update -x docker-*",
        "if ! type docker; then curl -sSL https://get.docker.com | sh -; fi",
        "sudo systemctl daemon-reload",
        "sudo systemctl -f restart docker",
        "sudo systemctl -f enable docker",
        "sudo docker version",
        "sudo mkdir -p /etc/docker",
        "sudo systemctl -f stop docker",
        "if [ ! -z \"$(ip link show docker0)\" ]; then sudo ip link delete docker0; fi",
    };
    for (const std::string& upload : cert_uploads()) {
        expected.push_back(upload);
    }
    expected.push_back(k_dockerd_probe_command);
    expected.push_back(systemd_options_command("/usr/bin/dockerd"));
    expected.push_back("sudo systemctl daemon-reload");
    expected.push_back("sudo systemctl -f start docker");
    expected.push_back(k_listening_sockets_command);
    EXPECT_EQ(m_ssh.commands(), expected);
}

TEST_F(ProvisionFlows, RedHatCommandErrorsUseTheTerminalWording) {
    use_os(k_centos);
    m_ssh.defaults["sudo -E yum install -y curl"] = {1, "No package curl\r\n"};
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_reprovision(env(), m_options, true); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error,
              "something went wrong running an SSH command\ncommand : sudo -E yum install -y curl\n"
              "err     : exit status 1\noutput  : No package curl\r\n");
}

TEST_F(ProvisionFlows, UbuntuUpstartUsesServiceAndDockerOpts) {
    use_os(k_ubuntu_trusty);
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("Installing Docker..."), std::string::npos);
    std::vector<std::string> commands = m_ssh.commands();
    auto has = [&](const std::string& command) {
        return std::find(commands.begin(), commands.end(), command) != commands.end();
    };
    EXPECT_TRUE(has(
        "DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y -o Dpkg::Options::=\"--force-confnew\" "
        "curl"));
    EXPECT_TRUE(has("sudo mkdir -p /etc/docker"));
    EXPECT_TRUE(has("sudo service docker stop"));
    EXPECT_TRUE(has("sudo service docker start"));
    EXPECT_FALSE(has("docker --version"));
    bool options_written = false;
    for (const std::string& command : commands) {
        std::string content = written_options(command, "/etc/default/docker");
        if (content.rfind("\nDOCKER_OPTS='\n-H tcp://0.0.0.0:2376\n", 0) == 0) {
            options_written = content.ends_with("\n'\n\n");
        }
    }
    EXPECT_TRUE(options_written);
    EXPECT_EQ(commands.back(), k_listening_sockets_command);  // no enable step
}

TEST_F(ProvisionFlows, CurlAlreadyThereSkipsTheAptRefresh) {
    use_os(k_ubuntu_xenial);
    m_ssh.defaults["command -v curl"] = {0, "/usr/bin/curl\n"};
    testing::internal::CaptureStdout();
    run_create_provisioning(env(), m_options, [] {});
    (void)testing::internal::GetCapturedStdout();
    const auto& commands = m_ssh.commands();
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "command -v curl"), 1);
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "sudo apt-get update"), 0);
    EXPECT_EQ(std::count(commands.begin(), commands.end(),
                         "DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y  curl"),
              0);
}

TEST_F(ProvisionFlows, AptLockIsRetried) {
    use_os(k_ubuntu_xenial);
    m_ssh.script(
        "sudo apt-get update",
        {{100, "E: Could not get lock /var/lib/apt/lists/lock - open (11: Resource temporarily unavailable)"},
         {100, "E: Could not get lock /var/lib/apt/lists/lock"}});
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    std::vector<std::string> commands = m_ssh.commands();
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "sudo apt-get update"), 3);
    EXPECT_EQ(m_sleeps, (std::vector<std::chrono::milliseconds>{3s, 3s}));
}

TEST_F(ProvisionFlows, AptLockNeverReleased) {
    use_os(k_ubuntu_xenial);
    m_ssh.defaults["DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y  curl"] = {
        100, "E: Could not get lock /var/lib/dpkg/lock-frontend"};
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_reprovision(env(), m_options, true); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error, "Failed to obtain lock: Maximum number of retries (60) exceeded");
    EXPECT_EQ(m_sleeps.size(), 60u);
}

TEST_F(ProvisionFlows, AptOtherFailureIsReportedWithTheCommand) {
    use_os(k_ubuntu_xenial);
    m_ssh.defaults["sudo apt-get update"] = {100, "E: The repository is not signed."};
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_create_provisioning(env(), m_options, [] {}); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(
        error,
        "Error creating machine: Error running provisioning: Error running \"sudo apt-get update\": ssh "
        "command error:\ncommand : sudo apt-get update\nerr     : exit status 100\noutput  : E: The "
        "repository is not signed.");
}

TEST_F(ProvisionFlows, DockerVersionWaitWarnsOnEachFailure) {
    use_os(k_ubuntu_xenial);
    m_ssh.script("sudo docker version", {{1, "Cannot connect to the Docker daemon"}});
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(
        out.find("Error getting SSH command to check if the daemon is up: ssh command error:\n"
                 "command : sudo docker version\nerr     : exit status 1\noutput  : Cannot connect to the "
                 "Docker daemon\n"),
        std::string::npos)
        << out;
    EXPECT_EQ(m_sleeps, (std::vector<std::chrono::milliseconds>{3s}));
}

// Fault injection found this: a provisioning killed (or its SSH connection cut) between stopping and starting
// the daemon left it stopped, and every later provision waited 3 minutes for it and failed. The wait now
// starts it, once, when the client says the daemon does not answer.
TEST_F(ProvisionFlows, DockerVersionWaitStartsAStoppedDaemonOnce) {
    use_os(k_ubuntu_xenial);
    const machine::ssh::CommandResult down = {
        1, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock."};
    m_ssh.script("sudo docker version", {down, down});
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("The Docker daemon is not running; starting it...\n"), std::string::npos) << out;
    std::vector<std::string> commands = m_ssh.commands();
    auto first_wait = std::find(commands.begin(), commands.end(), "sudo docker version");
    ASSERT_NE(first_wait, commands.end());
    std::vector<std::string> after(first_wait, commands.end());
    after.resize(5);
    EXPECT_EQ(after, (std::vector<std::string>{"sudo docker version", "sudo systemctl daemon-reload",
                                               "sudo systemctl -f start docker", "sudo docker version",
                                               "sudo docker version"}));
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "sudo systemctl -f start docker"),
              2);  // + configure_auth
}

TEST_F(ProvisionFlows, DockerVersionWaitDoesNotStartTheDaemonForOtherErrors) {
    use_os(k_ubuntu_xenial);
    m_ssh.script("sudo docker version", {{1, "permission denied"}});
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(out.find("starting it"), std::string::npos) << out;
    std::vector<std::string> commands = m_ssh.commands();
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "sudo systemctl -f start docker"), 1);
}

TEST_F(ProvisionFlows, InstallFailureHasUpstreamText) {
    use_os(k_ubuntu_xenial);
    m_ssh.defaults["if ! type docker; then curl -sSL https://get.docker.com | sh -; fi"] = {1, "curl: (6)"};
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_reprovision(env(), m_options, true); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error, "error installing docker: ");
}

TEST_F(ProvisionFlows, DaemonPortNeverListening) {
    use_os(k_ubuntu_xenial);
    m_ssh.defaults[k_listening_sockets_command] = {0, "LISTEN 0 128 :::22 :::*\n"};
    m_ssh.script(k_listening_sockets_command, {{127, "ss: command not found"}});
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_reprovision(env(), m_options, true); });
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(error,
              "Unable to verify the Docker daemon is listening: Maximum number of retries (10) exceeded");
    EXPECT_NE(
        out.find(
            "Error running SSH command: ssh command error:\ncommand : if ! type netstat 1>/dev/null; then "
            "ss -tln; else netstat -tln; fi\nerr     : exit status 127\n"),
        std::string::npos)
        << out;
    EXPECT_EQ(m_sleeps.size(), 10u);
}

TEST_F(ProvisionFlows, UnknownOsIsNotRecognized) {
    use_os("NAME=Gentoo\nID=gentoo\n");
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_create_provisioning(env(), m_options, [] {}); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error, "Error creating machine: Error detecting OS: OS type not recognized");
}

TEST_F(ProvisionFlows, UbuntuWithoutNumericVersionMatchesNothing) {
    use_os("ID=ubuntu\nVERSION_ID=\"devel\"\n");
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { (void)detect_provisioner(env()); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error, "OS type not recognized");
}

TEST_F(ProvisionFlows, ProvisionerTable) {
    struct Case {
        const char* os_release;
        const char* name;
    };
    const Case cases[] = {
        {"ID=boot2docker\n", "boot2docker"},
        {"ID=ubuntu\nVERSION_ID=\"15.04\"\n", "ubuntu(systemd)"},
        {"ID=ubuntu\nVERSION_ID=\"14.10\"\n", "ubuntu(upstart)"},
        {"ID=debian\n", "debian"},
        {"ID=\"rhel\"\n", "redhat"},
        {"ID=centos\n", "centos"},
        {"ID=fedora\n", "fedora"},
        {"ID=\"ol\"\n", "ol"},
        {"ID=coreos\n", "coreOS"},
        {"ID=rancheros\n", "rancheros"},
        {"ID=arch\n", "arch"},
        {"ID=manjaro\nID_LIKE=arch\n", "arch"},
        {"ID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\n", "SUSE"},
        {"ID=\"sles\"\nID_LIKE=\"suse\"\n", "SUSE"},
    };
    for (const Case& c : cases) {
        use_os(c.os_release);
        testing::internal::CaptureStdout();
        std::unique_ptr<Provisioner> provisioner = detect_provisioner(env());
        (void)testing::internal::GetCapturedStdout();
        EXPECT_EQ(provisioner->name(), c.name) << c.os_release;
    }
}

TEST_F(ProvisionFlows, SshNeverAvailable) {
    use_os(k_ubuntu_xenial);
    m_ssh.defaults["exit 0"] = {255, ""};
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_create_provisioning(env(), m_options, [] {}); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(
        error,
        "Error creating machine: Error detecting OS: Too many retries waiting for SSH to be available.  Last "
        "error: Maximum number of retries (60) exceeded");
    EXPECT_EQ(m_sleeps.size(), 60u);
}

TEST_F(ProvisionFlows, MachineNeverRunning) {
    m_driver->current_state = State::Stopped;
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_create_provisioning(env(), m_options, [] {}); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(
        error,
        "Error creating machine: Error waiting for machine to be running: Maximum number of retries (60) "
        "exceeded");
    EXPECT_TRUE(m_ssh.calls.empty());
}

TEST_F(ProvisionFlows, ConnectionCheckFailureIsWrapped) {
    use_os(k_ubuntu_xenial);
    testing::internal::CaptureStdout();
    std::string error = error_of(
        [&] { run_create_provisioning(env(), m_options, [] { throw Error("Host is not running"); }); });
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(error, "Error creating machine: Error checking the host: Host is not running");
    EXPECT_EQ(out.find("Docker is up and running!"), std::string::npos);
}

TEST_F(ProvisionFlows, WaitForDockerDetectsThenPollsPort2376) {
    use_os(k_ubuntu_xenial);
    m_driver->url_value = "tcp://127.0.0.1:12376";  // upstream always waits for the default port here
    testing::internal::CaptureStdout();
    run_wait_for_docker(env());
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(out, "Waiting for SSH to be available...\nDetecting the provisioner...\n");
    EXPECT_EQ(m_ssh.commands(),
              (std::vector<std::string>{"exit 0", "cat /etc/os-release", k_listening_sockets_command}));
}

TEST_F(ProvisionFlows, UpgradeOfCurrentEngine) {
    use_os(k_ubuntu_xenial);
    testing::internal::CaptureStdout();
    run_upgrade(env(), m_options, [] { return std::string("19.03.5"); });
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(out,
              "Waiting for SSH to be available...\nDetecting the provisioner...\nUpgrading docker...\n"
              "Restarting docker...\n");
    EXPECT_EQ(m_ssh.commands(), (std::vector<std::string>{
                                    "exit 0",
                                    "cat /etc/os-release",
                                    "sudo apt-get update",
                                    "DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y  docker-ce",
                                    "sudo systemctl daemon-reload",
                                    "sudo systemctl -f restart docker",
                                }));
}

TEST_F(ProvisionFlows, UpgradeOfPreCeEnginePurgesAndProvisions) {
    use_os(k_ubuntu_xenial);
    testing::internal::CaptureStdout();
    run_upgrade(env(), m_options, [] { return std::string("1.13.1"); });
    std::string out = testing::internal::GetCapturedStdout();
    std::vector<std::string> expected = {
        "exit 0", "cat /etc/os-release",
        "DEBIAN_FRONTEND=noninteractive sudo -E apt-get purge -y  docker-engine"};
    for (const std::string& command : ubuntu_systemd_commands(false)) {
        expected.push_back(command);
    }
    EXPECT_EQ(m_ssh.commands(), expected);
    EXPECT_EQ(out.find("Upgrading docker..."), std::string::npos);
}

TEST_F(ProvisionFlows, UpgradeStartsAStoppedMachineFirst) {
    use_os(k_ubuntu_xenial);
    m_driver->current_state = State::Stopped;
    testing::internal::CaptureStdout();
    run_upgrade(env(), m_options, [] { return std::string("19.03.5"); });
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(m_driver->starts, 1);
    EXPECT_EQ(out.rfind("Starting machine so machine can be upgraded...\nStarting \"gen6\"...\n"
                        "Machine \"gen6\" was started.\nWaiting for SSH to be available...\n"
                        "Detecting the provisioner...\nWaiting for SSH to be available...\n"
                        "Detecting the provisioner...\nUpgrading docker...\n",
                        0),
              0u)
        << out;
}

TEST_F(ProvisionFlows, UpgradeVersionQueryFailure) {
    use_os(k_ubuntu_xenial);
    testing::internal::CaptureStdout();
    std::string error = error_of([&] {
        run_upgrade(env(), m_options,
                    []() -> std::string { throw Error("Unable to query docker version: Cannot connect"); });
    });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error, "Unable to query docker version: Cannot connect");
}

TEST_F(ProvisionFlows, RegenerateCertsUsesAnEmptySwarmConfiguration) {
    use_os(k_ubuntu_xenial);
    m_options.swarm.is_swarm = true;
    m_options.swarm.master = true;
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, /*with_swarm=*/false);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(out.find("Configuring swarm..."), std::string::npos);
    EXPECT_EQ(m_ssh.commands(), ubuntu_systemd_commands(false));
}

TEST_F(ProvisionFlows, EngineOptionsReachTheDropIn) {
    use_os(k_ubuntu_xenial);
    m_options.engine.labels = {"env=prod"};
    m_options.engine.env = {"FOO=bar"};
    m_options.engine.storage_driver = "devicemapper";
    m_options.engine.install_url = "https://test.docker.com";
    m_options.auth.server_cert_sans = {"extra.example"};
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    std::vector<std::string> commands = m_ssh.commands();
    auto has = [&](const std::string& command) {
        return std::find(commands.begin(), commands.end(), command) != commands.end();
    };
    EXPECT_TRUE(has("if ! type docker; then curl -sSL https://test.docker.com | sh -; fi"));
    EXPECT_TRUE(has(options_command("/etc/systemd/system/docker.service.d",
                                    "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2376 "
                                    "-H unix:///var/run/docker.sock "
                                    "--storage-driver devicemapper --tlsverify --tlscacert "
                                    "/etc/docker/ca.pem --tlscert /etc/docker/server.pem "
                                    "--tlskey /etc/docker/server-key.pem --label env=prod --label "
                                    "provider=generic \nEnvironment=\"FOO=bar\" \n",
                                    "/etc/systemd/system/docker.service.d/10-machine.conf")));
}

TEST_F(ProvisionFlows, CustomDaemonPortFromDriverUrl) {
    use_os(k_ubuntu_xenial);
    m_driver->url_value = "tcp://127.0.0.1:12376";
    m_ssh.defaults[k_listening_sockets_command] = {0, "LISTEN 0 128 :::12376 :::*\n"};
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    bool found = false;
    for (const std::string& command : m_ssh.commands()) {
        found = found || command.find("-H tcp://0.0.0.0:12376 ") != std::string::npos;
    }
    EXPECT_TRUE(found);
}

TEST_F(ProvisionFlows, ArchInstallsFromPacmanAndIgnoresInstallUrl) {
    use_os("NAME=\"Arch Linux\"\nID=arch\n");
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    std::vector<std::string> commands = m_ssh.commands();
    std::vector<std::string> head(commands.begin(), commands.begin() + 10);
    EXPECT_EQ(head, (std::vector<std::string>{
                        "exit 0",
                        "cat /etc/os-release",
                        "if ! type sudo; then pacman -Sy --noconfirm --noprogressbar sudo; fi",
                        "sudo hostname gen6 && echo \"gen6\" | sudo tee /etc/hostname",
                        k_hosts_script,
                        "sudo -E pacman -Sy --noconfirm --noprogressbar curl",
                        "sudo -E pacman -Sy --noconfirm --noprogressbar docker",
                        "sudo systemctl daemon-reload",
                        "sudo systemctl -f start docker",
                        "sudo docker version",
                    }));
    EXPECT_EQ(commands.back(), "sudo systemctl -f enable docker");
    for (const std::string& command : commands) {
        EXPECT_EQ(command.find("get.docker.com"), std::string::npos) << command;
    }
}

TEST_F(ProvisionFlows, SuseProbesTheFilesystemAndRegistersSle) {
    use_os("NAME=\"SLES\"\nVERSION_ID=\"12.3\"\nID=\"sles\"\nID_LIKE=\"suse\"\n");
    m_ssh.defaults["stat -f -c %T /var/lib/docker"] = {1, "stat: cannot read file system information"};
    m_ssh.defaults["stat -f -c %T /var/lib/"] = {0, "btrfs\n"};
    m_ssh.defaults["rpm -q curl"] = {0, "curl-7.60.0"};
    m_ssh.defaults["rpm -q docker"] = {1, "package docker is not installed"};
    m_ssh.defaults["rpm -q yast2-firewall"] = {1, "package yast2-firewall is not installed"};
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    std::vector<std::string> commands = m_ssh.commands();
    std::vector<std::string> head(commands.begin(), commands.begin() + 15);
    EXPECT_EQ(head, (std::vector<std::string>{
                        "exit 0",
                        "cat /etc/os-release",
                        "stat -f -c %T /var/lib/docker",
                        "stat -f -c %T /var/lib/",
                        "sudo hostname gen6 && echo \"gen6\" | sudo tee /etc/hostname",
                        k_hosts_script,
                        "sudo -E SUSEConnect -p sle-module-containers/12/$(uname -m) -r ''",
                        "rpm -q curl",
                        "rpm -q docker",
                        "sudo -E zypper -n in docker",
                        "yes no | sudo -E ln -si /usr/sbin/runc /usr/sbin/docker-runc",
                        "sudo -E ln -sf /usr/sbin/containerd /usr/sbin/docker-containerd",
                        "sudo -E ln -sf /usr/sbin/containerd-shim /usr/sbin/docker-containerd-shim",
                        "rpm -q yast2-firewall",
                        "sudo systemctl daemon-reload",
                    }));
    bool btrfs = false;
    for (const std::string& command : commands) {
        btrfs = btrfs || command.find("--storage-driver btrfs ") != std::string::npos;
    }
    EXPECT_TRUE(btrfs);
    EXPECT_EQ(commands.back(), "sudo systemctl -f enable docker");
}

TEST_F(ProvisionFlows, SuseRegistrationFailure) {
    use_os("ID=\"sles\"\nID_LIKE=\"suse\"\n");
    m_ssh.defaults["sudo -E SUSEConnect -p sle-module-containers/12/$(uname -m) -r ''"] = {67,
                                                                                           "not registered"};
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_reprovision(env(), m_options, true); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error.rfind(
                  "Error while adding the 'containers' module, make sure this machine is registered either "
                  "against SUSE Customer Center (SCC) or to a local Subscription Management Tool (SMT): ssh "
                  "command error:\n",
                  0),
              0u)
        << error;
}

TEST_F(ProvisionFlows, CoreOsWritesItsDropIn) {
    use_os("NAME=\"Container Linux by CoreOS\"\nID=coreos\n");
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    std::vector<std::string> commands = m_ssh.commands();
    EXPECT_EQ(commands[2], "sudo tee /var/tmp/hostname.yml << EOF\n#cloud-config\n\nhostname: gen6\nEOF\n");
    EXPECT_EQ(commands[3], "sudo systemctl start system-cloudinit@var-tmp-hostname.yml.service");
    EXPECT_EQ(commands[4], "sudo mkdir -p /etc/docker");
    bool drop_in = false;
    for (const std::string& command : commands) {
        drop_in = drop_in || written_options(command, "/etc/systemd/system/docker.service.d/10-machine.conf")
                                     .rfind(
                                         "[Service]\nEnvironment=TMPDIR=/var/tmp\nExecStart=\nExecStart=/usr/"
                                         "lib/coreos/dockerd  "
                                         "--host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2376 ",
                                         0) == 0;
    }
    EXPECT_TRUE(drop_in);
    EXPECT_EQ(commands.back(), k_listening_sockets_command);
}

TEST_F(ProvisionFlows, RancherOsRejectsOtherStorageDrivers) {
    use_os("NAME=\"RancherOS\"\nID=rancheros\n");
    m_options.engine.storage_driver = "overlay2";
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { run_reprovision(env(), m_options, true); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error, "Unsupported storage driver: overlay2");
}

TEST_F(ProvisionFlows, RancherOsProvisioning) {
    use_os("NAME=\"RancherOS\"\nID=rancheros\n");
    m_options.engine.install_url = "https://releases.rancher.com/install-docker/18.09.sh";
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    std::vector<std::string> commands = m_ssh.commands();
    std::vector<std::string> head(commands.begin(), commands.begin() + 9);
    EXPECT_EQ(head, (std::vector<std::string>{
                        "exit 0",
                        "cat /etc/os-release",
                        "sed /127.0.1.1/d /etc/hosts > /tmp/hosts && cat /tmp/hosts | sudo tee /etc/hosts",
                        "sudo hostname gen6 && echo \"gen6\" | sudo tee /etc/hostname",
                        k_hosts_script,
                        "sudo mkdir -p /var/lib/rancher/conf/cloud-config.d/  \nsudo tee "
                        "/var/lib/rancher/conf/cloud-config.d/machine-hostname.yml << EOF\n#cloud-config\n\n"
                        "hostname: gen6\nEOF\n",
                        "wget -O- https://releases.rancher.com/install-docker/18.09.sh | sh -",
                        "sudo system-docker stop docker",
                        "if [ ! -z \"$(ip link show docker0)\" ]; then sudo ip link delete docker0; fi",
                    }));
    bool options_written = false;
    for (const std::string& command : commands) {
        options_written =
            options_written ||
            (written_options(command, "/var/lib/rancher/conf/docker").rfind("\nDOCKER_OPTS='\n", 0) == 0 &&
             command.find("--storage-driver overlay\n") != std::string::npos);
    }
    EXPECT_TRUE(options_written);
    EXPECT_NE(std::find(commands.begin(), commands.end(),
                        "printf '%s' '" + machine::read_file(m_options.auth.ca_cert_path) +
                            "' | sudo tee /var/lib/rancher/conf/ca.pem"),
              commands.end());
}

TEST_F(ProvisionFlows, RancherOsUpgradeRebootsAndDropsTheConnection) {
    use_os("NAME=\"RancherOS\"\nID=rancheros\n");
    testing::internal::CaptureStdout();
    run_upgrade(env(), m_options, [] { return std::string("1.12.6"); });
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(out,
              "Waiting for SSH to be available...\nDetecting the provisioner...\nUpgrading docker...\n"
              "Running upgrade\nUpgrade succeeded, rebooting\nRestarting docker...\n");
    EXPECT_EQ(m_resets, 1);
    EXPECT_EQ(m_ssh.commands(),
              (std::vector<std::string>{"exit 0", "cat /etc/os-release",
                                        "sudo rancherctl os upgrade -f --no-reboot", "sudo reboot",
                                        "sudo system-docker restart docker"}));
}

TEST_F(ProvisionFlows, Boot2DockerWaitsForTheDaemonFirst) {
    use_os("NAME=Boot2Docker\nID=boot2docker\n");
    testing::internal::CaptureStdout();
    run_reprovision(env(), m_options, true);
    (void)testing::internal::GetCapturedStdout();
    std::vector<std::string> commands = m_ssh.commands();
    std::vector<std::string> head(commands.begin(), commands.begin() + 7);
    EXPECT_EQ(
        head,
        (std::vector<std::string>{
            "exit 0",
            "cat /etc/os-release",
            "sudo /usr/bin/sethostname gen6 && echo \"gen6\" | sudo tee /var/lib/boot2docker/etc/hostname",
            k_listening_sockets_command,
            "sudo mkdir -p /var/lib/boot2docker",
            "sudo /etc/init.d/docker stop",
            "if [ ! -z \"$(ip link show docker0)\" ]; then sudo ip link delete docker0; fi",
        }));
    bool profile = false;
    for (const std::string& command : commands) {
        profile = profile ||
                  written_options(command, "/var/lib/boot2docker/profile").rfind("\nEXTRA_ARGS='\n", 0) == 0;
    }
    EXPECT_TRUE(profile);
    EXPECT_EQ(commands.back(), k_listening_sockets_command);
}

TEST_F(ProvisionFlows, Boot2DockerIsoUpgradeIsNotSupported) {
    use_os("ID=boot2docker\n");
    testing::internal::CaptureStdout();
    std::string error =
        error_of([&] { run_upgrade(env(), m_options, [] { return std::string("18.09.0"); }); });
    (void)testing::internal::GetCapturedStdout();
    EXPECT_EQ(error, "upgrading the boot2docker ISO is not supported yet");
}

}  // namespace
