// Certificates, SSH keys and the TLS connection check (reference/certs-and-provisioning.md §1, §3;
// reference/store.md §2, §6). Everything is checked with OpenSSL's own APIs and command-line tools; TLS
// servers run in-process on 127.0.0.1 only.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cert/openssl_handles.hpp"
#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "socket_test_support.hpp"
#include "test_support.hpp"

namespace {

using machine::test::Fd;
using machine::test::listen_on_loopback;
using machine::test::SslCtxDeleter;
using machine::test::SslDeleter;
using machine::test::TempDir;

namespace fs = std::filesystem;
using machine::cert::BioPtr;
using machine::cert::X509Ptr;
using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

// The TLS test servers write to sockets the client may already have closed.
const bool k_sigpipe_ignored = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}();

struct PipeCloser {
    void operator()(FILE* pipe) const noexcept { ::pclose(pipe); }
};

struct CommandResult {
    int status;
    std::string output;
};

// Runs a shell command, stdout and stderr together.
CommandResult run(const std::string& command) {
    std::unique_ptr<FILE, PipeCloser> pipe(::popen((command + " 2>&1").c_str(), "r"));
    if (!pipe) {
        throw std::runtime_error("popen failed");
    }
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) {
        output.append(buffer, n);
    }
    int status = ::pclose(pipe.release());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string slurp(const std::string& path) {
    return machine::read_file(path);
}

mode_t file_mode(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return 0;
    }
    return info.st_mode & 07777;
}

X509Ptr load_certificate(const std::string& path) {
    std::string pem = slurp(path);
    BioPtr bio = machine::cert::memory_bio(pem);
    X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate) {
        throw std::runtime_error("not a certificate: " + path);
    }
    return certificate;
}

std::time_t asn1_to_time(const ASN1_TIME* time) {
    std::tm parts{};
    if (ASN1_TIME_to_tm(time, &parts) != 1) {
        throw std::runtime_error("bad ASN1 time");
    }
    return timegm(&parts);
}

// Upstream's NotBefore for a certificate made at `now`: local time, seconds zeroed, minus five minutes.
std::time_t expected_not_before(std::time_t now) {
    std::tm local{};
    localtime_r(&now, &local);
    local.tm_sec = 0;
    local.tm_min -= 5;
    local.tm_isdst = -1;
    return std::mktime(&local);
}

bool extension_is_critical(X509* certificate, int nid) {
    int index = X509_get_ext_by_NID(certificate, nid, -1);
    return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(certificate, index)) == 1;
}

// The subject as "O=<organization>/<ASN.1 string type>", checking that O is its only attribute.
std::string subject_text(X509* certificate) {
    X509_NAME* name = X509_get_subject_name(certificate);
    if (X509_NAME_entry_count(name) != 1) {
        return "<" + std::to_string(X509_NAME_entry_count(name)) + " attributes>";
    }
    X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, 0);
    if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry)) != NID_organizationName) {
        return "<not O>";
    }
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(entry);
    std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<std::size_t>(ASN1_STRING_length(value)));
    return "O=" + text + "/" + ASN1_tag2str(ASN1_STRING_type(value));
}

std::string x509_text(const std::string& path) {
    return run("openssl x509 -noout -text -in " + path).output;
}

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const machine::Error& error) {
        return error.what();
    }
    return "<no error>";
}

// CA, client and server certificates shared by the tests below (RSA generation is the slow part).
class CertTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new TempDir();
        machine::cert::generate_ca(path("ca.pem"), path("ca-key.pem"), "tester");
        machine::cert::generate_signed_cert(path("cert.pem"), path("key.pem"), path("ca.pem"),
                                            path("ca-key.pem"), "tester.<bootstrap>", {}, false);
        machine::cert::generate_signed_cert(path("server.pem"), path("server-key.pem"), path("ca.pem"),
                                            path("ca-key.pem"), "tester.dev",
                                            {"extra.example", "10.1.2.3", "127.0.0.1", "localhost"}, false);
    }
    static void TearDownTestSuite() {
        delete s_dir;
        s_dir = nullptr;
    }
    static std::string path(const std::string& name) { return *s_dir / name; }

    static TempDir* s_dir;
};
TempDir* CertTest::s_dir = nullptr;

