#include "machine/machine_ssh.hpp"

#include <map>
#include <memory>
#include <mutex>

#include "machine/go_path.hpp"

namespace machine {
namespace {

std::mutex g_clients_mutex;
bool g_native_ssh = false;
std::map<const Driver*, std::unique_ptr<ssh::Client>>& clients() {
    static std::map<const Driver*, std::unique_ptr<ssh::Client>> instance;
    return instance;
}

}  // namespace

void set_native_ssh(bool native) {
    std::lock_guard lock(g_clients_mutex);
    g_native_ssh = native;
}

ssh::ClientKind ssh_client_kind() {
    std::lock_guard lock(g_clients_mutex);
    return ssh::choose_client_kind(g_native_ssh);
}

ssh::Endpoint ssh_endpoint(Driver& driver) {
    ssh::Endpoint endpoint;
    endpoint.host = driver.ssh_hostname();
    endpoint.port = driver.ssh_port();
    endpoint.user = driver.ssh_username();
    endpoint.key_path = driver.ssh_key_path();
    const BaseDriverState& base = driver.base();
    endpoint.known_hosts_path =
        go_path::join({base.store_path, "machines", base.machine_name, "known_hosts"});
    return endpoint;
}

ssh::Client& ssh_client(Driver& driver) {
    ssh::ClientKind kind = ssh_client_kind();
    ssh::Endpoint endpoint = ssh_endpoint(driver);
    std::lock_guard lock(g_clients_mutex);
    auto& slot = clients()[&driver];
    if (!slot) {
        slot = ssh::make_client(endpoint, kind);
    }
    return *slot;
}

void forget_ssh_client(Driver& driver) {
    std::unique_ptr<ssh::Client> dropped;
    {
        std::lock_guard lock(g_clients_mutex);
        auto found = clients().find(&driver);
        if (found != clients().end()) {
            dropped = std::move(found->second);
            clients().erase(found);
        }
    }
    // Closed outside the lock: closing an external ControlMaster runs `ssh -O exit`.
}

void close_ssh_clients() {
    std::map<const Driver*, std::unique_ptr<ssh::Client>> closing;
    {
        std::lock_guard lock(g_clients_mutex);
        closing.swap(clients());
    }
}

std::string run_ssh_command(Driver& driver, const std::string& command) {
    return ssh_client(driver).run_checked(command);
}

}  // namespace machine
