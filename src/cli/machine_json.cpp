#include "cli/machine_json.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/go_json.hpp"
#include "machine/net.hpp"

namespace machine::cli {
namespace {

using Json = nlohmann::ordered_json;

// RFC 3339 in UTC, as Go's time.Time marshals.
std::string rfc3339(std::chrono::system_clock::time_point when) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

// The host part of the URL, without IPv6 brackets; "" when the URL has none.
std::string ip_of_url(const std::string& url) {
    std::string host;
    std::string port;
    if (!net::split_host_port(net::url_host(url), host, port)) {
        return "";
    }
    return host;
}

Json certificate_json(const std::string& path) {
    Json entry = Json::object();
    entry["Path"] = path;
    std::optional<std::chrono::system_clock::time_point> expiry;
    try {
        expiry = cert::pem_not_after(read_file(path));
    } catch (const Error&) {
    }
    entry["NotAfter"] = expiry ? Json(rfc3339(*expiry)) : Json(nullptr);
    return entry;
}

}  // namespace

std::string ls_item_json(const HostListItem& item) {
    Json line = Json::object();
    line["Name"] = item.name;
    line["Active"] = item.active_host || item.active_swarm;
    line["ActiveSwarm"] = item.active_swarm;
    line["DriverName"] = item.driver_name;
    line["State"] = std::string(state_name(item.state));
    line["URL"] = item.url;
    line["Swarm"] = item.swarm;
    line["DockerVersion"] = item.docker_version;
    line["Error"] = item.error;
    line["ResponseTimeMs"] = item.response_time.count();
    return go_json::marshal(line);
}

std::string inspect_with_live_state(const Host& host, const std::string& config_json,
                                    const HostListItem& item) {
    Json document = Json::parse(config_json);
    Json live = Json::object();
    live["State"] = std::string(state_name(item.state));
    live["URL"] = item.url;
    live["IP"] = ip_of_url(item.url);
    live["DockerVersion"] = item.docker_version;
    live["Error"] = item.error;
    live["Active"] = item.active_host || item.active_swarm;
    const AuthOptions& auth = host.options.auth;
    Json certificates = Json::object();
    certificates["CA"] = certificate_json(auth.ca_cert_path);
    certificates["Client"] = certificate_json(auth.client_cert_path);
    certificates["Server"] = certificate_json(auth.server_cert_path);
    live["Certificates"] = std::move(certificates);
    document["Live"] = std::move(live);
    return go_json::marshal_indent(document);
}

}  // namespace machine::cli
