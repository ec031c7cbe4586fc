#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "machine/error.hpp"

// SSH to a machine: one connection per Client for its whole lifetime, one channel (native) or one multiplexed
// session (external ssh with ControlMaster) per command. Upstream docker-machine opened one SSH connection
// per remote command; the observable behaviour (argv of `docker-machine ssh`, error texts) is kept, the
// connection count is not.
namespace machine::ssh {

// Where and as whom to connect.
struct Endpoint {
    std::string host;
    int port = 22;
    std::string user;
    std::string key_path;  // private key file without passphrase; "" = none (ssh-agent / default keys)
    std::string known_hosts_path;  // pinned host keys of this machine; "" = don't check host keys at all
};

struct CommandResult {
    int exit_status = 0;  // the remote exit status; 255 when the remote command died without one (signal)
    std::string output;   // stdout and stderr combined, in arrival order
};

// A remote command that exited non-zero, as provisioning reports it (certs-and-provisioning.md §5.1).
class CommandFailed : public Error {
public:
    CommandFailed(std::string command, int exit_status, std::string output);
    [[nodiscard]] const std::string& command() const noexcept { return m_command; }
    [[nodiscard]] int exit_status() const noexcept { return m_exit_status; }
    [[nodiscard]] const std::string& output() const noexcept { return m_output; }

private:
    std::string m_command;
    int m_exit_status;
    std::string m_output;
};

// The host presented a key other than the one pinned in the endpoint's known_hosts file, or the file exists
// but pins no key for this host. The message says how to accept the new key (delete the known_hosts file).
class HostKeyMismatch : public Error {
public:
    using Error::Error;
};

// One SSH connection to one machine, opened on first use (or by connect()) and closed by the destructor.
// Not thread-safe: use one Client per thread. Non-copyable.
class Client {
public:
    Client() = default;
    virtual ~Client() = default;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Opens the connection now if it is not open (otherwise the first command does). Checks or records the
    // host key (see Endpoint::known_hosts_path) and authenticates.
    // Throws HostKeyMismatch, or Error on connection / authentication failure.
    virtual void connect() = 0;

    // Runs one remote shell command with `input` as its stdin (then EOF), captures stdout+stderr.
    // A non-zero remote exit status is a result, not an exception.
    // Throws like connect(), and Error if the connection is lost during the command (the next command
    // reconnects).
    [[nodiscard]] virtual CommandResult run_with_input(const std::string& command,
                                                       std::string_view input) = 0;

    // run_with_input with an empty stdin.
    [[nodiscard]] CommandResult run(const std::string& command) { return run_with_input(command, {}); }

    // Like run(), on a pseudo-terminal (upstream's "-tt" / OutputWithPty, used by the RedHat-family
    // provisioners); line ends in the output may then be "\r\n".
    [[nodiscard]] virtual CommandResult run_tty(const std::string& command) = 0;

    // Like run(), but a non-zero exit status throws CommandFailed ("ssh command error:\ncommand : ...").
    // Returns the output.
    std::string run_checked(const std::string& command);

    // Writes `content` to `remote_path` with permission bits `mode` (e.g. 0644), through `sudo` if asked.
    // Throws CommandFailed if the remote side could not write it.
    void upload(const std::string& content, const std::string& remote_path, int mode, bool use_sudo = false);

