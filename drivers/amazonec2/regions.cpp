#include "drivers/amazonec2/regions.hpp"

#include <array>
#include <utility>

#include "machine/error.hpp"

namespace machine::drivers::amazonec2 {
namespace {

// Ubuntu 16.04 LTS hvm:ebs-ssd (amd64), as shipped in 0.16.2.
constexpr std::array<std::pair<const char*, const char*>, 20> k_regions = {{
    {"ap-northeast-1", "ami-bcb7f6da"}, {"ap-northeast-2", "ami-5073de3e"},
    {"ap-southeast-1", "ami-41e4af3d"}, {"ap-southeast-2", "ami-c1498fa3"},
    {"ap-south-1", "ami-1083dc7f"},     {"ca-central-1", "ami-8d9e19e9"},
    {"cn-north-1", "ami-cc4499a1"},     {"cn-northwest-1", "ami-fd0e1a9f"},
    {"eu-north-1", "ami-017ff17f"},     {"eu-central-1", "ami-bc4925d3"},
    {"eu-west-1", "ami-0b541372"},      {"eu-west-2", "ami-ff46a298"},
    {"eu-west-3", "ami-9465d3e9"},      {"sa-east-1", "ami-b5501bd9"},
    {"us-east-1", "ami-927185ef"},      {"us-east-2", "ami-b9daeddc"},
    {"us-west-1", "ami-264c4646"},      {"us-west-2", "ami-78a22900"},
    {"us-gov-west-1", "ami-2561ea44"},  {"custom-endpoint", ""},
}};

}  // namespace

std::optional<std::string> default_ami(const std::string& region) {
    for (const auto& [name, ami] : k_regions) {
        if (region == name) {
            return std::string(ami);
        }
    }
    return std::nullopt;
}

std::vector<std::string> known_regions() {
    std::vector<std::string> names;
    for (const auto& entry : k_regions) {
        names.emplace_back(entry.first);
    }
    return names;
}

std::string endpoint_url(const std::string& region, const std::string& custom_endpoint, bool disable_ssl) {
    if (!custom_endpoint.empty()) {
        if (custom_endpoint.find("://") != std::string::npos) {
            return custom_endpoint;
        }
        return (disable_ssl ? "http://" : "https://") + custom_endpoint;
    }
    std::string suffix = region.rfind("cn-", 0) == 0 ? ".amazonaws.com.cn" : ".amazonaws.com";
    return "https://ec2." + region + suffix;
}

UrlParts split_url(const std::string& url) {
    size_t scheme_end = url.find("://");
    if (scheme_end == std::string::npos || scheme_end == 0) {
        throw Error("invalid endpoint URL " + url);
    }
    UrlParts parts;
    parts.scheme = url.substr(0, scheme_end);
    std::string rest = url.substr(scheme_end + 3);
    size_t slash = rest.find_first_of("/?#");
    parts.host_port = rest.substr(0, slash);
    std::string path = slash == std::string::npos ? "" : rest.substr(slash);
    path = path.substr(0, path.find_first_of("?#"));
    parts.path = path.empty() ? "/" : path;
    if (size_t at = parts.host_port.rfind('@'); at != std::string::npos) {
        parts.host_port = parts.host_port.substr(at + 1);  // never sign user info
    }
    if (parts.host_port.empty()) {
        throw Error("invalid endpoint URL " + url);
    }
    return parts;
}

}  // namespace machine::drivers::amazonec2
