#include "cert/tls_client.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/log.hpp"

namespace machine::cert {
namespace {

using Kind = TransferError::Kind;

bool is_ip_literal(const std::string& host) {
    unsigned char bytes[16];
    return inet_pton(AF_INET, host.c_str(), bytes) == 1 || inet_pton(AF_INET6, host.c_str(), bytes) == 1;
}

std::string lower_first(std::string text) {
    if (!text.empty()) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

// Go's net.IP.String(): IPv4 (also v4-mapped IPv6) dotted, IPv6 compressed.
std::string ip_text(const ASN1_OCTET_STRING* ip) {
    const unsigned char* bytes = ASN1_STRING_get0_data(ip);
    int length = ASN1_STRING_length(ip);
    char text[INET6_ADDRSTRLEN] = {};
    static constexpr unsigned char k_v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (length == 4) {
        inet_ntop(AF_INET, bytes, text, sizeof text);
    } else if (length == 16 && std::memcmp(bytes, k_v4_mapped_prefix, 12) == 0) {
        inet_ntop(AF_INET, bytes + 12, text, sizeof text);
    } else if (length == 16) {
        inet_ntop(AF_INET6, bytes, text, sizeof text);
    } else {
        return "?";
    }
    return text;
}

// Go's x509.HostnameError text for `leaf` not matching `host`.
std::string hostname_error(X509* leaf, const std::string& host) {
    GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
    bool ip_host = is_ip_literal(host);
    std::string valid;
    auto append = [&valid](const std::string& name) { valid += (valid.empty() ? "" : ", ") + name; };
    bool any_ip = false;
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_IPADD) {
            any_ip = true;
            if (ip_host) {
                append(ip_text(name->d.iPAddress));
            }
        } else if (name->type == GEN_DNS && !ip_host) {
            const ASN1_IA5STRING* dns = name->d.dNSName;
            append(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                               static_cast<std::size_t>(ASN1_STRING_length(dns))));
        }
    }
    if (ip_host && !any_ip) {
        return "x509: cannot validate certificate for " + host + " because it doesn't contain any IP SANs";
    }
    if (!ip_host && !names) {
        // Go 1.12 still falls back to the Common Name when there is no SAN extension.
        char common_name[256] = {};
        if (X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, common_name,
                                      sizeof common_name) > 0) {
            valid = common_name;
        }
    }
    if (valid.empty()) {
        return "x509: certificate is not valid for any names, but wanted to match " + host;
    }
    return "x509: certificate is valid for " + valid + ", not " + host;
}

struct VerifyProblem {
    int code;
    int depth;
};
using VerifyProblems = std::vector<VerifyProblem>;

int verify_problems_index() {
    static const int index = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// Records every problem and lets OpenSSL go on, so that the one Go would have reported can be chosen
// afterwards.
int collect_verify_problem(int ok, X509_STORE_CTX* store) {
    if (ok == 0) {
        auto* problems =
            static_cast<VerifyProblems*>(X509_STORE_CTX_get_ex_data(store, verify_problems_index()));
        problems->push_back({X509_STORE_CTX_get_error(store), X509_STORE_CTX_get_error_depth(store)});
    }
    return 1;
}

bool is_time_problem(int code) {
    return code == X509_V_ERR_CERT_HAS_EXPIRED || code == X509_V_ERR_CERT_NOT_YET_VALID;
}

bool is_hostname_problem(int code) {
    return code == X509_V_ERR_HOSTNAME_MISMATCH || code == X509_V_ERR_IP_ADDRESS_MISMATCH;
}

bool is_unknown_authority_problem(int code) {
    switch (code) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        case X509_V_ERR_CERT_UNTRUSTED:
        case X509_V_ERR_CERT_REJECTED:
            return true;
        default:
            return false;
    }
}

// Go's Certificate.Verify checks the leaf's validity period, then the host name, then builds the chain.
std::pair<int, std::string> go_verify_error(const VerifyProblems& problems, X509* leaf,
                                            const std::string& host) {
    constexpr const char* k_expired = "x509: certificate has expired or is not yet valid";
    for (const auto& problem : problems) {
        if (problem.depth == 0 && is_time_problem(problem.code)) {
            return {problem.code, k_expired};
        }
    }
    for (const auto& problem : problems) {
        if (is_hostname_problem(problem.code)) {
            return {problem.code, hostname_error(leaf, host)};
        }
    }
    for (const auto& problem : problems) {
        if (problem.depth == 0 && problem.code == X509_V_ERR_INVALID_PURPOSE) {
            return {problem.code, "x509: certificate specifies an incompatible key usage"};
        }
    }
    for (const auto& problem : problems) {
        if (is_unknown_authority_problem(problem.code)) {
            return {problem.code, "x509: certificate signed by unknown authority"};
        }
    }
    for (const auto& problem : problems) {
        if (is_time_problem(problem.code)) {
            return {problem.code, k_expired};
        }
    }
    const VerifyProblem& first = problems.front();
    return {first.code, std::string("x509: ") + X509_verify_cert_error_string(first.code)};
}

