// Issue 11 ("beyond docker-machine"): archives, Docker contexts, IPv6 literals, expiry warnings, progress.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/remote_copy.hpp"
#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/docker_context.hpp"
#include "machine/error.hpp"
#include "machine/health.hpp"
#include "machine/machine_archive.hpp"
#include "machine/net.hpp"
#include "machine/progress.hpp"
#include "machine/store.hpp"
#include "store/tar_gz.hpp"

namespace fs = std::filesystem;
using namespace machine;

namespace {

class TempDir {
public:
    TempDir() {
        char pattern[] = "/tmp/machine-beyond-XXXXXX";
        m_path = ::mkdtemp(pattern);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] std::string operator/(const std::string& name) const { return m_path + "/" + name; }
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

std::unique_ptr<Host> none_host(const Store& store, const std::string& name, const std::string& url) {
    auto driver = make_driver("none", name, store.root());
    FlagValues flags;
    flags.set("url", url);
    driver->set_config_from_flags(flags);
    return store.new_host(name, std::move(driver), {});
}

}  // namespace

// ---- tar.gz ----

TEST(TarGz, RoundTripKeepsNamesContentAndModes) {
    std::string big(70000, 'x');
    std::vector<tar_gz::Entry> entries = {{"docker-machine-export.json", "{}\n", 0600},
                                          {"machine/config.json", big, 0644},
                                          {"certs/e", "", 0600}};
    auto unpacked = tar_gz::unpack(tar_gz::pack(entries));
    ASSERT_EQ(unpacked.size(), 3u);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(unpacked[i].name, entries[i].name);
        EXPECT_EQ(unpacked[i].content, entries[i].content);
        EXPECT_EQ(unpacked[i].mode, entries[i].mode);
    }
}

TEST(TarGz, SystemTarReadsWhatWeWrite) {
    TempDir dir;
    write_file_atomic(dir / "a.tar.gz", tar_gz::pack({{"machine/hello.txt", "hello\n", 0600}}), 0600);
    std::string command = "tar -xzf " + (dir / "a.tar.gz") + " -C " + dir.path();
    ASSERT_EQ(std::system(command.c_str()), 0);
    EXPECT_EQ(read_file(dir / "machine/hello.txt"), "hello\n");
}

TEST(TarGz, RejectsWhatIsNotAnArchive) {
    EXPECT_THROW((void)tar_gz::unpack("not an archive at all"), Error);
    std::string packed = tar_gz::pack({{"a", "b", 0600}});
    EXPECT_THROW((void)tar_gz::unpack(packed.substr(0, packed.size() / 2)), Error);
}

// ---- export / import ----

TEST(MachineArchive, ImportRewritesPathsIntoTheNewStore) {
    TempDir from_dir;
    TempDir to_dir;
    Store from(from_dir / "store");
    Store to(to_dir / "other");
    auto host = none_host(from, "n1", "tcp://[::1]:2376");
    from.save(*host);
    fs::create_directories(from.certs_dir());
    write_file_atomic(from.certs_dir() + "/ca.pem", "CA", 0644);
    write_file_atomic(from.certs_dir() + "/ca-key.pem", "CAKEY", 0600);
    write_file_atomic(from.certs_dir() + "/cert.pem", "CLIENT", 0644);
    write_file_atomic(from.certs_dir() + "/key.pem", "CLIENTKEY", 0600);
    write_file_atomic(from.machine_dir("n1") + "/server.pem", "SERVER", 0644);

    archive::export_machine(from, "n1", from_dir / "n1.tar.gz", /*include_ca_key=*/false);
    EXPECT_EQ(fs::status(from_dir / "n1.tar.gz").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(archive::import_machine(to, from_dir / "n1.tar.gz"), "n1");

    std::string config = read_file(to.machine_dir("n1") + "/config.json");
    EXPECT_EQ(config.find(from_dir.path()), std::string::npos) << config;
    auto imported = to.load("n1");
    EXPECT_EQ(imported->options.auth.ca_cert_path, to.machine_dir("n1") + "/ca.pem");
    EXPECT_EQ(imported->options.auth.client_key_path, to.machine_dir("n1") + "/key.pem");
    EXPECT_EQ(imported->options.auth.store_path, to.machine_dir("n1"));
    EXPECT_EQ(imported->driver->url(), "tcp://[::1]:2376");
    EXPECT_EQ(read_file(to.machine_dir("n1") + "/ca.pem"), "CA");
    EXPECT_EQ(read_file(to.machine_dir("n1") + "/server.pem"), "SERVER");
    EXPECT_FALSE(fs::exists(to.machine_dir("n1") + "/ca-key.pem"));  // only with include_ca_key

    try {
        (void)archive::import_machine(to, from_dir / "n1.tar.gz");
        FAIL() << "a second import must not replace the machine";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Docker machine \"n1\" already exists");
    }
    EXPECT_EQ(to.list_names(), std::vector<std::string>{"n1"});
}

