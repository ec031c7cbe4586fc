#pragma once

// The parts of machine/swarm.hpp that take the HTTP transport explicitly, so that unit tests can script the
// Engine's answers.

#include <string>

#include "drivers/common/http_client.hpp"
#include "machine/swarm.hpp"

namespace machine::swarm {

// The Docker Engine API of one daemon, over mutual TLS.
class EngineApi {
public:
    EngineApi(std::string engine_url, cert::TlsClientFiles tls, drivers::http::Transport& transport);

    // The JSON text of a successful answer. Throws Error: the transport's text for no answer, the Engine's
    // "message" (or the status and body) for an HTTP error.
    std::string get(const std::string& path) const;
    std::string post(const std::string& path, const std::string& json_body) const;
    void remove(const std::string& path) const;

    [[nodiscard]] const std::string& engine_url() const { return m_engine_url; }

private:
    std::string call(const std::string& method, const std::string& path, const std::string& body) const;

    std::string m_engine_url;
    std::string m_base;  // https://host:port/v1.24
    cert::TlsClientFiles m_tls;
    drivers::http::Transport& m_transport;
};

// What GET /info says about the node's swarm membership.
struct NodeSwarmState {
    std::string node_id;
    std::string local_state;      // "inactive", "pending", "active", "error", "locked"
    bool is_manager = false;      // ControlAvailable
    std::string manager_address;  // this node's own manager address (host:2377) when it is one
};
[[nodiscard]] NodeSwarmState node_swarm_state(const EngineApi& engine);

// find_manager without the join tokens (GET /swarm): enough to tell a manager that a node left.
[[nodiscard]] Manager reach_manager(const Store& store, const std::string& discovery,
                                    const cert::TlsClientFiles& tls, drivers::http::Transport& transport);

[[nodiscard]] Manager find_manager(const Store& store, const std::string& discovery,
                                   const cert::TlsClientFiles& tls, drivers::http::Transport& transport);

// Bodies of POST /swarm/init and /swarm/join.
[[nodiscard]] std::string init_body(const std::string& advertise_address);
[[nodiscard]] std::string join_body(const std::string& advertise_address, const std::string& remote_address,
                                    const std::string& token);

}  // namespace machine::swarm
