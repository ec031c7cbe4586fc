#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "machine/ssh.hpp"

namespace machine::ssh::detail {

// The system `ssh` binary with upstream's options (cli.md §3.15), sharing one connection for the Client's
// lifetime: the first use starts a ControlMaster (ControlPersist) on a socket in a private 0700 temp dir;
// every command is a session multiplexed on it. The destructor stops the master ("ssh -O exit") and removes
// the dir.
class ExternalClient final : public Client {
public:
    // Checks the key file (check_key_file) and makes the temp dir. Throws Error.
    explicit ExternalClient(Endpoint endpoint);
    ~ExternalClient() override;

    void connect() override;
    [[nodiscard]] CommandResult run_with_input(const std::string& command, std::string_view input) override;
    [[nodiscard]] CommandResult run_tty(const std::string& command) override;
    int run_interactive(const std::vector<std::string>& remote_args) override;

private:
    [[nodiscard]] std::vector<std::string> base_args() const;
    [[nodiscard]] std::vector<std::string> control_args(const std::string& operation) const;
    [[nodiscard]] bool master_alive() const;
    [[noreturn]] void throw_connect_error(const std::string& log_text, int exit_status) const;
    [[nodiscard]] CommandResult execute(const std::string& command, std::string_view input, bool tty);
    [[nodiscard]] std::string where() const;

    Endpoint m_endpoint;
    std::string m_dir;  // private temp dir: cm (control socket), ssh.log (the master's diagnostics)
    bool m_master_started = false;
};

}  // namespace machine::ssh::detail
