#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <future>
#include <mutex>
#include <optional>

#include "cert/key_pair.hpp"
#include "cert/openssl_handles.hpp"
#include "cert/pem_blocks.hpp"
#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"

namespace machine::cert {
namespace {

using Clock = std::chrono::system_clock;

constexpr int k_rsa_bits = 2048;
constexpr long k_validity_seconds = 24L * 3600L * 1080L;
constexpr mode_t k_key_mode = 0600;
constexpr mode_t k_cert_mode = 0644;

[[noreturn]] void throw_openssl(const std::string& what) {
    throw Error(what + ": " + openssl_error_text());
}

EvpPkeyPtr new_rsa_key() {
    EvpPkeyPtr key(EVP_RSA_gen(k_rsa_bits));
    if (!key) {
        throw_openssl("generating RSA key failed");
    }
    return key;
}

// A key being generated ahead of need (start_key_generation), taken by the next certificate.
std::mutex g_prefetch_mutex;
std::future<EvpPkeyPtr> g_prefetched_key;

EvpPkeyPtr generate_rsa_key() {
    std::future<EvpPkeyPtr> prefetched;
    {
        std::lock_guard lock(g_prefetch_mutex);
        prefetched = std::move(g_prefetched_key);
    }
    return prefetched.valid() ? prefetched.get() : new_rsa_key();
}

// Upstream: time.Date(y, m, d, h, min-5, 0, 0, time.Local), i.e. local wall-clock minute minus 5 minutes.
std::time_t not_before_for(Clock::time_point now) {
    std::time_t seconds = Clock::to_time_t(now);
    std::tm local{};
    localtime_r(&seconds, &local);
    local.tm_sec = 0;
    local.tm_min -= 5;
    local.tm_isdst = -1;
    return std::mktime(&local);
}

// Go's asn1 marshals a string as PrintableString when every byte allows it, otherwise UTF8String.
bool is_printable_string(const std::string& text) {
    for (unsigned char c : text) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  std::string_view(" '()+,-./:=?*").find(static_cast<char>(c)) != std::string_view::npos;
        if (!ok) {
            return false;
        }
    }
    return true;
}

void set_random_serial(X509* certificate) {
    // Uniform in [0, 2^128), as upstream's rand.Int(rand.Reader, 1<<128).
    BignumPtr serial(BN_new());
    if (!serial || BN_rand(serial.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
        throw_openssl("generating serial number failed");
    }
    Asn1IntegerPtr integer(BN_to_ASN1_INTEGER(serial.get(), nullptr));
    if (!integer || X509_set_serialNumber(certificate, integer.get()) != 1) {
        throw_openssl("setting serial number failed");
    }
}

// The fields upstream's newCertificate() sets: serial, validity, Subject O=<organization>; plus the public
// key.
X509Ptr new_certificate(const std::string& organization, EVP_PKEY* subject_key, Clock::time_point now) {
    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1) {
        throw_openssl("creating certificate failed");
    }
    set_random_serial(certificate.get());

    std::time_t not_before = not_before_for(now);
    if (ASN1_TIME_set(X509_getm_notBefore(certificate.get()), not_before) == nullptr ||
        ASN1_TIME_set(X509_getm_notAfter(certificate.get()), not_before + k_validity_seconds) == nullptr) {
        throw_openssl("setting validity failed");
    }

    X509_NAME* subject = X509_get_subject_name(certificate.get());
    int string_type = is_printable_string(organization) ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
    if (X509_NAME_add_entry_by_NID(subject, NID_organizationName, string_type,
                                   reinterpret_cast<const unsigned char*>(organization.data()),
                                   static_cast<int>(organization.size()), -1, 0) != 1) {
        throw_openssl("setting subject failed");
    }
    if (X509_set_pubkey(certificate.get(), subject_key) != 1) {
        throw_openssl("setting public key failed");
    }
    return certificate;
}

// Adds an extension given in openssl.cnf syntax ("critical,CA:TRUE"), with `issuer` for key identifiers.
void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
        throw_openssl(std::string("adding extension ") + OBJ_nid2sn(nid) + " failed");
    }
}

