// SigV4 against AWS's published "Signature Version 4 test suite" (credentials AKIDEXAMPLE, 2015-08-30
// 12:36:00Z, us-east-1, service "service") and the worked examples of AWS's SigV4 documentation.

#include <gtest/gtest.h>

#include "drivers/amazonec2/sigv4.hpp"

namespace {

using namespace machine::drivers::amazonec2;

const Credentials k_example{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const SigningScope k_suite_scope{"20150830T123600Z", "us-east-1", "service"};

SignableRequest suite_request(std::string method, std::string path,
                              std::vector<std::pair<std::string, std::string>> query = {},
                              std::vector<std::pair<std::string, std::string>> extra_headers = {},
                              std::string body = "") {
    SignableRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.query = std::move(query);
    request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    request.headers.insert(request.headers.end(), extra_headers.begin(), extra_headers.end());
    request.body = std::move(body);
    return request;
}

std::string suite_authorization(const std::string& signed_headers, const std::string& signature) {
    return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=" +
           signed_headers + ", Signature=" + signature;
}

TEST(Amazonec2SigV4, GetVanillaCanonicalRequestStringToSignAndSignature) {
    SignableRequest request = suite_request("GET", "/");
    const std::string canonical = canonical_request(request);
    EXPECT_EQ(canonical,
              "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(string_to_sign(canonical, k_suite_scope),
              "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
              "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    EXPECT_EQ(authorization_header(request, k_example, k_suite_scope),
              suite_authorization("host;x-amz-date",
                                  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}

TEST(Amazonec2SigV4, PostXWwwFormUrlencoded) {
    SignableRequest request = suite_request(
        "POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded"}}, "Param1=value1");
    EXPECT_EQ(canonical_request(request),
              "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
              "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
              "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    EXPECT_EQ(authorization_header(request, k_example, k_suite_scope),
              suite_authorization("content-type;host;x-amz-date",
                                  "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
}

TEST(Amazonec2SigV4, PostXWwwFormUrlencodedParameters) {
    SignableRequest request =
        suite_request("POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}},
                      "Param1=value1");
    EXPECT_EQ(authorization_header(request, k_example, k_suite_scope),
              suite_authorization("content-type;host;x-amz-date",
                                  "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"));
}

struct SuiteCase {
    const char* name;
    SignableRequest request;
    const char* signed_headers;
    const char* signature;
};

TEST(Amazonec2SigV4, PublishedSuiteSignatures) {
    const std::string unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const std::vector<SuiteCase> cases = {
        {"post-vanilla", suite_request("POST", "/"), "host;x-amz-date",
         "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
        {"get-vanilla-query-order-key-case",
         suite_request("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}), "host;x-amz-date",
         "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
        {"get-vanilla-query-unreserved", suite_request("GET", "/", {{unreserved, unreserved}}),
         "host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
        {"get-vanilla-utf8-query", suite_request("GET", "/", {{"\xe1\x88\xb4", "bar"}}), "host;x-amz-date",
         "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
        {"get-utf8", suite_request("GET", "/\xe1\x88\xb4"), "host;x-amz-date",
         "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
        {"get-unreserved", suite_request("GET", "/" + unreserved), "host;x-amz-date",
         "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
        {"post-header-value-case", suite_request("POST", "/", {}, {{"My-Header1", "VALUE1"}}),
         "host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
        {"post-header-key-sort", suite_request("POST", "/", {}, {{"My-Header1", "value1"}}),
         "host;my-header1;x-amz-date", "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
        {"get-header-value-trim",
         suite_request("GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}}),
         "host;my-header1;my-header2;x-amz-date",
         "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
        {"get-header-key-duplicate",
         suite_request("GET", "/", {},
                       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}),
         "host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
    };
    for (const SuiteCase& test : cases) {
        EXPECT_EQ(authorization_header(test.request, k_example, k_suite_scope),
                  suite_authorization(test.signed_headers, test.signature))
            << test.name;
    }
}

TEST(Amazonec2SigV4, DerivedSigningKeyFromTheDocumentation) {
    // "Examples of how to derive a signing key for Signature Version 4" (20120215, us-east-1, iam).
    std::string key =
        signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {"20120215T000000Z", "us-east-1", "iam"});
    std::string hex;
    for (unsigned char c : key) {
        static constexpr char k_digits[] = "0123456789abcdef";
        hex.push_back(k_digits[c >> 4]);
        hex.push_back(k_digits[c & 0x0f]);
    }
    EXPECT_EQ(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(Amazonec2SigV4, IamListUsersExampleFromTheDocumentation) {
    SignableRequest request;
    request.method = "GET";
    request.path = "/";
    request.query = {{"Action", "ListUsers"}, {"Version", "2010-05-08"}};
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                       {"Host", "iam.amazonaws.com"},
                       {"X-Amz-Date", "20150830T123600Z"}};
    EXPECT_EQ(authorization_header(request, k_example, {"20150830T123600Z", "us-east-1", "iam"}),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
              "SignedHeaders=content-type;host;x-amz-date, "
              "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(Amazonec2SigV4, SessionTokenIsASignedHeader) {
    SignableRequest request = suite_request("POST", "/", {}, {{"X-Amz-Security-Token", "token"}});
    EXPECT_EQ(signed_header_names(request), "host;x-amz-date;x-amz-security-token");
}

TEST(Amazonec2SigV4, EncodingRules) {
    EXPECT_EQ(uri_encode("a b/c+d=e~f"), "a%20b%2Fc%2Bd%3De~f");
    EXPECT_EQ(uri_encode("/a b/c", /*keep_slash=*/true), "/a%20b/c");
    EXPECT_EQ(
        form_encode({{"Action", "CreateSecurityGroup"},
                     {"GroupDescription", "Docker Machine"},
                     {"PublicKeyMaterial", "c3No+/=="}}),
        "Action=CreateSecurityGroup&GroupDescription=Docker+Machine&PublicKeyMaterial=c3No%2B%2F%3D%3D");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(amz_date_now().size(), 16u);
}

}  // namespace