    // Runs `remote_args` (joined by the remote shell; none = login shell) with this process's
    // stdin/stdout/stderr attached. Returns the remote exit status. Throws like connect().
    // Native: a pty (of the local terminal's size, following resizes) when stdin is a terminal. External:
    // upstream's argv plus the args, so ssh allocates a pty for a login shell on a terminal, and for a
    // command only if the args hold "-t" (as `docker-machine ssh NAME -t top` did).
    virtual int run_interactive(const std::vector<std::string>& remote_args) = 0;
};

enum class ClientKind { Native, External };

// cli.md §3.15: no `ssh` binary on PATH -> Native; --native-ssh / MACHINE_NATIVE_SSH -> Native; else
// External.
[[nodiscard]] ClientKind choose_client_kind(bool native_flag);

// Native: libssh. External: the system `ssh` binary sharing one connection through a ControlMaster.
// External checks the key file first (check_key_file) and throws its errors; no connection is opened here.
[[nodiscard]] std::unique_ptr<Client> make_client(const Endpoint& endpoint, ClientKind kind);

// ---- External client: argv and key checks (pure or nearly, for the CLI and tests) ----

struct ExternalArgsOptions {
    // "" = upstream's "-o ControlMaster=no -o ControlPath=none"; else
    // "-o ControlMaster=auto -o ControlPath=<path> -o ControlPersist=yes".
    std::string control_path;
    // Only read when the endpoint has a known_hosts_path: true -> StrictHostKeyChecking=yes,
    // false -> accept-new (the first connection records the key).
    bool known_hosts_exists = false;
};

// The `ssh` argv (argv[0] = "ssh") up to and including "-p <port>", in upstream's order (cli.md §3.15):
//   ssh -F /dev/null -o ConnectionAttempts=3 -o ConnectTimeout=10 -o ControlMaster=no -o ControlPath=none
//   -o LogLevel=quiet -o PasswordAuthentication=no -o ServerAliveInterval=60 -o StrictHostKeyChecking=no
//   -o UserKnownHostsFile=/dev/null <user>@<host> [-o IdentitiesOnly=yes -i <key>] -p <port>
// Remote arguments follow as separate elements; a command for run() as one last element.
[[nodiscard]] std::vector<std::string> external_ssh_args(const Endpoint& endpoint,
                                                         const ExternalArgsOptions& options);

// Upstream's checks of a private key file before the external ssh uses it (non-Windows). Throws Error:
//   "stat <path>: no such file or directory", "'<path>' is not readable",
//   "permissions 0644 for '<path>' are too open".
void check_key_file(const std::string& path);

// ---- Host keys (OpenSSH known_hosts format) ----

// "host" for port 22, "[host]:port" otherwise.
[[nodiscard]] std::string known_hosts_host(const std::string& host, int port);

// "<known_hosts_host> <key type> <base64>\n".
[[nodiscard]] std::string known_hosts_line(const std::string& host, int port, const std::string& key_type,
                                           const std::string& key_base64);

struct PinnedKey {
    std::string key_type;  // e.g. "ssh-ed25519"
    std::string key_base64;
};

// The keys that `known_hosts_text` pins for host:port (plain host patterns, comma lists, negation and
// wildcards; hashed entries and @cert-authority/@revoked lines are ignored).
[[nodiscard]] std::vector<PinnedKey> find_pinned_keys(std::string_view known_hosts_text,
                                                      const std::string& host, int port);

// "SHA256:<base64 without padding>" of a public key blob given in base64; nullopt if it does not parse.
[[nodiscard]] std::optional<std::string> key_fingerprint(const std::string& key_base64);

// The one wording for a refused host key, used by both clients. `expected` / `got` are fingerprints
// ("" when unknown).
[[nodiscard]] std::string host_key_changed_message(const std::string& host, int port,
                                                   const std::string& known_hosts_path,
                                                   const std::string& expected, const std::string& got);
[[nodiscard]] std::string host_key_unknown_message(const std::string& host, int port,
                                                   const std::string& known_hosts_path,
                                                   const std::string& got);

// ---- Failing remote commands (certs-and-provisioning.md §5.1) ----

// "ssh command error:\ncommand : <cmd>\nerr     : exit status N\noutput  : <output>"; with
// `tty_variant` (RedHat family) the heading is "something went wrong running an SSH command".
[[nodiscard]] std::string format_command_error(const std::string& command, int exit_status,
                                               const std::string& output, bool tty_variant = false);

// `text` with every PEM private key block replaced by "<REDACTED>" (certificates are kept): debug logs and
// error messages show remote commands, and provisioning uploads the server's private key.
[[nodiscard]] std::string redact_private_keys(std::string text);

// Single-quotes `text` for a POSIX shell: abc -> 'abc', it's -> 'it'\''s'.
[[nodiscard]] std::string shell_quote(std::string_view text);

}  // namespace machine::ssh