TEST_F(CertTest, FileModesAndKeyEncoding) {
    EXPECT_EQ(file_mode(path("ca.pem")), 0644u);
    EXPECT_EQ(file_mode(path("ca-key.pem")), 0600u);
    EXPECT_EQ(file_mode(path("cert.pem")), 0644u);
    EXPECT_EQ(file_mode(path("key.pem")), 0600u);
    EXPECT_EQ(file_mode(path("server.pem")), 0644u);
    EXPECT_EQ(file_mode(path("server-key.pem")), 0600u);
    for (const char* key : {"ca-key.pem", "key.pem", "server-key.pem"}) {
        std::string pem = slurp(path(key));
        EXPECT_EQ(pem.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0), 0u) << key;
        EXPECT_NE(pem.find("-----END RSA PRIVATE KEY-----\n"), std::string::npos) << key;
        CommandResult check = run("openssl rsa -noout -check -in " + path(key));
        EXPECT_EQ(check.status, 0) << check.output;
        EXPECT_NE(check.output.find("RSA key ok"), std::string::npos) << check.output;
        EXPECT_NE(run("openssl rsa -noout -text -in " + path(key)).output.find("Private-Key: (2048 bit"),
                  std::string::npos);
    }
    for (const char* cert : {"ca.pem", "cert.pem", "server.pem"}) {
        std::string pem = slurp(path(cert));
        EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u) << cert;
    }
}

TEST_F(CertTest, CaCertificateFields) {
    X509Ptr ca = load_certificate(path("ca.pem"));
    EXPECT_EQ(X509_get_version(ca.get()), X509_VERSION_3);
    EXPECT_EQ(subject_text(ca.get()), "O=tester/PRINTABLESTRING");
    EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(ca.get())), 1);
    EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(ca.get()), X509_get_issuer_name(ca.get())), 0);
    EXPECT_EQ(X509_get_signature_nid(ca.get()), NID_sha256WithRSAEncryption);
    EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(ca.get())), 2048);
    EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(ca.get())), EVP_PKEY_RSA);

    EXPECT_TRUE(X509_get_extension_flags(ca.get()) & EXFLAG_CA);
    EXPECT_TRUE(extension_is_critical(ca.get(), NID_basic_constraints));
    EXPECT_TRUE(extension_is_critical(ca.get(), NID_key_usage));
    EXPECT_EQ(X509_get_key_usage(ca.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT |
                                                                  KU_KEY_AGREEMENT | KU_KEY_CERT_SIGN));
    EXPECT_EQ(X509_get_ext_by_NID(ca.get(), NID_ext_key_usage, -1), -1);
    EXPECT_EQ(X509_get_ext_by_NID(ca.get(), NID_subject_alt_name, -1), -1);
    EXPECT_NE(X509_get0_subject_key_id(ca.get()), nullptr);

    std::string text = x509_text(path("ca.pem"));
    EXPECT_NE(text.find("X509v3 Basic Constraints: critical\n                CA:TRUE"), std::string::npos)
        << text;
    EXPECT_NE(text.find("Digital Signature, Key Encipherment, Key Agreement, Certificate Sign"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("Signature Algorithm: sha256WithRSAEncryption"), std::string::npos);

    CommandResult self_check = run("openssl verify -CAfile " + path("ca.pem") + " " + path("ca.pem"));
    EXPECT_EQ(self_check.status, 0) << self_check.output;
}

TEST_F(CertTest, SerialIsRandomAndAtMost128Bits) {
    std::vector<std::string> serials;
    for (const char* cert : {"ca.pem", "cert.pem", "server.pem"}) {
        X509Ptr certificate = load_certificate(path(cert));
        machine::cert::BignumPtr serial(
            ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate.get()), nullptr));
        EXPECT_LE(BN_num_bits(serial.get()), 128);
        EXPECT_FALSE(BN_is_negative(serial.get()));
        machine::cert::OpensslBytesPtr<char> hex(BN_bn2hex(serial.get()));
        serials.emplace_back(hex.get());
    }
    EXPECT_NE(serials[0], serials[1]);
    EXPECT_NE(serials[1], serials[2]);
    // 128 random bits: at least one of three has its top byte in use (probability of failure 2^-24).
    bool any_long = false;
    for (const auto& serial : serials) {
        any_long = any_long || serial.size() >= 31;
    }
    EXPECT_TRUE(any_long);
}

TEST(CertValidity, NotBeforeIsLocalMinuteMinusFiveAndLasts1080Days) {
    TempDir dir;
    std::time_t before = std::time(nullptr);
    machine::cert::generate_ca(dir / "ca.pem", dir / "ca-key.pem", "org");
    std::time_t after = std::time(nullptr);
    X509Ptr ca = load_certificate(dir / "ca.pem");
    std::time_t not_before = asn1_to_time(X509_get0_notBefore(ca.get()));
    std::time_t not_after = asn1_to_time(X509_get0_notAfter(ca.get()));
    EXPECT_TRUE(not_before == expected_not_before(before) || not_before == expected_not_before(after));
    EXPECT_EQ(not_before % 60, 0);
    EXPECT_EQ(not_after - not_before, 1080L * 24 * 3600);
    EXPECT_EQ(Clock::to_time_t(machine::cert::not_after(dir / "ca.pem")), not_after);
}

