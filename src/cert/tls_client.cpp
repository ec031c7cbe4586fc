#include "cert/tls_client.hpp"

#include <mutex>

#include <map>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/log.hpp"

namespace machine::cert {
namespace {

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

bool contains(const char* text, const char* part) {
    return std::strstr(text, part) != nullptr;
}

template <class Value>
void set_option(CURL* curl, CURLoption option, Value value) {
    CURLcode result = curl_api().easy_setopt(curl, option, value);
    if (result != CURLE_OK) {
        throw Error(std::string("configuring libcurl failed: ") + curl_api().easy_strerror(result));
    }
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

namespace {

TlsClientMaterial parse_tls_client_material(const std::string& ca_pem, const std::string& cert_pem,
                                            const std::string& key_pem) {
    TlsClientMaterial material;
    material.roots = parse_certificate_pool(ca_pem);
    if (sk_X509_num(material.roots.get()) == 0) {
        throw Error("There was an error reading certificate");
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    for (int i = 0; bio && i < sk_X509_num(material.roots.get()); ++i) {
        if (PEM_write_bio_X509(bio.get(), sk_X509_value(material.roots.get(), i)) != 1) {
            throw Error("encoding CA certificate failed: " + openssl_error_text());
        }
    }
    if (!bio) {
        throw Error(openssl_error_text());
    }
    material.roots_pem = bio_contents(bio.get());
    material.client = parse_x509_key_pair(cert_pem, key_pem);
    return material;
}

}  // namespace

std::shared_ptr<const TlsClientMaterial> load_tls_client_material(const TlsClientFiles& files) {
    log::debug("Reading CA certificate from " + files.ca_cert);
    std::string ca_pem = read_file(files.ca_cert);
    log::debug("Reading client certificate from " + files.client_cert);
    std::string cert_pem = read_file(files.client_cert);
    log::debug("Reading client key from " + files.client_key);
    std::string key_pem = read_file(files.client_key);

    // Keyed by content, not path: a file rewritten meanwhile (regenerate-certs) is parsed anew. The lock is held
    // while parsing so that threads asking for the same material at once wait for one parse.
    static std::mutex cache_mutex;
    static std::map<std::string, std::shared_ptr<const TlsClientMaterial>> cache;
    std::string key = ca_pem + '\0' + cert_pem + '\0' + key_pem;
    std::lock_guard lock(cache_mutex);
    auto found = cache.find(key);
    if (found == cache.end()) {
        auto material =
            std::make_shared<const TlsClientMaterial>(parse_tls_client_material(ca_pem, cert_pem, key_pem));
        found = cache.emplace(std::move(key), std::move(material)).first;
    }
    return found->second;
}

TlsTransfer::TlsTransfer(const TlsClientMaterial& material, const std::string& host_port,
                         const std::string& path, std::chrono::milliseconds connect_timeout)
    : m_material(material),
      m_host_port(host_port),
      m_host(split_host_port(host_port).host),
      m_url("https://" + host_port + path),
      m_curl(new_curl_easy()) {
    CURL* curl = m_curl.get();
    set_option(curl, CURLOPT_URL, m_url.c_str());
    set_option(curl, CURLOPT_ERRORBUFFER, m_error_buffer);
    set_option(curl, CURLOPT_NOSIGNAL, 1L);  // we run in worker threads
    set_option(curl, CURLOPT_PROXY, "");
    set_option(curl, CURLOPT_NOPROXY, "*");
    set_option(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    set_option(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    set_option(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    set_option(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    // Trust exactly the machine's CA, never the system bundle (our verify callback enforces this as well).
    set_option(curl, CURLOPT_CAINFO, static_cast<const char*>(nullptr));
    set_option(curl, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
    curl_blob roots{const_cast<char*>(m_material.roots_pem.data()), m_material.roots_pem.size(),
                    CURL_BLOB_COPY};
    set_option(curl, CURLOPT_CAINFO_BLOB, &roots);
    // Go 1.12, upstream's toolchain, speaks at most TLS 1.2; under 1.3 a server rejecting the client
    // certificate would only show after the handshake, and the connection check would wrongly pass.
    set_option(curl, CURLOPT_SSLVERSION,
               static_cast<long>(CURL_SSLVERSION_DEFAULT) | static_cast<long>(CURL_SSLVERSION_MAX_TLSv1_2));
    set_option(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);  // a resumed session would skip verification
    set_option(curl, CURLOPT_SSL_CTX_FUNCTION, &TlsTransfer::configure_ssl_ctx);
    set_option(curl, CURLOPT_SSL_CTX_DATA, static_cast<void*>(this));
}

std::optional<TransferFailure> TlsTransfer::perform() {
    m_error_buffer[0] = '\0';
    m_tls_started = false;
    m_verify_error.clear();
    m_remote_alert = -1;
    CURLcode code = curl_api().easy_perform(m_curl.get());
    if (code == CURLE_OK) {
        return std::nullopt;
    }
    return describe_failure(code);
}

CURLcode TlsTransfer::configure_ssl_ctx(CURL* /*curl*/, void* ssl_ctx, void* self_pointer) {
    auto* self = static_cast<TlsTransfer*>(self_pointer);
    auto* context = static_cast<SSL_CTX*>(ssl_ctx);
    self->m_tls_started = true;
    const KeyPair& client = self->m_material.client;
    if (SSL_CTX_set_max_proto_version(context, TLS1_2_VERSION) != 1 ||
        SSL_CTX_use_certificate(context, client.chain.front().get()) != 1 ||
        SSL_CTX_use_PrivateKey(context, client.key.get()) != 1) {
        ERR_clear_error();
        return CURLE_SSL_CERTPROBLEM;
    }
    for (std::size_t i = 1; i < client.chain.size(); ++i) {
        if (SSL_CTX_add1_chain_cert(context, client.chain[i].get()) != 1) {
            ERR_clear_error();
            return CURLE_SSL_CERTPROBLEM;
        }
    }
    SSL_CTX_set_cert_verify_callback(context, &TlsTransfer::verify_server, self);
    SSL_CTX_set_msg_callback(context, &TlsTransfer::observe_message);
    SSL_CTX_set_msg_callback_arg(context, self);
    return CURLE_OK;
}

int TlsTransfer::verify_server(X509_STORE_CTX* store, void* self_pointer) {
    auto* self = static_cast<TlsTransfer*>(self_pointer);
    X509_STORE_CTX_set0_trusted_stack(store, self->m_material.roots.get());
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(store);
    // Go trusts every pool certificate as an anchor, self-signed or not.
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int name_set = is_ip_literal(self->m_host)
                       ? X509_VERIFY_PARAM_set1_ip_asc(param, self->m_host.c_str())
                       : X509_VERIFY_PARAM_set1_host(param, self->m_host.c_str(), self->m_host.size());
    if (name_set != 1) {
        self->m_verify_error = "x509: cannot verify host name " + self->m_host;
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
    auto [code, text] = go_verify_error(problems, X509_STORE_CTX_get0_cert(store), self->m_host);
    self->m_verify_error = text;
    X509_STORE_CTX_set_error(store, code);
    return 0;
}

void TlsTransfer::observe_message(int write_p, int /*version*/, int content_type, const void* buf,
                                  size_t length, SSL* /*ssl*/, void* self_pointer) {
    constexpr unsigned char k_fatal = 2;
    const auto* bytes = static_cast<const unsigned char*>(buf);
    if (write_p == 0 && content_type == SSL3_RT_ALERT && length >= 2 && bytes[0] == k_fatal) {
        static_cast<TlsTransfer*>(self_pointer)->m_remote_alert = bytes[1];
    }
}

TransferFailure TlsTransfer::describe_failure(CURLcode code) const {
    using Kind = TransferFailure::Kind;
    if (!m_verify_error.empty()) {
        return {Kind::Other, m_verify_error};
    }
    if (m_remote_alert >= 0) {
        return {Kind::Other, "remote error: tls: " + go_alert_text(m_remote_alert)};
    }
    const char* detail = m_error_buffer[0] != '\0' ? m_error_buffer : curl_api().easy_strerror(code);
    switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST:
            return {Kind::Other, "dial tcp: lookup " + m_host + ": no such host"};
        case CURLE_COULDNT_CONNECT: {
            long os_error = 0;
            curl_api().easy_getinfo(m_curl.get(), CURLINFO_OS_ERRNO, &os_error);
            if (os_error == ECONNREFUSED) {
                return {Kind::ConnectionRefused, "dial tcp " + m_host_port + ": connect: connection refused"};
            }
            if (os_error == ETIMEDOUT) {
                return {Kind::DialTimeout, "dial tcp " + m_host_port + ": i/o timeout"};
            }
            if (os_error != 0) {
                return {Kind::Other, "dial tcp " + m_host_port + ": connect: " +
                                         lower_first(std::strerror(static_cast<int>(os_error)))};
            }
            return {Kind::Other, detail};
        }
        case CURLE_OPERATION_TIMEDOUT: {
            if (!m_tls_started) {
                return {Kind::DialTimeout, "dial tcp " + m_host_port + ": i/o timeout"};
            }
            curl_off_t handshake_done = 0;
            curl_api().easy_getinfo(m_curl.get(), CURLINFO_APPCONNECT_TIME_T, &handshake_done);
            if (handshake_done == 0) {
                return {Kind::HandshakeTimeout, "tls: DialWithDialer timed out"};
            }
            return {Kind::ResponseTimeout,
                    "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"};
        }
        default:
            break;
    }
    if (m_tls_started &&
        (contains(detail, "wrong version number") || contains(detail, "packet length too long") ||
         contains(detail, "record layer failure") || contains(detail, "http request"))) {
        return {Kind::Other, "tls: first record does not look like a TLS handshake"};
    }
    if (contains(detail, "unexpected eof") || contains(detail, "SSL_ERROR_SYSCALL") ||
        code == CURLE_GOT_NOTHING) {
        return {Kind::Other, "EOF"};
    }
    if (contains(detail, "Connection reset by peer")) {
        return {Kind::Other, "read tcp " + m_host_port + ": read: connection reset by peer"};
    }
    return {Kind::Other, detail};
}

}  // namespace machine::cert