TEST(MachineArchive, CaKeyOnRequestAndForeignArchivesRefused) {
    TempDir dir;
    Store from(dir / "a");
    Store to(dir / "b");
    from.save(*none_host(from, "n2", "tcp://1.2.3.4:2376"));
    fs::create_directories(from.certs_dir());
    write_file_atomic(from.certs_dir() + "/ca-key.pem", "CAKEY", 0600);
    archive::export_machine(from, "n2", dir / "n2.tgz", /*include_ca_key=*/true);
    (void)archive::import_machine(to, dir / "n2.tgz");
    EXPECT_EQ(read_file(to.machine_dir("n2") + "/ca-key.pem"), "CAKEY");

    write_file_atomic(dir / "foreign.tgz", tar_gz::pack({{"etc/passwd", "x", 0600}}), 0600);
    EXPECT_THROW((void)archive::import_machine(to, dir / "foreign.tgz"), Error);
    write_file_atomic(
        dir / "evil.tgz",
        tar_gz::pack({{"docker-machine-export.json", R"({"FormatVersion":1,"Name":"../x"})", 0600},
                      {"machine/config.json", "{}", 0600}}),
        0600);
    EXPECT_THROW((void)archive::import_machine(to, dir / "evil.tgz"), Error);
    EXPECT_EQ(to.list_names(), std::vector<std::string>{"n2"});
}

// ---- Docker contexts ----

TEST(DockerContext, WritesTheDockerCliLayoutAndRemovesOnlyItsOwn) {
    TempDir config;
    docker_context::ContextSpec spec{"m1", "tcp://[::1]:2376", "docker-machine m1", "/store", "CA", "CERT",
                                     "KEY"};
    docker_context::write_context(config.path(), spec);
    // The Docker CLI keys a context's directories by the SHA-256 of its name.
    const std::string hash = "ca0df2c95aa144c1d0ff2ff3c8f967fdc1de9ef0c4120b3726416701b519d619";
    EXPECT_EQ(docker_context::meta_dir(config.path(), "m1"), config / ("contexts/meta/" + hash));
    auto meta =
        nlohmann::json::parse(read_file(docker_context::meta_dir(config.path(), "m1") + "/meta.json"));
    EXPECT_EQ(meta["Name"], "m1");
    EXPECT_EQ(meta["Endpoints"]["docker"]["Host"], "tcp://[::1]:2376");
    EXPECT_EQ(meta["Endpoints"]["docker"]["SkipTLSVerify"], false);
    EXPECT_EQ(meta["Metadata"]["DockerMachineStore"], "/store");
    EXPECT_EQ(read_file(config / ("contexts/tls/" + hash + "/docker/key.pem")), "KEY");

    // Another store's context of the same name is neither replaced nor removed.
    docker_context::ContextSpec other = spec;
    other.machine_store = "/elsewhere";
    EXPECT_THROW(docker_context::write_context(config.path(), other), Error);
    EXPECT_EQ(docker_context::remove_context(config.path(), "m1", "/elsewhere"),
              docker_context::RemoveOutcome::NotOurs);

    write_file_atomic(config / "config.json", "{\"auths\": {}, \"currentContext\": \"m1\"}", 0600);
    EXPECT_EQ(docker_context::remove_context(config.path(), "m1", "/store"),
              docker_context::RemoveOutcome::Removed);
    EXPECT_FALSE(fs::exists(docker_context::meta_dir(config.path(), "m1")));
    EXPECT_FALSE(fs::exists(config / ("contexts/tls/" + hash)));
    auto docker_config = nlohmann::json::parse(read_file(config / "config.json"));
    EXPECT_FALSE(docker_config.contains("currentContext"));
    EXPECT_TRUE(docker_config.contains("auths"));
    EXPECT_EQ(docker_context::remove_context(config.path(), "m1", "/store"),
              docker_context::RemoveOutcome::NotFound);
}

