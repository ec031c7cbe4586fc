#pragma once

// The connection check of `env`, `config` and the end of `create` (certs-and-provisioning.md §3).

#include <string>

#include "machine/cert.hpp"
#include "machine/host.hpp"

namespace machine {

// The machine's TLS client material (CA and client certificate paths from its AuthOptions).
[[nodiscard]] cert::TlsClientFiles tls_client_files(const Host& host);

// Returns the Docker URL (swarm-rewritten with `swarm`) after a TLS handshake with it succeeded. Throws Error
// with upstream's text (e.g. "Host is not running", "Error checking and/or regenerating the certs: ...").
[[nodiscard]] std::string check_connection(Host& host, bool swarm);

// "tcp://<host of url>:<port of SwarmOptions.Host>"; `url` itself for a swarm-mode machine.
[[nodiscard]] std::string swarm_url(const Host& host, const std::string& url);

}  // namespace machine
