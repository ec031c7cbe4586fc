#pragma once

// TCP connections with a deadline over plain POSIX sockets, failures worded as Go's net.Dial words them.

#include <chrono>
#include <string>

namespace machine::cert {

using DeadlineClock = std::chrono::steady_clock;
using Deadline = DeadlineClock::time_point;
// No deadline at all (image pulls stream for minutes).
inline constexpr Deadline k_no_deadline = Deadline::max();

// The earlier of `deadline` and now + `timeout`.
[[nodiscard]] Deadline deadline_after(std::chrono::milliseconds timeout, Deadline deadline = k_no_deadline);

// Owns a socket descriptor. Move-only.
class SocketFd {
public:
    SocketFd() = default;
    explicit SocketFd(int fd) noexcept : m_fd(fd) {}
    ~SocketFd();
    SocketFd(SocketFd&& other) noexcept;
    SocketFd& operator=(SocketFd&& other) noexcept;
    SocketFd(const SocketFd&) = delete;
    SocketFd& operator=(const SocketFd&) = delete;

    [[nodiscard]] int get() const noexcept { return m_fd; }

private:
    int m_fd = -1;
};

// Waits until `fd` is ready for `events` (POLLIN / POLLOUT); false when `deadline` passed first. Retries on
// EINTR. Error and hang-up conditions count as ready (the next read or write reports them); poll failing
// itself throws TransferError.
[[nodiscard]] bool wait_ready(int fd, short events, Deadline deadline);

// Connects to `host`:`port` (IP literals without asking the resolver, other names through getaddrinfo, each
// address in turn as Go does) before `deadline`. The socket is non-blocking, close-on-exec, TCP_NODELAY.
// Throws TransferError: ConnectionRefused "dial tcp 1.2.3.4:2376: connect: connection refused",
// DialTimeout "dial tcp 1.2.3.4:2376: i/o timeout", Other "dial tcp: lookup NAME: no such host" or
// "dial tcp 1.2.3.4:2376: connect: network is unreachable" (the first address's error).
[[nodiscard]] SocketFd dial_tcp(const std::string& host, const std::string& port, Deadline deadline);

}  // namespace machine::cert
