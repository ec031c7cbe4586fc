#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libssh_handles.hpp"
#include "machine/ssh.hpp"

namespace machine::ssh::detail {

// The built-in client on libssh: one ssh_session for the Client's lifetime (re-opened only if it was lost),
// one channel per command. Auth: the endpoint's key file (ed25519, ECDSA, RSA with rsa-sha2 signatures; no
// passphrase), else ssh-agent and ~/.ssh's default keys. Host keys: pinned per Endpoint::known_hosts_path.
class NativeClient final : public Client {
public:
    explicit NativeClient(Endpoint endpoint);
    ~NativeClient() override;

    void connect() override;
    [[nodiscard]] CommandResult run_with_input(const std::string& command, std::string_view input) override;
    [[nodiscard]] CommandResult run_tty(const std::string& command) override;
    int run_interactive(const std::vector<std::string>& remote_args) override;

private:
    // TCP + SSH handshake, up to 3 attempts one second apart. Throws Error.
    [[nodiscard]] Session dial() const;
    // The endpoint's private key (null when none is configured). Throws Error.
    [[nodiscard]] Key load_key() const;
    // With `key`, or with ssh-agent and ~/.ssh's default keys when it is null. Throws Error.
    void authenticate(ssh_session session, ssh_key key) const;
    [[nodiscard]] Channel open_channel();
    [[nodiscard]] CommandResult execute(const std::string& command, std::string_view input, bool tty);
    [[nodiscard]] std::string where() const;

    Endpoint m_endpoint;
    Session m_session;
};

}  // namespace machine::ssh::detail