TEST(CertValidity, InjectedClockTruncatesToTheMinute) {
    TempDir dir;
    std::tm local{};
    local.tm_year = 2021 - 1900;
    local.tm_mon = 2;
    local.tm_mday = 4;
    local.tm_hour = 12;
    local.tm_min = 2;  // minus five minutes crosses into the previous hour
    local.tm_sec = 56;
    local.tm_isdst = -1;
    std::time_t now = std::mktime(&local);
    machine::cert::generate_ca(dir / "ca.pem", dir / "ca-key.pem", "org", Clock::from_time_t(now) + 789ms);
    machine::cert::generate_signed_cert(dir / "s.pem", dir / "s-key.pem", dir / "ca.pem", dir / "ca-key.pem",
                                        "org.x", {"127.0.0.1"}, false, Clock::from_time_t(now));
    for (const char* name : {"ca.pem", "s.pem"}) {
        X509Ptr certificate = load_certificate(dir / name);
        std::time_t not_before = asn1_to_time(X509_get0_notBefore(certificate.get()));
        std::tm got{};
        localtime_r(&not_before, &got);
        EXPECT_EQ(got.tm_year, 2021 - 1900);
        EXPECT_EQ(got.tm_mday, 4);
        EXPECT_EQ(got.tm_hour, 11) << name;
        EXPECT_EQ(got.tm_min, 57) << name;
        EXPECT_EQ(got.tm_sec, 0) << name;
        EXPECT_EQ(asn1_to_time(X509_get0_notAfter(certificate.get())) - not_before, 1080L * 86400);
    }
}

TEST_F(CertTest, ServerCertificateFields) {
    X509Ptr server = load_certificate(path("server.pem"));
    X509Ptr ca = load_certificate(path("ca.pem"));
    EXPECT_EQ(subject_text(server.get()), "O=tester.dev/PRINTABLESTRING");
    EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(server.get()), X509_get_subject_name(ca.get())), 0);
    EXPECT_FALSE(X509_get_extension_flags(server.get()) & EXFLAG_CA);
    EXPECT_TRUE(extension_is_critical(server.get(), NID_basic_constraints));
    EXPECT_TRUE(extension_is_critical(server.get(), NID_key_usage));
    EXPECT_EQ(X509_get_key_usage(server.get()),
              static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT));
    EXPECT_EQ(X509_get_extended_key_usage(server.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
    EXPECT_FALSE(extension_is_critical(server.get(), NID_subject_alt_name));
    EXPECT_EQ(X509_get_signature_nid(server.get()), NID_sha256WithRSAEncryption);
    EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(server.get())), 2048);
    // The authority key identifier names the CA's subject key identifier.
    const ASN1_OCTET_STRING* authority = X509_get0_authority_key_id(server.get());
    ASSERT_NE(authority, nullptr);
    EXPECT_EQ(ASN1_OCTET_STRING_cmp(authority, X509_get0_subject_key_id(ca.get())), 0);

    std::string text = x509_text(path("server.pem"));
    EXPECT_NE(text.find("DNS:extra.example, DNS:localhost, IP Address:10.1.2.3, IP Address:127.0.0.1"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("CA:FALSE"), std::string::npos);
    EXPECT_NE(text.find("TLS Web Server Authentication"), std::string::npos);
    EXPECT_EQ(text.find("TLS Web Client Authentication"), std::string::npos);
    EXPECT_EQ(text.find("Certificate Sign"), std::string::npos);

    CommandResult verify =
        run("openssl verify -purpose sslserver -CAfile " + path("ca.pem") + " " + path("server.pem"));
    EXPECT_EQ(verify.status, 0) << verify.output;
    EXPECT_NE(verify.output.find(": OK"), std::string::npos) << verify.output;
    EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
    EXPECT_EQ(X509_check_ip_asc(server.get(), "10.1.2.3", 0), 1);
    EXPECT_EQ(X509_check_host(server.get(), "extra.example", 0, 0, nullptr), 1);
    EXPECT_NE(X509_check_ip_asc(server.get(), "127.0.0.2", 0), 1);
}

