#include "drivers/generic/generic_driver.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/machine_ssh.hpp"
#include "machine/net.hpp"

namespace machine::drivers {
namespace {

FlagSpec string_flag(const char* name, const char* usage, const char* env, const char* default_value) {
    FlagSpec flag;
    flag.kind = FlagSpec::Kind::String;
    flag.name = name;
    flag.usage = usage;
    flag.env_var = env;
    flag.default_string = default_value;
    return flag;
}

FlagSpec int_flag(const char* name, const char* usage, const char* env, long long default_value) {
    FlagSpec flag;
    flag.kind = FlagSpec::Kind::Int;
    flag.name = name;
    flag.usage = usage;
    flag.env_var = env;
    flag.default_int = default_value;
    return flag;
}

constexpr auto k_state_probe_timeout = std::chrono::seconds(15);
constexpr auto k_reboot_start_timeout = std::chrono::seconds(30);

}  // namespace

GenericDriver::GenericDriver(std::string machine_name, std::string store_path)
    : Driver(std::move(machine_name), std::move(store_path)) {
    m_base.ssh_user = "root";
    m_base.ssh_port = 22;
}

std::unique_ptr<Driver> GenericDriver::make(const std::string& machine_name, const std::string& store_path) {
    return std::make_unique<GenericDriver>(machine_name, store_path);
}

std::vector<FlagSpec> GenericDriver::create_flags() const {
    return {
        int_flag("generic-engine-port", "Docker engine port", "GENERIC_ENGINE_PORT", 2376),
        string_flag("generic-ip-address", "IP Address of machine", "GENERIC_IP_ADDRESS", ""),
        string_flag("generic-ssh-key", "SSH private key path (if not provided, default SSH key will be used)",
                    "GENERIC_SSH_KEY", ""),
        string_flag("generic-ssh-user", "SSH user", "GENERIC_SSH_USER", "root"),
        int_flag("generic-ssh-port", "SSH port", "GENERIC_SSH_PORT", 22),
    };
}

void GenericDriver::set_config_from_flags(const FlagValues& flags) {
    m_engine_port = static_cast<int>(flags.integer("generic-engine-port"));
    m_base.ip_address = flags.string("generic-ip-address");
    m_base.ssh_user = flags.string("generic-ssh-user");
    m_ssh_key = flags.string("generic-ssh-key");
    m_base.ssh_port = static_cast<int>(flags.integer("generic-ssh-port"));
    if (m_base.ip_address.empty()) {
        throw Error("generic driver requires the --generic-ip-address option");
    }
}

void GenericDriver::pre_create_check() {
    struct stat info {};
    if (!m_ssh_key.empty() && ::stat(m_ssh_key.c_str(), &info) != 0) {
        throw Error("SSH key does not exist: " + go_quote(m_ssh_key));
    }
}

void GenericDriver::create() {
    if (m_ssh_key.empty()) {
        log::info("(" + m_base.machine_name +
                  ") No SSH key specified. Assuming an existing key at the default location.");
        return;
    }
    log::info("(" + m_base.machine_name + ") Importing SSH key...");
    std::string copy = resolve_store_path(go_path::base(m_ssh_key));
    try {
        write_file_atomic(copy, read_file(m_ssh_key), 0600);
    } catch (const Error& error) {
        throw Error(std::string("unable to copy ssh key: ") + error.what());
    }
    m_base.ssh_key_path = copy;
    try {
        write_file_atomic(copy + ".pub", read_file(m_ssh_key + ".pub"), 0600);
    } catch (const Error& error) {
        log::info("(" + m_base.machine_name + ") Couldn't copy SSH public key : " + error.what());
    }
}

State GenericDriver::state() {
    std::string host = m_base.ip_address;
    return net::tcp_reachable(host, ssh_port(), k_state_probe_timeout) ? State::Running : State::Stopped;
}

std::string GenericDriver::url() {
    if (state() != State::Running) {
        throw Error("Host is not running");
    }
    return "tcp://" + net::join_host_port(ip(), std::to_string(m_engine_port));
}

void GenericDriver::start() {
    throw NotSupported("generic driver does not support start");
}
void GenericDriver::stop() {
    throw NotSupported("generic driver does not support stop");
}
void GenericDriver::kill() {
    throw NotSupported("generic driver does not support kill");
}

void GenericDriver::restart() {
    run_ssh_command(*this, "sudo shutdown -r now");
    // The connection dies with the host; the next command opens a new one.
    forget_ssh_client(*this);
    // Upstream then waits for "Running", which a host that has not gone down yet still reports: the checks
    // that follow could run just before the reboot. Wait (bounded) for the SSH port to close first.
    auto deadline = std::chrono::steady_clock::now() + k_reboot_start_timeout;
    while (std::chrono::steady_clock::now() < deadline &&
           net::tcp_reachable(m_base.ip_address, ssh_port(), std::chrono::milliseconds(500))) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

std::vector<StateField> GenericDriver::state_fields() {
    auto fields = base_state_fields();
    fields.push_back({"EnginePort", &m_engine_port});
    fields.push_back({"SSHKey", &m_ssh_key});
    return fields;
}

}  // namespace machine::drivers
