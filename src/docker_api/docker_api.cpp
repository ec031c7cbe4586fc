#include "machine/docker_api.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <optional>

#include <memory>

#include "cert/curl_handles.hpp"
#include "cert/tls_client.hpp"
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

struct Capture {
    std::string body;
    std::string status_text;
};

size_t write_body(char* data, size_t size, size_t count, void* capture) {
    static_cast<Capture*>(capture)->body.append(data, size * count);
    return size * count;
}

// Keeps the last status line ("HTTP/1.1 400 Bad Request"; a "100 Continue" may precede the final one).
size_t read_header(char* data, size_t size, size_t count, void* capture) {
    std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
            line.pop_back();
        }
        auto space = line.find(' ');
        std::string status = space == std::string::npos ? "" : line.substr(space + 1);
        status.erase(0, status.find_first_not_of(' '));
        static_cast<Capture*>(capture)->status_text = status;
    }
    return size * count;
}

template <class Value>
void set_option(CURL* curl, CURLoption option, Value value) {
    CURLcode result = cert::curl_api().easy_setopt(curl, option, value);
    if (result != CURLE_OK) {
        throw Error(std::string("configuring libcurl failed: ") + cert::curl_api().easy_strerror(result));
    }
}

Response perform_request(const std::string& url, const cert::TlsClientFiles& files, const std::string& method,
                         const std::string& path, const std::string& body,
                         std::chrono::milliseconds connect_timeout,
                         std::optional<std::chrono::milliseconds> total_timeout) {
    std::string host_port = host_port_of(url);
    std::shared_ptr<const cert::TlsClientMaterial> material;
    try {
        material = cert::load_tls_client_material(files);
        (void)cert::split_host_port(host_port);
    } catch (const Error& error) {
        throw Error(std::string("Unable to read TLS config: ") + error.what());
    }

    cert::TlsTransfer transfer(*material, host_port, path, connect_timeout);
    CURL* curl = transfer.handle();
    Capture capture;
    set_option(curl, CURLOPT_WRITEFUNCTION, &write_body);
    set_option(curl, CURLOPT_WRITEDATA, static_cast<void*>(&capture));
    set_option(curl, CURLOPT_HEADERFUNCTION, &read_header);
    set_option(curl, CURLOPT_HEADERDATA, static_cast<void*>(&capture));
    if (total_timeout) {
        set_option(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(total_timeout->count()));
    }
    // As upstream's dockerclient: every request is JSON; no "Expect: 100-continue" round trip.
    cert::CurlSlistPtr headers(cert::curl_api().slist_append(nullptr, "Content-Type: application/json"));
    headers.reset(cert::curl_api().slist_append(headers.release(), "Expect:"));
    if (!headers) {
        throw Error("configuring libcurl failed");
    }
    set_option(curl, CURLOPT_HTTPHEADER, headers.get());
    if (method == "GET") {
        set_option(curl, CURLOPT_HTTPGET, 1L);
    } else if (method == "HEAD") {
        set_option(curl, CURLOPT_NOBODY, 1L);
    } else {
        set_option(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
        if (!body.empty() || method == "POST" || method == "PUT") {
            set_option(curl, CURLOPT_POSTFIELDS, body.data());
            set_option(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        }
    }

    if (auto failure = transfer.perform()) {
        using Kind = cert::TransferFailure::Kind;
        // Upstream's dockerclient maps any error mentioning "connection refused" to ErrConnectionRefused.
        if (failure->kind == Kind::ConnectionRefused ||
            failure->text.find("connection refused") != std::string::npos) {
            throw Error(k_connection_refused);
        }
        std::string text = failure->text;
        if (failure->kind == Kind::HandshakeTimeout) {
            text = "net/http: TLS handshake timeout";
        }
        throw Error(go_operation(method) + " " + transfer.url() + ": " + text);
    }
    Response response;
    cert::curl_api().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(capture.body);
    response.status_text =
        capture.status_text.empty() ? std::to_string(response.status) : capture.status_text;
    return response;
}

}  // namespace

Response request(const std::string& url, const cert::TlsClientFiles& files, const std::string& method,
                 const std::string& path, const std::string& body, std::chrono::milliseconds timeout) {
    return perform_request(url, files, method, path, body, timeout, std::nullopt);
}

std::string server_version(const std::string& url, const cert::TlsClientFiles& files,
                           std::chrono::milliseconds timeout) {
    Response response = perform_request(url, files, "GET", "/v1.15/version", "", timeout, timeout);
    // Upstream's dockerclient.doStreamRequest treats 404 specially, then any status >= 400 as "<Status>:
    // <body>".
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
