#pragma once

// The small part of the Docker Engine API docker-machine uses, over mutual TLS
// (certs-and-provisioning.md §3).

#include <chrono>
#include <string>

#include "machine/cert.hpp"

namespace machine::docker_api {

struct Response {
    long status = 0;
    std::string body;
    std::string status_text;  // Go's resp.Status: the status line after the protocol, e.g. "400 Bad Request"
};

// `method` `https://<host:port><path>` with the machine's client certificate. `url` is the machine URL
// ("tcp://1.2.3.4:2376"). `timeout` bounds TCP connect + TLS handshake (the transfer itself is unbounded:
// image pulls stream for minutes). Throws machine::Error: "Unable to read TLS config: <err>" when the TLS
// files are unusable, "Cannot connect to the docker engine endpoint" when the connection is refused,
// otherwise Go's transport error text ("Get https://1.2.3.4:2376/v1.15/version: x509: certificate signed by
// unknown authority"). HTTP error statuses are returned, not thrown.
[[nodiscard]] Response request(const std::string& url, const cert::TlsClientFiles& files,
                               const std::string& method, const std::string& path, const std::string& body,
                               std::chrono::milliseconds timeout);

// GET /v1.15/version -> the "Version" field (e.g. "19.03.5"). `timeout` bounds the whole exchange. Errors:
// the text of request(), or "<status line>: <body>" for HTTP >= 400 (e.g. "400 Bad Request: {...}"; a 404
// gives its body, or "Not found" when empty, as upstream's dockerclient). Not wrapped with "Unable to query
// docker version: " (callers do that).
[[nodiscard]] std::string server_version(const std::string& url, const cert::TlsClientFiles& files,
                                         std::chrono::milliseconds timeout);

}  // namespace machine::docker_api
