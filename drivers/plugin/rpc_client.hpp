#pragma once

// A client for Go's net/rpc over HTTP with gob encoding (docs/plugins.md §2): TCP connect,
// "CONNECT /_goRPC_ HTTP/1.0", "200 Connected to Go RPC", then gob-encoded request headers and arguments one
// way and response headers and replies the other. One call at a time; not thread-safe.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "cert/tcp_dial.hpp"
#include "machine/error.hpp"
#include "machine/gob.hpp"

namespace machine::plugin {

// The error a plugin's method returned (net/rpc's ServerError): its text is the driver's, verbatim.
class RemoteError : public Error {
public:
    using Error::Error;
};

class RpcClient {
public:
    // Connects to `address` ("127.0.0.1:43567") within `timeout`. Throws Error worded like Go's
    // rpc.DialHTTP: "dial tcp: address x: missing port in address",
    // "dial tcp 127.0.0.1:1: connect: connection refused",
    // "dial-http tcp 127.0.0.1:1: unexpected HTTP response: 404 Not Found".
    RpcClient(const std::string& address, std::chrono::milliseconds timeout);
    ~RpcClient();
    RpcClient(const RpcClient&) = delete;
    RpcClient& operator=(const RpcClient&) = delete;

    // Calls `service_method` ("RPCServerDriver.GetState") and returns the reply value. `timeout` of zero
    // waits as long as it takes. Throws RemoteError for the method's own error; Error for the transport:
    // "unexpected EOF" (the plugin went away), "timeout after 10s waiting for the reply to X", gob errors;
    // after any transport failure every later call throws "connection is shut down".
    gob::Value call(const std::string& service_method, const gob::TypePtr& args_type, const gob::Value& args,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

private:
    class SocketSource;
    void send_all(const std::string& bytes, cert::Deadline deadline);

    std::string m_address;
    cert::SocketFd m_socket;
    std::unique_ptr<SocketSource> m_source;
    gob::Encoder m_encoder;
    std::unique_ptr<gob::Decoder> m_decoder;
    std::uint64_t m_seq = 0;
    bool m_shut_down = false;
};

}  // namespace machine::plugin
