#include "cert/tcp_dial.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

#include "cert/transfer_error.hpp"

namespace machine::cert {
namespace {

using Kind = TransferError::Kind;

struct AddrInfoDeleter {
    void operator()(addrinfo* info) const noexcept { ::freeaddrinfo(info); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

// Go's syscall error texts are strerror's, lower-cased.
std::string errno_text(int error) {
    std::string text = std::strerror(error);
    if (!text.empty()) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

// Go's net.TCPAddr.String(): "1.2.3.4:2376", "[::1]:2376".
std::string address_text(const addrinfo& address) {
    char host[INET6_ADDRSTRLEN] = {};
    unsigned port = 0;
    if (address.ai_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address.ai_addr);
        ::inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
        port = ntohs(v6->sin6_port);
        return "[" + std::string(host) + "]:" + std::to_string(port);
    }
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address.ai_addr);
    ::inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    port = ntohs(v4->sin_port);
    return std::string(host) + ":" + std::to_string(port);
}

AddrInfoPtr resolve(const std::string& host, const std::string& port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    bool numeric_port = !port.empty() && std::all_of(port.begin(), port.end(),
                                                     [](unsigned char c) { return std::isdigit(c) != 0; });
    // IP literals first, so that they never reach NSS (which would load its modules into the process).
    hints.ai_flags = AI_NUMERICHOST | (numeric_port ? AI_NUMERICSERV : 0);
    addrinfo* raw = nullptr;
    int result = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &raw);
    if (result == EAI_NONAME) {
        hints.ai_flags &= ~AI_NUMERICHOST;
        result = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &raw);
    }
    if (result != 0) {
        if (result == EAI_SERVICE) {
            throw TransferError(Kind::Other, "dial tcp: lookup tcp/" + port + ": unknown port");
        }
        std::string reason = result == EAI_NONAME || result == EAI_NODATA || result == EAI_FAIL
                                 ? "no such host"
                             : result == EAI_SYSTEM ? errno_text(errno)
                                                    : ::gai_strerror(result);
        throw TransferError(Kind::Other, "dial tcp: lookup " + host + ": " + reason);
    }
    return AddrInfoPtr(raw);
}

// Go's dialSerial gives each remaining address an equal share of the time left, but at least 2 s.
Deadline partial_deadline(Deadline deadline, int addresses_left) {
    if (deadline == k_no_deadline) {
        return deadline;
    }
    auto now = DeadlineClock::now();
    auto remaining = deadline - now;
    auto share = remaining / std::max(addresses_left, 1);
    constexpr auto k_sane_minimum = std::chrono::seconds(2);
    if (share < k_sane_minimum) {
        share = std::min<DeadlineClock::duration>(remaining, k_sane_minimum);
    }
    return now + share;
}

SocketFd connect_one(const addrinfo& address, Deadline deadline) {
    std::string target = address_text(address);
    auto fail = [&target](int error) -> TransferError {
        if (error == ECONNREFUSED) {
            return {Kind::ConnectionRefused, "dial tcp " + target + ": connect: connection refused"};
        }
        if (error == ETIMEDOUT) {
            return {Kind::DialTimeout, "dial tcp " + target + ": i/o timeout"};
        }
        return {Kind::Other, "dial tcp " + target + ": connect: " + errno_text(error)};
    };
    if (DeadlineClock::now() >= deadline) {
        throw fail(ETIMEDOUT);
    }
    SocketFd socket(
        ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address.ai_protocol));
    if (socket.get() < 0) {
        throw TransferError(Kind::Other, "dial tcp " + target + ": socket: " + errno_text(errno));
    }
    int one = 1;
    (void)::setsockopt(socket.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(socket.get(), address.ai_addr, address.ai_addrlen) != 0) {
        if (errno != EINPROGRESS && errno != EINTR) {
            throw fail(errno);
        }
        if (!wait_ready(socket.get(), POLLOUT, deadline)) {
            throw fail(ETIMEDOUT);
        }
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
            error = errno;
        }
        if (error != 0) {
            throw fail(error);
        }
    }
    return socket;
}

}  // namespace

Deadline deadline_after(std::chrono::milliseconds timeout, Deadline deadline) {
    auto now = DeadlineClock::now();
    if (deadline != k_no_deadline && deadline - now <= timeout) {
        return deadline;
    }
    return now + timeout;
}

SocketFd::~SocketFd() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

SocketFd::SocketFd(SocketFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

SocketFd& SocketFd::operator=(SocketFd&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

bool wait_ready(int fd, short events, Deadline deadline) {
    for (;;) {
        int timeout_ms = -1;
        if (deadline != k_no_deadline) {
            auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - DeadlineClock::now());
            if (remaining.count() <= 0) {
                return false;
            }
            timeout_ms = static_cast<int>(std::min<long long>(remaining.count(), INT_MAX));
        }
        pollfd entry{fd, events, 0};
        int ready = ::poll(&entry, 1, timeout_ms);
        if (ready > 0) {
            return true;
        }
        if (ready < 0 && errno != EINTR) {
            throw TransferError(Kind::Other, "poll: " + errno_text(errno));
        }
    }
}

SocketFd dial_tcp(const std::string& host, const std::string& port, Deadline deadline) {
    AddrInfoPtr addresses = resolve(host, port);
    int count = 0;
    for (const addrinfo* address = addresses.get(); address != nullptr; address = address->ai_next) {
        ++count;
    }
    std::optional<TransferError> first_failure;
    int left = count;
    for (const addrinfo* address = addresses.get(); address != nullptr; address = address->ai_next, --left) {
        try {
            return connect_one(*address, partial_deadline(deadline, left));
        } catch (const TransferError& failure) {
            if (!first_failure) {
                first_failure = failure;
            }
            if (DeadlineClock::now() >= deadline) {
                break;
            }
        }
    }
    if (!first_failure) {
        throw TransferError(Kind::Other, "dial tcp: lookup " + host + ": no such host");
    }
    throw *first_failure;
}

}  // namespace machine::cert
