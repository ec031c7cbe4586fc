#pragma once

// Mutual TLS over a plain TCP socket with OpenSSL, configured and verified the way docker-machine 0.16.2's Go
// tls.Config was, with failures worded as Go words them (they reach users through `env`, `config`, `ls`,
// `version`, `create`).

#include <openssl/ssl.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "cert/key_pair.hpp"
#include "cert/openssl_handles.hpp"
#include "cert/tcp_dial.hpp"
#include "cert/transfer_error.hpp"
#include "machine/cert.hpp"

namespace machine::cert {

using SslCtxPtr = std::unique_ptr<SSL_CTX, OpensslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpensslDeleter<SSL_free>>;

struct HostPort {
    std::string host;  // without IPv6 brackets
    std::string port;
};

// Go's net.SplitHostPort. Throws Error("address <x>: missing port in address" / "too many colons in address"
// / "missing ']' in address").
[[nodiscard]] HostPort split_host_port(const std::string& host_port);

// What upstream's ReadTLSConfig builds: the only trusted roots, and the client certificate with its key.
class TlsClientMaterial {
public:
    TlsClientMaterial(X509StackPtr roots, KeyPair client);
    TlsClientMaterial(const TlsClientMaterial&) = delete;
    TlsClientMaterial& operator=(const TlsClientMaterial&) = delete;

    [[nodiscard]] STACK_OF(X509) * roots() const noexcept { return m_roots.get(); }
    [[nodiscard]] const KeyPair& client() const noexcept { return m_client; }

    // The OpenSSL client context presenting client() (TLS <= 1.2, no session cache, our verification), made
    // on the first connection and then shared by every connection of the process using this material (an
    // SSL_CTX is safe to share between threads once configured). Throws Error when OpenSSL refuses it.
    [[nodiscard]] SSL_CTX* context() const;

private:
    X509StackPtr m_roots;
    KeyPair m_client;
    mutable std::mutex m_context_mutex;
    mutable SslCtxPtr m_context;
};

// Reads the CA, client certificate and client key (in that order) and checks them as Go does
// (CertPool.AppendCertsFromPEM, tls.X509KeyPair). Throws Error: the read error ("open <path>: ..."),
// "There was an error reading certificate" (no usable CA certificate), or the key pair error.
// Parsed material is shared, read-only, by every connection of the process that uses the same file contents:
// `ls` over many machines of one store parses the (slow to decode) key once instead of once per machine.
[[nodiscard]] std::shared_ptr<const TlsClientMaterial> load_tls_client_material(const TlsClientFiles& files);

// One TLS connection to `host_port`: only `material`'s roots are trusted, its client certificate is
// presented, the server must prove `host_port`'s host (IP SAN for IP literals; SNI for names), TLS <= 1.2, no
// proxy, no session reuse. Every failure throws TransferError in Go's words. Neither copyable nor movable:
// OpenSSL callbacks point at it; `material` must outlive it.
class TlsConnection {
public:
    // TCP connect and TLS handshake, both before `deadline`. Throws TransferError: the dial errors of
    // dial_tcp, Go's x509 verification errors ("x509: certificate signed by unknown authority", "x509:
    // certificate is valid for X, not Y", ...), "remote error: tls: <alert>", HandshakeTimeout "tls:
    // DialWithDialer timed out", "tls: first record does not look like a TLS handshake", "EOF".
    TlsConnection(const TlsClientMaterial& material, const std::string& host_port, Deadline deadline);
    // The same, with the material obtained only once TCP is up: `ls` over stopped daemons then never decodes
    // certificates (OpenSSL's decoders cost megabytes of resident code). Whatever `material` throws passes
    // through unchanged.
    TlsConnection(const std::function<const TlsClientMaterial&()>& material, const std::string& host_port,
                  Deadline deadline);
    ~TlsConnection();
    TlsConnection(const TlsConnection&) = delete;
    TlsConnection& operator=(const TlsConnection&) = delete;

    // Sends all of `data` before `deadline`. Throws TransferError (Timeout "i/o timeout" when the deadline
    // passes, "write tcp <host:port>: write: broken pipe", ...).
    void write_all(std::string_view data, Deadline deadline);

    // Reads what is available, at most `size` bytes, waiting until `deadline` for at least one; 0 when the
    // server closed the connection (with or without close_notify, as Go's crypto/tls). Throws TransferError
    // (Timeout "i/o timeout", "read tcp <host:port>: read: connection reset by peer", "remote error: tls:
    // ...").
    [[nodiscard]] std::size_t read_some(char* buffer, std::size_t size, Deadline deadline);

    [[nodiscard]] const std::string& host_port() const noexcept { return m_host_port; }

    // Internal: what the socket BIO callbacks see.
    struct SocketState {
        int fd = -1;
        bool eof = false;    // the server closed its side
        int last_errno = 0;  // the errno of the last failed send/recv
        bool last_errno_on_write = false;
    };
    // Internal: what the OpenSSL verification and message callbacks see and record.
    struct PeerState {
        std::string host;          // the name the server certificate must prove
        std::string verify_error;  // Go's x509 error when our verification rejected the server
        int remote_alert = -1;     // fatal alert received from the server
    };

private:
    void handshake(Deadline deadline);
    [[nodiscard]] TransferError describe_failure(int ssl_error) const;

    std::string m_host_port;
    SocketFd m_socket;
    SocketState m_socket_state;
    PeerState m_peer;
    SslPtr m_ssl;  // declared last: freed first, while the states its callbacks point at still exist
    bool m_handshake_done = false;
};

}  // namespace machine::cert
