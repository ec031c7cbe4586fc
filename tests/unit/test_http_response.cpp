// HTTP/1.1 responses as the Docker API client reads them (docker_api/http_response.hpp): first the parser on
// in-memory streams, then whole exchanges against small HTTPS servers running in-process on 127.0.0.1 that
// answer byte by byte as each test says (chunked bodies, bodies ending with the connection, servers closing
// mid-headers or stalling past the timeout).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "docker_api/http_response.hpp"
#include "machine/cert.hpp"
#include "machine/docker_api.hpp"
#include "machine/error.hpp"
#include "socket_test_support.hpp"
#include "test_support.hpp"

namespace {

using machine::test::Fd;
using machine::test::SslCtxDeleter;
using machine::test::SslDeleter;
using machine::test::TempDir;

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using machine::docker_api::HttpHead;
using machine::docker_api::HttpResponseReader;

// The test servers write to sockets the client may already have closed.
const bool k_sigpipe_ignored = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}();

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const machine::Error& error) {
        return error.what();
    }
    return "<no error>";
}

// ---------------------------------------------------------------------------------------------------------
// The parser, fed from memory.

// Serves `data` in pieces of at most `piece` bytes, then the end of the stream.
HttpResponseReader::ReadSome memory_source(std::string data, std::size_t piece) {
    auto state = std::make_shared<std::pair<std::string, std::size_t>>(std::move(data), 0);
    return [state, piece](char* buffer, std::size_t size) {
        auto& [bytes, position] = *state;
        std::size_t count = std::min({size, piece, bytes.size() - position});
        std::copy_n(bytes.data() + position, count, buffer);
        position += count;
        return count;
    };
}

struct Parsed {
    HttpHead head;
    std::string body;
};

// Parses `data` whole and one byte at a time; both must agree.
Parsed parse(const std::string& data, bool head_request = false) {
    Parsed whole;
    {
        HttpResponseReader reader(memory_source(data, data.size() + 1), head_request);
        whole.head = reader.read_head();
        whole.body = reader.read_body(whole.head);
    }
    HttpResponseReader reader(memory_source(data, 1), head_request);
    HttpHead head = reader.read_head();
    EXPECT_EQ(head.status_text, whole.head.status_text);
    EXPECT_EQ(reader.read_body(head), whole.body);
    return whole;
}

std::string parse_error(const std::string& data) {
    return error_of([&] { (void)parse(data); });
}

TEST(HttpResponseParser, ContentLengthBody) {
    Parsed parsed =
        parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello and more");
    EXPECT_EQ(parsed.head.status, 200);
    EXPECT_EQ(parsed.head.status_text, "200 OK");
    EXPECT_EQ(parsed.head.header("content-type"), "application/json");
    EXPECT_EQ(parsed.head.framing, HttpHead::Framing::ContentLength);
    EXPECT_EQ(parsed.body, "hello");
}

TEST(HttpResponseParser, ChunkedBodyWithExtensionsAndTrailer) {
    Parsed parsed = parse(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
        "5;name=value\r\n{\"a\":\r\n"
        "A\r\n\"0123456\"}\r\n"
        "0\r\nX-Trailer: yes\r\n\r\n");
    EXPECT_EQ(parsed.head.framing, HttpHead::Framing::Chunked);
    EXPECT_EQ(parsed.body, "{\"a\":\"0123456\"}");
}

TEST(HttpResponseParser, BodyUntilTheConnectionCloses) {
    Parsed parsed = parse("HTTP/1.0 200 OK\nServer: old\n\n{\"Version\":\"1.9\"}\nmore");
    EXPECT_EQ(parsed.head.framing, HttpHead::Framing::UntilClose);
    EXPECT_EQ(parsed.head.header("Server"), "old");
    EXPECT_EQ(parsed.body, "{\"Version\":\"1.9\"}\nmore");
}

TEST(HttpResponseParser, BodylessResponses) {
    EXPECT_EQ(parse("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n").body, "");
    EXPECT_EQ(parse("HTTP/1.1 304 Not Modified\r\n\r\n").body, "");
    EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", /*head_request=*/true).body, "");
}

