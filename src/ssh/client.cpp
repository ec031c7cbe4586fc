// What both clients share: the factory, the choice between them, and the error texts of failing commands.
#include <cstdio>
#include <memory>
#include <string>

#include "command_log.hpp"
#include "external_client.hpp"
#include "machine/log.hpp"
#include "machine/process.hpp"
#include "machine/ssh.hpp"
#include "native_client.hpp"

namespace machine::ssh {

CommandFailed::CommandFailed(std::string command, int exit_status, std::string output)
    : Error(format_command_error(command, exit_status, output)),
      m_command(std::move(command)),
      m_exit_status(exit_status),
      m_output(std::move(output)) {}

std::string redact_private_keys(std::string text) {
    static constexpr std::string_view k_begin = "-----BEGIN ";
    static constexpr std::string_view k_private_end = " PRIVATE KEY-----";
    for (std::size_t begin = text.find(k_begin); begin != std::string::npos;
         begin = text.find(k_begin, begin)) {
        std::size_t label_end = text.find("-----", begin + k_begin.size());
        if (label_end == std::string::npos) {
            break;
        }
        if (text.compare(label_end - k_private_end.size() + 5, k_private_end.size(), k_private_end) != 0) {
            begin = label_end;  // a certificate: public, kept
            continue;
        }
        std::size_t end = text.find("-----END ", label_end);
        std::size_t end_of_end = end == std::string::npos ? std::string::npos : text.find("-----", end + 9);
        std::size_t stop = end_of_end == std::string::npos ? text.size() : end_of_end + 5;
        text.replace(begin, stop - begin, "<REDACTED>");
        begin += 10;
    }
    return text;
}

std::string format_command_error(const std::string& command, int exit_status, const std::string& output,
                                 bool tty_variant) {
    return std::string(tty_variant ? "something went wrong running an SSH command" : "ssh command error:") +
           "\ncommand : " + redact_private_keys(command) + "\nerr     : exit status " +
           std::to_string(exit_status) + "\noutput  : " + redact_private_keys(output);
}

std::string shell_quote(std::string_view text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted.push_back(c);
        }
    }
    quoted.push_back('\'');
    return quoted;
}

std::string Client::run_checked(const std::string& command) {
    CommandResult result = run(command);
    if (result.exit_status != 0) {
        throw CommandFailed(command, result.exit_status, result.output);
    }
    return result.output;
}

void Client::upload(const std::string& content, const std::string& remote_path, int mode, bool use_sudo) {
    char mode_text[16];
    std::snprintf(mode_text, sizeof mode_text, "%04o", mode & 07777);
    const std::string temp = shell_quote(remote_path + ".machine-upload");
    const std::string target = shell_quote(remote_path);
    std::string script =
        "cat > " + temp + " && chmod " + mode_text + " " + temp + " && mv -f " + temp + " " + target;
    std::string command = use_sudo ? "sudo sh -c " + shell_quote(script) : script;
    CommandResult result = run_with_input(command, content);
    if (result.exit_status != 0) {
        throw CommandFailed(command, result.exit_status, result.output);
    }
}

ClientKind choose_client_kind(bool native_flag) {
    if (!process::find_in_path("ssh")) {
        return ClientKind::Native;
    }
    return native_flag ? ClientKind::Native : ClientKind::External;
}

std::unique_ptr<Client> make_client(const Endpoint& endpoint, ClientKind kind) {
    if (kind == ClientKind::Native) {
        log::debug("Using SSH client type: native");
        return std::make_unique<detail::NativeClient>(endpoint);
    }
    log::debug("Using SSH client type: external");
    return std::make_unique<detail::ExternalClient>(endpoint);
}

namespace detail {

void log_command_start(const std::string& command) {
    log::debug("About to run SSH command:\n" + redact_private_keys(command));
}

void log_command_end(const CommandResult& result) {
    std::string err = result.exit_status == 0 ? "<nil>" : "exit status " + std::to_string(result.exit_status);
    log::debug("SSH cmd err, output: " + err + ": " + redact_private_keys(result.output));
}

}  // namespace detail
}  // namespace machine::ssh
