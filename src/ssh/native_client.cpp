#include "native_client.hpp"

#include <poll.h>
#include <unistd.h>
#include "libssh_api.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include "command_log.hpp"
#include "host_key_pin.hpp"
#include "key_blob.hpp"
#include "machine/atomic_file.hpp"
#include "machine/log.hpp"
#include "terminal.hpp"

namespace machine::ssh::detail {
namespace {

constexpr long k_connect_timeout_seconds = 10;  // as the external client's ConnectTimeout=10
constexpr int k_connection_attempts = 3;        // as ConnectionAttempts=3, one second apart
constexpr int k_keepalive_interval_ms = 60000;  // as ServerAliveInterval=60

std::string libssh_error(ssh_session session) {
    const char* text = libssh().ssh_get_error(session);
    return text != nullptr && *text != '\0' ? text : "unknown error";
}

void write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

// What a channel's callbacks collect. Output is appended, or written to this process's stdout/stderr.
struct ChannelSink {
    bool to_terminal = false;
    std::string output;
};

int on_channel_data(ssh_session, ssh_channel, void* data, uint32_t length, int is_stderr, void* userdata) {
    auto* sink = static_cast<ChannelSink*>(userdata);
    if (sink->to_terminal) {
        write_all(is_stderr != 0 ? STDERR_FILENO : STDOUT_FILENO, static_cast<const char*>(data), length);
    } else {
        sink->output.append(static_cast<const char*>(data), length);
    }
    return static_cast<int>(length);
}

// Installs data callbacks on a channel for the guard's lifetime; declare it after the Channel it watches so
// that it is removed before the channel is freed (libssh may still see the channel's close afterwards).
class ChannelCallbacks {
public:
    ChannelCallbacks(ssh_channel channel, ChannelSink& sink) : m_channel(channel) {
        std::memset(&m_callbacks, 0, sizeof m_callbacks);
        ssh_callbacks_init(&m_callbacks);
        m_callbacks.userdata = &sink;
        m_callbacks.channel_data_function = on_channel_data;
        libssh().ssh_set_channel_callbacks(m_channel, &m_callbacks);
    }
    ~ChannelCallbacks() { libssh().ssh_remove_channel_callbacks(m_channel, &m_callbacks); }
    ChannelCallbacks(const ChannelCallbacks&) = delete;
    ChannelCallbacks& operator=(const ChannelCallbacks&) = delete;

private:
    ssh_channel m_channel;
    ssh_channel_callbacks_struct m_callbacks;
};

struct HostKey {
    std::string type;
    std::string base64;
};

HostKey server_host_key(ssh_session session) {
    ssh_key raw = nullptr;
    if (libssh().ssh_get_server_publickey(session, &raw) != SSH_OK) {
        throw Error("ssh: could not read the host key: " + libssh_error(session));
    }
    Key key(raw);
    char* raw_text = nullptr;
    if (libssh().ssh_pki_export_pubkey_base64(key.get(), &raw_text) != SSH_OK) {
        throw Error("ssh: could not encode the host key");
    }
    CString text(raw_text);
    HostKey host_key{"", text.get()};
    host_key.type = key_blob_type(host_key.base64)
                        .value_or(libssh().ssh_key_type_to_char(libssh().ssh_key_type(key.get())));
    return host_key;
}

int exit_status_of(ssh_channel channel) {
    int status = libssh().ssh_channel_get_exit_status(channel);
    return status < 0 ? 255 : status;
}

}  // namespace

NativeClient::NativeClient(Endpoint endpoint) : m_endpoint(std::move(endpoint)) {}

NativeClient::~NativeClient() = default;

std::string NativeClient::where() const {
    std::string host =
        m_endpoint.host.find(':') != std::string::npos ? "[" + m_endpoint.host + "]" : m_endpoint.host;
    return (m_endpoint.user.empty() ? "" : m_endpoint.user + "@") + host + ":" +
           std::to_string(m_endpoint.port);
}

Session NativeClient::dial() const {
    std::string last_error;
    for (int attempt = 1; attempt <= k_connection_attempts; ++attempt) {
        Session session(libssh().ssh_new());
        if (!session) {
            throw Error("ssh: out of memory");
        }
        ssh_session s = session.get();
        int port = m_endpoint.port;
        long timeout = k_connect_timeout_seconds;
        bool process_config = false;  // like "-F /dev/null": no ~/.ssh/config, no /etc/ssh/ssh_config
        libssh().ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
        libssh().ssh_options_set(s, SSH_OPTIONS_HOST, m_endpoint.host.c_str());
        libssh().ssh_options_set(s, SSH_OPTIONS_PORT, &port);
        if (!m_endpoint.user.empty()) {
            libssh().ssh_options_set(s, SSH_OPTIONS_USER, m_endpoint.user.c_str());
        }
        libssh().ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
        int no_delay = 1;  // small request/reply packets: without TCP_NODELAY each waits ~40 ms for an ACK
        libssh().ssh_options_set(s, SSH_OPTIONS_NODELAY, &no_delay);
        // The pinned file (if any) only steers the choice of host key algorithm towards the pinned key's
        // type; the check itself is ours (host_key_pin).
        const std::string known_hosts =
            m_endpoint.known_hosts_path.empty() || ::access(m_endpoint.known_hosts_path.c_str(), R_OK) != 0
                ? "/dev/null"
                : m_endpoint.known_hosts_path;
        libssh().ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
        libssh().ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
        if (libssh().ssh_connect(s) == SSH_OK) {
            return session;
        }
        last_error = libssh_error(s);
        log::debug("SSH connection attempt " + std::to_string(attempt) + " to " + where() +
                   " failed: " + last_error);
        if (attempt < k_connection_attempts) {
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    }
    throw Error("ssh: could not connect to " + where() + ": " + last_error);
}

Key NativeClient::load_key() const {
    if (m_endpoint.key_path.empty()) {
        return nullptr;
    }
    if (::access(m_endpoint.key_path.c_str(), R_OK) != 0) {
        throw Error(go_path_error("open", m_endpoint.key_path, errno));
    }
    ssh_key raw = nullptr;
    if (libssh().ssh_pki_import_privkey_file(m_endpoint.key_path.c_str(), nullptr, nullptr, nullptr, &raw) !=
        SSH_OK) {
        throw Error("ssh: could not read the private key " + m_endpoint.key_path +
                    " (unknown format, or protected by a passphrase)");
    }
    return Key(raw);
}

void NativeClient::authenticate(ssh_session session, ssh_key key) const {
    int rc;
    std::string method;
    if (key != nullptr) {
        method = "key " + m_endpoint.key_path;
        rc = libssh().ssh_userauth_publickey(session, nullptr, key);
    } else {
        method = std::getenv("SSH_AUTH_SOCK") != nullptr ? "ssh-agent and the default keys in ~/.ssh"
                                                         : "the default keys in ~/.ssh (no ssh-agent)";
        rc = libssh().ssh_userauth_publickey_auto(session, nullptr, nullptr);
    }
    if (rc == SSH_AUTH_SUCCESS) {
        return;
    }
    std::string reason = rc == SSH_AUTH_DENIED    ? "the server refused it"
                         : rc == SSH_AUTH_PARTIAL ? "the server asks for more authentication"
                                                  : libssh_error(session);
    throw Error("ssh: unable to authenticate to " + where() + " with " + method + ": " + reason);
}

void NativeClient::connect() {
    if (m_session && libssh().ssh_is_connected(m_session.get()) != 0) {
        return;
    }
    m_session.reset();
    const Key key = load_key();
    Session session = dial();
    const HostKey host_key = server_host_key(session.get());
    const PinState pin = check_host_key(m_endpoint, host_key.type, host_key.base64);
    authenticate(session.get(), key.get());
    if (pin == PinState::NotPinnedYet) {
        record_host_key(m_endpoint, host_key.type, host_key.base64);
    }
    log::debug("SSH connection to " + where() + " open");
    m_session = std::move(session);
}

Channel NativeClient::open_channel() {
    for (int attempt = 1;; ++attempt) {
        connect();
        Channel channel(libssh().ssh_channel_new(m_session.get()));
        if (channel && libssh().ssh_channel_open_session(channel.get()) == SSH_OK) {
            return channel;
        }
        const std::string error = libssh_error(m_session.get());
        const bool lost = libssh().ssh_is_connected(m_session.get()) == 0;
        channel.reset();
        if (!lost || attempt == 2) {
            throw Error("ssh: could not open a session on " + where() + ": " + error);
        }
        log::debug("SSH connection to " + where() + " was lost (" + error + "), reconnecting");
        m_session.reset();
    }
}

CommandResult NativeClient::execute(const std::string& command, std::string_view input, bool tty) {
    log_command_start(command);
    Channel channel = open_channel();
    ssh_channel ch = channel.get();
    ChannelSink sink;
    ChannelCallbacks callbacks(ch, sink);
    if (tty && libssh().ssh_channel_request_pty_size(ch, "xterm", 80, 24) != SSH_OK) {
        throw Error("ssh: could not get a pseudo-terminal on " + where() + ": " +
                    libssh_error(m_session.get()));
    }
    if (libssh().ssh_channel_request_exec(ch, command.c_str()) != SSH_OK) {
        throw Error("ssh: could not run a command on " + where() + ": " + libssh_error(m_session.get()));
    }
    if (!input.empty() &&
        libssh().ssh_channel_write(ch, input.data(), static_cast<uint32_t>(input.size())) < 0) {
        throw Error("ssh: could not send input to " + where() + ": " + libssh_error(m_session.get()));
    }
    libssh().ssh_channel_send_eof(ch);
    // The callbacks take the data as packets arrive (stdout and stderr in arrival order); poll until EOF.
    while (true) {
        int rc = libssh().ssh_channel_poll_timeout(ch, k_keepalive_interval_ms, 0);
        if (rc == SSH_ERROR) {
            throw Error("ssh: lost the connection to " + where() +
                        " while running a command: " + libssh_error(m_session.get()));
        }
        if (rc == SSH_EOF || libssh().ssh_channel_is_eof(ch) != 0 ||
            libssh().ssh_channel_is_closed(ch) != 0) {
            break;
        }
        if (rc == 0) {
            libssh().ssh_send_keepalive(m_session.get());
        }
    }
    CommandResult result{exit_status_of(ch), std::move(sink.output)};
    log_command_end(result);
    return result;
}

CommandResult NativeClient::run_with_input(const std::string& command, std::string_view input) {
    return execute(command, input, false);
}

CommandResult NativeClient::run_tty(const std::string& command) {
    return execute(command, {}, true);
}

int NativeClient::run_interactive(const std::vector<std::string>& remote_args) {
    std::string command;
    for (const auto& arg : remote_args) {
        command += (command.empty() ? "" : " ") + arg;
    }
    Channel channel = open_channel();
    ssh_channel ch = channel.get();
    ChannelSink sink{true, {}};
    ChannelCallbacks callbacks(ch, sink);
    const bool tty = ::isatty(STDIN_FILENO) != 0;
    if (tty) {
        const TerminalSize size = terminal_size(STDIN_FILENO).value_or(TerminalSize{});
        const char* term = std::getenv("TERM");
        if (libssh().ssh_channel_request_pty_size(ch, term != nullptr && *term != '\0' ? term : "xterm",
                                                  size.columns, size.rows) != SSH_OK) {
            throw Error("ssh: could not get a pseudo-terminal on " + where() + ": " +
                        libssh_error(m_session.get()));
        }
    }
    const int rc = command.empty() ? libssh().ssh_channel_request_shell(ch)
                                   : libssh().ssh_channel_request_exec(ch, command.c_str());
    if (rc != SSH_OK) {
        throw Error("ssh: could not start a session on " + where() + ": " + libssh_error(m_session.get()));
    }
    std::optional<RawMode> raw_mode;
    std::optional<WindowChangeWatcher> window_watcher;
    if (tty) {
        raw_mode.emplace(STDIN_FILENO);
        window_watcher.emplace();
    }
    bool stdin_open = true;
    char buffer[16384];
    while (true) {
        if (window_watcher && window_watcher->take()) {
            if (auto size = terminal_size(STDIN_FILENO)) {
                libssh().ssh_channel_change_pty_size(ch, size->columns, size->rows);
            }
        }
        pollfd fds[2] = {{libssh().ssh_get_fd(m_session.get()), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        ::poll(fds, stdin_open ? 2 : 1, 200);
        if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (n > 0) {
                if (libssh().ssh_channel_write(ch, buffer, static_cast<uint32_t>(n)) < 0) {
                    stdin_open = false;
                }
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                libssh().ssh_channel_send_eof(ch);
                stdin_open = false;
            }
        }
        int polled = libssh().ssh_channel_poll(ch, 0);
        if (polled == SSH_ERROR) {
            throw Error("ssh: lost the connection to " + where() + ": " + libssh_error(m_session.get()));
        }
        if (polled == SSH_EOF || libssh().ssh_channel_is_eof(ch) != 0 ||
            libssh().ssh_channel_is_closed(ch) != 0) {
            break;
        }
    }
    raw_mode.reset();
    return exit_status_of(ch);
}

}  // namespace machine::ssh::detail
