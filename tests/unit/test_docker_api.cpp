// The Docker Engine API client over mutual TLS (reference/certs-and-provisioning.md §3), against a small
// HTTPS server running in-process on 127.0.0.1.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "machine/cert.hpp"
#include "machine/docker_api.hpp"
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
using namespace std::chrono_literals;

// The test server writes to sockets the client may already have closed.
const bool k_sigpipe_ignored = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}();

struct HttpRequest {
    std::string request_line;
    std::string headers;
    std::string body;
};

// An HTTPS server on 127.0.0.1 requiring a client certificate from `client_ca`; every request gets the raw
// HTTP response produced by `respond`.
class HttpsServer {
public:
    using Responder = std::function<std::string(const HttpRequest&)>;

    HttpsServer(const std::string& cert, const std::string& key, const std::string& client_ca,
                Responder respond)
        : m_respond(std::move(respond)) {
        m_context.reset(SSL_CTX_new(TLS_server_method()));
        if (SSL_CTX_use_certificate_file(m_context.get(), cert.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_use_PrivateKey_file(m_context.get(), key.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_load_verify_locations(m_context.get(), client_ca.c_str(), nullptr) != 1) {
            throw std::runtime_error("bad server TLS files");
        }
        SSL_CTX_set_verify(m_context.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        m_listener = std::make_unique<Fd>(listen_on_loopback(&m_port));
        m_thread = std::thread([this] { serve(); });
    }
    ~HttpsServer() {
        m_stop = true;
        m_thread.join();
    }
    HttpsServer(const HttpsServer&) = delete;
    HttpsServer& operator=(const HttpsServer&) = delete;

    [[nodiscard]] std::string url() const { return "tcp://127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] std::string host_port() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] std::vector<HttpRequest> requests() const {
        std::lock_guard lock(m_mutex);
        return m_requests;
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
            std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(m_context.get()));
            SSL_set_fd(ssl.get(), connection.get());
            if (SSL_accept(ssl.get()) == 1) {
                handle(ssl.get());
                SSL_shutdown(ssl.get());
            }
            ERR_clear_error();
        }
    }

    void handle(SSL* ssl) {
        std::string data;
        char buffer[4096];
        std::size_t header_end = std::string::npos;
        while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
            int n = SSL_read(ssl, buffer, sizeof buffer);
            if (n <= 0) {
                return;
            }
            data.append(buffer, static_cast<std::size_t>(n));
        }
        HttpRequest request;
        request.request_line = data.substr(0, data.find("\r\n"));
        request.headers = data.substr(0, header_end);
        std::size_t content_length = 0;
        if (auto at = request.headers.find("Content-Length: "); at != std::string::npos) {
            content_length = std::stoul(request.headers.substr(at + 16));
        }
        request.body = data.substr(header_end + 4);
        while (request.body.size() < content_length) {
            int n = SSL_read(ssl, buffer, sizeof buffer);
            if (n <= 0) {
                break;
            }
            request.body.append(buffer, static_cast<std::size_t>(n));
        }
        {
            std::lock_guard lock(m_mutex);
            m_requests.push_back(request);
        }
        std::string response = m_respond(request);
        SSL_write(ssl, response.data(), static_cast<int>(response.size()));
    }

    Responder m_respond;
    std::unique_ptr<SSL_CTX, SslCtxDeleter> m_context;
    std::unique_ptr<Fd> m_listener;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::vector<HttpRequest> m_requests;
    std::thread m_thread;
};

std::string http_response(const std::string& status_line, const std::string& body) {
    return "HTTP/1.1 " + status_line +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const machine::Error& error) {
        return error.what();
    }
    return "<no error>";
}

class DockerApiTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new TempDir();
        machine::cert::generate_ca(path("ca.pem"), path("ca-key.pem"), "tester");
        machine::cert::generate_signed_cert(path("cert.pem"), path("key.pem"), path("ca.pem"),
                                            path("ca-key.pem"), "tester.<bootstrap>", {}, false);
        machine::cert::generate_signed_cert(path("server.pem"), path("server-key.pem"), path("ca.pem"),
                                            path("ca-key.pem"), "tester.dev", {"127.0.0.1", "localhost"},
                                            false);
    }
    static void TearDownTestSuite() {
        delete s_dir;
        s_dir = nullptr;
    }
    static std::string path(const std::string& name) { return *s_dir / name; }
    static machine::cert::TlsClientFiles files() {
        return {path("ca.pem"), path("cert.pem"), path("key.pem")};
    }
    static std::unique_ptr<HttpsServer> server(HttpsServer::Responder respond) {
        return std::make_unique<HttpsServer>(path("server.pem"), path("server-key.pem"), path("ca.pem"),
                                             std::move(respond));
    }

    static TempDir* s_dir;
};
TempDir* DockerApiTest::s_dir = nullptr;

TEST_F(DockerApiTest, ServerVersion) {
    auto docker = server([](const HttpRequest& request) {
        if (request.request_line == "GET /v1.15/version HTTP/1.1") {
            return http_response("200 OK", R"({"Version":"19.03.5","ApiVersion":"1.40","Os":"linux"})");
        }
        return http_response("404 Not Found", "");
    });
    EXPECT_EQ(machine::docker_api::server_version(docker->url(), files(), 10s), "19.03.5");
    auto requests = docker->requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].request_line, "GET /v1.15/version HTTP/1.1");
    EXPECT_NE(requests[0].headers.find("Host: 127.0.0.1:"), std::string::npos);
}