TEST(HttpResponseParser, InterimResponsesAreSkipped) {
    Parsed parsed = parse(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
        "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_EQ(parsed.head.status, 201);
    EXPECT_EQ(parsed.head.status_text, "201 Created");
    EXPECT_EQ(parsed.body, "{}");
}

TEST(HttpResponseParser, StatusAndHeadersAsGoReadsThem) {
    // Go's resp.Status is "<code> <reason>", with the space even when the reason is missing.
    EXPECT_EQ(parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").head.status_text, "200 ");
    EXPECT_EQ(parse("HTTP/1.1 500 Internal  Server Error\r\nContent-Length: 0\r\n\r\n").head.status_text,
              "500 Internal  Server Error");
    Parsed folded = parse("HTTP/1.1 200 OK\r\nX-Long: one\r\n  two\r\nContent-Length : 0\r\n\r\n");
    EXPECT_EQ(folded.head.header("x-long"), "one two");
    EXPECT_EQ(folded.head.framing, HttpHead::Framing::ContentLength);
}

TEST(HttpResponseParser, EndOfStreamErrors) {
    EXPECT_EQ(parse_error(""), "EOF");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nContent-Le"), "unexpected EOF");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"), "unexpected EOF");
    EXPECT_EQ(parse_error("HTTP/1.1 100 Continue\r\n\r\n"), "unexpected EOF");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc"), "unexpected EOF");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"), "unexpected EOF");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n"),
              "unexpected EOF");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"),
              "http: unexpected EOF reading trailer");
}

TEST(HttpResponseParser, MalformedResponses) {
    EXPECT_EQ(parse_error("garbage\r\n\r\n"), "malformed HTTP response \"garbage\"");
    EXPECT_EQ(parse_error("HTTP/1.1 2000 OK\r\n\r\n"), "malformed HTTP status code \"2000\"");
    EXPECT_EQ(parse_error("HTTP/1.1 abc OK\r\n\r\n"), "malformed HTTP status code \"abc\"");
    EXPECT_EQ(parse_error("SPDY/3 200 OK\r\n\r\n"), "malformed HTTP version \"SPDY/3\"");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"),
              "malformed MIME header line: no colon here");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), "bad Content-Length \"-1\"");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
              "http: message cannot contain multiple Content-Length headers; got [\"1\" \"2\"]");
    EXPECT_EQ(parse_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"),
              "unsupported transfer encoding \"gzip\"");
    const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    EXPECT_EQ(parse_error(chunked + "zz\r\n"), "invalid byte in chunk length");
    EXPECT_EQ(parse_error(chunked + "\r\n"), "empty hex number for chunk length");
    EXPECT_EQ(parse_error(chunked + "2\r\nabXY0\r\n\r\n"), "malformed chunked encoding");
    EXPECT_EQ(parse_error(chunked + "11111111111111111\r\n"), "http chunk length too large");
}

// ---------------------------------------------------------------------------------------------------------
// Whole exchanges over mutual TLS with servers on 127.0.0.1.

// What a handler can do with the connection it was given.
class Peer {
public:
    Peer(SSL* ssl, int fd) : m_ssl(ssl), m_fd(fd) {}
    void send(const std::string& bytes) const {
        if (!bytes.empty()) {
            SSL_write(m_ssl, bytes.data(), static_cast<int>(bytes.size()));
        }
    }
    // Waits until the client closes its side (it gave up), at most `limit`.
    void wait_for_client_close(std::chrono::milliseconds limit) const {
        pollfd entry{m_fd, POLLIN, 0};
        ::poll(&entry, 1, static_cast<int>(limit.count()));
    }
    // The SNI name the client sent, "" for none.
    [[nodiscard]] std::string server_name() const {
        const char* name = SSL_get_servername(m_ssl, TLSEXT_NAMETYPE_host_name);
        return name == nullptr ? "" : name;
    }
    // End with a TCP close only, without TLS close_notify.
    void skip_close_notify() { m_close_notify = false; }
    [[nodiscard]] bool close_notify() const { return m_close_notify; }

private:
    SSL* m_ssl;
    int m_fd;
    bool m_close_notify = true;
};

// An HTTPS server on 127.0.0.1 requiring a client certificate from `client_ca`. It reads each request (head,
// and a body of Content-Length bytes) and hands the connection to `handle`, one connection at a time.
class ScriptedHttpsServer {
public:
    using Handler = std::function<void(Peer& peer, const std::string& request)>;

