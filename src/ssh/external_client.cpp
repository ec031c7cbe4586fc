#include "external_client.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_log.hpp"
#include "host_key_pin.hpp"
#include "machine/atomic_file.hpp"
#include "machine/log.hpp"
#include "machine/process.hpp"

namespace machine::ssh {
namespace {

// A path as the value of an ssh -o option: '%' is a token escape there, whitespace separates values.
std::string ssh_option_path(const std::string& path) {
    std::string escaped;
    for (char c : path) {
        escaped += c == '%' ? std::string("%%") : std::string(1, c);
    }
    if (escaped.find_first_of(" \t") != std::string::npos) {
        return "\"" + escaped + "\"";
    }
    return escaped;
}

// Go's os.FileMode.String() for the permission part, e.g. "-rw-------".
std::string go_mode_string(mode_t mode) {
    std::string text = S_ISDIR(mode) ? "d" : "-";
    const char* letters = "rwxrwxrwx";
    for (int bit = 8; bit >= 0; --bit) {
        text += (mode & (1u << bit)) != 0 ? letters[8 - bit] : '-';
    }
    return text;
}

}  // namespace

std::vector<std::string> external_ssh_args(const Endpoint& endpoint, const ExternalArgsOptions& options) {
    std::vector<std::string> args = {
        "ssh", "-F", "/dev/null", "-o", "ConnectionAttempts=3", "-o", "ConnectTimeout=10"};
    if (options.control_path.empty()) {
        args.insert(args.end(), {"-o", "ControlMaster=no", "-o", "ControlPath=none"});
    } else {
        args.insert(args.end(),
                    {"-o", "ControlMaster=auto", "-o", "ControlPath=" + ssh_option_path(options.control_path),
                     "-o", "ControlPersist=60"});
    }
    args.insert(args.end(),
                {"-o", "LogLevel=quiet", "-o", "PasswordAuthentication=no", "-o", "ServerAliveInterval=60"});
    if (endpoint.known_hosts_path.empty()) {
        args.insert(args.end(), {"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"});
    } else {
        args.insert(args.end(), {"-o",
                                 options.known_hosts_exists ? "StrictHostKeyChecking=yes"
                                                            : "StrictHostKeyChecking=accept-new",
                                 "-o", "UserKnownHostsFile=" + ssh_option_path(endpoint.known_hosts_path)});
    }
    args.push_back(endpoint.user.empty() ? endpoint.host : endpoint.user + "@" + endpoint.host);
    if (!endpoint.key_path.empty()) {
        args.insert(args.end(), {"-o", "IdentitiesOnly=yes", "-i", endpoint.key_path});
    }
    args.insert(args.end(), {"-p", std::to_string(endpoint.port)});
    return args;
}

void check_key_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        throw Error(go_path_error("stat", path, errno));
    }
    log::debug("Using SSH private key: " + path + " (" + go_mode_string(info.st_mode) + ")");
    const unsigned perm = info.st_mode & 0777;
    if ((perm & 0400) == 0) {
        throw Error("'" + path + "' is not readable");
    }
    if ((perm & 0077) != 0) {
        char text[32];
        std::snprintf(text, sizeof text, "%#o", perm);
        throw Error(std::string("permissions ") + text + " for '" + path + "' are too open");
    }
}