TEST_F(DockerApiTest, ProxyEnvironmentIsIgnored) {
    auto docker =
        server([](const HttpRequest&) { return http_response("200 OK", R"({"Version":"24.0.7"})"); });
    ::setenv("https_proxy", "http://127.0.0.1:1", 1);
    ::setenv("HTTPS_PROXY", "http://127.0.0.1:1", 1);
    ::setenv("all_proxy", "http://127.0.0.1:1", 1);
    std::string version = machine::docker_api::server_version(docker->url(), files(), 10s);
    ::unsetenv("https_proxy");
    ::unsetenv("HTTPS_PROXY");
    ::unsetenv("all_proxy");
    EXPECT_EQ(version, "24.0.7");
}

TEST_F(DockerApiTest, HttpErrorUsesGoStatusLine) {
    const std::string body =
        R"({"message":"client version 1.15 is too old. Minimum supported API version is 1.24"})";
    auto docker = server([&](const HttpRequest&) { return http_response("400 Bad Request", body); });
    EXPECT_EQ(error_of([&] { (void)machine::docker_api::server_version(docker->url(), files(), 10s); }),
              "400 Bad Request: " + body);
}

TEST_F(DockerApiTest, NotFoundIsTheBodyOrNotFound) {
    auto empty = server([](const HttpRequest&) { return http_response("404 Not Found", ""); });
    EXPECT_EQ(error_of([&] { (void)machine::docker_api::server_version(empty->url(), files(), 10s); }),
              "Not found");
    auto with_body =
        server([](const HttpRequest&) { return http_response("404 Not Found", "page not found"); });
    EXPECT_EQ(error_of([&] { (void)machine::docker_api::server_version(with_body->url(), files(), 10s); }),
              "page not found");
}

TEST_F(DockerApiTest, RequestSendsMethodAndBodyAndReturnsStatus) {
    auto docker = server([](const HttpRequest& request) {
        return http_response("201 Created", R"({"Id":"abc","echo":)" + request.body + "}");
    });
    machine::docker_api::Response response = machine::docker_api::request(
        docker->url(), files(), "POST", "/v1.15/containers/create?name=swarm-agent", R"({"Image":"swarm"})",
        10s);
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.status_text, "201 Created");
    EXPECT_EQ(response.body, R"({"Id":"abc","echo":{"Image":"swarm"}})");
    auto requests = docker->requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].request_line, "POST /v1.15/containers/create?name=swarm-agent HTTP/1.1");
    EXPECT_EQ(requests[0].body, R"({"Image":"swarm"})");
    EXPECT_NE(requests[0].headers.find("Content-Type: application/json"), std::string::npos);

    // HTTP errors are returned by request(), not thrown.
    auto failing =
        server([](const HttpRequest&) { return http_response("500 Internal Server Error", "boom"); });
    response =
        machine::docker_api::request(failing->url(), files(), "DELETE", "/v1.15/containers/x", "", 10s);
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(response.status_text, "500 Internal Server Error");
    EXPECT_EQ(failing->requests().at(0).request_line, "DELETE /v1.15/containers/x HTTP/1.1");
}

TEST_F(DockerApiTest, ConnectionRefused) {
    int port = 0;
    { Fd closed = listen_on_loopback(&port); }
    std::string url = "tcp://127.0.0.1:" + std::to_string(port);
    EXPECT_EQ(error_of([&] { (void)machine::docker_api::server_version(url, files(), 10s); }),
              "Cannot connect to the docker engine endpoint");
}

TEST_F(DockerApiTest, UnknownAuthorityIsAGoUrlError) {
    TempDir dir;
    machine::cert::generate_ca(dir / "other-ca.pem", dir / "other-ca-key.pem", "other");
    auto docker = server([](const HttpRequest&) { return http_response("200 OK", R"({"Version":"1"})"); });
    auto wrong = files();
    wrong.ca_cert = dir / "other-ca.pem";
    EXPECT_EQ(error_of([&] { (void)machine::docker_api::server_version(docker->url(), wrong, 10s); }),
              "Get https://" + docker->host_port() +
                  "/v1.15/version: x509: certificate signed by unknown authority");
    EXPECT_TRUE(docker->requests().empty());
}

TEST_F(DockerApiTest, UnreadableTlsFiles) {
    TempDir dir;
    auto missing = files();
    missing.client_cert = dir / "cert.pem";
    EXPECT_EQ(error_of([&] { (void)machine::docker_api::server_version("tcp://127.0.0.1:1", missing, 10s); }),
              "Unable to read TLS config: open " + (dir / "cert.pem") + ": no such file or directory");
}

TEST_F(DockerApiTest, SlowServerTimesOut) {
    int port = 0;
    Fd silent = listen_on_loopback(&port);
    auto start = std::chrono::steady_clock::now();
    std::string url = "tcp://127.0.0.1:" + std::to_string(port);
    EXPECT_EQ(
        error_of([&] { (void)machine::docker_api::server_version(url, files(), 1s); }),
        "Get https://127.0.0.1:" + std::to_string(port) + "/v1.15/version: net/http: TLS handshake timeout");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(DockerApiTest, ManyConcurrentQueries) {
    auto docker =
        server([](const HttpRequest&) { return http_response("200 OK", R"({"Version":"20.10.2"})"); });
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            try {
                if (machine::docker_api::server_version(docker->url(), files(), 20s) == "20.10.2") {
                    ++ok;
                }
            } catch (const machine::Error&) {
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(ok, 8);
    EXPECT_EQ(docker->requests().size(), 8u);
}

}  // namespace
