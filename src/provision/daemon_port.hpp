#pragma once

// "Is the Docker daemon listening?" as docker-machine checks it over SSH (certs-and-provisioning.md §5.6).

#include <string_view>

namespace machine::provision {

inline constexpr const char* k_listening_sockets_command =
    "if ! type netstat 1>/dev/null; then ss -tln; else netstat -tln; fi";

// True when a non-empty line of `output` (netstat -tln or ss -tln) matches `:<port>\s+.*:.*`.
[[nodiscard]] bool shows_daemon_listening(std::string_view output, int port);

}  // namespace machine::provision
