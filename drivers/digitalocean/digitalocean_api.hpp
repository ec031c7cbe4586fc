#pragma once

// The part of DigitalOcean's API v2 the digitalocean driver uses (as godo did for docker-machine 0.16.2):
// regions, SSH keys, droplets and droplet actions, with "Authorization: Bearer <token>".

#include <string>
#include <string_view>
#include <vector>

#include "drivers/common/http_client.hpp"
#include "machine/error.hpp"

namespace machine::drivers::digitalocean {

inline constexpr std::string_view k_default_api_url = "https://api.digitalocean.com";
// Overrides the API base URL (e.g. "http://127.0.0.1:8080" for a local stand-in of the API).
inline constexpr const char* k_api_url_env = "DIGITALOCEAN_API_URL";

struct SshKey {
    long long id = 0;
    std::string fingerprint;
    std::string name;
    std::string public_key;
};

struct DropletCreateRequest {
    std::string name;
    std::string region;
    std::string size;
    std::string image;  // slug
    std::vector<long long> ssh_key_ids;
    bool backups = false;
    bool ipv6 = false;
    bool private_networking = false;
    bool monitoring = false;
    std::string user_data;          // omitted when empty
    std::vector<std::string> tags;  // null when empty, as godo sends a nil slice
};

struct Droplet {
    long long id = 0;
    std::string name;
    std::string status;       // new, active, off, archive
    std::string public_ipv4;  // the last v4 network of type "public", "" while none is assigned
    std::string private_ipv4;
};

// A non-2xx answer. The message is godo's: "<METHOD> <url>: <status> (request "<id>") <message>"
// (without the request part when the API sent no request id).
class ApiError : public Error {
public:
    ApiError(const std::string& message, long status) : Error(message), m_status(status) {}
    [[nodiscard]] long status() const noexcept { return m_status; }

private:
    long m_status;
};

class Client {
public:
    Client(std::string base_url, std::string token, http::Transport& transport);

    // Slugs of every region, following `links.pages.next`.
    [[nodiscard]] std::vector<std::string> region_slugs();
    [[nodiscard]] SshKey key_by_fingerprint(const std::string& fingerprint);
    [[nodiscard]] SshKey create_key(const std::string& name, const std::string& public_key);
    [[nodiscard]] Droplet create_droplet(const DropletCreateRequest& request);
    [[nodiscard]] Droplet droplet(long long id);
    // power_on, shutdown, reboot, power_off.
    void droplet_action(long long id, std::string_view type);
    void delete_key(long long id);
    void delete_droplet(long long id);

private:
    // Sends the request; throws ApiError for a status outside 200..299 and TransportError without an answer.
    http::Response call(const std::string& method, const std::string& url, const std::string& body);

    std::string m_base_url;
    std::string m_token;
    http::Transport& m_transport;
};

// Pure pieces, exposed for the unit tests.
[[nodiscard]] std::string droplet_create_body(const DropletCreateRequest& request);
[[nodiscard]] Droplet parse_droplet_response(std::string_view body);
[[nodiscard]] SshKey parse_key_response(std::string_view body);
// The region slugs of one page and the absolute URL of the next page ("" on the last one).
[[nodiscard]] std::vector<std::string> parse_regions_page(std::string_view body, std::string& next_url);
[[nodiscard]] std::string api_error_message(const std::string& method, const std::string& url, long status,
                                            std::string_view body);

}  // namespace machine::drivers::digitalocean
