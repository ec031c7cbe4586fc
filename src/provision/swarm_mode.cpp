// Swarm mode over the Docker Engine API (machine/swarm.hpp). API v1.24 is the first with swarm mode; every
// daemon since Docker 1.12 answers it.

#include "provision/swarm_mode.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

#include "machine/connection.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/net.hpp"
#include "machine/store.hpp"

namespace machine::swarm {
namespace {

using Json = nlohmann::json;
namespace http = drivers::http;

constexpr std::string_view k_machine_scheme = "machine://";
constexpr std::string_view k_tcp_scheme = "tcp://";
constexpr std::chrono::seconds k_query_timeout{30};
// A join returns once the node has its certificate from the managers; leaving drains local tasks.
constexpr std::chrono::seconds k_membership_timeout{120};

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

Json parse_object(const std::string& text, const std::string& what) {
    Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object()) {
        throw Error("unexpected answer to " + what + ": " + text.substr(0, 200));
    }
    return parsed;
}

std::string string_at(const Json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::string with_swarm_port(const std::string& host) {
    return net::join_host_port(host, std::to_string(k_swarm_port));
}

// The address other nodes reach this node's swarm at: --swarm-addr when given, else the machine's IP.
std::string advertise_address(Host& host) {
    return host.options.swarm.address.empty() ? host.driver->ip() : host.options.swarm.address;
}

EngineApi engine_of(Host& host, http::Transport& transport) {
    return EngineApi(host.driver->url(), tls_client_files(host), transport);
}

// The manager a leaving node reports to: the machine its discovery names, unless that is the node itself.
std::optional<Manager> manager_for_leave(Host& host, const Store& store, http::Transport& transport) {
    const std::string& discovery = host.options.swarm.discovery;
    const std::string name = discovery_machine(discovery);
    if (name == host.name || (name.empty() && !starts_with(discovery, k_tcp_scheme))) {
        return std::nullopt;
    }
    return reach_manager(store, discovery, tls_client_files(host), transport);
}

// The ID of the one node whose hostname is `hostname`, or "" when there is none or more than one.
std::string node_id_by_hostname(const EngineApi& manager, const std::string& hostname) {
    Json nodes = Json::parse(manager.get("/nodes"), nullptr, /*allow_exceptions=*/false);
    std::string found;
    if (!nodes.is_array()) {
        return found;
    }
    for (const Json& node : nodes) {
        auto description = node.find("Description");
        if (node.is_object() && description != node.end() && description->is_object() &&
            string_at(*description, "Hostname") == hostname) {
            if (!found.empty()) {
                return "";  // ambiguous: leave it to the user
            }
            found = string_at(node, "ID");
        }
    }
    return found;
}

}  // namespace

EngineApi::EngineApi(std::string engine_url, cert::TlsClientFiles tls, http::Transport& transport)
    : m_engine_url(std::move(engine_url)), m_tls(std::move(tls)), m_transport(transport) {
    const std::string host_port = net::url_host(m_engine_url);
    if (host_port.empty()) {
        throw Error("Error parsing URL: parse " + m_engine_url + ": missing protocol scheme");
    }
    m_base = "https://" + host_port + "/v1.24";
}

std::string EngineApi::call(const std::string& method, const std::string& path,
                            const std::string& body) const {
    http::Request request;
    request.method = method;
    request.url = m_base + path;
    request.body = body;
    if (!body.empty()) {
        request.headers.push_back({"Content-Type", "application/json"});
    }
    const bool membership_change = path.rfind("/swarm/", 0) == 0;
    request.timeout = membership_change ? k_membership_timeout : k_query_timeout;
    request.tls_ca_file = m_tls.ca_cert;
    request.tls_cert_file = m_tls.client_cert;
    request.tls_key_file = m_tls.client_key;
    http::Response response = m_transport.send(request);
    if (response.status >= 400) {
        Json error = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
        std::string message = error.is_object() ? string_at(error, "message") : std::string();
        if (message.empty()) {
            message = "HTTP " + std::to_string(response.status) + ": " + response.body;
        }
        throw Error(message);
    }
    return response.body;
}

std::string EngineApi::get(const std::string& path) const {
    return call("GET", path, "");
}

std::string EngineApi::post(const std::string& path, const std::string& json_body) const {
    return call("POST", path, json_body);
}

void EngineApi::remove(const std::string& path) const {
    (void)call("DELETE", path, "");
}

bool uses_swarm_mode(const SwarmOptions& swarm) {
    return swarm.is_swarm && swarm.swarm_mode;
}

std::string discovery_machine(const std::string& discovery) {
    return starts_with(discovery, k_machine_scheme) ? discovery.substr(k_machine_scheme.size())
                                                    : std::string();
}

bool is_manager_discovery(const std::string& discovery) {
    if (starts_with(discovery, k_machine_scheme)) {
        return !discovery_machine(discovery).empty();
    }
    return starts_with(discovery, k_tcp_scheme) && !net::url_host(discovery).empty();
}

bool initialises_swarm(const SwarmOptions& swarm, const std::string& machine_name) {
    return swarm.master && (swarm.discovery.empty() || discovery_machine(swarm.discovery) == machine_name);
}

NodeSwarmState node_swarm_state(const EngineApi& engine) {
    Json info = parse_object(engine.get("/info"), "GET /info");
    NodeSwarmState state;
    auto swarm = info.find("Swarm");
    if (swarm == info.end() || !swarm->is_object()) {
        throw Error("the Docker daemon at " + engine.engine_url() + " does not support swarm mode");
    }
    state.node_id = string_at(*swarm, "NodeID");
    state.local_state = string_at(*swarm, "LocalNodeState");
    auto control = swarm->find("ControlAvailable");
    state.is_manager = control != swarm->end() && control->is_boolean() && control->get<bool>();
    // RemoteManagers lists every manager with its swarm address; this node's own entry is its address.
    auto managers = swarm->find("RemoteManagers");
    if (managers != swarm->end() && managers->is_array()) {
        for (const Json& manager : *managers) {
            if (manager.is_object() && string_at(manager, "NodeID") == state.node_id) {
                state.manager_address = string_at(manager, "Addr");
            }
        }
    }
    if (state.manager_address.empty() && state.is_manager) {
        const std::string node_address = string_at(*swarm, "NodeAddr");
        if (!node_address.empty()) {
            state.manager_address = with_swarm_port(node_address);
        }
    }
    return state;
}

Manager reach_manager(const Store& store, const std::string& discovery, const cert::TlsClientFiles& tls,
                      http::Transport& transport) {
    if (!is_manager_discovery(discovery)) {
        throw Error(
            "Swarm mode joins the swarm of a manager given as machine://NAME or tcp://HOST:PORT, not " +
            go_quote(discovery) +
            " (use --swarm-standalone for the standalone Swarm containers of a discovery service)");
    }
    Manager manager;
    const std::string name = discovery_machine(discovery);
    if (!name.empty()) {
        manager.label = go_quote(name);
        if (!store.exists(name)) {
            throw Error("swarm manager " + manager.label + " does not exist (--swarm-discovery " + discovery +
                        ")");
        }
        std::unique_ptr<Host> host = store.load(name);
        try {
            manager.engine_url = host->driver->url();
        } catch (const Error& error) {
            throw Error("swarm manager " + manager.label + " cannot be reached: " + error.what());
        }
        manager.tls = tls_client_files(*host);
    } else {
        manager.label = discovery;
        manager.engine_url = discovery;
        manager.tls = tls;
    }

    EngineApi engine(manager.engine_url, manager.tls, transport);
    NodeSwarmState state;
    try {
        state = node_swarm_state(engine);
    } catch (const http::TransportError& error) {
        throw Error("swarm manager " + manager.label + " cannot be reached: " + error.what());
    } catch (const Error& error) {
        throw Error("swarm manager " + manager.label + ": " + error.what());
    }
    if (state.local_state != "active") {
        throw Error(manager.label + " is not part of a swarm (swarm state: " +
                    (state.local_state.empty() ? "unknown" : state.local_state) + ")");
    }
    if (!state.is_manager || state.manager_address.empty()) {
        throw Error(manager.label + " is not a swarm manager");
    }
    manager.swarm_address = state.manager_address;
    return manager;
}

Manager find_manager(const Store& store, const std::string& discovery, const cert::TlsClientFiles& tls,
                     http::Transport& transport) {
    Manager manager = reach_manager(store, discovery, tls, transport);
    const EngineApi engine(manager.engine_url, manager.tls, transport);
    Json swarm = parse_object(engine.get("/swarm"), "GET /swarm");
    auto tokens = swarm.find("JoinTokens");
    if (tokens == swarm.end() || !tokens->is_object()) {
        throw Error("swarm manager " + manager.label + " gave no join tokens");
    }
    manager.worker_token = string_at(*tokens, "Worker");
    manager.manager_token = string_at(*tokens, "Manager");
    return manager;
}

Manager find_manager(const Store& store, const std::string& discovery, const cert::TlsClientFiles& tls) {
    return find_manager(store, discovery, tls, http::default_transport());
}

std::string init_body(const std::string& advertise) {
    Json body = Json::object();
    body["ListenAddr"] = "0.0.0.0:" + std::to_string(k_swarm_port);
    body["AdvertiseAddr"] = advertise;
    return body.dump();
}

std::string join_body(const std::string& advertise, const std::string& remote_address,
                      const std::string& token) {
    Json body = Json::object();
    body["ListenAddr"] = "0.0.0.0:" + std::to_string(k_swarm_port);
    body["AdvertiseAddr"] = advertise;
    body["RemoteAddrs"] = Json::array({remote_address});
    body["JoinToken"] = token;
    return body.dump();
}

void configure(Host& host) {
    http::Transport& transport = http::default_transport();
    const EngineApi engine = engine_of(host, transport);
    const NodeSwarmState state = node_swarm_state(engine);
    if (state.local_state == "active" || state.local_state == "pending" || state.local_state == "locked") {
        log::info("Already part of a swarm (" + state.local_state + ")");
        return;
    }
    const std::string advertise = advertise_address(host);
    const SwarmOptions& options = host.options.swarm;
    if (initialises_swarm(options, host.name)) {
        try {
            (void)engine.post("/swarm/init", init_body(advertise));
        } catch (const Error& error) {
            throw Error(std::string("swarm init failed: ") + error.what());
        }
        return;
    }
    const Store store(host.driver->base().store_path);
    const Manager manager = find_manager(store, options.discovery, tls_client_files(host), transport);
    const std::string& token = options.master ? manager.manager_token : manager.worker_token;
    try {
        (void)engine.post("/swarm/join", join_body(advertise, manager.swarm_address, token));
    } catch (const Error& error) {
        throw Error("joining the swarm of " + manager.label + " (" + manager.swarm_address +
                    ") failed: " + error.what());
    }
}

std::vector<std::string> leave(Host& host) {
    std::vector<std::string> warnings;
    if (!uses_swarm_mode(host.options.swarm)) {
        return warnings;
    }
    http::Transport& transport = http::default_transport();
    std::string node_id;
    try {
        const EngineApi engine = engine_of(host, transport);
        const NodeSwarmState state = node_swarm_state(engine);
        if (state.local_state == "inactive") {
            return warnings;
        }
        node_id = state.node_id;
        log::info("Leaving the swarm...");
        // A manager only leaves when forced (the swarm may lose its quorum, which removing it does anyway).
        (void)engine.post(state.is_manager ? "/swarm/leave?force=1" : "/swarm/leave", "");
    } catch (const Error& error) {
        warnings.push_back("Could not leave the swarm: " + std::string(error.what()));
    }
    try {
        const Store store(host.driver->base().store_path);
        std::optional<Manager> manager = manager_for_leave(host, store, transport);
        if (!manager) {
            return warnings;
        }
        const EngineApi manager_engine(manager->engine_url, manager->tls, transport);
        if (node_id.empty()) {
            // The node did not answer: its manager still knows it by the hostname provisioning gave it.
            node_id = node_id_by_hostname(manager_engine, host.name);
            if (node_id.empty()) {
                return warnings;
            }
        }
        manager_engine.remove("/nodes/" + http::escape(node_id) + "?force=1");
    } catch (const Error& error) {
        warnings.push_back("Could not remove the node from its swarm manager: " + std::string(error.what()));
    }
    return warnings;
}

}  // namespace machine::swarm
