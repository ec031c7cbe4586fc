#pragma once

#include <memory>

// Mutual TLS through libcurl, configured and verified the way docker-machine 0.16.2's Go tls.Config was, with
// failures worded as Go words them (they reach users through `env`, `config`, `ls`, `version`, `create`).

#include <openssl/ssl.h>

#include <chrono>
#include <optional>
#include <string>

#include "cert/curl_handles.hpp"
#include "cert/key_pair.hpp"
#include "cert/openssl_handles.hpp"
#include "machine/cert.hpp"

namespace machine::cert {

struct HostPort {
    std::string host;  // without IPv6 brackets
    std::string port;
};

// Go's net.SplitHostPort. Throws Error("address <x>: missing port in address" / "too many colons in address"
// / "missing ']' in address").
[[nodiscard]] HostPort split_host_port(const std::string& host_port);

// What upstream's ReadTLSConfig builds: the only trusted roots, and the client certificate with its key.
struct TlsClientMaterial {
    X509StackPtr roots;
    std::string roots_pem;
    KeyPair client;
};

// Reads the CA, client certificate and client key (in that order) and checks them as Go does
// (CertPool.AppendCertsFromPEM, tls.X509KeyPair). Throws Error: the read error ("open <path>: ..."),
// "There was an error reading certificate" (no usable CA certificate), or the key pair error.
// Parsed material is shared, read-only, by every transfer of the process that uses the same file contents:
// `ls` over many machines of one store parses the (slow to decode) key once instead of once per machine.
[[nodiscard]] std::shared_ptr<const TlsClientMaterial> load_tls_client_material(const TlsClientFiles& files);

struct TransferFailure {
    enum class Kind { ConnectionRefused, DialTimeout, HandshakeTimeout, ResponseTimeout, Other };
    Kind kind = Kind::Other;
    // Go's text of the underlying error: "dial tcp 1.2.3.4:2376: connect: connection refused",
    // "x509: certificate signed by unknown authority", "remote error: tls: bad certificate",
    // "tls: DialWithDialer timed out", ...
    std::string text;
};

// One libcurl easy handle for https://<host_port><path>: only `material.roots` are trusted, the client
// certificate is presented, the server must prove `host_port`'s host (IP SAN for IP literals), TLS <= 1.2, no
// proxy, no TLS session reuse, `connect_timeout` for TCP connect + handshake. Callers add their own options
// to handle(). Neither copyable nor movable: libcurl and OpenSSL callbacks point at it; `material` must
// outlive it.
class TlsTransfer {
public:
    TlsTransfer(const TlsClientMaterial& material, const std::string& host_port, const std::string& path,
                std::chrono::milliseconds connect_timeout);
    TlsTransfer(const TlsTransfer&) = delete;
    TlsTransfer& operator=(const TlsTransfer&) = delete;

    [[nodiscard]] CURL* handle() const { return m_curl.get(); }
    [[nodiscard]] const std::string& url() const { return m_url; }

    // curl_easy_perform; std::nullopt on success, otherwise the failure in Go's words.
    [[nodiscard]] std::optional<TransferFailure> perform();

private:
    static CURLcode configure_ssl_ctx(CURL* curl, void* ssl_ctx, void* self);
    static int verify_server(X509_STORE_CTX* store, void* self);
    static void observe_message(int write_p, int version, int content_type, const void* buf, size_t length,
                                SSL* ssl, void* self);
    [[nodiscard]] TransferFailure describe_failure(CURLcode code) const;

    const TlsClientMaterial& m_material;
    std::string m_host_port;
    std::string m_host;
    std::string m_url;
    CurlEasyPtr m_curl;
    char m_error_buffer[CURL_ERROR_SIZE] = {};
    bool m_tls_started = false;
    std::string m_verify_error;  // Go's x509 error when our verification rejected the server
    int m_remote_alert = -1;     // fatal alert received from the server
};

}  // namespace machine::cert