    ScriptedHttpsServer(const std::string& cert, const std::string& key, const std::string& client_ca,
                        Handler handle)
        : m_handle(std::move(handle)) {
        m_context.reset(SSL_CTX_new(TLS_server_method()));
        if (SSL_CTX_use_certificate_file(m_context.get(), cert.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_use_PrivateKey_file(m_context.get(), key.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_load_verify_locations(m_context.get(), client_ca.c_str(), nullptr) != 1) {
            throw std::runtime_error("bad server TLS files");
        }
        SSL_CTX_set_verify(m_context.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        m_listener = std::make_unique<Fd>(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (m_listener->get() < 0 ||
            ::bind(m_listener->get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_listener->get(), 16) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        socklen_t length = sizeof address;
        ::getsockname(m_listener->get(), reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~ScriptedHttpsServer() {
        m_stop = true;
        m_thread.join();
    }
    ScriptedHttpsServer(const ScriptedHttpsServer&) = delete;
    ScriptedHttpsServer& operator=(const ScriptedHttpsServer&) = delete;

    [[nodiscard]] std::string url() const { return "tcp://127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] std::string host_port() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] std::vector<std::string> requests() const {
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
                Peer peer(ssl.get(), connection.get());
                if (auto request = read_request(ssl.get())) {
                    {
                        std::lock_guard lock(m_mutex);
                        m_requests.push_back(*request);
                    }
                    m_handle(peer, *request);
                }
                if (peer.close_notify()) {
                    SSL_shutdown(ssl.get());
                }
            }
            ERR_clear_error();
        }
    }

    static std::optional<std::string> read_request(SSL* ssl) {
        std::string data;
        char buffer[4096];
        std::size_t head_end = std::string::npos;
        while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
            int n = SSL_read(ssl, buffer, sizeof buffer);
            if (n <= 0) {
                return std::nullopt;
            }
            data.append(buffer, static_cast<std::size_t>(n));
        }
        std::size_t body_length = 0;
        if (auto at = data.find("Content-Length: "); at != std::string::npos && at < head_end) {
            body_length = std::stoul(data.substr(at + 16));
        }
        while (data.size() < head_end + 4 + body_length) {
            int n = SSL_read(ssl, buffer, sizeof buffer);
            if (n <= 0) {
                break;
            }
            data.append(buffer, static_cast<std::size_t>(n));
        }
        return data;
    }

    Handler m_handle;
    std::unique_ptr<SSL_CTX, SslCtxDeleter> m_context;
    std::unique_ptr<Fd> m_listener;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::vector<std::string> m_requests;
    std::thread m_thread;
};

class HttpExchangeTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new TempDir();
        machine::cert::generate_ca(path("ca.pem"), path("ca-key.pem"), "tester");
        machine::cert::generate_signed_cert(path("cert.pem"), path("key.pem"), path("ca.pem"),
                                            path("ca-key.pem"), "tester.<bootstrap>", {}, false);
        machine::cert::generate_signed_cert(path("server.pem"), path("server-key.pem"), path("ca.pem"),
                                            path("ca-key.pem"), "tester.dev", {"127.0.0.1"}, false);
    }
    static void TearDownTestSuite() {
        delete s_dir;
        s_dir = nullptr;
    }
    static std::string path(const std::string& name) { return *s_dir / name; }
    static machine::cert::TlsClientFiles files() {
        return {path("ca.pem"), path("cert.pem"), path("key.pem")};
    }
    static std::unique_ptr<ScriptedHttpsServer> server(ScriptedHttpsServer::Handler handle,
                                                       const std::string& cert = "server") {
        return std::make_unique<ScriptedHttpsServer>(path(cert + ".pem"), path(cert + "-key.pem"),
                                                     path("ca.pem"), std::move(handle));
    }
    static std::string version_error(const ScriptedHttpsServer& docker,
                                     std::chrono::milliseconds timeout = 10s) {
        return error_of([&] { (void)machine::docker_api::server_version(docker.url(), files(), timeout); });
    }

    static TempDir* s_dir;
};
TempDir* HttpExchangeTest::s_dir = nullptr;

TEST_F(HttpExchangeTest, RequestHeaders) {
    auto docker =
        server([](Peer& peer, const std::string&) { peer.send("HTTP/1.1 204 No Content\r\n\r\n"); });
    (void)machine::docker_api::request(docker->url(), files(), "POST", "/v1.15/containers/x/start", "{}",
                                       10s);
    (void)machine::docker_api::request(docker->url(), files(), "POST", "/v1.15/images/create?fromImage=a", "",
                                       10s);
    (void)machine::docker_api::request(docker->url(), files(), "DELETE", "/v1.15/containers/x", "", 10s);
    auto requests = docker->requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0], "POST /v1.15/containers/x/start HTTP/1.1\r\nHost: " + docker->host_port() +
                               "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                               "Connection: close\r\n\r\n{}");
    EXPECT_NE(requests[1].find("\r\nContent-Length: 0\r\n"), std::string::npos);
    EXPECT_EQ(requests[2], "DELETE /v1.15/containers/x HTTP/1.1\r\nHost: " + docker->host_port() +
                               "\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
}

TEST_F(HttpExchangeTest, ChunkedBody) {
    auto docker = server([](Peer& peer, const std::string&) {
        peer.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        peer.send("c\r\n{\"Version\":\"\r\n");
        std::this_thread::sleep_for(20ms);
        peer.send("9\r\n19.03.5\"}\r\n0\r\n\r\n");
    });
    EXPECT_EQ(machine::docker_api::server_version(docker->url(), files(), 10s), "19.03.5");
}

TEST_F(HttpExchangeTest, LongChunkedStream) {
    // An image pull streams progress messages for as long as it takes.
    std::string expected;
    for (int i = 0; i < 2000; ++i) {
        expected += "{\"status\":\"Downloading\",\"progress\":\"" +
                    std::string(static_cast<std::size_t>(i % 97), '=') + "\"}\r\n";
    }
    auto docker = server([&](Peer& peer, const std::string&) {
        peer.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        std::size_t start = 0;
        while (start < expected.size()) {
            std::size_t end = expected.find('\n', start) + 1;
            std::string message = expected.substr(start, end - start);
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", message.size());
            peer.send(size + message + "\r\n");
            start = end;
        }
        peer.send("0\r\n\r\n");
    });
    machine::docker_api::Response response = machine::docker_api::request(
        docker->url(), files(), "POST", "/v1.15/images/create?fromImage=swarm", "", 10s);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body.size(), expected.size());
    EXPECT_TRUE(response.body == expected);
}

TEST_F(HttpExchangeTest, BodyUntilCloseWithAndWithoutCloseNotify) {
    auto polite = server([](Peer& peer, const std::string&) {
        peer.send("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"Version\":");
        peer.send("\"17.06.0-ce\"}");
    });
    EXPECT_EQ(machine::docker_api::server_version(polite->url(), files(), 10s), "17.06.0-ce");

    // Go's crypto/tls takes a TCP close without close_notify as the end of the stream too.
    auto abrupt = server([](Peer& peer, const std::string&) {
        peer.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"Version\":\"18.09.1\"}");
        peer.skip_close_notify();
    });
    EXPECT_EQ(machine::docker_api::server_version(abrupt->url(), files(), 10s), "18.09.1");
}

