#pragma once

// Docker CLI contexts for machines (issue 11): the files `docker context create` would write, so that
// `docker --context NAME` and `docker context use NAME` reach the machine over TLS. Layout of the Docker
// CLI's context store (docker/cli, cli/context/store): <config dir>/contexts/meta/<sha256(name)>/meta.json
// and <config dir>/contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem.
//
// Contexts written here carry "DockerMachineStore" (the storage path) in their metadata; only such contexts
// are replaced or removed, never one the user made with `docker context create`.

#include <string>

namespace machine::docker_context {

// $DOCKER_CONFIG, else $HOME/.docker (the Docker CLI's rule).
[[nodiscard]] std::string docker_config_dir();

// Docker's context-name rule: ^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$ (so at least two characters).
[[nodiscard]] bool is_valid_context_name(const std::string& name);

struct ContextSpec {
    std::string name;
    std::string docker_host;  // tcp://host:port
    std::string description;
    std::string machine_store;  // storage path of the machine, the ownership marker
    std::string ca_pem;
    std::string cert_pem;
    std::string key_pem;
};

// Writes (or replaces, if it is one of ours for the same store) the context. Throws Error when a context of
// that name exists and was not made by docker-machine for this store, or when the files can't be written.
void write_context(const std::string& config_dir, const ContextSpec& spec);

enum class RemoveOutcome { Removed, NotFound, NotOurs };
// Removes the context if docker-machine made it for `machine_store`; when config.json's currentContext names
// it, that key is removed too (the Docker CLI fails on a current context that does not exist).
[[nodiscard]] RemoveOutcome remove_context(const std::string& config_dir, const std::string& name,
                                           const std::string& machine_store);

// True when a context of that name exists and docker-machine wrote it for `machine_store`.
[[nodiscard]] bool is_ours(const std::string& config_dir, const std::string& name,
                           const std::string& machine_store);

// The directory of a context's meta.json (for tests and messages).
[[nodiscard]] std::string meta_dir(const std::string& config_dir, const std::string& name);

}  // namespace machine::docker_context