TEST(DockerContext, NameRuleOfTheDockerCli) {
    EXPECT_TRUE(docker_context::is_valid_context_name("m1"));
    EXPECT_TRUE(docker_context::is_valid_context_name("dev.example-1"));
    EXPECT_FALSE(docker_context::is_valid_context_name("a"));
    EXPECT_FALSE(docker_context::is_valid_context_name("-x"));
}

// ---- IPv6 literals ----

TEST(Ipv6, UrlsHostsAndCopyArguments) {
    EXPECT_EQ(net::url_host("tcp://[fd00::2]:2376"), "[fd00::2]:2376");
    std::string host;
    std::string port;
    ASSERT_TRUE(net::split_host_port("[fd00::2]:2376", host, port));
    EXPECT_EQ(host, "fd00::2");
    EXPECT_EQ(port, "2376");
    EXPECT_EQ(net::join_host_port("fd00::2", "22"), "[fd00::2]:22");
    EXPECT_EQ(net::join_host_port("10.0.0.2", "22"), "10.0.0.2:22");

    cli::CopyLocation location;
    location.remote = true;
    location.user = "root";
    location.host = "fd00::2";
    location.path = "/tmp/x";
    EXPECT_EQ(cli::location_text(location), "root@[fd00::2]:/tmp/x");
    location.host = "10.0.0.2";
    EXPECT_EQ(cli::location_text(location), "root@10.0.0.2:/tmp/x");
}

namespace {

// A TLS server on [::1] that completes one handshake per connection.
class Ipv6TlsServer {
public:
    Ipv6TlsServer(const std::string& cert, const std::string& key) {
        m_context = SSL_CTX_new(TLS_server_method());
        if (SSL_CTX_use_certificate_file(m_context, cert.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_use_PrivateKey_file(m_context, key.c_str(), SSL_FILETYPE_PEM) != 1) {
            throw std::runtime_error("bad server certificate");
        }
        m_fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in6 address{};
        address.sin6_family = AF_INET6;
        address.sin6_addr = in6addr_loopback;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_fd, 4) != 0) {
            throw std::runtime_error("cannot listen on [::1]");
        }
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin6_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~Ipv6TlsServer() {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
        SSL_CTX_free(m_context);
    }
    Ipv6TlsServer(const Ipv6TlsServer&) = delete;
    Ipv6TlsServer& operator=(const Ipv6TlsServer&) = delete;
    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] int handshakes() const { return m_handshakes; }

private:
    void serve() {
        while (!m_stop) {
            pollfd entry{m_fd, POLLIN, 0};
            if (::poll(&entry, 1, 50) <= 0) {
                continue;
            }
            int connection = ::accept(m_fd, nullptr, nullptr);
            if (connection < 0) {
                continue;
            }
            SSL* ssl = SSL_new(m_context);
            SSL_set_fd(ssl, connection);
            if (SSL_accept(ssl) == 1) {
                ++m_handshakes;
                SSL_shutdown(ssl);
            }
            SSL_free(ssl);
            ERR_clear_error();
            ::close(connection);
        }
    }