TEST_F(HttpExchangeTest, ServerClosesMidHeaders) {
    auto docker =
        server([](Peer& peer, const std::string&) { peer.send("HTTP/1.1 200 OK\r\nContent-Type: appl"); });
    EXPECT_EQ(version_error(*docker),
              "Get https://" + docker->host_port() + "/v1.15/version: unexpected EOF");

    auto abrupt = server([](Peer& peer, const std::string&) {
        peer.send("HTTP/1.1 200 OK\r\nContent-Type: appl");
        peer.skip_close_notify();
    });
    EXPECT_EQ(version_error(*abrupt),
              "Get https://" + abrupt->host_port() + "/v1.15/version: unexpected EOF");
}

TEST_F(HttpExchangeTest, ServerClosesWithoutAnswering) {
    auto docker = server([](Peer&, const std::string&) {});
    EXPECT_EQ(version_error(*docker), "Get https://" + docker->host_port() + "/v1.15/version: EOF");
    machine::cert::TlsClientFiles tls = files();
    EXPECT_EQ(error_of([&] {
                  (void)machine::docker_api::request(docker->url(), tls, "POST", "/v1.15/containers/x/start",
                                                     "", 10s);
              }),
              "Post https://" + docker->host_port() + "/v1.15/containers/x/start: EOF");
}

