#pragma once

// Renewal of the store's CA and client certificate before they expire (`regenerate-certs --renew-ca`, issue
// 11). Upstream's bootstrap only replaces them once expired; this replaces them now.

#include <string>

#include "machine/cert.hpp"

namespace machine::cert {

// Moves the CA certificate and key and the client certificate and key into `<cert_dir>/previous/` (replacing
// an older backup there), then creates new ones as bootstrap_certificates does. Callers hold the store-wide
// certs lock. Throws machine::Error. Every machine whose server certificate the old CA signed needs
// `regenerate-certs` afterwards.
void renew_ca_and_client_certificate(const BootstrapPaths& paths);

}  // namespace machine::cert
