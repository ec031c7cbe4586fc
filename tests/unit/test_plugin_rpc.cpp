// The plugin transport without Go: the net/rpc client against a scripted server that answers with bytes Go
// wrote (tests/fixtures/gob/server_session.hex), and plugin processes that are shell scripts.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "drivers/plugin/plugin_process.hpp"
#include "drivers/plugin/rpc_client.hpp"
#include "drivers/plugin/rpc_protocol.hpp"

using namespace machine;
using namespace std::chrono_literals;

namespace {

std::string server_session() {
    std::ifstream in(std::string(MACHINE_FIXTURES) + "/gob/server_session.hex");
    std::stringstream text;
    text << in.rdbuf();
    return gob::from_hex(text.str());
}

// Listens on 127.0.0.1; serve() accepts one connection, reads the CONNECT head, writes `head` and then
// `body`, and keeps the connection open until `hold` elapsed.
class ScriptedServer {
public:
    ScriptedServer() {
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(m_listener, 1);
        socklen_t size = sizeof address;
        ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &size);
        m_address = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
    }
    ~ScriptedServer() {
        if (m_thread.joinable()) {
            m_thread.join();
        }
        ::close(m_listener);
    }
    void serve(std::string head, std::string body, std::chrono::milliseconds hold) {
        m_thread = std::thread([this, head, body, hold] {
            int connection = ::accept(m_listener, nullptr, nullptr);
            std::string request;
            char byte = 0;
            while (request.find("\n\n") == std::string::npos && ::read(connection, &byte, 1) == 1) {
                request.push_back(byte);
            }
            m_request_head = request;
            (void)!::write(connection, head.data(), head.size());
            (void)!::write(connection, body.data(), body.size());
            std::this_thread::sleep_for(hold);
            ::shutdown(connection, SHUT_WR);  // end of stream for the client
            std::this_thread::sleep_for(100ms);
            ::close(connection);
        });
    }
    [[nodiscard]] const std::string& address() const { return m_address; }
    std::string m_request_head;

private:
    int m_listener = -1;
    std::string m_address;
    std::thread m_thread;
};

gob::Value call(plugin::RpcClient& client, const std::string& method,
                std::chrono::milliseconds timeout = 0ms) {
    return client.call("RPCServerDriver." + method, plugin::empty_args_type(), gob::Struct{}, timeout);
}

std::string script(const std::string& name, const std::string& body) {
    std::string path = ::testing::TempDir() + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
}

bool alive(pid_t pid) {
    return ::kill(pid, 0) == 0;
}

}  // namespace

TEST(PluginRpc, CallsAndRepliesOverTheHttpConnectHandshake) {
    ScriptedServer server;
    server.serve("HTTP/1.0 200 Connected to Go RPC\n\n", server_session(), 300ms);
    plugin::RpcClient client(server.address(), 5s);
    EXPECT_EQ(gob::as_int(call(client, "GetVersion", 5s), "version"), 1);
    EXPECT_EQ(server.m_request_head, "CONNECT /_goRPC_ HTTP/1.0\n\n");
    (void)call(client, "SetConfigRaw");
    EXPECT_EQ(gob::as_string(call(client, "GetURL"), "url"), "tcp://1.2.3.4:2376");
    EXPECT_EQ(gob::as_int(call(client, "GetState"), "state"), 4);
    EXPECT_EQ(gob::as_bytes(call(client, "GetConfigRaw"), "raw"), R"({"IPAddress":"1.2.3.4"})");
    EXPECT_EQ(plugin::create_flags_from_reply(call(client, "GetCreateFlags")).size(), 5u);
    try {
        (void)call(client, "Create");
        FAIL() << "no error";
    } catch (const plugin::RemoteError& error) {
        EXPECT_STREQ(error.what(), "boom: it failed");
    }
    // Replies to other sequence numbers are skipped; then the server hangs up: the call ends as net/rpc's do.
    try {
        (void)call(client, "GetIP");
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "unexpected EOF");
    }
    try {
        (void)call(client, "GetIP");
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "connection is shut down");
    }
}

TEST(PluginRpc, HandshakeFailuresAreWordedLikeGo) {
    ScriptedServer not_rpc;
    not_rpc.serve("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", "", 0ms);
    try {
        plugin::RpcClient client(not_rpc.address(), 5s);
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()),
                  "dial-http tcp " + not_rpc.address() + ": unexpected HTTP response: 404 Not Found");
    }
    EXPECT_THROW(plugin::RpcClient("no port here", 1s), Error);
    try {
        plugin::RpcClient client("127.0.0.1:1", 2s);
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "dial tcp 127.0.0.1:1: connect: connection refused");
    }
}

TEST(PluginRpc, AReplyThatNeverComesTimesOut) {
    ScriptedServer silent;
    silent.serve("HTTP/1.0 200 Connected to Go RPC\n\n", "", 1500ms);
    plugin::RpcClient client(silent.address(), 5s);
    auto started = std::chrono::steady_clock::now();
    try {
        (void)call(client, "GetVersion", 300ms);
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "timeout after 300ms waiting for the reply to RPCServerDriver.GetVersion");
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST(PluginProcess, ReadsTheAddressThenEndsTheProcess) {
    std::string binary = script("plugin-ok",
                                "echo \"token=$MACHINE_PLUGIN_TOKEN $MACHINE_PLUGIN_DRIVER_NAME\"; "
                                "echo more; exec sleep 60");
    pid_t pid = 0;
    {
        plugin::PluginProcess process(binary, "scripted", 5s);
        EXPECT_EQ(process.address(), "token=42 scripted");
        pid = process.pid();
        EXPECT_TRUE(alive(pid));
        EXPECT_FALSE(process.wait_exit(100ms));
    }
    EXPECT_FALSE(alive(pid));  // killed and reaped
}

TEST(PluginProcess, ExitBeforeTheAddressIsReportedWithItsLastWords) {
    std::string binary = script(
        "plugin-crash", "echo starting >&2; echo 'panic: no config' >&2; echo 'goroutine 1' >&2; exit 2");
    try {
        plugin::PluginProcess process(binary, "scripted", 5s);
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()),
                  "the plugin binary \"" + binary +
                      "\" exited (exit status 2) before printing its server address: "
                      "panic: no config");
    }
}

TEST(PluginProcess, NoAddressInTimeIsATimeoutAndTheProcessIsKilled) {
    std::string pid_file = ::testing::TempDir() + "/plugin-hang.pid";
    std::string binary = script("plugin-hang", "echo $$ > " + pid_file + "; exec sleep 60");
    auto started = std::chrono::steady_clock::now();
    try {
        plugin::PluginProcess process(binary, "scripted", 1s);
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Failed to dial the plugin server in 1s");
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    pid_t pid = 0;
    std::ifstream(pid_file) >> pid;
    ASSERT_GT(pid, 0);
    EXPECT_FALSE(alive(pid));
}
