#pragma once

// Loading certificates and key pairs with the checks and error texts of Go's crypto/tls and crypto/x509,
// which docker-machine 0.16.2 reports to the user verbatim.

#include <string>
#include <string_view>
#include <vector>

#include "cert/openssl_handles.hpp"

namespace machine::cert {

struct KeyPair {
    std::vector<X509Ptr> chain;  // leaf first
    EvpPkeyPtr key;
};

// Go's x509.ParseCertificate on DER bytes. Throws Error("x509: malformed certificate").
[[nodiscard]] X509Ptr parse_certificate(std::string_view der);

// Go's tls.X509KeyPair: the CERTIFICATE blocks of `cert_pem` and the first "... PRIVATE KEY" block of
// `key_pem`, which must belong together. Throws Error with Go's text, e.g.
// "tls: failed to find any PEM data in certificate input", "tls: private key does not match public key".
[[nodiscard]] KeyPair parse_x509_key_pair(std::string_view cert_pem, std::string_view key_pem);

// Go's tls.LoadX509KeyPair: reads both files (error "open <path>: ..."), then parse_x509_key_pair.
[[nodiscard]] KeyPair load_x509_key_pair(const std::string& cert_path, const std::string& key_path);

// Go's CertPool.AppendCertsFromPEM: every parseable CERTIFICATE block without headers; may be empty.
[[nodiscard]] X509StackPtr parse_certificate_pool(std::string_view pem);

}  // namespace machine::cert