// Go's crypto/tls alert texts.
std::string go_alert_text(int alert) {
    static constexpr std::pair<int, const char*> k_alerts[] = {
        {0, "close notify"},
        {10, "unexpected message"},
        {20, "bad record MAC"},
        {21, "decryption failed"},
        {22, "record overflow"},
        {30, "decompression failure"},
        {40, "handshake failure"},
        {42, "bad certificate"},
        {43, "unsupported certificate"},
        {44, "revoked certificate"},
        {45, "expired certificate"},
        {46, "unknown certificate"},
        {47, "illegal parameter"},
        {48, "unknown certificate authority"},
        {49, "access denied"},
        {50, "error decoding message"},
        {51, "error decrypting message"},
        {70, "protocol version not supported"},
        {71, "insufficient security level"},
        {80, "internal error"},
        {86, "inappropriate fallback"},
        {90, "user canceled"},
        {100, "no renegotiation"},
        {109, "missing extension"},
        {110, "unsupported extension"},
        {112, "unrecognized name"},
        {120, "no application protocol"},
    };
    for (const auto& [code, text] : k_alerts) {
        if (code == alert) {
            return text;
        }
    }
    return "alert(" + std::to_string(alert) + ")";
}

// The ex_data index under which an SSL carries its connection's PeerState.
int peer_state_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// Go's Certificate.Verify against the material's roots and the connection's host, recording Go's error text.
int verify_server(X509_STORE_CTX* store, void* /*unused*/) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* peer = static_cast<TlsConnection::PeerState*>(SSL_get_ex_data(ssl, peer_state_index()));
    auto* material = static_cast<const TlsClientMaterial*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    X509_STORE_CTX_set0_trusted_stack(store, material->roots());
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(store);
    // Go trusts every pool certificate as an anchor, self-signed or not.
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const std::string& host = peer->host;
    int name_set = is_ip_literal(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                       : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    if (name_set != 1) {
        peer->verify_error = "x509: cannot verify host name " + host;
        X509_STORE_CTX_set_error(store, X509_V_ERR_UNSPECIFIED);
        return 0;
    }

    VerifyProblems problems;
    X509_STORE_CTX_set_ex_data(store, verify_problems_index(), &problems);
    X509_STORE_CTX_set_verify_cb(store, collect_verify_problem);
    int verified = X509_verify_cert(store);
    X509_STORE_CTX_set_ex_data(store, verify_problems_index(), nullptr);
    if (verified == 1 && problems.empty()) {
        return 1;
    }
    if (problems.empty()) {
        int code = X509_STORE_CTX_get_error(store);
        problems.push_back({code == X509_V_OK ? X509_V_ERR_UNSPECIFIED : code, 0});
    }
    auto [code, text] = go_verify_error(problems, X509_STORE_CTX_get0_cert(store), host);
    peer->verify_error = text;
    X509_STORE_CTX_set_error(store, code);
    return 0;
}

// Remembers the fatal alert a server sends (Go reports "remote error: tls: <alert>").
void observe_message(int write_p, int /*version*/, int content_type, const void* buf, size_t length,
                     SSL* /*ssl*/, void* peer_state) {
    constexpr unsigned char k_fatal = 2;
    const auto* bytes = static_cast<const unsigned char*>(buf);
    if (write_p == 0 && content_type == SSL3_RT_ALERT && length >= 2 && bytes[0] == k_fatal) {
        static_cast<TlsConnection::PeerState*>(peer_state)->remote_alert = bytes[1];
    }
}

// A BIO over the connection's non-blocking socket: as OpenSSL's socket BIO, but sending with MSG_NOSIGNAL so
// that a server gone away is an EPIPE error, not a SIGPIPE killing the process, and remembering errno.
TlsConnection::SocketState& socket_state(BIO* bio) {
    return *static_cast<TlsConnection::SocketState*>(BIO_get_data(bio));
}

