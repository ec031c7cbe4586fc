#pragma once

#include <memory>
#include <string>
#include <vector>

#include "machine/driver.hpp"

namespace machine {

// HostOptions of config.json (store.md §4.2-4.5). Field order here is the order written to disk.
struct EngineOptions {
    std::vector<std::string> arbitrary_flags;
    std::vector<std::string> env;
    std::vector<std::string> insecure_registry;
    std::vector<std::string> labels;
    std::string storage_driver;
    bool tls_verify = true;
    std::vector<std::string> registry_mirror;
    std::string install_url = "https://get.docker.com";
};

struct SwarmOptions {
    bool is_swarm = false;
    std::string address;
    std::string discovery;
    bool agent = false;
    bool master = false;
    std::string host = "tcp://0.0.0.0:3376";
    std::string image = "swarm:latest";
    std::string strategy = "spread";
    long long heartbeat = 0;
    double overcommit = 0;
    std::vector<std::string> arbitrary_flags;
    std::vector<std::string> arbitrary_join_flags;
    bool is_experimental = false;
    // Ours, stored as "SwarmMode" only when true: the node runs swarm mode (docker swarm init/join) rather
    // than upstream's standalone Swarm containers. Machines written by upstream lack it: standalone.
    bool swarm_mode = false;
};

struct AuthOptions {
    std::string cert_dir;
    std::string ca_cert_path;
    std::string ca_private_key_path;
    std::string ca_cert_remote_path;
    std::string server_cert_path;
    std::string server_key_path;
    std::string client_key_path;
    std::string server_cert_remote_path;
    std::string server_key_remote_path;
    std::string client_cert_path;
    std::vector<std::string> server_cert_sans;
    std::string store_path;  // the machine directory
};

struct HostOptions {
    EngineOptions engine;
    SwarmOptions swarm;
    AuthOptions auth;
};

// One machine: its name (always the directory name), its driver and the options it was created with.
struct Host {
    static constexpr int k_config_version = 3;

    std::string name;
    std::string driver_name;
    std::unique_ptr<Driver> driver;
    HostOptions options;
    // The v3 config document this host was loaded from (after migration), "" for a new host. Saving
    // overlays the current values onto it so that key order, null-vs-[] and keys we do not model survive.
    std::string loaded_config_json;
};

// Hostname rule of `create` (^[a-zA-Z0-9][a-zA-Z0-9\-\.]*$).
[[nodiscard]] bool is_valid_machine_name(std::string_view name);

}  // namespace machine