// An IP literal as Go's net.ParseIP accepts it, in the byte form Go's x509 encodes (IPv4 always 4 bytes).
std::optional<std::string> parse_ip(const std::string& text) {
    unsigned char bytes[16];
    if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
        return std::string(reinterpret_cast<char*>(bytes), 4);
    }
    if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
        static constexpr unsigned char k_v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::equal(bytes, bytes + 12, k_v4_mapped_prefix)) {
            return std::string(reinterpret_cast<char*>(bytes + 12), 4);
        }
        return std::string(reinterpret_cast<char*>(bytes), 16);
    }
    return std::nullopt;
}

void push_general_name(GENERAL_NAMES* names, int type, ASN1_STRING* value) {
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!name) {
        throw_openssl("creating SAN failed");
    }
    GENERAL_NAME_set0_value(name.get(), type, value);
    if (sk_GENERAL_NAME_push(names, name.get()) == 0) {
        throw_openssl("creating SAN failed");
    }
    name.release();  // now owned by the stack
}

// Upstream: DNSNames then IPAddresses, each in the order given. Built by hand so that no host text is ever
// interpreted as openssl.cnf syntax.
void add_subject_alt_names(X509* certificate, const std::vector<std::string>& hosts) {
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;
    for (const auto& host : hosts) {
        if (auto ip = parse_ip(host)) {
            ip_addresses.push_back(*ip);
        } else {
            dns_names.push_back(host);
        }
    }
    GeneralNamesPtr names(GENERAL_NAMES_new());
    if (!names) {
        throw_openssl("creating SAN failed");
    }
    for (const auto& dns_name : dns_names) {
        Asn1Ia5StringPtr value(ASN1_IA5STRING_new());
        if (!value || ASN1_STRING_set(value.get(), dns_name.data(), static_cast<int>(dns_name.size())) != 1) {
            throw_openssl("creating SAN failed");
        }
        push_general_name(names.get(), GEN_DNS, value.release());
    }
    for (const auto& ip : ip_addresses) {
        Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
        if (!value || ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(ip.data()),
                                            static_cast<int>(ip.size())) != 1) {
            throw_openssl("creating SAN failed");
        }
        push_general_name(names.get(), GEN_IPADD, value.release());
    }
    if (X509_add1_ext_i2d(certificate, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
        throw_openssl("adding subjectAltName failed");
    }
}

void sign(X509* certificate, EVP_PKEY* signer_key) {
    if (X509_sign(certificate, signer_key, EVP_sha256()) <= 0) {
        throw_openssl("signing certificate failed");
    }
}

std::string certificate_pem(X509* certificate) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
        throw_openssl("encoding certificate failed");
    }
    return bio_contents(bio.get());
}

// PKCS#1 "RSA PRIVATE KEY", as Go's x509.MarshalPKCS1PrivateKey.
std::string private_key_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        throw_openssl("encoding private key failed");
    }
    return bio_contents(bio.get());
}

// Upstream writes the certificate first, then the key.
void write_pair(const std::string& cert_path, const std::string& key_path, X509* certificate, EVP_PKEY* key) {
    write_file_atomic(cert_path, certificate_pem(certificate), k_cert_mode);
    write_file_atomic(key_path, private_key_pem(key), k_key_mode);
}

}  // namespace

std::string default_organization() {
    const char* user = std::getenv("USER");
    return user != nullptr && *user != '\0' ? user : "unknown";
}

void generate_ca(const std::string& cert_path, const std::string& key_path, const std::string& organization) {
    generate_ca(cert_path, key_path, organization, Clock::now());
}