bool is_retryable(int error) {
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

int socket_bio_write(BIO* bio, const char* data, int length) {
    TlsConnection::SocketState& state = socket_state(bio);
    BIO_clear_retry_flags(bio);
    ssize_t sent = ::send(state.fd, data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
    if (sent < 0) {
        if (is_retryable(errno)) {
            BIO_set_retry_write(bio);
        } else {
            state.last_errno = errno;
            state.last_errno_on_write = true;
        }
        return -1;
    }
    return static_cast<int>(sent);
}

int socket_bio_read(BIO* bio, char* data, int length) {
    TlsConnection::SocketState& state = socket_state(bio);
    BIO_clear_retry_flags(bio);
    ssize_t received = ::recv(state.fd, data, static_cast<std::size_t>(length), 0);
    if (received < 0) {
        if (is_retryable(errno)) {
            BIO_set_retry_read(bio);
        } else {
            state.last_errno = errno;
            state.last_errno_on_write = false;
        }
        return -1;
    }
    if (received == 0) {
        state.eof = true;
    }
    return static_cast<int>(received);
}

int socket_bio_puts(BIO* bio, const char* text) {
    return socket_bio_write(bio, text, static_cast<int>(std::strlen(text)));
}

long socket_bio_ctrl(BIO* bio, int command, long /*number*/, void* /*pointer*/) {
    switch (command) {
        case BIO_CTRL_FLUSH:
            return 1;
        case BIO_CTRL_EOF:
            return socket_state(bio).eof ? 1 : 0;
        default:
            return 0;
    }
}

const BIO_METHOD* socket_bio_method() {
    // Made once, kept for the life of the process.
    static BIO_METHOD* const method = [] {
        BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "machine socket");
        if (made == nullptr || BIO_meth_set_write(made, socket_bio_write) != 1 ||
            BIO_meth_set_read(made, socket_bio_read) != 1 || BIO_meth_set_puts(made, socket_bio_puts) != 1 ||
            BIO_meth_set_ctrl(made, socket_bio_ctrl) != 1) {
            return static_cast<BIO_METHOD*>(nullptr);
        }
        return made;
    }();
    if (method == nullptr) {
        throw Error("tls: cannot make a socket BIO");
    }
    return method;
}

// Every queued OpenSSL error of this thread, oldest first; empties the queue.
std::vector<unsigned long> take_openssl_errors() {
    std::vector<unsigned long> errors;
    while (unsigned long error = ERR_get_error()) {
        errors.push_back(error);
    }
    return errors;
}

// What OpenSSL says when the server's first bytes are not a TLS record (a plain HTTP server, say).
constexpr int k_not_tls_reasons[] = {
    SSL_R_WRONG_VERSION_NUMBER,
    SSL_R_PACKET_LENGTH_TOO_LONG,
    SSL_R_HTTP_REQUEST,
#ifdef SSL_R_RECORD_LAYER_FAILURE
    SSL_R_RECORD_LAYER_FAILURE,
#endif
};

template <class Reasons>
bool has_ssl_reason(const std::vector<unsigned long>& errors, const Reasons& reasons) {
    for (unsigned long error : errors) {
        if (ERR_GET_LIB(error) != ERR_LIB_SSL) {
            continue;
        }
        for (int reason : reasons) {
            if (ERR_GET_REASON(error) == reason) {
                return true;
            }
        }
    }
    return false;
}

std::string openssl_reason_text(const std::vector<unsigned long>& errors) {
    for (unsigned long error : errors) {
        if (const char* reason = ERR_reason_error_string(error)) {
            return reason;
        }
    }
    return "tls: handshake failure";
}

SslCtxPtr new_client_context(const TlsClientMaterial& material) {
    auto fail = [] { return Error("tls: configuring the TLS client failed: " + openssl_error_text()); };
    SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
    if (!context) {
        throw fail();
    }
    SSL_CTX* raw = context.get();
    const KeyPair& client = material.client();
    // Go 1.12, upstream's toolchain, speaks at most TLS 1.2; under 1.3 a server rejecting the client
    // certificate would only show after the handshake, and the connection check would wrongly pass.
    if (SSL_CTX_set_max_proto_version(raw, TLS1_2_VERSION) != 1 ||
        SSL_CTX_use_certificate(raw, client.chain.front().get()) != 1 ||
        SSL_CTX_use_PrivateKey(raw, client.key.get()) != 1) {
        throw fail();
    }
    for (std::size_t i = 1; i < client.chain.size(); ++i) {
        if (SSL_CTX_add1_chain_cert(raw, client.chain[i].get()) != 1) {
            throw fail();
        }
    }
    // A resumed session would skip verification; no session is ever kept.
    SSL_CTX_set_session_cache_mode(raw, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(raw, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_app_data(raw, const_cast<TlsClientMaterial*>(&material));
    // Trust exactly the machine's CA, never the system bundle: verify_server replaces OpenSSL's chain check.
    SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(raw, verify_server, nullptr);
    return context;
}

std::shared_ptr<const TlsClientMaterial> parse_tls_client_material(const std::string& ca_pem,
                                                                   const std::string& cert_pem,
                                                                   const std::string& key_pem) {
    X509StackPtr roots = parse_certificate_pool(ca_pem);
    if (sk_X509_num(roots.get()) == 0) {
        throw Error("There was an error reading certificate");
    }
    return std::make_shared<const TlsClientMaterial>(std::move(roots),
                                                     parse_x509_key_pair(cert_pem, key_pem));
}

}  // namespace

HostPort split_host_port(const std::string& host_port) {
    auto fail = [&host_port](const char* why) -> HostPort {
        throw Error("address " + host_port + ": " + why);
    };
    auto colon = host_port.rfind(':');
    if (colon == std::string::npos) {
        return fail("missing port in address");
    }
    std::string host;
    std::size_t j = 0;
    std::size_t k = 0;
    if (host_port[0] == '[') {
        auto end = host_port.find(']');
        if (end == std::string::npos) {
            return fail("missing ']' in address");
        }
        if (end + 1 == host_port.size()) {
            return fail("missing port in address");
        }
        if (end + 1 != colon) {
            return fail(host_port[end + 1] == ':' ? "too many colons in address" : "missing port in address");
        }
        host = host_port.substr(1, end - 1);
        j = 1;
        k = end + 1;
    } else {
        host = host_port.substr(0, colon);
        if (host.find(':') != std::string::npos) {
            return fail("too many colons in address");
        }
    }
    if (host_port.find('[', j) != std::string::npos) {
        return fail("unexpected '[' in address");
    }
    if (host_port.find(']', k) != std::string::npos) {
        return fail("unexpected ']' in address");
    }
    return HostPort{host, host_port.substr(colon + 1)};
}

std::shared_ptr<const TlsClientMaterial> load_tls_client_material(const TlsClientFiles& files) {
    log::debug("Reading CA certificate from " + files.ca_cert);
    std::string ca_pem = read_file(files.ca_cert);
    log::debug("Reading client certificate from " + files.client_cert);
    std::string cert_pem = read_file(files.client_cert);
    log::debug("Reading client key from " + files.client_key);
    std::string key_pem = read_file(files.client_key);

    // Keyed by content, not path: a file rewritten meanwhile (regenerate-certs) is parsed anew. The lock is
    // held while parsing so that threads asking for the same material at once wait for one parse.
    static std::mutex cache_mutex;
    static std::map<std::string, std::shared_ptr<const TlsClientMaterial>> cache;
    std::string key = ca_pem + '\0' + cert_pem + '\0' + key_pem;
    std::lock_guard lock(cache_mutex);
    auto found = cache.find(key);
    if (found == cache.end()) {
        std::shared_ptr<const TlsClientMaterial> material =
            parse_tls_client_material(ca_pem, cert_pem, key_pem);
        found = cache.emplace(std::move(key), std::move(material)).first;
    }
    return found->second;
}

TlsClientMaterial::TlsClientMaterial(X509StackPtr roots, KeyPair client)
    : m_roots(std::move(roots)), m_client(std::move(client)) {}

SSL_CTX* TlsClientMaterial::context() const {
    std::lock_guard lock(m_context_mutex);
    if (!m_context) {
        m_context = new_client_context(*this);
    }
    return m_context.get();
}

TlsConnection::TlsConnection(const TlsClientMaterial& material, const std::string& host_port,
                             Deadline deadline)
    : TlsConnection([&material]() -> const TlsClientMaterial& { return material; }, host_port, deadline) {}

TlsConnection::TlsConnection(const std::function<const TlsClientMaterial&()>& material_after_connect,
                             const std::string& host_port, Deadline deadline)
    : m_host_port(host_port) {
    HostPort parts = split_host_port(host_port);
    m_peer.host = parts.host;
    m_socket = dial_tcp(parts.host, parts.port, deadline);
    m_socket_state.fd = m_socket.get();
    const TlsClientMaterial& material = material_after_connect();

    // Made only once TCP is up: `ls` over stopped machines never pays for OpenSSL's TLS set-up.
    m_ssl.reset(SSL_new(material.context()));
    BIO* bio = m_ssl ? BIO_new(socket_bio_method()) : nullptr;
    if (bio == nullptr) {
        throw Error("tls: " + openssl_error_text());
    }
    BIO_set_data(bio, &m_socket_state);
    BIO_set_init(bio, 1);
    SSL_set_bio(m_ssl.get(), bio, bio);
    SSL_set_ex_data(m_ssl.get(), peer_state_index(), &m_peer);
    SSL_set_msg_callback(m_ssl.get(), observe_message);
    SSL_set_msg_callback_arg(m_ssl.get(), &m_peer);
    // As Go: SNI for names only, never for IP literals.
    if (!is_ip_literal(m_peer.host) && SSL_set_tlsext_host_name(m_ssl.get(), m_peer.host.c_str()) != 1) {
        throw Error("tls: " + openssl_error_text());
    }
    handshake(deadline);
}

TlsConnection::~TlsConnection() {
    if (m_handshake_done) {
        // Go's Conn.Close sends close_notify; best effort, without waiting for the server's.
        (void)SSL_shutdown(m_ssl.get());
        ERR_clear_error();
    }
}

void TlsConnection::handshake(Deadline deadline) {
    for (;;) {
        ERR_clear_error();
        int result = SSL_connect(m_ssl.get());
        if (result == 1) {
            m_handshake_done = true;
            // As Go's crypto/tls: a server closing without close_notify ends the stream, it is not an error.
            SSL_set_options(m_ssl.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
            return;
        }
        int error = SSL_get_error(m_ssl.get(), result);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            if (!wait_ready(m_socket.get(), error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
                throw TransferError(Kind::HandshakeTimeout, "tls: DialWithDialer timed out");
            }
            continue;
        }
        throw describe_failure(error);
    }
}

void TlsConnection::write_all(std::string_view data, Deadline deadline) {
    while (!data.empty()) {
        ERR_clear_error();
        std::size_t written = 0;
        int result = SSL_write_ex(m_ssl.get(), data.data(), data.size(), &written);
        if (result == 1) {
            data.remove_prefix(written);
            continue;
        }
        int error = SSL_get_error(m_ssl.get(), result);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            if (!wait_ready(m_socket.get(), error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
                throw TransferError(Kind::Timeout, "i/o timeout");
            }
            continue;
        }
        throw describe_failure(error);
    }
}

std::size_t TlsConnection::read_some(char* buffer, std::size_t size, Deadline deadline) {
    for (;;) {
        ERR_clear_error();
        std::size_t received = 0;
        int result = SSL_read_ex(m_ssl.get(), buffer, size, &received);
        if (result == 1) {
            return received;
        }
        int error = SSL_get_error(m_ssl.get(), result);
        if (error == SSL_ERROR_ZERO_RETURN) {
            return 0;
        }
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            if (!wait_ready(m_socket.get(), error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
                throw TransferError(Kind::Timeout, "i/o timeout");
            }
            continue;
        }
        if (error == SSL_ERROR_SYSCALL && m_socket_state.eof && m_peer.remote_alert < 0) {
            return 0;
        }
        throw describe_failure(error);
    }
}

TransferError TlsConnection::describe_failure(int ssl_error) const {
    std::vector<unsigned long> errors = take_openssl_errors();
    if (!m_peer.verify_error.empty()) {
        return {Kind::Other, m_peer.verify_error};
    }
    if (m_peer.remote_alert >= 0) {
        return {Kind::Other, "remote error: tls: " + go_alert_text(m_peer.remote_alert)};
    }
    if (!m_handshake_done && has_ssl_reason(errors, k_not_tls_reasons)) {
        return {Kind::Other, "tls: first record does not look like a TLS handshake"};
    }
    if (m_socket_state.last_errno != 0) {
        const char* operation = m_socket_state.last_errno_on_write ? "write" : "read";
        return {Kind::Other, std::string(operation) + " tcp " + m_host_port + ": " + operation + ": " +
                                 lower_first(std::strerror(m_socket_state.last_errno))};
    }
    if (ssl_error == SSL_ERROR_ZERO_RETURN || ssl_error == SSL_ERROR_SYSCALL || m_socket_state.eof ||
        has_ssl_reason(errors, std::initializer_list<int>{SSL_R_UNEXPECTED_EOF_WHILE_READING})) {
        return {Kind::Other, "EOF"};
    }
    return {Kind::Other, openssl_reason_text(errors)};
}

}  // namespace machine::cert
