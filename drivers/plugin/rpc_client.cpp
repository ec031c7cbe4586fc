#include "drivers/plugin/rpc_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cert/transfer_error.hpp"
#include "drivers/plugin/rpc_protocol.hpp"
#include "machine/net.hpp"

namespace machine::plugin {

// Timed out waiting for bytes of a reply.
class ReplyTimeout : public Error {
public:
    using Error::Error;
};

// Reads the socket for the gob decoder, until the deadline of the current call.
class RpcClient::SocketSource : public gob::Source {
public:
    explicit SocketSource(int fd) : m_fd(fd) {}
    void set_deadline(cert::Deadline deadline) { m_deadline = deadline; }
    void read(char* out, std::size_t size) override {
        std::size_t done = 0;
        while (done < size) {
            if (!cert::wait_ready(m_fd, POLLIN, m_deadline)) {
                throw ReplyTimeout("timeout");
            }
            ssize_t n = ::recv(m_fd, out + done, size - done, 0);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
            } else if (n == 0) {
                throw gob::EndOfStream(done == 0);
            } else if (errno == ECONNRESET) {
                throw gob::EndOfStream(false);  // the plugin went away with our request unread
            } else if (errno != EINTR && errno != EAGAIN) {
                throw Error(std::string("read: ") + std::strerror(errno));
            }
        }
    }

private:
    int m_fd;
    cert::Deadline m_deadline = cert::k_no_deadline;
};

namespace {

std::string seconds_text(std::chrono::milliseconds timeout) {
    if (timeout.count() % 1000 == 0) {
        return std::to_string(timeout.count() / 1000) + "s";
    }
    return std::to_string(timeout.count()) + "ms";
}

}  // namespace

RpcClient::RpcClient(const std::string& address, std::chrono::milliseconds timeout) : m_address(address) {
    if (address.empty()) {
        throw Error("dial tcp: missing address");
    }
    std::string host;
    std::string port;
    if (!net::split_host_port(address, host, port)) {
        throw Error("dial tcp: address " + address + ": missing port in address");
    }
    cert::Deadline deadline = cert::deadline_after(timeout);
    m_socket = cert::dial_tcp(host, port, deadline);

    // net/rpc's HTTP handshake: one request, one response head, then the connection is the RPC stream.
    send_all("CONNECT /_goRPC_ HTTP/1.0\n\n", deadline);
    std::string head;
    const std::string failure_prefix = "dial-http tcp " + address + ": ";
    while (head.find("\n\n") == std::string::npos && head.find("\r\n\r\n") == std::string::npos) {
        if (head.size() > 4096) {
            throw Error(failure_prefix + "malformed HTTP response");
        }
        if (!cert::wait_ready(m_socket.get(), POLLIN, deadline)) {
            throw Error(failure_prefix + "i/o timeout");
        }
        char byte = 0;
        ssize_t n = ::recv(m_socket.get(), &byte, 1, 0);
        if (n == 0) {
            throw Error(failure_prefix + "unexpected EOF");
        }
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            throw Error(failure_prefix + "read: " + std::strerror(errno));
        }
        head.push_back(byte);
    }
    std::string status_line = head.substr(0, head.find('\n'));
    if (!status_line.empty() && status_line.back() == '\r') {
        status_line.pop_back();
    }
    if (!status_line.starts_with("HTTP/1.")) {
        throw Error(failure_prefix + "malformed HTTP response " + "\"" + status_line + "\"");
    }
    std::size_t space = status_line.find(' ');
    std::string status = space == std::string::npos ? std::string() : status_line.substr(space + 1);
    if (status != "200 Connected to Go RPC") {
        throw Error(failure_prefix + "unexpected HTTP response: " + status);
    }
    m_source = std::make_unique<SocketSource>(m_socket.get());
    m_decoder = std::make_unique<gob::Decoder>(*m_source);
}

RpcClient::~RpcClient() = default;

void RpcClient::send_all(const std::string& bytes, cert::Deadline deadline) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        if (!cert::wait_ready(m_socket.get(), POLLOUT, deadline)) {
            throw ReplyTimeout("timeout");
        }
        ssize_t n = ::send(m_socket.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
            throw Error("write tcp " + m_address + ": " + std::strerror(errno));
        }
    }
}

gob::Value RpcClient::call(const std::string& service_method, const gob::TypePtr& args_type,
                           const gob::Value& args, std::chrono::milliseconds timeout) {
    if (m_shut_down) {
        throw Error("connection is shut down");
    }
    cert::Deadline deadline = timeout.count() > 0 ? cert::deadline_after(timeout) : cert::k_no_deadline;
    std::uint64_t seq = m_seq++;
    try {
        std::string message = m_encoder.encode(request_type(), request_header(service_method, seq));
        message += m_encoder.encode(args_type, args);
        send_all(message, deadline);
        m_source->set_deadline(deadline);
        for (;;) {
            ResponseHeader header = response_header(m_decoder->decode());
            gob::Value reply = m_decoder->decode();
            if (header.seq != seq) {
                continue;  // the answer to a call given up on earlier: not ours
            }
            if (!header.error.empty()) {
                throw RemoteError(header.error);
            }
            return reply;
        }
    } catch (const RemoteError&) {
        throw;
    } catch (const ReplyTimeout&) {
        m_shut_down = true;
        throw Error("timeout after " + seconds_text(timeout) + " waiting for the reply to " + service_method);
    } catch (const gob::EndOfStream&) {
        // The plugin closed the connection (exited or crashed) before answering, as net/rpc reports it.
        m_shut_down = true;
        throw Error("unexpected EOF");
    } catch (const Error&) {
        m_shut_down = true;
        throw;
    }
}

}  // namespace machine::plugin