void generate_ca(const std::string& cert_path, const std::string& key_path, const std::string& organization,
                 Clock::time_point now) {
    EvpPkeyPtr key = generate_rsa_key();
    X509Ptr certificate = new_certificate(organization, key.get(), now);
    X509* self = certificate.get();
    if (X509_set_issuer_name(self, X509_get_subject_name(self)) != 1) {
        throw_openssl("setting issuer failed");
    }
    // Extension order as Go's x509.CreateCertificate emits them.
    add_extension(self, self, NID_key_usage,
                  "critical,digitalSignature,keyEncipherment,keyAgreement,keyCertSign");
    add_extension(self, self, NID_basic_constraints, "critical,CA:TRUE");
    // Newer Go adds a subject key identifier to CAs; it lets verifiers match leaves to this CA quickly.
    add_extension(self, self, NID_subject_key_identifier, "hash");
    sign(self, key.get());
    write_pair(cert_path, key_path, self, key.get());
}

void generate_signed_cert(const std::string& cert_path, const std::string& key_path,
                          const std::string& ca_cert_path, const std::string& ca_key_path,
                          const std::string& organization, const std::vector<std::string>& hosts,
                          bool also_client_auth) {
    generate_signed_cert(cert_path, key_path, ca_cert_path, ca_key_path, organization, hosts,
                         also_client_auth, Clock::now());
}

void generate_signed_cert(const std::string& cert_path, const std::string& key_path,
                          const std::string& ca_cert_path, const std::string& ca_key_path,
                          const std::string& organization, const std::vector<std::string>& hosts,
                          bool also_client_auth, Clock::time_point now) {
    // Upstream's marker for a client certificate is a host list of exactly one empty string.
    bool client = hosts.empty() || (hosts.size() == 1 && hosts[0].empty());
    KeyPair ca = load_x509_key_pair(ca_cert_path, ca_key_path);
    X509* ca_certificate = ca.chain.front().get();

    EvpPkeyPtr key = generate_rsa_key();
    X509Ptr certificate = new_certificate(organization, key.get(), now);
    X509* leaf = certificate.get();
    if (X509_set_issuer_name(leaf, X509_get_subject_name(ca_certificate)) != 1) {
        throw_openssl("setting issuer failed");
    }
    if (client) {
        add_extension(leaf, ca_certificate, NID_key_usage, "critical,digitalSignature");
        add_extension(leaf, ca_certificate, NID_ext_key_usage, "clientAuth");
    } else {
        add_extension(leaf, ca_certificate, NID_key_usage,
                      "critical,digitalSignature,keyEncipherment,keyAgreement");
        add_extension(leaf, ca_certificate, NID_ext_key_usage,
                      also_client_auth ? "serverAuth,clientAuth" : "serverAuth");
    }
    add_extension(leaf, ca_certificate, NID_basic_constraints, "critical,CA:FALSE");
    // Only when the CA has a subject key identifier: CAs made by docker-machine 0.16.2 (Go 1.12) have none.
    if (X509_get0_subject_key_id(ca_certificate) != nullptr) {
        add_extension(leaf, ca_certificate, NID_authority_key_identifier, "keyid");
    }
    if (!client) {
        add_subject_alt_names(leaf, hosts);
    }
    sign(leaf, ca.key.get());
    write_pair(cert_path, key_path, leaf, key.get());
}

Clock::time_point not_after(const std::string& cert_path) {
    std::string pem = read_file(cert_path);
    // Upstream decodes the first PEM block, whatever its type, and parses it as a certificate.
    auto blocks = decode_pem_blocks(pem);
    if (blocks.empty()) {
        throw Error("Failed to decode PEM data");
    }
    X509Ptr certificate = parse_certificate(blocks.front().der);
    std::tm expiry{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(certificate.get()), &expiry) != 1) {
        ERR_clear_error();
        throw Error("x509: malformed validity");
    }
    return Clock::from_time_t(timegm(&expiry));
}

void start_key_generation() {
    std::lock_guard lock(g_prefetch_mutex);
    if (!g_prefetched_key.valid()) {
        g_prefetched_key = std::async(std::launch::async, new_rsa_key);
    }
}

void discard_prefetched_key() {
    std::future<EvpPkeyPtr> prefetched;
    {
        std::lock_guard lock(g_prefetch_mutex);
        prefetched = std::move(g_prefetched_key);
    }
    if (prefetched.valid()) {
        try {
            (void)prefetched.get();  // waits for the generating thread
        } catch (const Error&) {
        }
    }
}

}  // namespace machine::cert