TEST_F(HttpExchangeTest, TruncatedBodyIsTheReadError) {
    // As upstream's dockerclient: a body that cannot be read is ioutil.ReadAll's error, not a url.Error...
    auto docker = server([](Peer& peer, const std::string&) {
        peer.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Version\":");
    });
    EXPECT_EQ(version_error(*docker), "unexpected EOF");
    EXPECT_EQ(error_of([&] {
                  (void)machine::docker_api::request(docker->url(), files(), "GET", "/v1.15/info", "", 10s);
              }),
              "unexpected EOF");
    // ... except after a 404, which is "Not found" whatever the body.
    auto missing = server([](Peer& peer, const std::string&) {
        peer.send("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nno su");
    });
    EXPECT_EQ(version_error(*missing), "Not found");
}

TEST_F(HttpExchangeTest, SlowServerHitsTheTotalTimeoutAwaitingHeaders) {
    auto docker = server([](Peer& peer, const std::string&) { peer.wait_for_client_close(5s); });
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(
        version_error(*docker, 700ms),
        "Get https://" + docker->host_port() +
            "/v1.15/version: net/http: request canceled (Client.Timeout exceeded while awaiting headers)");
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_GE(elapsed, 650ms);
    EXPECT_LT(elapsed, 3s);
}

TEST_F(HttpExchangeTest, SlowBodyHitsTheTotalTimeout) {
    auto docker = server([](Peer& peer, const std::string&) {
        peer.send("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"Version\":");
        peer.wait_for_client_close(5s);
    });
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(version_error(*docker, 700ms),
              "net/http: request canceled (Client.Timeout exceeded while reading body)");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(HttpExchangeTest, RequestHasNoTotalTimeout) {
    // request()'s timeout covers connect and handshake only: a slow answer is waited for.
    auto docker = server([](Peer& peer, const std::string&) {
        std::this_thread::sleep_for(400ms);
        peer.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
        std::this_thread::sleep_for(400ms);
        peer.send("3\r\ndef\r\n0\r\n\r\n");
    });
    machine::docker_api::Response response =
        machine::docker_api::request(docker->url(), files(), "GET", "/v1.15/info", "", 200ms);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "abcdef");
}

TEST_F(HttpExchangeTest, HostNamesAreResolvedSentAsSniAndVerified) {
    machine::cert::generate_signed_cert(path("named.pem"), path("named-key.pem"), path("ca.pem"),
                                        path("ca-key.pem"), "tester.dev", {"localhost"}, false);
    std::string sent_name;
    auto named = server(
        [&](Peer& peer, const std::string&) {
            sent_name = peer.server_name();
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"Version\":\"1.2\"}");
        },
        "named");
    std::string port = named->host_port().substr(named->host_port().rfind(':') + 1);
    EXPECT_EQ(machine::docker_api::server_version("tcp://localhost:" + port, files(), 10s), "1.2");
    EXPECT_EQ(sent_name, "localhost");

    // No SNI for IP literals, as Go.
    auto by_ip = server([&](Peer& peer, const std::string&) {
        sent_name = peer.server_name();
        peer.send("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"Version\":\"1.3\"}");
    });
    EXPECT_EQ(machine::docker_api::server_version(by_ip->url(), files(), 10s), "1.3");
    EXPECT_EQ(sent_name, "");

    std::string ip_port = by_ip->host_port().substr(by_ip->host_port().rfind(':') + 1);
    EXPECT_EQ(
        error_of(
            [&] { (void)machine::docker_api::server_version("tcp://localhost:" + ip_port, files(), 10s); }),
        "Get https://localhost:" + ip_port +
            "/v1.15/version: x509: certificate is not valid for any names, but wanted to match localhost");
}

TEST_F(HttpExchangeTest, MalformedResponseIsAUrlError) {
    auto docker = server([](Peer& peer, const std::string&) { peer.send("SSH-2.0-OpenSSH_9.2\r\n\r\n"); });
    EXPECT_EQ(version_error(*docker), "Get https://" + docker->host_port() +
                                          "/v1.15/version: malformed HTTP response \"SSH-2.0-OpenSSH_9.2\"");
}

}  // namespace
