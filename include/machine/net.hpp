#pragma once

#include <chrono>
#include <string>

namespace machine::net {

// True when a TCP connection to host:port can be opened within `timeout`.
[[nodiscard]] bool tcp_reachable(const std::string& host, int port, std::chrono::milliseconds timeout);

// "tcp://host:port/path" -> "host:port" (Go's url.URL.Host); "" when the URL has no authority.
[[nodiscard]] std::string url_host(const std::string& url);
// Splits "host:port" / "[v6]:port" (Go's net.SplitHostPort); returns false when there is no port.
[[nodiscard]] bool split_host_port(const std::string& host_port, std::string& host, std::string& port);
// Joins host and port, bracketing IPv6 addresses (Go's net.JoinHostPort).
[[nodiscard]] std::string join_host_port(const std::string& host, const std::string& port);

}  // namespace machine::net
