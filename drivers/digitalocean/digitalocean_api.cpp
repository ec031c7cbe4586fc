// The only translation unit of the digitalocean driver that sees JSON.

#include "drivers/digitalocean/digitalocean_api.hpp"

#include <nlohmann/json.hpp>

namespace machine::drivers::digitalocean {
namespace {

using Json = nlohmann::json;

Json parse_json(std::string_view body, std::string_view what) {
    Json json = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
        throw Error("digitalocean: cannot parse the " + std::string(what) + " response");
    }
    return json;
}

std::string string_of(const Json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

long long integer_of(const Json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

SshKey key_from(const Json& key) {
    return {integer_of(key, "id"), string_of(key, "fingerprint"), string_of(key, "name"),
            string_of(key, "public_key")};
}

}  // namespace

std::string droplet_create_body(const DropletCreateRequest& request) {
    // Keys in godo's DropletCreateRequest order.
    nlohmann::ordered_json body = nlohmann::ordered_json::object();
    body["name"] = request.name;
    body["region"] = request.region;
    body["size"] = request.size;
    body["image"] = request.image;
    body["ssh_keys"] = request.ssh_key_ids;
    body["backups"] = request.backups;
    body["ipv6"] = request.ipv6;
    body["private_networking"] = request.private_networking;
    body["monitoring"] = request.monitoring;
    if (!request.user_data.empty()) {
        body["user_data"] = request.user_data;
    }
    body["tags"] =
        request.tags.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(request.tags);
    return body.dump();
}

Droplet parse_droplet_response(std::string_view body) {
    Json json = parse_json(body, "droplet");
    auto it = json.find("droplet");
    if (it == json.end() || !it->is_object()) {
        throw Error("digitalocean: the droplet response has no droplet");
    }
    const Json& droplet = *it;
    Droplet out;
    out.id = integer_of(droplet, "id");
    out.name = string_of(droplet, "name");
    out.status = string_of(droplet, "status");
    auto networks = droplet.find("networks");
    if (networks != droplet.end() && networks->is_object()) {
        auto v4 = networks->find("v4");
        if (v4 != networks->end() && v4->is_array()) {
            for (const auto& network : *v4) {
                if (!network.is_object()) {
                    continue;
                }
                std::string type = string_of(network, "type");
                if (type == "public") {
                    out.public_ipv4 = string_of(network, "ip_address");
                } else if (type == "private") {
                    out.private_ipv4 = string_of(network, "ip_address");
                }
            }
        }
    }
    return out;
}

SshKey parse_key_response(std::string_view body) {
    Json json = parse_json(body, "SSH key");
    auto it = json.find("ssh_key");
    if (it == json.end() || !it->is_object()) {
        throw Error("digitalocean: the SSH key response has no ssh_key");
    }
    return key_from(*it);
}

std::vector<std::string> parse_regions_page(std::string_view body, std::string& next_url) {
    Json json = parse_json(body, "regions");
    std::vector<std::string> slugs;
    auto regions = json.find("regions");
    if (regions != json.end() && regions->is_array()) {
        for (const auto& region : *regions) {
            if (region.is_object()) {
                slugs.push_back(string_of(region, "slug"));
            }
        }
    }
    next_url.clear();
    auto links = json.find("links");
    if (links != json.end() && links->is_object()) {
        auto pages = links->find("pages");
        if (pages != links->end() && pages->is_object()) {
            next_url = string_of(*pages, "next");
        }
    }
    return slugs;
}

std::string api_error_message(const std::string& method, const std::string& url, long status,
                              std::string_view body) {
    Json json = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    std::string message;
    std::string request_id;
    if (!json.is_discarded() && json.is_object()) {
        message = string_of(json, "message");
        request_id = string_of(json, "request_id");
    }
    std::string text = method + " " + url + ": " + std::to_string(status);
    if (!request_id.empty()) {
        text += " (request " + Json(request_id).dump() + ")";
    }
    return text + " " + message;
}

Client::Client(std::string base_url, std::string token, http::Transport& transport)
    : m_base_url(http::trim_base_url(base_url)), m_token(std::move(token)), m_transport(transport) {}

http::Response Client::call(const std::string& method, const std::string& url, const std::string& body) {
    http::Request request;
    request.method = method;
    request.url = url;
    request.body = body;
    request.headers = {{"Authorization", "Bearer " + m_token}, {"Accept", "application/json"}};
    if (!body.empty()) {
        request.headers.push_back({"Content-Type", "application/json"});
    }
    http::Response response = m_transport.send(request);
    if (response.status < 200 || response.status > 299) {
        throw ApiError(api_error_message(method, url, response.status, response.body), response.status);
    }
    return response;
}

std::vector<std::string> Client::region_slugs() {
    std::vector<std::string> slugs;
    std::string url = m_base_url + "/v2/regions";
    // A bound on pages, in case an API keeps answering with a "next" link.
    for (int page = 0; page < 100 && !url.empty(); ++page) {
        std::string next;
        auto page_slugs = parse_regions_page(call("GET", url, "").body, next);
        slugs.insert(slugs.end(), page_slugs.begin(), page_slugs.end());
        url = next;
    }
    return slugs;
}

SshKey Client::key_by_fingerprint(const std::string& fingerprint) {
    return parse_key_response(
        call("GET", m_base_url + "/v2/account/keys/" + http::escape_path_segment(fingerprint), "").body);
}

SshKey Client::create_key(const std::string& name, const std::string& public_key) {
    nlohmann::ordered_json body = {{"name", name}, {"public_key", public_key}};
    return parse_key_response(call("POST", m_base_url + "/v2/account/keys", body.dump()).body);
}

Droplet Client::create_droplet(const DropletCreateRequest& request) {
    return parse_droplet_response(
        call("POST", m_base_url + "/v2/droplets", droplet_create_body(request)).body);
}

Droplet Client::droplet(long long id) {
    return parse_droplet_response(call("GET", m_base_url + "/v2/droplets/" + std::to_string(id), "").body);
}

void Client::droplet_action(long long id, std::string_view type) {
    Json body = {{"type", type}};
    (void)call("POST", m_base_url + "/v2/droplets/" + std::to_string(id) + "/actions", body.dump());
}

void Client::delete_key(long long id) {
    (void)call("DELETE", m_base_url + "/v2/account/keys/" + std::to_string(id), "");
}

void Client::delete_droplet(long long id) {
    (void)call("DELETE", m_base_url + "/v2/droplets/" + std::to_string(id), "");
}

}  // namespace machine::drivers::digitalocean
