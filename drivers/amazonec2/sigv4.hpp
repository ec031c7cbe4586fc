#pragma once

// AWS Signature Version 4 (header form), as AWS documents it: canonical request, string to sign, derived
// signing key, Authorization header. Checked against AWS's published test suite
// (tests/unit/test_amazonec2_sigv4).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace machine::drivers::amazonec2 {

struct Credentials {
    std::string access_key;
    std::string secret_key;
    std::string session_token;  // "" when the credentials are long-lived
};

struct SignableRequest {
    std::string method;  // "POST"
    std::string path;    // decoded, e.g. "/"; segments are URI-encoded while signing
    std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
    std::vector<std::pair<std::string, std::string>> headers;  // every header that is signed, as sent
    std::string body;
};

struct SigningScope {
    std::string amz_date;  // "20150830T123600Z"; its first 8 characters are the scope date
    std::string region;
    std::string service;
};

// RFC 3986 percent-encoding of everything but unreserved characters (and '/' when `keep_slash`).
[[nodiscard]] std::string uri_encode(std::string_view text, bool keep_slash = false);
// "a=1&b=2" with names and values URI-encoded (spaces as '+'), in the given order (EC2 Query form bodies).
[[nodiscard]] std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

[[nodiscard]] std::string sha256_hex(std::string_view data);
[[nodiscard]] std::string canonical_request(const SignableRequest& request);
[[nodiscard]] std::string signed_header_names(const SignableRequest& request);
[[nodiscard]] std::string credential_scope(const SigningScope& scope);
[[nodiscard]] std::string string_to_sign(const std::string& canonical, const SigningScope& scope);
// The derived key kSigning, raw bytes.
[[nodiscard]] std::string signing_key(std::string_view secret_key, const SigningScope& scope);
[[nodiscard]] std::string signature(std::string_view secret_key, const SigningScope& scope,
                                    const std::string& to_sign);
// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=...,
// Signature=..."
[[nodiscard]] std::string authorization_header(const SignableRequest& request, const Credentials& credentials,
                                               const SigningScope& scope);

// "20150830T123600Z" for the current UTC time.
[[nodiscard]] std::string amz_date_now();

}  // namespace machine::drivers::amazonec2
