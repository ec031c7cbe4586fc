#include "machine/net.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace machine::net {
namespace {

struct AddrInfoDeleter {
    void operator()(addrinfo* info) const { ::freeaddrinfo(info); }
};

bool connect_with_timeout(const addrinfo& address, std::chrono::milliseconds timeout) {
    int fd =
        ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address.ai_protocol);
    if (fd < 0) {
        return false;
    }
    std::unique_ptr<int, void (*)(int*)> guard(&fd, [](int* p) { ::close(*p); });
    if (::connect(fd, address.ai_addr, address.ai_addrlen) == 0) {
        return true;
    }
    if (errno != EINPROGRESS) {
        return false;
    }
    pollfd waiter{fd, POLLOUT, 0};
    int ready = ::poll(&waiter, 1, static_cast<int>(timeout.count()));
    if (ready <= 0) {
        return false;
    }
    int socket_error = 0;
    socklen_t length = sizeof socket_error;
    return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length) == 0 && socket_error == 0;
}

}  // namespace

bool tcp_reachable(const std::string& host, int port, std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    addrinfo* raw = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw) != 0) {
        return false;
    }
    std::unique_ptr<addrinfo, AddrInfoDeleter> results(raw);
    for (const addrinfo* address = results.get(); address != nullptr; address = address->ai_next) {
        if (connect_with_timeout(*address, timeout)) {
            return true;
        }
    }
    return false;
}

std::string url_host(const std::string& url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) {
        return "";
    }
    std::string rest = url.substr(scheme_end + 3);
    auto path_start = rest.find_first_of("/?#");
    std::string authority = path_start == std::string::npos ? rest : rest.substr(0, path_start);
    auto at = authority.rfind('@');
    return at == std::string::npos ? authority : authority.substr(at + 1);
}

bool split_host_port(const std::string& host_port, std::string& host, std::string& port) {
    if (!host_port.empty() && host_port.front() == '[') {
        auto close = host_port.find(']');
        if (close == std::string::npos || close + 1 >= host_port.size() || host_port[close + 1] != ':') {
            return false;
        }
        host = host_port.substr(1, close - 1);
        port = host_port.substr(close + 2);
        return true;
    }
    auto colon = host_port.rfind(':');
    if (colon == std::string::npos || host_port.find(':') != colon) {
        return false;
    }
    host = host_port.substr(0, colon);
    port = host_port.substr(colon + 1);
    return true;
}

std::string join_host_port(const std::string& host, const std::string& port) {
    if (host.find(':') != std::string::npos) {
        return "[" + host + "]:" + port;
    }
    return host + ":" + port;
}

}  // namespace machine::net