    SSL_CTX* m_context = nullptr;
    int m_fd = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_handshakes{0};
    std::thread m_thread;
};

}  // namespace

TEST(Ipv6, TlsCheckDialsABracketedLiteral) {
    TempDir dir;
    cert::generate_ca(dir / "ca.pem", dir / "ca-key.pem", "test");
    cert::generate_signed_cert(dir / "cert.pem", dir / "key.pem", dir / "ca.pem", dir / "ca-key.pem", "test",
                               {}, false);
    cert::generate_signed_cert(dir / "server.pem", dir / "server-key.pem", dir / "ca.pem", dir / "ca-key.pem",
                               "test.m1", {"::1", "localhost"}, false);
    Ipv6TlsServer server(dir / "server.pem", dir / "server-key.pem");
    cert::TlsClientFiles files{dir / "ca.pem", dir / "cert.pem", dir / "key.pem"};
    cert::check_tls_handshake("[::1]:" + std::to_string(server.port()), files, std::chrono::seconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_GE(server.handshakes(), 1);

    // A certificate without the IPv6 address is refused for it.
    cert::generate_signed_cert(dir / "other.pem", dir / "other-key.pem", dir / "ca.pem", dir / "ca-key.pem",
                               "test.m2", {"10.0.0.1"}, false);
    Ipv6TlsServer wrong(dir / "other.pem", dir / "other-key.pem");
    try {
        cert::check_tls_handshake("[::1]:" + std::to_string(wrong.port()), files, std::chrono::seconds(5));
        FAIL() << "a certificate without ::1 must be refused";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("::1"), std::string::npos) << error.what();
    }
}

// ---- certificate expiry warnings ----

TEST(ExpiryWarnings, CaClientAndServerWithinThirtyDays) {
    TempDir dir;
    using namespace std::chrono;
    auto now = system_clock::now();
    // The CA lives 1080 days: made 1075 days ago, it expires in about 5 days.
    cert::generate_ca(dir / "ca.pem", dir / "ca-key.pem", "test", now - hours(24 * 1075));
    cert::generate_signed_cert(dir / "cert.pem", dir / "key.pem", dir / "ca.pem", dir / "ca-key.pem", "test",
                               {}, false, now - hours(24 * 1000));
    cert::generate_signed_cert(dir / "server.pem", dir / "server-key.pem", dir / "ca.pem", dir / "ca-key.pem",
                               "test", {"10.0.0.1"}, false, now - hours(24 * 1090));
    Host host;
    host.name = "m1";
    host.options.auth.ca_cert_path = dir / "ca.pem";
    host.options.auth.client_cert_path = dir / "cert.pem";
    host.options.auth.server_cert_path = dir / "server.pem";
    auto warnings = health::certificate_expiry_warnings({&host}, now);
    ASSERT_EQ(warnings.size(), 2u);
    EXPECT_NE(warnings[0].find("the CA certificate " + (dir / "ca.pem") + " expires on "), std::string::npos);
    EXPECT_NE(warnings[1].find("the server certificate of machine \"m1\" expired on "), std::string::npos);
    EXPECT_NE(warnings[1].find("run: docker-machine regenerate-certs --certs-only m1"), std::string::npos);
    EXPECT_NE(warnings[0].find("--renew-ca"), std::string::npos);
    // 80 days before, nothing is due yet.
    EXPECT_TRUE(health::certificate_expiry_warnings({&host}, now - hours(24 * 80)).empty());
}

// ---- progress ----

TEST(Progress, QuietWithoutATerminalAndLineFormat) {
    if (::isatty(STDERR_FILENO) == 0) {
        EXPECT_FALSE(progress::enabled());
    }
    EXPECT_EQ(progress::line_text("Waiting for SSH", 12, 1), "/ Waiting for SSH (12s)");
    progress::Wait wait("nothing");  // no terminal: no thread, nothing written
}
