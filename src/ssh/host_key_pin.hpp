#pragma once

#include <string>

#include "machine/ssh.hpp"

namespace machine::ssh::detail {

enum class PinState {
    Disabled,      // the endpoint has no known_hosts_path: host keys are not checked
    NotPinnedYet,  // the known_hosts file does not exist yet: record the key once authenticated
    Matches,       // the file pins exactly this key
};

// Checks the key a host presented against the endpoint's known_hosts file.
// Throws HostKeyMismatch (changed key, or a file that pins nothing for this host), Error if it can't be read.
[[nodiscard]] PinState check_host_key(const Endpoint& endpoint, const std::string& key_type,
                                      const std::string& key_base64);

// Creates the endpoint's known_hosts file with this one key (trust on first use). Throws Error.
void record_host_key(const Endpoint& endpoint, const std::string& key_type, const std::string& key_base64);

// The fingerprint of the key pinned for the endpoint's host ("" if none or unreadable), preferring
// `key_type`.
[[nodiscard]] std::string pinned_fingerprint(const Endpoint& endpoint, const std::string& key_type);

}  // namespace machine::ssh::detail