namespace detail {
namespace {

std::string make_private_dir() {
    std::string base = "/tmp";
    if (const char* tmpdir = std::getenv("TMPDIR"); tmpdir != nullptr && *tmpdir != '\0') {
        base = tmpdir;
    }
    // sun_path holds 108 bytes; ssh binds "<ControlPath>.<16 random chars>" first.
    if (base.size() + std::string("/machine-ssh-XXXXXX/cm").size() + 17 >= 100) {
        base = "/tmp";
    }
    std::string pattern = base + "/machine-ssh-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw Error(go_path_error("mkdir", pattern, errno));
    }
    return pattern;  // mkdtemp makes it 0700
}

std::string read_text(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

// "The fingerprint for the ED25519 key sent by the remote host is\nSHA256:xyz." -> "SHA256:xyz"
std::string presented_fingerprint(const std::string& log_text) {
    auto marker = log_text.find("sent by the remote host is");
    if (marker == std::string::npos) {
        return "";
    }
    auto start = log_text.find("SHA256:", marker);
    if (start == std::string::npos) {
        return "";
    }
    auto end = log_text.find_first_of(". \r\n", start);
    return log_text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

ExternalClient::ExternalClient(Endpoint endpoint) : m_endpoint(std::move(endpoint)) {
    if (!m_endpoint.key_path.empty()) {
        check_key_file(m_endpoint.key_path);
    }
    m_dir = make_private_dir();
}

ExternalClient::~ExternalClient() {
    std::error_code ignored;
    if (std::filesystem::exists(m_dir + "/cm", ignored)) {
        (void)process::run_silent(control_args("exit"));
    }
    std::filesystem::remove_all(m_dir, ignored);
}

std::string ExternalClient::where() const {
    std::string host =
        m_endpoint.host.find(':') != std::string::npos ? "[" + m_endpoint.host + "]" : m_endpoint.host;
    return (m_endpoint.user.empty() ? "" : m_endpoint.user + "@") + host + ":" +
           std::to_string(m_endpoint.port);
}

std::vector<std::string> ExternalClient::base_args() const {
    ExternalArgsOptions options;
    options.control_path = m_dir + "/cm";
    options.known_hosts_exists =
        !m_endpoint.known_hosts_path.empty() && ::access(m_endpoint.known_hosts_path.c_str(), F_OK) == 0;
    return external_ssh_args(m_endpoint, options);
}

// "ssh -O <operation> <base options>": talks to the master only.
std::vector<std::string> ExternalClient::control_args(const std::string& operation) const {
    std::vector<std::string> args = {"ssh", "-O", operation};
    auto base = base_args();
    args.insert(args.end(), base.begin() + 1, base.end());
    return args;
}

bool ExternalClient::master_alive() const {
    return process::run_silent(control_args("check")) == 0;
}

void ExternalClient::throw_connect_error(const std::string& log_text, int exit_status) const {
    const std::string got = presented_fingerprint(log_text);
    if (log_text.find("host key is known for") != std::string::npos) {
        throw HostKeyMismatch(
            host_key_unknown_message(m_endpoint.host, m_endpoint.port, m_endpoint.known_hosts_path, got));
    }
    if (log_text.find("REMOTE HOST IDENTIFICATION HAS CHANGED") != std::string::npos ||
        log_text.find("Host key verification failed") != std::string::npos) {
        throw HostKeyMismatch(host_key_changed_message(m_endpoint.host, m_endpoint.port,
                                                       m_endpoint.known_hosts_path,
                                                       pinned_fingerprint(m_endpoint, ""), got));
    }
    std::string details = trim(log_text);
    throw Error("ssh: could not connect to " + where() + " (ssh exit status " + std::to_string(exit_status) +
                ")" + (details.empty() ? std::string() : ": " + details));
}

void ExternalClient::connect() {
    if (m_master_started) {
        return;
    }
    // The master: authenticates, then forks into the background (-f) and serves sessions (-N: none of its
    // own). Its diagnostics go to a log file (-E) at level "error" (the first -o LogLevel wins), so that a
    // refused host key or a failed login can be reported clearly.
    const std::string log_path = m_dir + "/ssh.log";
    std::ofstream(log_path, std::ios::trunc).close();
    std::vector<std::string> args = {"ssh", "-E", log_path, "-o", "LogLevel=error", "-f", "-N"};
    auto base = base_args();
    args.insert(args.end(), base.begin() + 1, base.end());
    auto result = process::run_captured(args, {});
    if (result.exit_status != 0) {
        throw_connect_error(read_text(log_path) + result.output, result.exit_status);
    }
    m_master_started = true;
    log::debug("SSH connection to " + where() + " open (ssh ControlMaster " + m_dir + "/cm)");
}

CommandResult ExternalClient::execute(const std::string& command, std::string_view input, bool tty) {
    log_command_start(command);
    connect();
    auto args = base_args();
    if (tty) {
        args.push_back("-tt");
    }
    args.push_back(command);
    auto output = process::run_captured(args, input);
    if (output.exit_status == 255 && !master_alive()) {
        m_master_started = false;
        std::string details = trim(output.output);
        throw Error("ssh: lost the connection to " + where() + " (ssh exit status 255)" +
                    (details.empty() ? std::string() : ": " + details));
    }
    CommandResult result{output.exit_status, std::move(output.output)};
    log_command_end(result);
    return result;
}

CommandResult ExternalClient::run_with_input(const std::string& command, std::string_view input) {
    return execute(command, input, false);
}

CommandResult ExternalClient::run_tty(const std::string& command) {
    return execute(command, {}, true);
}

int ExternalClient::run_interactive(const std::vector<std::string>& remote_args) {
    connect();
    auto args = base_args();
    args.insert(args.end(), remote_args.begin(), remote_args.end());
    std::string joined;
    for (const auto& arg : args) {
        joined += (joined.empty() ? "" : " ") + arg;
    }
    log::debug("Running: " + joined);
    return process::run_attached(args);
}

}  // namespace detail
}  // namespace machine::ssh
