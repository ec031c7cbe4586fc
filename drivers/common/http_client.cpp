#include "drivers/common/http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <mutex>

#include "machine/shared_library.hpp"

namespace machine::drivers::http {
namespace {

// The libcurl functions used here, resolved from libcurl.so.4 at run time.
struct CurlApi {
    CURLcode (*global_init)(long flags);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL* curl);
    CURLcode (*easy_setopt)(CURL* curl, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL* curl, CURLINFO info, ...);
    CURLcode (*easy_perform)(CURL* curl);
    const char* (*easy_strerror)(CURLcode code);
    curl_slist* (*slist_append)(curl_slist* list, const char* text);
    void (*slist_free_all)(curl_slist* list);
};

CurlApi load_curl() {
    void* library = shared_library::open("libcurl.so.4", "libcurl");
    CurlApi api{};
    shared_library::resolve(library, "curl_global_init", api.global_init, "libcurl");
    shared_library::resolve(library, "curl_easy_init", api.easy_init, "libcurl");
    shared_library::resolve(library, "curl_easy_cleanup", api.easy_cleanup, "libcurl");
    shared_library::resolve(library, "curl_easy_setopt", api.easy_setopt, "libcurl");
    shared_library::resolve(library, "curl_easy_getinfo", api.easy_getinfo, "libcurl");
    shared_library::resolve(library, "curl_easy_perform", api.easy_perform, "libcurl");
    shared_library::resolve(library, "curl_easy_strerror", api.easy_strerror, "libcurl");
    shared_library::resolve(library, "curl_slist_append", api.slist_append, "libcurl");
    shared_library::resolve(library, "curl_slist_free_all", api.slist_free_all, "libcurl");
    CURLcode init_result = api.global_init(CURL_GLOBAL_DEFAULT);
    if (init_result != CURLE_OK) {
        throw Error(std::string("initialising libcurl failed: ") + api.easy_strerror(init_result));
    }
    return api;
}

// Loads libcurl once per process (curl_global_init must not run concurrently); rethrows the load failure.
const CurlApi& curl_api() {
    return shared_library::load_once<CurlApi>(load_curl);
}

struct CurlEasyDeleter {
    void operator()(CURL* curl) const noexcept { curl_api().easy_cleanup(curl); }
};
struct CurlSlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_api().slist_free_all(list); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// Collects "Name: value" lines; a new status line (redirect, 100 Continue) starts the list afresh.
std::size_t append_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* headers = static_cast<std::vector<Header>*>(user);
    std::string_view line(data, size * count);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
        line.remove_suffix(1);
    }
    if (line.rfind("HTTP/", 0) == 0) {
        headers->clear();
        return size * count;
    }
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
            value.remove_prefix(1);
        }
        headers->push_back({std::string(line.substr(0, colon)), std::string(value)});
    }
    return size * count;
}

class CurlTransport final : public Transport {
public:
    Response send(const Request& request) override {
        const CurlApi& api = curl_api();
        CurlEasyPtr curl(api.easy_init());
        if (!curl) {
            throw Error("initialising libcurl failed");
        }
        CURL* handle = curl.get();
        Response response;
        api.easy_setopt(handle, CURLOPT_URL, request.url.c_str());
        api.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
        api.easy_setopt(handle, CURLOPT_TIMEOUT, static_cast<long>(request.timeout.count()));
        api.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 30L);
        api.easy_setopt(handle, CURLOPT_USERAGENT, "docker-machine");
        api.easy_setopt(handle, CURLOPT_WRITEFUNCTION, &append_body);
        api.easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
        api.easy_setopt(handle, CURLOPT_HEADERFUNCTION, &append_header);
        api.easy_setopt(handle, CURLOPT_HEADERDATA, &response.headers);
        api.easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        if (!request.tls_ca_file.empty()) {
            api.easy_setopt(handle, CURLOPT_CAINFO, request.tls_ca_file.c_str());
        }
        if (!request.tls_cert_file.empty()) {
            api.easy_setopt(handle, CURLOPT_SSLCERT, request.tls_cert_file.c_str());
            api.easy_setopt(handle, CURLOPT_SSLKEY, request.tls_key_file.c_str());
        }
        bool sends_body = !request.body.empty() || request.method == "POST" || request.method == "PUT" ||
                          request.method == "PATCH";
        if (sends_body) {
            api.easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.c_str());
            api.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                            static_cast<curl_off_t>(request.body.size()));
        } else if (request.method == "HEAD") {
            api.easy_setopt(handle, CURLOPT_NOBODY, 1L);
        }
        CurlSlistPtr header_list;
        // No "Expect: 100-continue" round trip for larger bodies.
        std::vector<std::string> lines = {"Expect:"};
        for (const auto& header : request.headers) {
            lines.push_back(header.name + ": " + header.value);
        }
        for (const auto& line : lines) {
            curl_slist* appended = api.slist_append(header_list.get(), line.c_str());
            if (appended == nullptr) {
                throw Error("libcurl: out of memory");
            }
            (void)header_list.release();
            header_list.reset(appended);
        }
        api.easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());

        CURLcode result = api.easy_perform(handle);
        if (result != CURLE_OK) {
            throw TransportError(request.method + " " + request.url + ": " + api.easy_strerror(result));
        }
        api.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
        return response;
    }
};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string Response::header(std::string_view name) const {
    for (const auto& header : headers) {
        if (iequals(header.name, name)) {
            return header.value;
        }
    }
    return {};
}

Transport& default_transport() {
    static CurlTransport transport;
    return transport;
}

namespace {

std::string percent_encode(std::string_view text, std::string_view also_kept) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~' ||
            also_kept.find(c) != std::string_view::npos) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(k_hex[byte >> 4]);
            out.push_back(k_hex[byte & 0x0f]);
        }
    }
    return out;
}

}  // namespace

std::string escape(std::string_view text) {
    return percent_encode(text, "");
}

std::string escape_path_segment(std::string_view text) {
    return percent_encode(text, ":@!$&'()*+,;=");
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) {
            out.push_back('&');
        }
        out += escape(name) + "=" + escape(value);
    }
    return out;
}

std::string trim_base_url(std::string_view url) {
    while (!url.empty() && url.back() == '/') {
        url.remove_suffix(1);
    }
    return std::string(url);
}

}  // namespace machine::drivers::http
