#pragma once

// The regions docker-machine 0.16.2 knows, with their default AMIs (Ubuntu 16.04), and EC2 endpoints.

#include <optional>
#include <string>
#include <vector>

namespace machine::drivers::amazonec2 {

// The default AMI of a known region ("" for "custom-endpoint"); nullopt for an unknown region.
[[nodiscard]] std::optional<std::string> default_ami(const std::string& region);
[[nodiscard]] std::vector<std::string> known_regions();

// The URL EC2 requests go to: the custom endpoint (a host name gets https://, or http:// when `disable_ssl`),
// else https://ec2.<region>.amazonaws.com (.amazonaws.com.cn in China).
[[nodiscard]] std::string endpoint_url(const std::string& region, const std::string& custom_endpoint,
                                       bool disable_ssl);

struct UrlParts {
    std::string scheme;
    std::string host_port;  // as in the Host header: the port only when the URL has one
    std::string path;       // "/" when empty
};
// Splits "scheme://host[:port][/path]"; throws Error for a URL without scheme or host.
[[nodiscard]] UrlParts split_url(const std::string& url);

}  // namespace machine::drivers::amazonec2
