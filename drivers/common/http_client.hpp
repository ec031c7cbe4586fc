#pragma once

// HTTP for the cloud drivers (digitalocean, azure): one request at a time, through a Transport seam that unit
// tests replace with a scripted one.
//
// libcurl is loaded with dlopen() on the first request, never linked: it drags in some 25 shared libraries
// whose relocations would cost every docker-machine command ~3.5 ms at start-up, and most commands never talk
// HTTP.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "machine/error.hpp"

namespace machine::drivers::http {

struct Header {
    std::string name;
    std::string value;
};

struct Request {
    std::string method = "GET";
    std::string url;
    std::vector<Header> headers;
    std::string body;  // sent when non-empty, or always for POST/PUT/PATCH (Content-Length: 0)
    std::chrono::seconds timeout{120};
    // Mutual TLS (the Docker Engine API of a machine): PEM files; empty means the system's CA store and no
    // client certificate.
    std::string tls_ca_file;
    std::string tls_cert_file;
    std::string tls_key_file;
};

struct Response {
    long status = 0;
    std::vector<Header> headers;  // in arrival order, names as sent
    std::string body;

    // The value of the first header named `name` (case-insensitive), or "" when there is none.
    [[nodiscard]] std::string header(std::string_view name) const;
};

// No HTTP response at all (name resolution, connection, TLS, timeout). The message is
// "<METHOD> <url>: <reason>", like Go's *url.Error.
class TransportError : public Error {
public:
    using Error::Error;
};

// Sends one HTTP request.
class Transport {
public:
    Transport() = default;
    virtual ~Transport() = default;
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // Returns whatever status the server answered; throws TransportError when no answer came.
    [[nodiscard]] virtual Response send(const Request& request) = 0;
};

// The process-wide libcurl transport (libcurl is loaded on the first send; failure to load throws Error).
[[nodiscard]] Transport& default_transport();

// Percent-encodes everything but RFC 3986 unreserved characters (for path segments and form values).
[[nodiscard]] std::string escape(std::string_view text);
// Percent-encodes a URL path segment (RFC 3986 pchar stays as it is, so "aa:bb" keeps its colons).
[[nodiscard]] std::string escape_path_segment(std::string_view text);
// application/x-www-form-urlencoded body from name/value pairs, in the given order.
[[nodiscard]] std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
// Drops trailing slashes, so that "<base>" + "/v2/..." never doubles them.
[[nodiscard]] std::string trim_base_url(std::string_view url);

}  // namespace machine::drivers::http
