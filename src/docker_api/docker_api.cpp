#include "machine/docker_api.hpp"

#include "machine/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <memory>
#include <optional>
#include <utility>

#include "cert/tls_client.hpp"
#include "cert/transfer_error.hpp"
#include "docker_api/http_response.hpp"
#include "machine/error.hpp"

namespace machine::docker_api {
namespace {

constexpr const char* k_connection_refused = "Cannot connect to the docker engine endpoint";

// The machine URL's "host:port": upstream's dockerclient turns tcp:// (or no scheme) into https://.
std::string host_port_of(const std::string& url) {
    std::string rest = url;
    if (auto scheme_end = url.find("://"); scheme_end != std::string::npos) {
        std::string scheme = url.substr(0, scheme_end);
        if (scheme != "tcp" && scheme != "https") {
            throw Error("unsupported docker endpoint scheme: " + url);
        }
        rest = url.substr(scheme_end + 3);
    }
    return rest.substr(0, rest.find('/'));
}

// Go names the operation of a url.Error after the method: "Get", "Post", "Delete".
std::string go_operation(const std::string& method) {
    std::string operation;
    for (char c : method) {
        operation.push_back(static_cast<char>(operation.empty()
                                                  ? std::toupper(static_cast<unsigned char>(c))
                                                  : std::tolower(static_cast<unsigned char>(c))));
    }
    return operation;
}

std::string request_text(const std::string& method, const std::string& host_port, const std::string& path,
                         const std::string& body) {
    // As upstream's dockerclient: every request says JSON. No keep-alive: one request per connection.
    std::string text =
        method + " " + path + " HTTP/1.1\r\nHost: " + host_port + "\r\nContent-Type: application/json\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
        text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    text += "Connection: close\r\n\r\n";
    return text + body;
}

// A response, and the error that cut its body short if any. Go's dockerclient reports such a read error as it
// is (not as a url.Error), except after a 404, which is "Not found" (server_version's business).
struct Exchange {
    Response response;
    std::optional<std::string> body_error;
};

// Unusable TLS files, found once connected: reported as is, not as a transport error.
class TlsConfigError : public Error {
public:
    using Error::Error;
};

Exchange perform_request(const std::string& url, const cert::TlsClientFiles& files, const std::string& method,
                         const std::string& path, const std::string& body,
                         std::chrono::milliseconds connect_timeout,
                         std::optional<std::chrono::milliseconds> total_timeout) {
    std::string host_port = host_port_of(url);
    try {
        // Missing files are reported before connecting, as upstream does; decoding them waits until a daemon
        // answers (see TlsConnection), which only changes the error of a machine with both corrupt
        // certificates and no daemon.
        for (const std::string* path : {&files.ca_cert, &files.client_cert, &files.client_key}) {
            (void)read_file(*path);
        }
        (void)cert::split_host_port(host_port);
    } catch (const Error& error) {
        throw Error(std::string("Unable to read TLS config: ") + error.what());
    }
    std::shared_ptr<const cert::TlsClientMaterial> material;
    auto material_after_connect = [&]() -> const cert::TlsClientMaterial& {
        try {
            material = cert::load_tls_client_material(files);
        } catch (const Error& error) {
            throw TlsConfigError(std::string("Unable to read TLS config: ") + error.what());
        }
        return *material;
    };

    // Go's http.Client.Timeout caps everything, connecting included; the dialer's and the TLS handshake's
    // timeouts only what they cover.
    cert::Deadline total_deadline =
        total_timeout ? cert::deadline_after(*total_timeout) : cert::k_no_deadline;
    cert::Deadline connect_deadline = cert::deadline_after(connect_timeout, total_deadline);
    const std::string target = "https://" + host_port + path;
    std::optional<cert::TlsConnection> connection;
    std::optional<HttpResponseReader> reader;
    HttpHead head;
    try {
        connection.emplace(material_after_connect, host_port, connect_deadline);
        connection->write_all(request_text(method, host_port, path, body), total_deadline);
        reader.emplace([&](char* buffer,
                           std::size_t size) { return connection->read_some(buffer, size, total_deadline); },
                       method == "HEAD");
        head = reader->read_head();
    } catch (const cert::TransferError& failure) {
        using Kind = cert::TransferError::Kind;
        std::string text = failure.what();
        // Upstream's dockerclient maps any error mentioning "connection refused" to ErrConnectionRefused.
        if (failure.kind() == Kind::ConnectionRefused ||
            text.find("connection refused") != std::string::npos) {
            throw Error(k_connection_refused);
        }
        if (failure.kind() == Kind::HandshakeTimeout) {
            text = "net/http: TLS handshake timeout";
        } else if (failure.kind() == Kind::Timeout) {
            text = "net/http: request canceled (Client.Timeout exceeded while awaiting headers)";
        }
        throw Error(go_operation(method) + " " + target + ": " + text);
    } catch (const TlsConfigError&) {
        throw;
    } catch (const Error& error) {
        throw Error(go_operation(method) + " " + target + ": " + error.what());
    }

    Exchange exchange;
    exchange.response.status = head.status;
    exchange.response.status_text = head.status_text;
    try {
        exchange.response.body = reader->read_body(head);
    } catch (const cert::TransferError& failure) {
        exchange.body_error = failure.kind() == cert::TransferError::Kind::Timeout
                                  ? "net/http: request canceled (Client.Timeout exceeded while reading body)"
                                  : failure.what();
    } catch (const Error& error) {
        exchange.body_error = error.what();
    }
    return exchange;
}

}  // namespace

Response request(const std::string& url, const cert::TlsClientFiles& files, const std::string& method,
                 const std::string& path, const std::string& body, std::chrono::milliseconds timeout) {
    Exchange exchange = perform_request(url, files, method, path, body, timeout, std::nullopt);
    if (exchange.body_error) {
        throw Error(*exchange.body_error);
    }
    return std::move(exchange.response);
}

std::string server_version(const std::string& url, const cert::TlsClientFiles& files,
                           std::chrono::milliseconds timeout) {
    Exchange exchange = perform_request(url, files, "GET", "/v1.15/version", "", timeout, timeout);
    const Response& response = exchange.response;
    // Upstream's dockerclient.doStreamRequest treats 404 specially (a body it cannot read is "Not found"),
    // then any status >= 400 as "<Status>: <body>"; a body it cannot read is that read's error.
    if (response.status == 404 && exchange.body_error) {
        throw Error("Not found");
    }
    if (exchange.body_error) {
        throw Error(*exchange.body_error);
    }
    if (response.status == 404) {
        if (response.body.empty()) {
            throw Error("Not found");
        }
        if (response.body.find("No such image") != std::string::npos) {
            throw Error("Image not found");
        }
        throw Error(response.body);
    }
    if (response.status >= 400) {
        throw Error(response.status_text + ": " + response.body);
    }
    if (response.body.empty()) {
        throw Error("unexpected end of JSON input");
    }
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(response.body);
    } catch (const nlohmann::json::exception& error) {
        throw Error(std::string("invalid JSON in docker version response: ") + error.what());
    }
    if (!document.is_object()) {
        throw Error(
            "json: cannot unmarshal docker version response into Go value of type dockerclient.Version");
    }
    auto version = document.find("Version");
    if (version == document.end() || version->is_null()) {
        return "";
    }
    if (!version->is_string()) {
        throw Error("json: cannot unmarshal " + std::string(version->type_name()) +
                    " into Go struct field Version.Version of type string");
    }
    return version->get<std::string>();
}

}  // namespace machine::docker_api