TEST_F(CertTest, ClientCertificateFields) {
    X509Ptr client = load_certificate(path("cert.pem"));
    EXPECT_EQ(subject_text(client.get()), "O=tester.<bootstrap>/UTF8STRING");
    EXPECT_FALSE(X509_get_extension_flags(client.get()) & EXFLAG_CA);
    EXPECT_TRUE(extension_is_critical(client.get(), NID_basic_constraints));
    EXPECT_TRUE(extension_is_critical(client.get(), NID_key_usage));
    EXPECT_EQ(X509_get_key_usage(client.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
    EXPECT_EQ(X509_get_extended_key_usage(client.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
    EXPECT_EQ(X509_get_ext_by_NID(client.get(), NID_subject_alt_name, -1), -1);
    CommandResult verify =
        run("openssl verify -purpose sslclient -CAfile " + path("ca.pem") + " " + path("cert.pem"));
    EXPECT_EQ(verify.status, 0) << verify.output;
    EXPECT_NE(
        run("openssl verify -purpose sslserver -CAfile " + path("ca.pem") + " " + path("cert.pem")).status,
        0);
}

TEST_F(CertTest, SwarmMasterServerCertAlsoAllowsClientAuth) {
    TempDir dir;
    machine::cert::generate_signed_cert(dir / "s.pem", dir / "s-key.pem", path("ca.pem"), path("ca-key.pem"),
                                        "t.m", {"::1", "::ffff:127.0.0.1", "host.example"}, true);
    X509Ptr server = load_certificate(dir / "s.pem");
    EXPECT_EQ(X509_get_extended_key_usage(server.get()),
              static_cast<uint32_t>(XKU_SSL_SERVER | XKU_SSL_CLIENT));
    std::string text = x509_text(dir / "s.pem");
    EXPECT_NE(text.find("TLS Web Server Authentication, TLS Web Client Authentication"), std::string::npos)
        << text;
    // The v4-mapped address is stored as plain IPv4, like Go's x509.
    EXPECT_NE(text.find("DNS:host.example, IP Address:0:0:0:0:0:0:0:1, IP Address:127.0.0.1"),
              std::string::npos)
        << text;
}

TEST_F(CertTest, SignedCertErrorsUseGoWording) {
    TempDir dir;
    EXPECT_EQ(error_of([&] {
                  machine::cert::generate_signed_cert(dir / "s.pem", dir / "s-key.pem", dir / "missing.pem",
                                                      path("ca-key.pem"), "o", {"1.2.3.4"}, false);
              }),
              "open " + (dir / "missing.pem") + ": no such file or directory");
    EXPECT_EQ(error_of([&] {
                  machine::cert::generate_signed_cert(dir / "s.pem", dir / "s-key.pem", path("ca.pem"),
                                                      path("server-key.pem"), "o", {"1.2.3.4"}, false);
              }),
              "tls: private key does not match public key");
    EXPECT_EQ(
        error_of([&] {
            machine::cert::generate_signed_cert(dir / "s.pem", dir / "s-key.pem", path("ca-key.pem"),
                                                path("ca.pem"), "o", {"1.2.3.4"}, false);
        }),
        "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM "
        "inputs may have been switched");
    EXPECT_FALSE(fs::exists(dir / "s.pem"));
}

TEST(CertNotAfter, Errors) {
    TempDir dir;
    EXPECT_EQ(error_of([&] { (void)machine::cert::not_after(dir / "none.pem"); }),
              "open " + (dir / "none.pem") + ": no such file or directory");
    machine::write_file_atomic(dir / "garbage.pem", "not a pem\n", 0644);
    EXPECT_EQ(error_of([&] { (void)machine::cert::not_after(dir / "garbage.pem"); }),
              "Failed to decode PEM data");
    machine::write_file_atomic(dir / "bad.pem",
                               "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 0644);
    EXPECT_EQ(error_of([&] { (void)machine::cert::not_after(dir / "bad.pem"); }),
              "x509: malformed certificate");
}

TEST(CertOrganization, DefaultOrganizationIsUser) {
    const char* saved = std::getenv("USER");
    std::string saved_value = saved != nullptr ? saved : "";
    ::setenv("USER", "alice", 1);
    EXPECT_EQ(machine::cert::default_organization(), "alice");
    ::setenv("USER", "", 1);
    EXPECT_EQ(machine::cert::default_organization(), "unknown");
    ::unsetenv("USER");
    EXPECT_EQ(machine::cert::default_organization(), "unknown");
    if (saved != nullptr) {
        ::setenv("USER", saved_value.c_str(), 1);
    }
}

// ---- bootstrap ----

class CertBootstrapTest : public ::testing::Test {
protected:
    void SetUp() override {
        const char* user = std::getenv("USER");
        m_saved_user = user != nullptr ? std::optional<std::string>(user) : std::nullopt;
        ::setenv("USER", "tester", 1);
        m_paths.cert_dir = m_root / "certs";
        m_paths.ca_cert = m_paths.cert_dir + "/ca.pem";
        m_paths.ca_key = m_paths.cert_dir + "/ca-key.pem";
        m_paths.client_cert = m_paths.cert_dir + "/cert.pem";
        m_paths.client_key = m_paths.cert_dir + "/key.pem";
    }
    void TearDown() override {
        if (m_saved_user) {
            ::setenv("USER", m_saved_user->c_str(), 1);
        } else {
            ::unsetenv("USER");
        }
    }
    // Runs the bootstrap and returns what it printed.
    std::string bootstrap() {
        ::testing::internal::CaptureStdout();
        try {
            machine::cert::bootstrap_certificates(m_paths);
        } catch (...) {
            m_last_output = ::testing::internal::GetCapturedStdout();
            throw;
        }
        return ::testing::internal::GetCapturedStdout();
    }
    std::string bootstrap_error() {
        try {
            bootstrap();
        } catch (const machine::Error& error) {
            return error.what();
        }
        return "<no error>";
    }

    TempDir m_root;
    machine::cert::BootstrapPaths m_paths;
    std::optional<std::string> m_saved_user;
    std::string m_last_output;
};

TEST_F(CertBootstrapTest, CreatesCaAndClientOnceAndKeepsThem) {
    EXPECT_EQ(bootstrap(), "Creating CA: " + m_paths.ca_cert +
                               "\nCreating client certificate: " + m_paths.client_cert + "\n");
    EXPECT_EQ(file_mode(m_paths.cert_dir), 0700u);
    EXPECT_EQ(file_mode(m_paths.ca_cert), 0644u);
    EXPECT_EQ(file_mode(m_paths.ca_key), 0600u);
    EXPECT_EQ(file_mode(m_paths.client_cert), 0644u);
    EXPECT_EQ(file_mode(m_paths.client_key), 0600u);

    X509Ptr ca = load_certificate(m_paths.ca_cert);
    X509Ptr client = load_certificate(m_paths.client_cert);
    EXPECT_EQ(subject_text(ca.get()), "O=tester/PRINTABLESTRING");
    EXPECT_EQ(subject_text(client.get()), "O=tester.<bootstrap>/UTF8STRING");
    CommandResult verify = run("openssl verify -CAfile " + m_paths.ca_cert + " " + m_paths.client_cert);
    EXPECT_EQ(verify.status, 0) << verify.output;

    std::vector<std::string> before;
    for (const auto& file : {m_paths.ca_cert, m_paths.ca_key, m_paths.client_cert, m_paths.client_key}) {
        before.push_back(slurp(file));
    }
    EXPECT_EQ(bootstrap(), "");
    std::size_t i = 0;
    for (const auto& file : {m_paths.ca_cert, m_paths.ca_key, m_paths.client_cert, m_paths.client_key}) {
        EXPECT_EQ(slurp(file), before[i++]) << file;
    }
}

TEST_F(CertBootstrapTest, CreatesNestedCertDir) {
    m_paths.cert_dir = m_root / "a/b/certs";
    m_paths.ca_cert = m_paths.cert_dir + "/ca.pem";
    m_paths.ca_key = m_paths.cert_dir + "/ca-key.pem";
    m_paths.client_cert = m_paths.cert_dir + "/cert.pem";
    m_paths.client_key = m_paths.cert_dir + "/key.pem";
    (void)bootstrap();
    EXPECT_EQ(file_mode(m_root / "a"), 0700u);
    EXPECT_EQ(file_mode(m_paths.cert_dir), 0700u);
    EXPECT_TRUE(fs::exists(m_paths.client_key));
}

TEST_F(CertBootstrapTest, ExpiredCaIsRegeneratedAndValidClientKept) {
    (void)bootstrap();
    machine::cert::generate_ca(m_paths.ca_cert, m_paths.ca_key, "tester", Clock::now() - 24h * 1100);
    ASSERT_LT(machine::cert::not_after(m_paths.ca_cert), Clock::now());
    std::string expired_ca = slurp(m_paths.ca_cert);
    std::string client = slurp(m_paths.client_cert);
    std::string client_key = slurp(m_paths.client_key);

    EXPECT_EQ(bootstrap(), "CA certificate is outdated and needs to be regenerated\nCreating CA: " +
                               m_paths.ca_cert + "\n");
    EXPECT_NE(slurp(m_paths.ca_cert), expired_ca);
    EXPECT_GT(machine::cert::not_after(m_paths.ca_cert), Clock::now() + 24h * 1000);
    EXPECT_EQ(file_mode(m_paths.ca_key), 0600u);
    // Upstream keeps the still-valid client certificate, even though it no longer matches the new CA.
    EXPECT_EQ(slurp(m_paths.client_cert), client);
    EXPECT_EQ(slurp(m_paths.client_key), client_key);
}

TEST_F(CertBootstrapTest, ExpiredClientIsRegenerated) {
    (void)bootstrap();
    machine::cert::generate_signed_cert(m_paths.client_cert, m_paths.client_key, m_paths.ca_cert,
                                        m_paths.ca_key, "tester.<bootstrap>", {}, false,
                                        Clock::now() - 24h * 1081);
    std::string ca = slurp(m_paths.ca_cert);
    std::string expired = slurp(m_paths.client_cert);
    EXPECT_EQ(bootstrap(),
              "Client certificate is outdated and needs to be regenerated\nCreating client certificate: " +
                  m_paths.client_cert + "\n");
    EXPECT_EQ(slurp(m_paths.ca_cert), ca);
    EXPECT_NE(slurp(m_paths.client_cert), expired);
    CommandResult verify = run("openssl verify -CAfile " + m_paths.ca_cert + " " + m_paths.client_cert);
    EXPECT_EQ(verify.status, 0) << verify.output;
}

TEST_F(CertBootstrapTest, RefusesToOverwriteOrphanKeys) {
    machine::make_directories(m_paths.cert_dir, 0700);
    machine::write_file_atomic(m_paths.ca_key, "old key", 0600);
    EXPECT_EQ(bootstrap_error(), "certificate authority key already exists");
    EXPECT_EQ(m_last_output, "Creating CA: " + m_paths.ca_cert + "\n");
    EXPECT_EQ(slurp(m_paths.ca_key), "old key");

    ::unlink(m_paths.ca_key.c_str());
    machine::write_file_atomic(m_paths.client_key, "old client key", 0600);
    EXPECT_EQ(bootstrap_error(), "client key already exists");
    EXPECT_TRUE(fs::exists(m_paths.ca_cert));
    EXPECT_EQ(slurp(m_paths.client_key), "old client key");
}

TEST_F(CertBootstrapTest, UnreadableCaIsReported) {
    machine::make_directories(m_paths.cert_dir, 0700);
    machine::write_file_atomic(m_paths.ca_cert, "garbage", 0644);
    EXPECT_EQ(bootstrap_error(), "Failed to decode PEM data");
}

TEST_F(CertBootstrapTest, CertDirBlockedByFile) {
    machine::write_file_atomic(m_root / "file", "x", 0644);
    m_paths.cert_dir = m_root / "file/certs";
    m_paths.ca_cert = m_paths.cert_dir + "/ca.pem";
    EXPECT_EQ(bootstrap_error(), "stat " + m_paths.cert_dir + ": not a directory");
}

// ---- SSH keys ----

// "ssh-rsa AAAA<base64>\n" with no comment.
bool is_authorized_key_line(const std::string& line) {
    const std::string prefix = "ssh-rsa AAAA";
    if (line.rfind(prefix, 0) != 0 || line.back() != '\n') {
        return false;
    }
    std::string encoded = line.substr(prefix.size(), line.size() - prefix.size() - 1);
    return !encoded.empty() &&
           encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
               std::string::npos;
}

TEST(CertSshKey, PairParsesWithSshKeygen) {
    TempDir dir;
    machine::cert::generate_ssh_key_pair(dir / "id_rsa", dir / "id_rsa.pub");
    EXPECT_EQ(file_mode(dir / "id_rsa"), 0600u);
    EXPECT_EQ(file_mode(dir / "id_rsa.pub"), 0600u);
    std::string private_key = slurp(dir / "id_rsa");
    std::string public_key = slurp(dir / "id_rsa.pub");
    EXPECT_EQ(private_key.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0), 0u);
    EXPECT_TRUE(is_authorized_key_line(public_key)) << public_key;

    CommandResult fingerprint = run("ssh-keygen -l -f " + (dir / "id_rsa.pub"));
    EXPECT_EQ(fingerprint.status, 0) << fingerprint.output;
    EXPECT_EQ(fingerprint.output.rfind("2048 SHA256:", 0), 0u) << fingerprint.output;
    EXPECT_NE(fingerprint.output.find("(RSA)"), std::string::npos) << fingerprint.output;
    // The public key is the one derived from the private key.
    CommandResult derived = run("ssh-keygen -y -f " + (dir / "id_rsa"));
    EXPECT_EQ(derived.status, 0) << derived.output;
    EXPECT_EQ(derived.output.substr(0, public_key.size() - 1), public_key.substr(0, public_key.size() - 1));
    EXPECT_NE(slurp(dir / "id_rsa"),
              (machine::cert::generate_ssh_key_pair(dir / "k2", dir / "k2.pub"), slurp(dir / "k2")));
}

TEST(CertSshKey, EnsureKeepsExistingKey) {
    TempDir dir;
    machine::cert::ensure_ssh_key(dir / "id_rsa");
    EXPECT_TRUE(fs::exists(dir / "id_rsa.pub"));
    std::string first = slurp(dir / "id_rsa");
    machine::cert::ensure_ssh_key(dir / "id_rsa");
    EXPECT_EQ(slurp(dir / "id_rsa"), first);
}

// ---- TLS connection check ----

// A TLS server on 127.0.0.1 that completes handshakes (requiring a client certificate signed by `client_ca`
// when given) and closes; or, in plain mode, answers with an HTTP text instead of TLS.
class TlsServer {
public:
    TlsServer(const std::string& cert, const std::string& key, const std::string& client_ca,
              bool plain = false)
        : m_plain(plain) {
        m_context.reset(SSL_CTX_new(TLS_server_method()));
        if (SSL_CTX_use_certificate_file(m_context.get(), cert.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_use_PrivateKey_file(m_context.get(), key.c_str(), SSL_FILETYPE_PEM) != 1) {
            throw std::runtime_error("bad server certificate");
        }
        if (!client_ca.empty()) {
            SSL_CTX_load_verify_locations(m_context.get(), client_ca.c_str(), nullptr);
            SSL_CTX_set_verify(m_context.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        }
        m_listener = std::make_unique<Fd>(listen_on_loopback(&m_port));
        m_thread = std::thread([this] { serve(); });
    }
    ~TlsServer() {
        m_stop = true;
        m_thread.join();
    }
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;

    [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }
    // The client may finish before the server thread has counted the handshake.
    [[nodiscard]] int handshakes_after_settling() const {
        std::this_thread::sleep_for(200ms);
        return m_handshakes;
    }

private:
    void serve() {
        while (!m_stop) {
            pollfd entry{m_listener->get(), POLLIN, 0};
            if (::poll(&entry, 1, 50) <= 0) {
                continue;
            }
            Fd connection(::accept(m_listener->get(), nullptr, nullptr));
            if (connection.get() < 0) {
                continue;
            }
            timeval timeout{5, 0};
            ::setsockopt(connection.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            if (m_plain) {
                const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
                (void)!::write(connection.get(), reply, sizeof reply - 1);
                continue;
            }
            std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(m_context.get()));
            SSL_set_fd(ssl.get(), connection.get());
            if (SSL_accept(ssl.get()) == 1) {
                ++m_handshakes;
                SSL_shutdown(ssl.get());
            }
            ERR_clear_error();
        }
    }

    std::unique_ptr<SSL_CTX, SslCtxDeleter> m_context;
    std::unique_ptr<Fd> m_listener;
    int m_port = 0;
    bool m_plain;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_handshakes{0};
    std::thread m_thread;
};

class CertTlsCheckTest : public CertTest {
protected:
    static machine::cert::TlsClientFiles client_files() {
        return {path("ca.pem"), path("cert.pem"), path("key.pem")};
    }
    static std::string check_error(const std::string& address, const machine::cert::TlsClientFiles& files,
                                   std::chrono::seconds timeout = 10s) {
        return error_of([&] { machine::cert::check_tls_handshake(address, files, timeout); });
    }
};

TEST_F(CertTlsCheckTest, HandshakeSucceedsWithMachineCertificates) {
    TlsServer server(path("server.pem"), path("server-key.pem"), path("ca.pem"));
    EXPECT_NO_THROW(machine::cert::check_tls_handshake(server.address(), client_files(), 10s));
    EXPECT_EQ(server.handshakes_after_settling(), 1);
}

TEST_F(CertTlsCheckTest, UnknownAuthority) {
    TempDir dir;
    machine::cert::generate_ca(dir / "other-ca.pem", dir / "other-ca-key.pem", "other");
    TlsServer server(path("server.pem"), path("server-key.pem"), path("ca.pem"));
    auto files = client_files();
    files.ca_cert = dir / "other-ca.pem";
    EXPECT_EQ(check_error(server.address(), files), "x509: certificate signed by unknown authority");
    EXPECT_EQ(server.handshakes_after_settling(), 0);
}

TEST_F(CertTlsCheckTest, HostnameMustBeAnIpSan) {
    TempDir dir;
    machine::cert::generate_signed_cert(dir / "s.pem", dir / "s-key.pem", path("ca.pem"), path("ca-key.pem"),
                                        "o", {"10.1.2.3", "localhost", "10.4.5.6"}, false);
    TlsServer wrong_ip(dir / "s.pem", dir / "s-key.pem", path("ca.pem"));
    EXPECT_EQ(check_error(wrong_ip.address(), client_files()),
              "x509: certificate is valid for 10.1.2.3, 10.4.5.6, not 127.0.0.1");

    machine::cert::generate_signed_cert(dir / "d.pem", dir / "d-key.pem", path("ca.pem"), path("ca-key.pem"),
                                        "o", {"localhost"}, false);
    TlsServer dns_only(dir / "d.pem", dir / "d-key.pem", path("ca.pem"));
    EXPECT_EQ(check_error(dns_only.address(), client_files()),
              "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs");
}

TEST_F(CertTlsCheckTest, ExpiredServerCertificate) {
    TempDir dir;
    machine::cert::generate_signed_cert(dir / "s.pem", dir / "s-key.pem", path("ca.pem"), path("ca-key.pem"),
                                        "o", {"127.0.0.1"}, false, Clock::now() - 24h * 1100);
    TlsServer server(dir / "s.pem", dir / "s-key.pem", path("ca.pem"));
    EXPECT_EQ(check_error(server.address(), client_files()),
              "x509: certificate has expired or is not yet valid");
}

TEST_F(CertTlsCheckTest, ClientCertificateUsedAsServerCertificate) {
    // Go checks the host name before the chain and its key usages.
    TlsServer server(path("cert.pem"), path("key.pem"), path("ca.pem"));
    EXPECT_EQ(check_error(server.address(), client_files()),
              "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs");

    // With a matching IP SAN, the missing serverAuth usage is what fails.
    TempDir dir;
    machine::write_file_atomic(dir / "ext.cnf", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=clientAuth\n",
                               0644);
    CommandResult made =
        run("cd " + dir.path() + " && openssl req -new -newkey rsa:2048 -nodes -keyout k.pem -subj /O=x" +
            " -out r.csr && openssl x509 -req -in r.csr -CA " + path("ca.pem") + " -CAkey " +
            path("ca-key.pem") + " -CAcreateserial -days 2 -extfile ext.cnf -out c.pem");
    ASSERT_EQ(made.status, 0) << made.output;
    TlsServer client_only(dir / "c.pem", dir / "k.pem", path("ca.pem"));
    EXPECT_EQ(check_error(client_only.address(), client_files()),
              "x509: certificate specifies an incompatible key usage");
}

TEST_F(CertTlsCheckTest, ServerRejectsClientCertificate) {
    TempDir dir;
    machine::cert::generate_ca(dir / "other-ca.pem", dir / "other-ca-key.pem", "other");
    machine::cert::generate_signed_cert(dir / "c.pem", dir / "c-key.pem", dir / "other-ca.pem",
                                        dir / "other-ca-key.pem", "other.<bootstrap>", {}, false);
    TlsServer server(path("server.pem"), path("server-key.pem"), path("ca.pem"));
    std::string error = check_error(server.address(), {path("ca.pem"), dir / "c.pem", dir / "c-key.pem"});
    // OpenSSL's server answers an unknown client CA with alert 48, which Go names like this.
    EXPECT_EQ(error, "remote error: tls: unknown certificate authority");
    EXPECT_EQ(server.handshakes_after_settling(), 0);
}

TEST_F(CertTlsCheckTest, ConnectionRefused) {
    int port = 0;
    { Fd closed = listen_on_loopback(&port); }
    std::string address = "127.0.0.1:" + std::to_string(port);
    EXPECT_EQ(check_error(address, client_files()), "dial tcp " + address + ": connect: connection refused");
}

TEST_F(CertTlsCheckTest, HandshakeTimeout) {
    int port = 0;
    Fd silent = listen_on_loopback(&port);  // the kernel accepts the TCP connection; nobody speaks TLS
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(check_error("127.0.0.1:" + std::to_string(port), client_files(), 1s),
              "tls: DialWithDialer timed out");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(CertTlsCheckTest, PlainTextServer) {
    TlsServer server(path("server.pem"), path("server-key.pem"), "", true);
    EXPECT_EQ(check_error(server.address(), client_files()),
              "tls: first record does not look like a TLS handshake");
}

TEST_F(CertTlsCheckTest, FileProblems) {
    TempDir dir;
    auto files = client_files();
    files.ca_cert = dir / "missing.pem";
    EXPECT_EQ(check_error("127.0.0.1:1", files),
              "open " + (dir / "missing.pem") + ": no such file or directory");

    machine::write_file_atomic(dir / "garbage.pem", "garbage\n", 0644);
    files.ca_cert = dir / "garbage.pem";
    EXPECT_EQ(check_error("127.0.0.1:1", files), "There was an error reading certificate");

    files = client_files();
    files.client_key = path("server-key.pem");
    EXPECT_EQ(check_error("127.0.0.1:1", files), "tls: private key does not match public key");

    files = client_files();
    files.client_key = path("cert.pem");
    EXPECT_EQ(check_error("127.0.0.1:1", files),
              "tls: found a certificate rather than a key in the PEM for the private key");

    EXPECT_EQ(check_error("127.0.0.1", client_files()),
              "dial tcp: address 127.0.0.1: missing port in address");
}

}  // namespace

TEST(PemNotAfter, MatchesOpenSslOnGeneratedCertificates) {
    char pattern[] = "/tmp/pem-not-after-XXXXXX";
    std::string dir = ::mkdtemp(pattern);
    machine::cert::generate_ca(dir + "/ca.pem", dir + "/ca-key.pem", "tester");
    auto fast = machine::cert::pem_not_after(machine::read_file(dir + "/ca.pem"));
    ASSERT_TRUE(fast.has_value());
    EXPECT_EQ(*fast, machine::cert::not_after(dir + "/ca.pem"));
    EXPECT_FALSE(machine::cert::pem_not_after("no certificate here").has_value());
    EXPECT_FALSE(machine::cert::pem_not_after("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")
                     .has_value());
    std::filesystem::remove_all(dir);
}
