#include "drivers/amazonec2/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "machine/error.hpp"

namespace machine::drivers::amazonec2 {
namespace {

constexpr const char* k_algorithm = "AWS4-HMAC-SHA256";

std::string to_hex(const unsigned char* data, size_t size) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (size_t i = 0; i < size; ++i) {
        out.push_back(k_digits[data[i] >> 4]);
        out.push_back(k_digits[data[i] & 0x0f]);
    }
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size) == nullptr) {
        throw Error("computing HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<const char*>(out), size);
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Header values: outer whitespace trimmed, inner runs of spaces collapsed to one (AWS's rule, quotes
// included).
std::string canonical_header_value(std::string_view value) {
    std::string out;
    bool in_space = false;
    for (char c : value) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            in_space = true;
            continue;
        }
        if (in_space && !out.empty()) {
            out.push_back(' ');
        }
        in_space = false;
        out.push_back(c);
    }
    return out;
}

// Lower-cased names with their values joined by ',' (in the order sent), sorted by name.
std::vector<std::pair<std::string, std::string>> canonical_headers(const SignableRequest& request) {
    std::vector<std::pair<std::string, std::string>> merged;
    for (const auto& [name, value] : request.headers) {
        std::string key = lower(name);
        std::string canonical = canonical_header_value(value);
        auto found =
            std::find_if(merged.begin(), merged.end(), [&](const auto& entry) { return entry.first == key; });
        if (found == merged.end()) {
            merged.emplace_back(std::move(key), std::move(canonical));
        } else {
            found->second += "," + canonical;
        }
    }
    std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return merged;
}

std::string canonical_query(const SignableRequest& request) {
    std::vector<std::pair<std::string, std::string>> encoded;
    encoded.reserve(request.query.size());
    for (const auto& [name, value] : request.query) {
        encoded.emplace_back(uri_encode(name), uri_encode(value));
    }
    std::sort(encoded.begin(), encoded.end());
    std::string out;
    for (const auto& [name, value] : encoded) {
        out += (out.empty() ? "" : "&") + name + "=" + value;
    }
    return out;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
    static constexpr char k_digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(k_digits[c >> 4]);
            out.push_back(k_digits[c & 0x0f]);
        }
    }
    return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    // application/x-www-form-urlencoded writes spaces as '+', as the AWS SDKs do; some servers (moto) rebuild
    // the body that way before hashing it.
    auto encode = [](const std::string& text) {
        std::string out;
        for (char c : text) {
            out += c == ' ' ? std::string("+") : uri_encode(std::string_view(&c, 1));
        }
        return out;
    };
    std::string out;
    for (const auto& [name, value] : fields) {
        out += (out.empty() ? "" : "&") + encode(name) + "=" + encode(value);
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
        throw Error("computing SHA-256 failed");
    }
    return to_hex(digest, size);
}

std::string signed_header_names(const SignableRequest& request) {
    std::string out;
    for (const auto& [name, value] : canonical_headers(request)) {
        out += (out.empty() ? "" : ";") + name;
    }
    return out;
}

std::string canonical_request(const SignableRequest& request) {
    std::string out = request.method + "\n";
    out += uri_encode(request.path.empty() ? "/" : request.path, /*keep_slash=*/true) + "\n";
    out += canonical_query(request) + "\n";
    for (const auto& [name, value] : canonical_headers(request)) {
        out += name + ":" + value + "\n";
    }
    out += "\n" + signed_header_names(request) + "\n";
    out += sha256_hex(request.body);
    return out;
}

std::string credential_scope(const SigningScope& scope) {
    return scope.amz_date.substr(0, 8) + "/" + scope.region + "/" + scope.service + "/aws4_request";
}

std::string string_to_sign(const std::string& canonical, const SigningScope& scope) {
    return std::string(k_algorithm) + "\n" + scope.amz_date + "\n" + credential_scope(scope) + "\n" +
           sha256_hex(canonical);
}

std::string signing_key(std::string_view secret_key, const SigningScope& scope) {
    std::string key = hmac_sha256("AWS4" + std::string(secret_key), scope.amz_date.substr(0, 8));
    key = hmac_sha256(key, scope.region);
    key = hmac_sha256(key, scope.service);
    return hmac_sha256(key, "aws4_request");
}

std::string signature(std::string_view secret_key, const SigningScope& scope, const std::string& to_sign) {
    std::string mac = hmac_sha256(signing_key(secret_key, scope), to_sign);
    return to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

std::string authorization_header(const SignableRequest& request, const Credentials& credentials,
                                 const SigningScope& scope) {
    std::string to_sign = string_to_sign(canonical_request(request), scope);
    return std::string(k_algorithm) + " Credential=" + credentials.access_key + "/" +
           credential_scope(scope) + ", SignedHeaders=" + signed_header_names(request) +
           ", Signature=" + signature(credentials.secret_key, scope, to_sign);
}

std::string amz_date_now() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
    return buffer;
}

}  // namespace machine::drivers::amazonec2
